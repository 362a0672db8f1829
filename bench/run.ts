// `npm run bench`: guest MIPS of Ringside's machine on the workloads in bench/workloads, and,
// where QEMU is installed, QEMU's on the same ELF files in the same run (default TCG and
// `-icount shift=0`, the deterministic mode that is the fair comparison for Ringside).
//
// Each workload is built with the examples' runtime and flags (test/support/toolchain.ts) into
// .cache/. Ringside runs in-process through the Machine API and only m.run() is timed; QEMU runs
// as a process and its start-up time (measured on a program that exits at once) is subtracted.
// Every figure is the best of RUNS runs. The checksum line each workload prints must be the same
// on both machines.
//
// linux-boot: Debian trixie's riscv64 Linux under OpenSBI (test/support/debian.ts) boots to the busybox
// shell's prompt, once on the translator (a boot is about a billion instructions), and under QEMU in the same
// run (best of RUNS), each stopped when the prompt appears on its console. When Linux cannot be had (no
// network and no cache), or Ringside does not reach the prompt, its row says so and the bench goes on.
//
// vmm: the CPU workloads as the user program of a small S-mode kernel, bare under OpenSBI and as a VM's kernel under
// trap-and-emulate (bench/vmm.ts), each run in a fresh process; the slowdown and the exits per million instructions.
// linux-boot-vmm: the linux-boot kernel as a VM's kernel (the VMM provides SBI), to the prompt, against linux-boot.
//
// asm-10k: the assembler on a generated 10,000-line source (bench/asm.ts), against GNU as + ld.
//
// Options: --runs N (default 3), --only NAME[,NAME...], --no-qemu.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { Machine, type Engine } from '../emulator/machine';
import { CC, FIRMWARE, QEMU, REPO_ROOT, buildCCached, hasTool, qemuArgs, requireTool, tempDir } from '../test/support/toolchain';
import { debianLinux, DebianLinuxError, type DebianLinux } from '../test/support/debian';
import { LINUX_APPEND, LINUX_MEMORY, bootLinuxUnderQemu } from '../test/support/linux-boot';
import { best, fmt, table } from './report';
import { runToPrompt, type PromptRun } from './linux-prompt';
import { ASM_BENCH, ASM_TARGET_MS, benchAssembler } from './asm';
import { DEBUGGER_BENCH, DEBUGGER_TARGETS, benchDebugger, median } from './debugger';
import { VMM_BENCH, benchVmm, bootLinuxUnderVmm, linuxVmmTable } from './vmm';

const WORKLOADS = ['crc32', 'sieve', 'mix', 'crc32-sv39', 'sieve-sv39'];
const LINUX_BOOT = 'linux-boot';
const LINUX_BOOT_VMM = 'linux-boot-vmm';
/** Rows that are not guest programs. */
const OTHER_ROWS = [LINUX_BOOT, VMM_BENCH, LINUX_BOOT_VMM, ASM_BENCH, DEBUGGER_BENCH];

/** A `NAME-sv39` workload is NAME entered in S-mode with Sv39 paging on (bench/workloads/sv39-entry.c). */
function workloadBuild(name: string): { sources: string[]; flags: string[] } {
  const base = name.replace(/-sv39$/, '');
  if (base === name) return { sources: [`bench/workloads/${name}.c`], flags: [] };
  return {
    sources: [`bench/workloads/${base}.c`, 'bench/workloads/sv39-entry.c'],
    flags: ['-Wl,--wrap=main'],
  };
}
/** The target for the interpreter tier, on the CRC workload (reported for both tiers). */
const TARGET_MIPS = { workload: 'crc32', mips: 150 };

interface Options { runs: number; only?: string[]; qemu: boolean }

function parseArgs(argv: string[]): Options {
  const o: Options = { runs: 3, qemu: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--runs') o.runs = Math.max(1, Number(argv[++i]) | 0);
    else if (a === '--only') o.only = (argv[++i] ?? '').split(',');
    else if (a === '--no-qemu') o.qemu = false;
    else throw new Error(`bench: unknown option '${a}' (options: --runs N, --only NAME,..., --no-qemu)`);
  }
  return o;
}

interface RingsideRun { seconds: number; instructions: number; output: string; exitCode: number | undefined }

/** Runs an ELF in-process on one engine; only m.run() is timed. */
function runRingside(elf: Uint8Array, engine: Engine): RingsideRun {
  const m = new Machine({ engine });
  m.load(elf);
  const out: number[] = [];
  m.events.on('output', (b) => { out.push(b); });
  const t0 = process.hrtime.bigint();
  const stop = m.run();
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return {
    seconds,
    instructions: m.instructions,
    output: Buffer.from(out).toString('latin1'),
    exitCode: stop.kind === 'exit' ? stop.code : undefined,
  };
}

