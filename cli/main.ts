// The `ringside` command line: runs guest programs headless (run), with tracing and statistics.
// Every failure is one `ringside: error:` line and a non-zero exit; stack traces are bugs.
import * as fs from 'node:fs';
import { Machine, LoadError, DEFAULT_MEMORY, MAX_HARTS, MAX_MEMORY, VIRTIO_SLOTS, parseMemorySize, type Engine } from '../emulator/machine';
import { TECHNIQUES, type Technique } from '../hypervisor/vmm';
import { MAX_VCPUS } from '../hypervisor/vm';
import { runVms, vmmStats } from './vmm-run';
import { ElfError } from '../emulator/loader/elf';
import { exceptionNames, interruptNames } from '../emulator/csr/table';
import { disassemble, ABI_NAMES } from '../emulator/isa/disasm';
import type { Hart, TrapEvent } from '../emulator/hart';
import { Access } from '../emulator/mmu';
import { CSR } from '../emulator/csr/file';
import { VirtioBlk } from '../emulator/devices/virtio-blk';
import { DriveError, openDrives, type DriveSpec, type FileDisk } from '../emulator/devices/file-disk';
import { asmCommand, AsmUsageError } from './asm';
import { listElf } from './disasm';

export class UsageError extends Error {}

const HELP = `usage: ringside run [options] FILE
       ringside asm [options] FILE.S... -o OUT.elf   (see ringside asm --help)
       ringside disasm [--no-aliases] FILE

disasm lists the executable sections of an ELF file as \`objdump -d\` does (with --no-aliases, as
\`objdump -d -M no-aliases\`: every instruction under its own name, compressed ones as c.*).

Runs a RISC-V RV64 program (ELF, or a raw binary with --load-address) on Ringside's machine.
Console output (ns16550a UART at 0x10000000, or HTIF) goes to stdout, and piped stdin is the UART's input;
the exit code is the guest's
(HTIF tohost, or the SiFive test finisher at 0x100000).

options:
  --max-instructions N   stop after N instructions (exit code 124)
  --trace                print one line per instruction: mode, pc, bits, disassembly, register writes
  --stats                print instructions, traps by cause, privilege changes and speed to stderr
  -m, --memory SIZE      RAM size, e.g. 128M or 1G (default 128M)
  --load-address ADDR    load FILE as a raw binary at ADDR and start there
  --smp N                number of harts (default 1, at most 8); all start at the firmware or program entry
                         with a0 = hart id, as on QEMU
  --engine NAME          translator (default: hot code compiled to JavaScript) or interpreter
  --bios FILE|none       boot firmware (e.g. OpenSBI's fw_dynamic.bin) as QEMU's virt board does; FILE
                         (the program) is then optional and, if given, is the kernel. 'none' runs the
                         kernel alone, as the program
  --kernel FILE          the kernel (with --bios: an ELF at its own addresses, a raw image at 0x80200000)
  --initrd FILE          an initial RAM disk, placed in RAM and named in the device tree
  --append STR           kernel command line, passed in the device tree (chosen/bootargs)
  --dump-dtb FILE        write the generated device tree (with --bios) to FILE
  --drive FILE           attach FILE, a raw disk image (a whole number of 512-byte sectors), as a virtio-blk
                         disk, as QEMU's -drive file=FILE,format=raw,if=none,id=D -device virtio-blk-device,drive=D:
                         the first drive in the highest virtio-mmio slot (0x10008000, irq 8), the next below it.
                         The guest's writes are kept in memory and written to FILE only when the guest flushes
                         the disk (VIRTIO_BLK_T_FLUSH) or when the machine stops; if ringside is killed, FILE
                         keeps only what was flushed
  --drive-readonly FILE  the same, read-only: the guest is told (VIRTIO_BLK_F_RO), its writes fail with an I/O
                         error, and FILE is never written
  --vmm TECHNIQUE         run FILE as the S-mode kernel of VMs under Ringside's VMM instead of on the bare
                         machine (TECHNIQUE: trap-and-emulate): the kernel runs de-privileged, the VMM provides
                         SBI and a UART per VM. The VM's RAM starts at 0x80000000, a raw kernel is loaded at
                         0x80200000 and an ELF where it is linked; a0 = hart id, a1 = its device tree
  --vms N                with --vmm: run N VMs of FILE side by side (default 1); their console lines are
                         prefixed [vm0], [vm1] ...
  --vm-memory SIZE       with --vmm: guest RAM per VM (default 128M)
  --vcpus N              with --vmm: vCPUs per VM (default 1); with --smp, the machine's harts they share
  -h, --help             show this help
`;

