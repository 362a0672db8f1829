// The guest-kernel corpus (test/guests/*.S) and the two bare machines it runs on: Ringside's board under OpenSBI,
// in process, and QEMU's virt under the same OpenSBI. The VMM's equivalence test runs the same kernels a third way.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Machine, DEFAULT_MEMORY, RAM_BASE, type MachineOptions, type StopReason } from '../../emulator/machine';
import { Vmm } from '../../hypervisor/vmm';
import { parseElf } from '../../emulator/loader/elf';
import { QEMU_CPU } from '../differential/harness';
import { AS, CACHE_DIR, FIRMWARE, LD, REPO_ROOT, requireFirmware, requireTool, runQemu as runQemuElf } from '../support/toolchain';

export const GUESTS_DIR = path.join(REPO_ROOT, 'test', 'guests');
const LINK_SCRIPT = path.join(GUESTS_DIR, 'link.ld');
const RUNTIME = path.join(GUESTS_DIR, 'kernel.inc');
const AS_FLAGS = ['-march=rv64imafdc_zicsr_zifencei', '-I', GUESTS_DIR];

/**
 * Far more than any kernel needs (OpenSBI's boot is about 0.3 M instructions, each kernel well under 5 M):
 * a guard against a kernel that never shuts down, not a measure of speed.
 */
export const MAX_INSTRUCTIONS = 20_000_000;

export interface GuestKernel {
  /** The kernel's name, as it prints it in its first line ("== NAME =="). */
  name: string;
  /** Its source, test/guests/NAME.S. */
  source: string;
  /** The linked ELF (in .cache/guests/, rebuilt when a source, the runtime or the link script changes). */
  elf: string;
}

export interface RunResult {
  /** The console from the kernel's first line on (the firmware's banner cut off), with CRLF as LF. */
  console: string;
  /** Everything the console printed, banner included, as printed. */
  raw: string;
  /** 0 for a clean SBI shutdown; otherwise the machine's or QEMU's code for how it stopped. */
  exitCode: number;
}

export interface BareRun extends RunResult {
  /** The bytes from `signature` to `signature_end`, read from RAM after the run. */
  signature: Uint8Array;
  /** How the machine stopped. */
  stop: StopReason;
  /** Instructions retired (firmware included). */
  instructions: number;
}

/** The kernels, in the order they are meant to be read: every test/guests/*.S. */
export function guestKernels(): GuestKernel[] {
  return fs.readdirSync(GUESTS_DIR).filter((f) => f.endsWith('.S')).sort().map((f) => {
    const source = path.join(GUESTS_DIR, f), name = f.slice(0, -2);
    return { name, source, elf: buildKernel(name, source) };
  });
}

let asVersion: string | undefined;