interface QemuRun { seconds: number; output: string; exitCode: number }

function runQemuTimed(elf: string, icount: boolean): QemuRun {
  // The console goes to a file (see qemuArgs): QEMU drops output written to a full pipe.
  const dir = tempDir('ringside-bench-');
  const consoleFile = path.join(dir, 'console.txt');
  const args = qemuArgs(elf, { machine: 'virt', extraArgs: icount ? ['-icount', 'shift=0'] : [] }, consoleFile);
  const t0 = process.hrtime.bigint();
  const r = spawnSync(QEMU, args, { encoding: 'latin1', stdio: ['ignore', 'pipe', 'pipe'], timeout: 600_000 });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const output = fs.existsSync(consoleFile) ? fs.readFileSync(consoleFile, 'latin1') : '';
  fs.rmSync(dir, { recursive: true, force: true });
  if (r.error || r.signal) throw new Error(`bench: ${QEMU} failed on ${elf}: ${r.error?.message ?? r.signal}\n${r.stderr}`);
  return { seconds, output, exitCode: r.status ?? -1 };
}

function cpuModel(): string {
  try {
    return /^model name\s*:\s*(.*)$/m.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? os.cpus()[0]?.model ?? 'unknown';
  } catch {
    return os.cpus()[0]?.model ?? 'unknown';
  }
}

/** Boots Linux in-process on the translator until the shell prompts (or the boot ends or gives up). */
function bootLinuxRingside(linux: DebianLinux): PromptRun {
  const m = new Machine({ memory: parseInt(LINUX_MEMORY, 10) * 1024 * 1024 });
  m.boot(fs.readFileSync(FIRMWARE.openSbiDynamic.path), {
    kernel: fs.readFileSync(linux.kernel), initrd: fs.readFileSync(linux.initrd), bootargs: LINUX_APPEND,
  });
  let consoleText = '';
  m.events.on('output', (b) => { consoleText += String.fromCharCode(b); });
  return runToPrompt(m, () => consoleText, () => m.instructions);
}

/** Debian's Linux for the boot rows, or why it cannot be had (no network and no cache, no dpkg-deb, no OpenSBI). */
function linuxForBench(): DebianLinux | string {
  try {
    requireTool('dpkg-deb');
    if (!fs.existsSync(FIRMWARE.openSbiDynamic.path)) throw new DebianLinuxError(`${FIRMWARE.openSbiDynamic.path} is missing (install ${FIRMWARE.openSbiDynamic.pkg})`);
    return debianLinux((s) => { process.stderr.write(s); });
  } catch (e) {
    return (e as Error).message.trim().split('\n')[0];
  }
}

/** The linux-boot row: Ringside's boot to the prompt against QEMU's, or why it was not run. */
async function linuxBootRow(o: Options, withQemu: boolean, linux: DebianLinux | string): Promise<{ rows: string[][]; note?: string; ours?: PromptRun }> {
  const header = ['workload', 'instructions', 'Ringside s', 'MIPS', ...(withQemu ? ['QEMU s', 'vs QEMU'] : []), 'kernel'];
  if (typeof linux === 'string') return { rows: [header], note: `${LINUX_BOOT}  not run: ${linux}` };
  process.stderr.write(`running ${LINUX_BOOT} (${linux.kernelPackage.name} ${linux.kernelPackage.version}, to the shell prompt)...\n`);
  const ours = bootLinuxRingside(linux);
  const row = [LINUX_BOOT, `${fmt(ours.instructions / 1e6, 1)} M`];
  if (ours.prompted) row.push(fmt(ours.seconds, 2), fmt(ours.instructions / ours.seconds / 1e6));
  else row.push('not reached', fmt(ours.instructions / ours.seconds / 1e6));
  if (withQemu) {
    let best: number | undefined;
    for (let i = 0; i < o.runs; i++) {
      const q = await bootLinuxUnderQemu(linux, { stopAtPrompt: true });
      if (q.promptMs === undefined) throw new Error(`bench: QEMU did not reach the shell prompt:\n${q.output.slice(-2000)}`);
      best = Math.min(best ?? Infinity, q.promptMs / 1000);
    }
    row.push(fmt(best, 2), ours.prompted && best ? `${fmt(best / ours.seconds, 3)}×` : '-');
  }
  row.push(linux.release);
  return { rows: [header, row], note: ours.prompted ? undefined : `${LINUX_BOOT}: Ringside did not reach the prompt: ${ours.why}`, ours };
}