export interface RunOptions {
  file?: string;
  maxInstructions?: number;
  trace: boolean;
  stats: boolean;
  memory: number;
  loadAddress?: bigint;
  engine: Engine;
  harts: number;
  bios?: string;
  initrd?: string;
  append?: string;
  dumpDtb?: string;
  /** Disks in command-line order. */
  drives: DriveSpec[];
  /** --vmm: the program is a VM's kernel. */
  vmm?: { technique: Technique; vms: number; vmMemory: number; vcpus: number };
}

function setProgram(o: Partial<RunOptions>, file: string): void {
  if (o.file !== undefined) throw new UsageError(`only one program (or --kernel) can be run, got '${o.file}' and '${file}'`);
  o.file = file;
}

function needValue(flag: string, v: string | undefined): string {
  if (v === undefined) throw new UsageError(`${flag} needs a value`);
  return v;
}

function driveFile(flag: string, v: string | undefined): string {
  if (v === undefined || v.startsWith('-')) throw new UsageError(`${flag} needs a disk image file${v === undefined ? '' : `, got the option '${v}'`}`);
  return v;
}

function parseCount(flag: string, v: string | undefined): number {
  if (v === undefined || !/^\d+$/.test(v) || Number(v) < 1) throw new UsageError(`${flag} needs a positive whole number, got '${v ?? ''}'`);
  return Number(v);
}

function parseSize(v: string | undefined): number {
  const size = parseMemorySize(v ?? '');
  if (size === undefined) throw new UsageError(`--memory needs a size such as 128M or 1G, got '${v ?? ''}'`);
  return size;
}

function parseAddress(v: string | undefined): bigint {
  if (v === undefined || !/^(0x[0-9a-f]+|\d+)$/i.test(v.replace(/_/g, ''))) throw new UsageError(`--load-address needs an address such as 0x80000000, got '${v ?? ''}'`);
  return BigInt(v.replace(/_/g, ''));
}

