// Helpers for tests (and the benchmark runner) that use Debian's RISC-V tools as peers:
// gcc to build guest programs, binutils to assemble odd ELF files, QEMU as the reference machine.
// A missing tool is a test FAILURE with a loud message naming the apt package, never a skip:
// CI (.ci/run) installs these packages, and a test that silently passes without its oracle
// proves nothing.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const CLI = path.join(REPO_ROOT, 'dist', 'cli.js');
export const CACHE_DIR = path.join(REPO_ROOT, '.cache');

/** The Debian package that provides each tool the tests use. */
const PACKAGES: Record<string, string> = {
  'riscv64-linux-gnu-gcc': 'gcc-riscv64-linux-gnu',
  'riscv64-unknown-elf-as': 'binutils-riscv64-unknown-elf',
  'riscv64-unknown-elf-ld': 'binutils-riscv64-unknown-elf',
  'riscv64-unknown-elf-objdump': 'binutils-riscv64-unknown-elf',
  'riscv64-unknown-elf-readelf': 'binutils-riscv64-unknown-elf',
  'qemu-system-riscv64': 'qemu-system-misc',
  'qemu-system-riscv32': 'qemu-system-misc',
  'fdtget': 'device-tree-compiler',
  'dtc': 'device-tree-compiler',
};

/** Firmware files the boot tests use, with the Debian package that installs each. */
export const FIRMWARE = {
  openSbiDynamic: { path: '/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin', pkg: 'opensbi' },
  openSbiJump: { path: '/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin', pkg: 'opensbi' },
  uBootSmode: { path: '/usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin', pkg: 'u-boot-qemu' },
};

/** Throws (failing the test) unless the firmware file is installed, naming its package. */
export function requireFirmware(f: { path: string; pkg: string }): string {
  if (fs.existsSync(f.path)) return f.path;
  throw new Error(`\n\n*** MISSING FIRMWARE: ${f.path} ***\nThis test boots it and FAILS without it: install the Debian package '${f.pkg}'. .ci/run installs it.\n`);
}

export const CC = 'riscv64-linux-gnu-gcc';
export const AS = 'riscv64-unknown-elf-as';
export const LD = 'riscv64-unknown-elf-ld';
export const QEMU = 'qemu-system-riscv64';

/**
 * The flags every C example, test program and benchmark workload is built with (the same as
 * examples/build.sh; a test checks both produce the committed traps-demo.elf byte for byte).
 * -mcmodel=medany because programs live at 0x8000_0000, out of reach of the default medlow model.
 * There is no lp64 libgcc: programs must not need libgcc routines (rv64imac multiplies and
 * divides 64-bit numbers in instructions, so only floating point and 128-bit arithmetic are out).
 */
export const CFLAGS = [
  '-O2', '-march=rv64imac', '-mabi=lp64', '-mcmodel=medany', '-nostdlib', '-ffreestanding',
  '-fno-pie', '-no-pie', '-static', '-Wl,--build-id=none',
];

export const RUNTIME_DIR = path.join(REPO_ROOT, 'examples', 'c', 'runtime');
export const RUNTIME_SOURCES = [path.join(RUNTIME_DIR, 'crt0.S'), path.join(RUNTIME_DIR, 'runtime.c')];
export const LINK_SCRIPT = path.join(RUNTIME_DIR, 'link.ld');