/** The debugger's latencies over DAP and the cost of unhit breakpoints on the CRC workload, with the targets. */
async function debuggerRows(runs: number): Promise<void> {
  process.stderr.write(`running ${DEBUGGER_BENCH} (dist/debugAdapter.js over stdio)...\n`);
  const crc = buildCCached('bench-crc32', workloadBuild('crc32').sources);
  const d = await benchDebugger(crc, runs);
  const slowdown = d.crc.withBreakpointsS / d.crc.plainS - 1;
  const t = DEBUGGER_TARGETS;
  console.log('');
  console.log(table([
    ['debugger measure', 'median', 'max', 'target', 'met'],
    ['step round trip (next → stopped → stackTrace + scopes + variables)', `${fmt(median(d.stepMs), 2)} ms`, `${fmt(Math.max(...d.stepMs), 2)} ms`, `< ${t.stepMs} ms`, median(d.stepMs) < t.stepMs ? 'yes' : 'NO'],
    ['pause latency while running', `${fmt(median(d.pauseMs), 1)} ms`, `${fmt(Math.max(...d.pauseMs), 1)} ms`, `< ${t.pauseMs} ms`, Math.max(...d.pauseMs) < t.pauseMs ? 'yes' : 'NO'],
    ['launch to stopped-on-entry', `${fmt(median(d.launchMs), 0)} ms`, `${fmt(Math.max(...d.launchMs), 0)} ms`, `< ${t.launchMs} ms`, median(d.launchMs) < t.launchMs ? 'yes' : 'NO'],
    ['crc32 with 10 unhit breakpoints vs none', `${fmt(slowdown * 100, 1)} %`, '', `< ${t.breakpointSlowdown * 100} %`, slowdown < t.breakpointSlowdown ? 'yes' : 'NO'],
  ]));
  console.log(`(crc32: ${fmt(d.crc.instructions / 1e6, 1)} M instructions, ${fmt(d.crc.plainS * 1000, 1)} ms without breakpoints, ${fmt(d.crc.withBreakpointsS * 1000, 1)} ms with; best of ${runs})`);
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  requireTool(CC);
  const selected = o.only ?? [...WORKLOADS, ...OTHER_ROWS];
  for (const n of selected) if (!WORKLOADS.includes(n) && !OTHER_ROWS.includes(n)) throw new Error(`bench: no workload '${n}' (workloads: ${[...WORKLOADS, ...OTHER_ROWS].join(', ')})`);
  const names = selected.filter((n) => !OTHER_ROWS.includes(n));
  const withQemu = o.qemu && hasTool(QEMU);

  console.log(`Ringside benchmark — ${new Date().toISOString()}`);
  console.log(`machine: ${os.cpus().length} CPUs, ${cpuModel()}; node ${process.version}; best of ${o.runs} runs`);
  if (!withQemu) console.log(o.qemu ? `(${QEMU} not found: install qemu-system-misc for the QEMU comparison)` : '(QEMU comparison skipped: --no-qemu)');

  let startup = { plain: 0, icount: 0 };
  if (withQemu && names.length > 0) {
    const empty = buildCCached('bench-empty', ['bench/workloads/empty.c']);
    startup = {
      plain: best(o.runs, () => runQemuTimed(empty, false)).seconds,
      icount: best(o.runs, () => runQemuTimed(empty, true)).seconds,
    };
    console.log(`QEMU start-up (subtracted): ${fmt(startup.plain * 1000, 0)} ms default, ${fmt(startup.icount * 1000, 0)} ms with -icount shift=0`);
  }
  console.log('');

  const rows = [['workload', 'instructions', 'interpreter MIPS', 'translator MIPS', ...(withQemu ? ['QEMU MIPS', 'QEMU icount MIPS', 'vs QEMU', 'vs icount'] : []), 'checksum']];
  let failed = false;
  for (const name of names) {
    const { sources, flags } = workloadBuild(name);
    const elfPath = buildCCached(`bench-${name}`, sources, { flags });
    const elf = fs.readFileSync(elfPath);
    process.stderr.write(`running ${name} (${path.relative(REPO_ROOT, elfPath)})...\n`);
    const interp = best(o.runs, () => runRingside(elf, 'interpreter'));
    const ours = best(o.runs, () => runRingside(elf, 'translator'));
    const interpMips = interp.instructions / interp.seconds / 1e6;
    const mips = ours.instructions / ours.seconds / 1e6;
    const checksum = ours.output.trim();
    for (const [engine, r] of [['translator', ours], ['interpreter', interp]] as const) {
      if (r.exitCode !== 0 || r.output.trim() !== checksum || r.instructions !== ours.instructions) {
        console.error(`bench: ${name} on the ${engine}: exit ${r.exitCode ?? 'none'}, ${r.instructions} instructions, output:\n${r.output}`);
        failed = true;
      }
    }
    const row = [name, `${fmt(ours.instructions / 1e6, 1)} M`, fmt(interpMips), fmt(mips)];
    if (withQemu) {
      const plain = best(o.runs, () => runQemuTimed(elfPath, false));
      const icount = best(o.runs, () => runQemuTimed(elfPath, true));
      for (const [what, r] of [['QEMU', plain], ['QEMU -icount', icount]] as const) {
        if (r.output.trim() !== checksum || r.exitCode !== 0) {
          console.error(`bench: ${name}: ${what} printed ${JSON.stringify(r.output.trim())} (exit ${r.exitCode}), Ringside ${JSON.stringify(checksum)}`);
          failed = true;
        }
      }
      // QEMU retires the same instructions (same binary, same deterministic program).
      const qMips = ours.instructions / Math.max(plain.seconds - startup.plain, 1e-6) / 1e6;
      const iMips = ours.instructions / Math.max(icount.seconds - startup.icount, 1e-6) / 1e6;
      row.push(fmt(qMips, 0), fmt(iMips, 0), `${fmt(mips / qMips, 3)}×`, `${fmt(mips / iMips, 3)}×`);
    }
    row.push(checksum.replace(/^.*?:\s*/, ''));
    rows.push(row);
    if (name === TARGET_MIPS.workload) {
      process.stderr.write(`${name}: interpreter ${fmt(interpMips)} MIPS, translator ${fmt(mips)} MIPS (target ≥ ${TARGET_MIPS.mips})\n`);
    }
  }
  if (names.length > 0) console.log(table(rows));
  const linux = selected.includes(LINUX_BOOT) || selected.includes(LINUX_BOOT_VMM) ? linuxForBench() : '';
  let bareBoot: PromptRun | undefined;
  if (selected.includes(LINUX_BOOT)) {
    const { rows: linuxRows, note, ours } = await linuxBootRow(o, withQemu, linux);
    console.log('');
    if (linuxRows.length > 1) console.log(table(linuxRows));
    if (note) console.log(note);
    if (ours?.prompted) bareBoot = ours;
  }
  if (selected.includes(VMM_BENCH)) failed = !benchVmm(o.runs) || failed;
  if (selected.includes(LINUX_BOOT_VMM)) {
    console.log('');
    if (typeof linux === 'string') console.log(`${LINUX_BOOT_VMM}  not run: ${linux}`);
    else {
      process.stderr.write(`running ${LINUX_BOOT_VMM} (${linux.release} as a VM's kernel, to the shell prompt)...\n`);
      console.log(linuxVmmTable(bootLinuxUnderVmm(linux), bareBoot));
    }
  }
  if (selected.includes(DEBUGGER_BENCH)) await debuggerRows(o.runs);
  if (selected.includes(ASM_BENCH)) {
    const gnu = hasTool('riscv64-unknown-elf-as');
    const a = benchAssembler(tempDir('bench-asm'), o.runs, gnu);
    console.log('');
    console.log(table([
      ['workload', 'lines', 'ELF bytes', 'Ringside ms (best)', 'Ringside ms (first run)', ...(gnu ? ['GNU as+ld ms', 'vs GNU'] : [])],
      [ASM_BENCH, String(a.lines), String(a.bytes), fmt(a.bestMs, 1), fmt(a.coldMs, 1), ...(a.gnuMs !== undefined ? [fmt(a.gnuMs, 1), `${fmt(a.gnuMs / a.bestMs, 2)}×`] : [])],
    ]));
    console.log(`target: assemble ${a.lines} lines in < ${ASM_TARGET_MS} ms: ${a.bestMs < ASM_TARGET_MS ? 'met' : 'NOT met'} (best ${fmt(a.bestMs, 1)} ms, first run ${fmt(a.coldMs, 1)} ms)`);
  }
  const crc = rows.find((r) => r[0] === TARGET_MIPS.workload);
  if (crc) {
    for (const [engine, col] of [['interpreter', 2], ['translator', 3]] as const) {
      const mips = Number(crc[col]);
      console.log(`target: ≥ ${TARGET_MIPS.mips} guest MIPS on ${TARGET_MIPS.workload}, ${engine}: ${mips >= TARGET_MIPS.mips ? 'met' : 'NOT met'} (${crc[col]})`);
    }
  }
  if (failed) {
    console.error('bench: checksums or exit codes disagree (see above)');
    process.exitCode = 1;
  }
}

main().catch((e: unknown) => {
  console.error((e as Error).message);
  process.exitCode = 1;
});