export function parseRunArgs(args: string[]): RunOptions {
  const vmm: Partial<NonNullable<RunOptions['vmm']>> = {};
  const o: Partial<RunOptions> & { trace: boolean; stats: boolean; memory: number; engine: Engine; harts: number; drives: DriveSpec[] } = {
    trace: false, stats: false, memory: DEFAULT_MEMORY, engine: 'translator', harts: 1, drives: [],
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    switch (a) {
      case '--max-instructions': o.maxInstructions = parseCount(a, args[++i]); break;
      case '--trace': o.trace = true; break;
      case '--stats': o.stats = true; break;
      case '--smp': o.harts = parseCount(a, args[++i]); break;
      case '-m': case '--memory': o.memory = parseSize(args[++i]); break;
      case '--load-address': o.loadAddress = parseAddress(args[++i]); break;
      case '--bios': o.bios = needValue(a, args[++i]); break;
      case '--kernel': setProgram(o, needValue(a, args[++i])); break;
      case '--initrd': o.initrd = needValue(a, args[++i]); break;
      case '--append': o.append = needValue(a, args[++i]); break;
      case '--dump-dtb': o.dumpDtb = needValue(a, args[++i]); break;
      case '--drive': case '--drive-readonly': o.drives.push({ file: driveFile(a, args[++i]), readOnly: a === '--drive-readonly' }); break;
      case '--vmm': {
        const t = args[++i];
        if (!TECHNIQUES.includes(t as Technique)) throw new UsageError(`--vmm takes ${TECHNIQUES.map((x) => `'${x}'`).join(' or ')}, got '${t ?? ''}'`);
        vmm.technique = t as Technique;
        break;
      }
      case '--vms': vmm.vms = parseCount(a, args[++i]); break;
      case '--vm-memory': vmm.vmMemory = parseSize(args[++i]); break;
      case '--vcpus': vmm.vcpus = parseCount(a, args[++i]); break;
      case '--engine': {
        const e = args[++i];
        if (e !== 'translator' && e !== 'interpreter') throw new UsageError(`--engine takes 'translator' or 'interpreter', got '${e ?? ''}'`);
        o.engine = e;
        break;
      }
      default:
        if (a.startsWith('-')) throw new UsageError(`unknown option '${a}' (see ringside --help)`);
        setProgram(o, a);
    }
  }
  if (vmm.technique !== undefined) o.vmm = checkVmmOptions(o, { technique: vmm.technique, vms: vmm.vms ?? 1, vmMemory: vmm.vmMemory ?? DEFAULT_VM_MEMORY, vcpus: vmm.vcpus ?? 1 });
  else if (Object.keys(vmm).length > 0) throw new UsageError(`${Object.keys(vmm).map((k) => `--${k === 'vmMemory' ? 'vm-memory' : k}`).join(', ')} only apply with --vmm (e.g. --vmm trap-and-emulate)`);
  if (o.bios === 'none') o.bios = undefined; // QEMU's spelling for "run the kernel alone"
  if (o.file === undefined && o.bios === undefined) throw new UsageError('no program file given (usage: ringside run [options] FILE)');
  if (o.harts > MAX_HARTS) throw new UsageError(`--smp ${o.harts}: Ringside's machine has at most ${MAX_HARTS} harts`);
  if (o.trace && o.harts > 1) throw new UsageError('--trace follows a single hart: run without --smp to trace');
  if (o.drives.length > VIRTIO_SLOTS) throw new UsageError(`at most ${VIRTIO_SLOTS} drives fit in the board's virtio-mmio slots, got ${o.drives.length}`);
  if (o.initrd !== undefined && o.bios === undefined && !o.vmm) throw new UsageError('--initrd needs --bios: the firmware passes it to the kernel through the device tree');
  return o as RunOptions;
}

/** Guest RAM per VM when --vm-memory is not given: enough for the Debian kernel and an initramfs. */
const DEFAULT_VM_MEMORY = 128 * 1024 * 1024;

function checkVmmOptions(o: Partial<RunOptions> & { trace: boolean; drives: DriveSpec[]; harts: number }, v: NonNullable<RunOptions['vmm']>): NonNullable<RunOptions['vmm']> {
  if (o.bios !== undefined) throw new UsageError('--vmm runs the kernel under Ringside\'s VMM, which provides SBI itself: drop --bios');
  if (o.trace) throw new UsageError('--trace follows the bare machine: run without --vmm to trace');
  if (o.drives.length > 0) throw new UsageError('VMs have no virtio disks yet: run without --drive, or without --vmm');
  if (o.loadAddress !== undefined) throw new UsageError('--vmm loads a raw kernel at 0x80200000 (an ELF where it is linked): drop --load-address');
  if (o.file === undefined) throw new UsageError('no kernel given (usage: ringside run --vmm trap-and-emulate [options] KERNEL)');
  if (v.vms < 1 || v.vms > 8) throw new UsageError(`--vms ${v.vms}: run 1 to 8 VMs`);
  if (v.vcpus < 1 || v.vcpus > MAX_VCPUS) throw new UsageError(`--vcpus ${v.vcpus}: a VM has 1 to ${MAX_VCPUS} vCPUs`);
  if (v.vmMemory % (2 * 1024 * 1024) !== 0 || v.vmMemory < 4 * 1024 * 1024) throw new UsageError(`--vm-memory ${v.vmMemory}: use a multiple of 2 MiB, at least 4M`);
  if (v.vms * v.vmMemory + 32 * 1024 * 1024 > MAX_MEMORY) throw new UsageError(`${v.vms} VMs of ${v.vmMemory / 1048576} MiB do not fit in the machine's ${MAX_MEMORY / 1073741824} GiB: give them less --vm-memory`);
  return v;
}