/** Where a tool is on PATH, or undefined. */
export function findTool(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const file = path.join(dir, name);
    try {
      fs.accessSync(file, fs.constants.X_OK);
      if (fs.statSync(file).isFile()) return file;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

export function hasTool(name: string): boolean {
  return findTool(name) !== undefined;
}

/** Throws (failing the test) unless the tool is installed, naming the package that provides it. */
export function requireTool(name: string): string {
  const found = findTool(name);
  if (found) return found;
  const pkg = PACKAGES[name];
  const install = pkg ? `install the Debian package '${pkg}' (sudo apt-get install ${pkg})` : 'install it';
  throw new Error(
    `\n\n*** MISSING TOOL: '${name}' is not on PATH. ***\n` +
    `This test uses it as a reference and FAILS without it (it does not skip): ${install}.\n` +
    '.ci/run installs every package these tests need.\n');
}

/** Runs a command to completion; throws with its output if it cannot start or exits non-zero. */
function check(cmd: string, args: string[], what: string, cwd = REPO_ROOT): SpawnSyncReturns<string> {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.error) throw new Error(`${what}: cannot run ${cmd}: ${r.error.message}`);
  if (r.status !== 0) {
    throw new Error(`${what} failed (exit ${r.status ?? r.signal}):\n$ ${cmd} ${args.join(' ')}\n${r.stdout}${r.stderr}`);
  }
  return r;
}

export interface BuildOptions {
  /** Link the runtime (crt0.S, runtime.c) and use its link script (default true). */
  runtime?: boolean;
  /** More compiler flags, after CFLAGS. */
  flags?: string[];
}

function gccArgs(sources: string[], outElf: string, o: BuildOptions): string[] {
  const runtime = o.runtime ?? true;
  return [
    ...CFLAGS,
    ...(runtime ? [`-I${RUNTIME_DIR}`, '-T', LINK_SCRIPT, ...RUNTIME_SOURCES] : []),
    ...(o.flags ?? []),
    ...sources.map((s) => path.resolve(REPO_ROOT, s)),
    '-o', outElf,
  ];
}

/** Compiles and links C/assembly sources (paths absolute or relative to the repo) into outElf. */
export function buildC(sources: string[], outElf: string, options: BuildOptions = {}): string {
  requireTool(CC);
  fs.mkdirSync(path.dirname(outElf), { recursive: true });
  check(CC, gccArgs(sources, outElf, options), `building ${path.basename(outElf)}`);
  return outElf;
}

let ccVersion: string | undefined;

/**
 * Like buildC, but into .cache/elf/NAME-HASH.elf, keyed by the compiler version, the flags and
 * the contents of every source, header and the link script; rebuilds only when one changes.
 */
export function buildCCached(name: string, sources: string[], options: BuildOptions = {}): string {
  requireTool(CC);
  ccVersion ??= check(CC, ['--version'], 'asking gcc its version').stdout;
  const h = createHash('sha256').update(ccVersion).update(JSON.stringify(gccArgs(sources, 'OUT', options)));
  const inputs = [...sources.map((s) => path.resolve(REPO_ROOT, s))];
  if (options.runtime ?? true) inputs.push(LINK_SCRIPT, path.join(RUNTIME_DIR, 'runtime.h'));
  for (const dir of new Set(sources.map((s) => path.dirname(path.resolve(REPO_ROOT, s))))) {
    for (const f of fs.readdirSync(dir).sort()) if (f.endsWith('.h')) inputs.push(path.join(dir, f));
  }
  for (const f of inputs) h.update(f).update(fs.readFileSync(f));
  const out = path.join(CACHE_DIR, 'elf', `${name}-${h.digest('hex').slice(0, 16)}.elf`);
  if (fs.existsSync(out)) return out;
  const tmp = `${out}.${process.pid}.tmp`;
  buildC(sources, tmp, options);
  fs.renameSync(tmp, out);
  return out;
}

/**
 * Assembles one assembly source (text) with riscv64-unknown-elf-as and links it with
 * riscv64-unknown-elf-ld, for odd ELF files gcc would not make (32-bit, linked elsewhere).
 */
export function assembleAndLink(source: string, outElf: string, o: { asFlags?: string[]; ldFlags?: string[] } = {}): string {
  requireTool(AS);
  requireTool(LD);
  fs.mkdirSync(path.dirname(outElf), { recursive: true });
  const src = `${outElf}.S`, obj = `${outElf}.o`;
  fs.writeFileSync(src, source);
  check(AS, [...(o.asFlags ?? ['-march=rv64imac_zicsr']), src, '-o', obj], `assembling ${path.basename(src)}`);
  check(LD, ['--no-warn-rwx-segments', ...(o.ldFlags ?? []), obj, '-o', outElf], `linking ${path.basename(outElf)}`);
  return outElf;
}

/** A fresh temporary directory (removed by the caller, or left for the OS). */
export function tempDir(prefix = 'ringside-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export interface QemuOptions {
  /** virt: ns16550a UART on stdio, SiFive test finisher. spike: HTIF console and exit. */
  machine: 'virt' | 'spike';
  /** Kill QEMU after this long (a guard against guests that never exit; default 60 s). */
  timeoutMs?: number;
  /** -cpu value, e.g. 'rv64,c=off'. */
  cpu?: string;
  /** More QEMU arguments. */
  extraArgs?: string[];
  /** Firmware for -bios (default none). */
  bios?: string;
  /**
   * For guests that never exit (firmware with no OS): stop QEMU after this many ms and return what it printed,
   * instead of failing.
   */
  stopAfterMs?: number;
}

export interface GuestResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/**
 * QEMU's console goes to a file, not a pipe: QEMU writes its stdio chardev non-blocking and silently drops
 * output whenever the pipe is momentarily full (seen here: 7 KB of a 15 KB HTIF console lost under spawnSync).
 */
export function qemuArgs(elf: string, o: QemuOptions, consoleFile: string): string[] {
  return [
    '-M', o.machine, '-bios', o.bios ?? 'none', ...(elf ? ['-kernel', elf] : []),
    '-display', 'none', '-monitor', 'none', '-serial', `file:${consoleFile}`,
    ...(o.cpu ? ['-cpu', o.cpu] : []),
    ...(o.extraArgs ?? []),
  ];
}

/** Runs an ELF under QEMU (-bios none, console captured through a file); returns its output and exit code. */
export function runQemu(elf: string, o: QemuOptions): GuestResult {
  requireTool(QEMU);
  const timeoutMs = o.stopAfterMs ?? o.timeoutMs ?? 60_000;
  const consoleFile = path.join(tempDir('ringside-qemu-'), 'console.txt');
  const r = spawnSync(QEMU, qemuArgs(elf, o, consoleFile), { encoding: 'utf8', timeout: timeoutMs, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
  const stdout = fs.existsSync(consoleFile) ? fs.readFileSync(consoleFile, 'latin1') : '';
  fs.rmSync(path.dirname(consoleFile), { recursive: true, force: true });
  if (r.error && (r.error as NodeJS.ErrnoException).code !== 'ETIMEDOUT') throw new Error(`cannot run ${QEMU}: ${r.error.message}`);
  if (r.signal && o.stopAfterMs === undefined) {
    throw new Error(`${QEMU} ${o.machine} did not finish ${path.basename(elf)} (killed by ${r.signal}` +
      `${r.signal === 'SIGTERM' ? ` after ${timeoutMs} ms` : ''}); output so far:\n${stdout}${r.stderr}`);
  }
  return { stdout, stderr: r.stderr, exitCode: r.status ?? -1 };
}

/**
 * Runs QEMU with the console on stdio, both ends regular files: input typed into the UART (what U-Boot reads), and
 * output that cannot be dropped (QEMU drops console output to a full pipe). Returns when QEMU exits (the guest
 * powered off) or after timeoutMs, when it is killed and whatever it printed is returned.
 */
export function runQemuConsole(args: string[], input: string, timeoutMs = 60_000): GuestResult & { timedOut: boolean } {
  requireTool(QEMU);
  const dir = tempDir('ringside-qemu-');
  const inFile = path.join(dir, 'input.txt'), outFile = path.join(dir, 'console.txt');
  fs.writeFileSync(inFile, input);
  const inFd = fs.openSync(inFile, 'r'), outFd = fs.openSync(outFile, 'w');
  try {
    const r = spawnSync(QEMU, [...args, '-display', 'none', '-monitor', 'none', '-serial', 'stdio'],
      { encoding: 'utf8', timeout: timeoutMs, stdio: [inFd, outFd, 'pipe'], maxBuffer: 64 << 20 });
    if (r.error && (r.error as NodeJS.ErrnoException).code !== 'ETIMEDOUT') throw new Error(`cannot run ${QEMU}: ${r.error.message}`);
    return { stdout: fs.readFileSync(outFile, 'latin1'), stderr: r.stderr, exitCode: r.status ?? -1, timedOut: r.signal !== null };
  } finally {
    fs.closeSync(inFd);
    fs.closeSync(outFd);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs `node dist/cli.js ARGS...` with optional stdin (needs `npm run build`, which `npm test` does first). */
export function runCli(args: string[], input?: string): GuestResult {
  if (!fs.existsSync(CLI)) throw new Error(`${path.relative(REPO_ROOT, CLI)} is missing: run \`npm run build\` first (npm test does)`);
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: REPO_ROOT, encoding: 'utf8', stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'], input, maxBuffer: 256 << 20,
  });
  if (r.error) throw new Error(`cannot run the CLI: ${r.error.message}`);
  if (r.signal) throw new Error(`the CLI was killed by ${r.signal}:\n${r.stdout}${r.stderr}`);
  return { stdout: r.stdout, stderr: r.stderr, exitCode: r.status ?? -1 };
}

/** Runs `node dist/cli.js run ARGS... ELF`. */
export function runRingside(elf: string, args: string[] = []): GuestResult {
  return runCli(['run', ...args, elf]);
}
