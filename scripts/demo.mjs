// `npm run demo`: runs the traps demo guest (examples/traps-demo) on Ringside's CLI with --stats.
// The guest's console streams to stdout; the statistics (instructions, traps by cause, privilege
// changes, speed) follow on stderr. Exits with the guest's exit code. Needs `npm run build` first
// (npm run demo does that); the guest ELF is committed, so no RISC-V toolchain is needed.
import { spawn } from 'node:child_process';
import console from 'node:console';
import { existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'dist', 'cli.js');
const elf = join(root, 'examples', 'traps-demo', 'traps-demo.elf');

for (const [file, hint] of [[cli, 'run `npm run build` first (or use `npm run demo`)'], [elf, 'it is committed; rebuild it with examples/build.sh']]) {
  if (!existsSync(file)) {
    console.error(`demo: ${relative(root, file)} is missing: ${hint}`);
    process.exit(1);
  }
}

const args = [relative(root, cli), 'run', '--stats', relative(root, elf)];
console.log(`$ node ${args.join(' ')}\n`);
const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'inherit', 'pipe'] });

// Let the guest's console finish before the statistics, and set them apart from it.
let stats = '';
child.stderr.on('data', (chunk) => { stats += chunk; });
child.on('error', (e) => {
  console.error(`demo: cannot start node: ${e.message}`);
  process.exit(1);
});
child.on('close', (code, signal) => {
  if (stats) process.stderr.write(`\n--- Ringside statistics ---\n${stats}`);
  if (signal) {
    console.error(`demo: the emulator was killed by ${signal}`);
    process.exit(1);
  }
  process.exitCode = code ?? 1;
});