function tool(cmd: string, args: string[], what: string): string {
  requireTool(cmd);
  const r = spawnSync(cmd, args, { cwd: REPO_ROOT, encoding: 'utf8' });
  if (r.error) throw new Error(`${what}: cannot run ${cmd}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${what} failed:\n$ ${cmd} ${args.join(' ')}\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

/** Assembles and links one kernel with GNU binutils into the cache, keyed by the tools' version and every input. */
function buildKernel(name: string, source: string): string {
  asVersion ??= tool(AS, ['--version'], 'asking as its version') + tool(LD, ['--version'], 'asking ld its version');
  const h = createHash('sha256').update(asVersion).update(JSON.stringify(AS_FLAGS));
  for (const f of [source, RUNTIME, LINK_SCRIPT]) h.update(fs.readFileSync(f));
  const out = path.join(CACHE_DIR, 'guests', `${name}-${h.digest('hex').slice(0, 16)}.elf`);
  if (fs.existsSync(out)) return out;
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const obj = `${out}.${process.pid}.o`, tmp = `${out}.${process.pid}.tmp`;
  tool(AS, [...AS_FLAGS, source, '-o', obj], `assembling ${path.basename(source)}`);
  tool(LD, ['--no-warn-rwx-segments', '-T', LINK_SCRIPT, obj, '-o', tmp], `linking ${name}`);
  fs.rmSync(obj);
  fs.renameSync(tmp, out);
  return out;
}

/** The kernel's console from its first line ("== NAME ==") on, CRLF as LF; empty if it never printed it. */
export function kernelConsole(kernel: GuestKernel, raw: string): string {
  const text = raw.replace(/\r\n/g, '\n');
  const at = text.indexOf(`== ${kernel.name} ==\n`);
  return at < 0 ? '' : text.slice(at);
}

/** Where `signature` .. `signature_end` lie in the kernel's ELF (physical addresses: kernels run identity-mapped). */
export function signatureRange(kernel: GuestKernel): { start: number; end: number } {
  const symbols = parseElf(fs.readFileSync(kernel.elf)).symbols;
  const at = (name: string): number => {
    const s = symbols.find((x) => x.name === name);
    if (!s) throw new Error(`${path.relative(REPO_ROOT, kernel.source)} defines no '${name}' label: every kernel needs signature: .. signature_end:`);
    return Number(s.value);
  };
  return { start: at('signature'), end: at('signature_end') };
}

const STOP_CODES = { limit: 124, idle: 125, stuck: 126, debug: 127 } as const;

/** Boots OpenSBI fw_dynamic and the kernel on Ringside's virt board, in process, and reads the signature from RAM. */
export function runBare(kernel: GuestKernel, options: MachineOptions = {}, maxInstructions = MAX_INSTRUCTIONS): BareRun {
  const m = new Machine(options);
  m.boot(fs.readFileSync(requireFirmware(FIRMWARE.openSbiDynamic)), { kernel: fs.readFileSync(kernel.elf) });
  const out: number[] = [];
  m.events.on('output', (b) => out.push(b));
  const stop = m.run(maxInstructions);
  const raw = Buffer.from(out).toString('latin1');
  const { start, end } = signatureRange(kernel);
  return {
    console: kernelConsole(kernel, raw), raw, stop, instructions: m.instructions,
    exitCode: stop.kind === 'exit' ? stop.code : STOP_CODES[stop.kind],
    signature: m.ram.readBytes(start - RAM_BASE, end - start).slice(),
  };
}

export interface VmmRun extends BareRun {
  vmm: Vmm;
}

/**
 * The kernel as a VM's kernel under Ringside's VMM (trap-and-emulate, no OpenSBI: the VMM provides SBI), with
 * guest RAM as large as the bare machine's, so that the guest sees the same board; the signature is read
 * through the VM's p2m.
 */
export function runUnderVmm(kernel: GuestKernel, options: MachineOptions = {}, maxInstructions = MAX_INSTRUCTIONS): VmmRun {
  const memory = options.memory ?? DEFAULT_MEMORY;
  const m = new Machine({ ...options, memory: memory + 32 * 1024 * 1024 });
  const vmm = new Vmm(m);
  const vm = vmm.createVm({ kernel: fs.readFileSync(kernel.elf), memory });
  const out: number[] = [];
  vm.events.on('output', (b) => out.push(b));
  vmm.start();
  const stop = m.run(maxInstructions);
  const raw = Buffer.from(out).toString('latin1');
  const { start, end } = signatureRange(kernel);
  return {
    console: kernelConsole(kernel, raw), raw, stop, instructions: m.instructions, vmm,
    exitCode: stop.kind === 'exit' ? stop.code : STOP_CODES[stop.kind],
    signature: vm.memory.read(start, end - start),
  };
}

/** The same boot under qemu-system-riscv64 -M virt -bios fw_dynamic.bin -kernel ELF (the CPU as Ringside's). */
export function runQemu(kernel: GuestKernel): RunResult {
  const bios = requireFirmware(FIRMWARE.openSbiDynamic);
  const r = runQemuElf(kernel.elf, { machine: 'virt', bios, cpu: QEMU_CPU, timeoutMs: 60_000 });
  return { console: kernelConsole(kernel, r.stdout), raw: r.stdout, exitCode: r.exitCode };
}

/** FNV-1a over the signature's little-endian dwords: what each kernel prints as "final: checksum=". */
export function signatureChecksum(signature: Uint8Array): bigint {
  const dv = new DataView(signature.buffer, signature.byteOffset, signature.byteLength);
  let h = 0xcbf29ce484222325n;
  for (let i = 0; i + 8 <= signature.length; i += 8) h = BigInt.asUintN(64, (h ^ dv.getBigUint64(i, true)) * 0x100000001b3n);
  return h;
}