function readProgram(file: string): Uint8Array {
  try {
    const st = fs.statSync(file);
    if (st.isDirectory()) throw new LoadError(`'${file}' is a directory, not a program file`);
    return fs.readFileSync(file);
  } catch (e) {
    if (e instanceof LoadError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (e as Error).message;
    throw new LoadError(`cannot read '${file}': ${why}`);
  }
}

function readStdin(): Uint8Array {
  try {
    return fs.readFileSync(0);
  } catch {
    return new Uint8Array(0); // no stdin at all (closed), as under CI
  }
}

const hex16 = (v: bigint): string => v.toString(16).padStart(16, '0');
const MODE = ['U', 'S', '?', 'M'];

function causeName(t: { cause: number; interrupt: boolean }): string {
  return (t.interrupt ? interruptNames[t.cause] : exceptionNames[t.cause]) ?? `cause ${t.cause}`;
}

/** Where a hart stopped: pc, mode, and what it was last doing, for the --max-instructions summary. */
function whereHartIs(h: Hart): string {
  const traps = h.stats.traps.reduce((a, b) => a + b, 0);
  const i = h.stats.lastTrap;
  const last = i >= 0 ? `; last trap: ${causeName({ cause: i & 31, interrupt: i >= 32 })}` : '';
  return `hart ${h.hartId}: pc 0x${h.pcBig.toString(16)} in ${MODE[h.priv]}-mode, ${h.retired} instructions retired, ${traps} traps taken${last}`;
}

/** Runs one instruction at a time, printing what each did. */
function traceRun(m: Machine, max: number, out: (s: string) => void): ReturnType<Machine['run']> {
  const h = m.hart;
  const before = new Int32Array(66);
  let pendingTrap: TrapEvent | undefined;
  h.events.on('trap', (t) => { pendingTrap = t; });
  const symbolize = (a: bigint) => {
    const s = m.symbolAt(a);
    return s ? (s.value === a ? s.name : `${s.name}+0x${(a - s.value).toString(16)}`) : undefined;
  };
  let trapsInARow = 0;
  for (let steps = 0; m.exitCode === undefined; steps++) {
    if (steps >= max) return { kind: 'limit' };
    if (trapsInARow >= 1000) return { kind: 'stuck', cause: Number(h.csr.get(CSR.mcause) & 0xffn), hart: 0 };
    const pc = h.pcBig, mode = MODE[h.priv];
    // Read the instruction where the hart will fetch it, translating without side effects.
    const byteAt = (va: bigint): number | undefined => {
      const pa = h.peekAddress(va, Access.Fetch);
      return pa !== undefined && m.ram.contains(pa, 1) ? m.ram.read8(pa - m.ram.base) : undefined;
    };
    const b0 = byteAt(pc), b1 = byteAt(pc + 1n);
    const inRam = b0 !== undefined && b1 !== undefined;
    let raw = inRam ? b0 | (b1 << 8) : 0;
    if (inRam && (raw & 3) === 3) raw |= ((byteAt(pc + 2n) ?? 0) << 16) | ((byteAt(pc + 3n) ?? 0) << 24);
    before.set(h.L, 0); before.set(h.H, 33);
    const retired = m.instructions;
    const stop = m.step();
    if (stop?.kind === 'idle') return stop;
    trapsInARow = m.instructions === retired ? trapsInARow + 1 : 0;
    const writes: string[] = [];
    for (let r = 1; r < 32; r++) {
      if (h.L[r] !== before[r] || h.H[r] !== before[33 + r]) writes.push(`${ABI_NAMES[r]}=0x${hex16(h.reg(r))}`);
    }
    const bits = (raw & 3) === 3 ? (raw >>> 0).toString(16).padStart(8, '0') : (raw & 0xffff).toString(16).padStart(4, '0').padEnd(8);
    const text = inRam ? disassemble(raw, pc, { symbolize }).replace('\t', ' ') : '(cannot be fetched)';
    out(`${mode} ${hex16(pc)}  ${bits}  ${text.padEnd(32)}${writes.join(' ')}\n`);
    if (pendingTrap) {
      const t = pendingTrap;
      out(`  trap: ${causeName(t)} (cause ${t.cause}), tval=0x${t.tval.toString(16)}, ${MODE[t.fromPriv]} -> ${MODE[t.toPriv]} at 0x${t.handler.toString(16)}\n`);
      pendingTrap = undefined;
    }
  }
  return { kind: 'exit', code: m.exitCode };
}

function printStats(m: Machine, seconds: number, err: (s: string) => void): void {
  const traps: string[] = [];
  let total = 0;
  m.hart.stats.traps.forEach((n, i) => {
    if (!n) return;
    total += n;
    traps.push(`${causeName({ cause: i & 31, interrupt: i >= 32 })}: ${n}`);
  });
  const mips = seconds > 0 ? m.instructions / seconds / 1e6 : 0;
  err(`instructions: ${m.instructions}\n`);
  err(`traps: ${total}${traps.length ? ` (${traps.join(', ')})` : ''}\n`);
  err(`privilege changes: ${m.hart.stats.privilegeChanges}\n`);
  err(`time: ${seconds.toFixed(3)} s, ${mips.toFixed(1)} MIPS\n`);
}

/** Runs a program as `ringside run` does; returns the process exit code. */
export function run(o: RunOptions, stdout: (s: string | Uint8Array) => void, stderr: (s: string) => void): number {
  const disks = openDrives(o.drives);
  try {
    return runWithDisks(o, disks, stdout, stderr);
  } finally {
    disks.forEach((d) => d.close());
  }
}

function runWithDisks(o: RunOptions, disks: FileDisk[], stdout: (s: string | Uint8Array) => void, stderr: (s: string) => void): number {
  if (o.vmm) return runUnderVmm(o, o.vmm, stdout, stderr);
  const m = new Machine({ memory: o.memory, engine: o.engine, harts: o.harts, virtio: disks.map((d) => new VirtioBlk(d)) });
  if (o.bios !== undefined) {
    const { dtb } = m.boot(readProgram(o.bios), {
      kernel: o.file === undefined ? undefined : readProgram(o.file),
      initrd: o.initrd === undefined ? undefined : readProgram(o.initrd),
      bootargs: o.append,
    });
    if (o.dumpDtb) fs.writeFileSync(o.dumpDtb, dtb);
  } else {
    m.load(readProgram(o.file!), o.loadAddress);
  }
  // Input for the guest's UART: whatever stdin holds, queued before the run so that the run is deterministic.
  // (A terminal is not read: interactive input needs the machine to run in the background, which comes later.)
  if (!process.stdin.isTTY) m.uart.receive(readStdin());
  let buf: number[] = [];
  const flush = () => { if (buf.length) { stdout(Uint8Array.from(buf)); buf = []; } };
  m.events.on('output', (b) => { buf.push(b); if (b === 10 || buf.length >= 4096) flush(); });
  const max = o.maxInstructions ?? Number.MAX_SAFE_INTEGER;
  const t0 = process.hrtime.bigint();
  const stop = o.trace ? traceRun(m, max, (s) => { flush(); stdout(s); }) : m.run(max);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  flush();
  // The machine has stopped, however it stopped: the guest's unflushed disk writes go to the files now.
  disks.forEach((d) => d.flush());
  let code: number;
  if (stop.kind === 'exit') code = stop.code & 0xff;
  else if (stop.kind === 'limit') {
    stderr(`ringside: stopped after ${m.instructions + m.trapped} instructions (--max-instructions ${o.maxInstructions}); the guest had not exited\n`);
    for (const h of m.harts) stderr(`ringside: ${whereHartIs(h)}\n`);
    code = 124;
  } else if (stop.kind === 'stuck') {
    stderr(`ringside: the guest is stuck: every instruction traps (${causeName({ cause: stop.cause, interrupt: false })}) and the trap handler at pc 0x${m.harts[stop.hart].pcBig.toString(16)}${m.harts.length > 1 ? ` on hart ${stop.hart}` : ''} faults too; is mtvec set?\n`);
    code = 126;
  } else {
    stderr(`ringside: the guest executed wfi at pc 0x${m.hart.pcBig.toString(16)} with no interrupt that could wake it; stopped\n`);
    code = 125;
  }
  if (o.stats) printStats(m, seconds, stderr);
  return code;
}

function runUnderVmm(o: RunOptions, v: NonNullable<RunOptions['vmm']>, stdout: (s: string | Uint8Array) => void, stderr: (s: string) => void): number {
  const r = runVms({
    ...v, harts: o.harts, kernel: readProgram(o.file!), initrd: o.initrd === undefined ? undefined : readProgram(o.initrd), append: o.append,
    input: process.stdin.isTTY ? new Uint8Array(0) : readStdin(), maxInstructions: o.maxInstructions ?? Number.MAX_SAFE_INTEGER, engine: o.engine,
  }, stdout);
  const { stop, machine } = r;
  let code: number;
  if (stop.kind === 'exit') code = stop.code & 0xff;
  else if (stop.kind === 'limit') {
    stderr(`ringside: stopped after ${machine.instructions + machine.trapped} instructions (--max-instructions ${o.maxInstructions}); ` +
      `${r.vmm.vms.filter((m) => m.state !== 'halted').map((m) => m.name).join(', ')} had not shut down\n`);
    code = 124;
  } else {
    stderr(`ringside: every vCPU is waiting for an interrupt that cannot come (${r.vmm.vms.map((m) => `${m.name} ${m.state}`).join(', ')}); stopped\n`);
    code = 125;
  }
  if (o.stats) {
    for (const line of vmmStats(r)) stderr(`${line}\n`);
    stderr(`machine: ${machine.instructions} instructions, ${r.vmm.log.total} exits, ${r.seconds.toFixed(3)} s, ${(machine.instructions / Math.max(r.seconds, 1e-9) / 1e6).toFixed(1)} MIPS\n`);
  }
  return code;
}

/** `ringside disasm [--no-aliases] FILE`: the listing on stdout. */
function disasmCommand(args: string[], stdout: (s: string) => void): number {
  let file: string | undefined, aliases = true;
  for (const a of args) {
    if (a === '--no-aliases') aliases = false;
    else if (a.startsWith('-')) throw new UsageError(`unknown option '${a}' (see ringside --help)`);
    else if (file !== undefined) throw new UsageError(`only one file can be disassembled, got '${file}' and '${a}'`);
    else file = a;
  }
  if (file === undefined) throw new UsageError('no file given (usage: ringside disasm [--no-aliases] FILE)');
  stdout(listElf(file, readProgram(file), { aliases }));
  return 0;
}

export function main(argv: string[]): number {
  const err = (s: string) => { process.stderr.write(s); };
  try {
    const [command, ...rest] = argv;
    if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
      process.stdout.write(HELP);
      return command === undefined ? 2 : 0;
    }
    if (command === 'asm') return asmCommand(rest, (s) => { process.stdout.write(s); }, err);
    if (command !== 'run' && command !== 'disasm') throw new UsageError(`unknown command '${command}' (commands: run, asm, disasm; see ringside --help)`);
    if (rest.includes('-h') || rest.includes('--help')) { process.stdout.write(HELP); return 0; }
    if (command === 'disasm') return disasmCommand(rest, (s) => { process.stdout.write(s); });
    return run(parseRunArgs(rest), (s) => { process.stdout.write(s); }, err);
  } catch (e) {
    if (e instanceof UsageError || e instanceof AsmUsageError || e instanceof LoadError || e instanceof ElfError || e instanceof DriveError) {
      err(`ringside: error: ${e.message}\n`);
      return 2;
    }
    err(`ringside: internal error: ${(e as Error).message}\nThis is a bug in Ringside; please report it with the program that caused it.\n`);
    return 70;
  }
}

if (require.main === module) {
  const code = main(process.argv.slice(2));
  process.stdout.write('', () => process.exit(code));
}
