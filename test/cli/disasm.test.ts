// `ringside disasm` against `objdump -d` (binutils-riscv64-unknown-elf 2.40) on gcc-built and assembled programs:
// the whole listing, headers, addresses, bytes, text and `<symbol+offset>` names, must be identical.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT, buildCCached, requireTool, runCli, tempDir } from '../support/toolchain';
import { FIXTURES, buildFixture } from '../differential/harness';

const OBJDUMP = 'riscv64-unknown-elf-objdump';

function objdump(elf: string, aliases: boolean): string {
  requireTool(OBJDUMP);
  const r = spawnSync(OBJDUMP, ['-d', ...(aliases ? [] : ['-M', 'no-aliases']), elf], { cwd: REPO_ROOT, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.error || r.status !== 0) throw new Error(`${OBJDUMP} failed: ${r.error?.message ?? r.stderr}`);
  return r.stdout;
}

/** The first differing line of two listings, for a readable failure. */
function firstDifference(want: string, got: string): string {
  const a = want.split('\n'), b = got.split('\n');
  const i = a.findIndex((line, k) => line !== b[k]);
  const k = i < 0 ? a.length : i;
  return `line ${k + 1}:\n  objdump:  ${JSON.stringify(a[k])}\n  ringside: ${JSON.stringify(b[k])}`;
}

function assertSameListing(elf: string): number {
  let lines = 0;
  for (const aliases of [true, false]) {
    const r = runCli(['disasm', ...(aliases ? [] : ['--no-aliases']), elf]);
    assert.equal(r.exitCode, 0, r.stderr);
    assert.equal(r.stderr, '');
    const want = objdump(elf, aliases);
    assert.ok(r.stdout === want, `${path.basename(elf)}${aliases ? '' : ' --no-aliases'} differs from objdump at ${firstDifference(want, r.stdout)}`);
    lines += want.split('\n').filter((l) => /^\s+[0-9a-f]+:\t/.test(l)).length;
  }
  return lines;
}

describe('ringside disasm lists an ELF exactly as objdump -d does', function () {
  this.timeout(300_000);
  const dir = tempDir('ringside-disasm-cli-');
  after(() => { fs.rmSync(dir, { recursive: true, force: true }); });

  it('the committed examples (gcc -O2, rv64imac): hello-c and traps-demo', () => {
    for (const elf of ['examples/hello-c/hello.elf', 'examples/traps-demo/traps-demo.elf']) assert.ok(assertSameListing(elf) > 200);
  });

  it('programs gcc builds now (integer arithmetic, and F/D code with -march=rv64gc)', () => {
    const arith = buildCCached('arith', ['test/cli/programs/arith.c']);
    const float = buildCCached('float', ['test/cli/programs/float.c'], { flags: ['-march=rv64gc', '-mabi=lp64d', '-fno-math-errno'] });
    for (const elf of [arith, float]) assert.ok(assertSameListing(elf) > 100);
  });

  it('assembled programs with data in .text, zero padding and local labels (the fixture corpus)', () => {
    const files = fs.readdirSync(FIXTURES).filter((f) => f.endsWith('.S')).sort();
    assert.ok(files.length >= 15, `expected the fixture corpus in ${FIXTURES}`);
    for (const f of files) assertSameListing(buildFixture(fs.readFileSync(path.join(FIXTURES, f), 'utf8'), path.join(dir, f.replace(/\.S$/, '.elf'))));
  });
});
