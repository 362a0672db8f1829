// The VMM's benchmark rows: what trap-and-emulate costs a guest. The CPU workloads run as the user program of a
// small S-mode kernel (bench/workloads/guest/entry.S: Sv39 on, a 100 Hz tick), once bare under OpenSBI and once as
// a VM's kernel, on the same ELF; both are timed from the kernel's first instruction to the end.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { Machine, type Engine } from '../emulator/machine';
import { Vmm } from '../hypervisor/vmm';
import type { Vm } from '../hypervisor/vm';
import { FIRMWARE, buildCCached, requireFirmware } from '../test/support/toolchain';
import type { DebianLinux } from '../test/support/debian';
import { LINUX_APPEND, LINUX_MEMORY } from '../test/support/linux-boot';
import { best, fmt, table } from './report';
import { runToPrompt, type PromptRun } from './linux-prompt';

export const VMM_BENCH = 'vmm';
/** The target: CPU-bound user code under the VMM at most this much slower than bare. */
export const VMM_TARGET_SLOWDOWN = 1.2;
const WORKLOADS = ['crc32', 'sieve', 'mix'];
const ENGINES: readonly Engine[] = ['translator', 'interpreter'];
export type Mode = 'bare' | 'vmm';
/** Where both OpenSBI and the VMM start an S-mode kernel. */
const KERNEL_ENTRY = 0x8020_0000;
/** Guest RAM, and the bare machine's RAM: the guest sees the same board either way. */
const GUEST_MEMORY = 128 * 1024 * 1024;
/** Machine memory beyond the VM's RAM: the VMM's frames (shadow tables, its idle loop). */
const VMM_MEMORY = 32 * 1024 * 1024;
const MAX_INSTRUCTIONS = 2_000_000_000;

export interface GuestRun {
  seconds: number;
  /** Instructions from the kernel's entry to the end (the guest's own, under the VMM). */
  instructions: number;
  output: string;
  exitCode: number | undefined;
  /** Entries into the VMM, exceptions and interrupts (0 bare). */
  exits: number;
}

function guestElf(workload: string): string {
  return buildCCached(`guest-${workload}`, [
    'bench/workloads/guest/entry.S', 'examples/c/runtime/runtime.c', `bench/workloads/${workload}.c`,
  ], { runtime: false, flags: ['-march=rv64imac_zicsr', '-Iexamples/c/runtime', '-T', 'bench/workloads/guest/link.ld'] });
}

function timed(m: Machine): { seconds: number; exitCode: number | undefined } {
  const t0 = process.hrtime.bigint();
  const stop = m.run(MAX_INSTRUCTIONS);
  return { seconds: Number(process.hrtime.bigint() - t0) / 1e9, exitCode: stop.kind === 'exit' ? stop.code : undefined };
}

/** Bare: OpenSBI boots (untimed, stopped at the kernel's entry by a breakpoint), then the kernel and its program run. */
function runBare(kernel: Uint8Array, engine: Engine): GuestRun {
  const m = new Machine({ memory: GUEST_MEMORY, engine });
  m.boot(fs.readFileSync(requireFirmware(FIRMWARE.openSbiDynamic)), { kernel });
  const out: number[] = [];
  m.events.on('output', (b) => out.push(b));
  m.setBreakpoints([KERNEL_ENTRY]);
  const entry = m.run(MAX_INSTRUCTIONS);
  if (entry.kind !== 'debug') throw new Error(`bench: OpenSBI did not reach the kernel at 0x${KERNEL_ENTRY.toString(16)} (${entry.kind})`);
  m.setBreakpoints([]);
  m.clearDebugStops();
  out.length = 0; // OpenSBI's banner is not the guest's output
  const before = m.instructions, t = timed(m);
  return { ...t, instructions: m.instructions - before, output: Buffer.from(out).toString('latin1'), exits: 0 };
}

/** One VM with the given RAM on a machine with room for the VMM's frames, started (the VMM provides SBI). */
function startVm(config: { kernel: Uint8Array; initrd?: Uint8Array; append?: string; memory: number }, engine: Engine): { vm: Vm; vmm: Vmm; machine: Machine } {
  const machine = new Machine({ memory: config.memory + VMM_MEMORY, engine });
  const vmm = new Vmm(machine);
  const vm = vmm.createVm(config);
  vmm.start();
  return { vm, vmm, machine };
}

function exitsOf(vm: Vm): number {
  return vm.vcpus.reduce((n, v) => n + v.exits.reduce((a, b) => a + b, 0), 0);
}

function runVm(kernel: Uint8Array, engine: Engine): GuestRun {
  const { vm, vmm, machine } = startVm({ kernel, memory: GUEST_MEMORY }, engine);
  const out: number[] = [];
  vm.events.on('output', (b) => { if (b >= 0) out.push(b); });
  const t = timed(machine);
  return { ...t, instructions: vmm.guestInstructions(vm.vcpus[0]), output: Buffer.from(out).toString('latin1'), exits: exitsOf(vm) };
}

/** One measurement in this process (bench/vmm-child.ts runs it in a fresh one). */
export function measure(workload: string, engine: Engine, mode: Mode): GuestRun {
  const kernel = fs.readFileSync(guestElf(workload));
  return mode === 'bare' ? runBare(kernel, engine) : runVm(kernel, engine);
}

/**
 * One measurement in a fresh Node process: in one process, whichever mode runs second inherits the first's
 * optimised (or deoptimised) engine code, which moved the ratio by ±25% between orderings on this machine.
 */
function measureApart(workload: string, engine: Engine, mode: Mode): GuestRun {
  const r = spawnSync(process.execPath, [...process.execArgv, path.join(__dirname, 'vmm-child.ts'), workload, engine, mode],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const last = r.stdout?.trim().split('\n').pop() ?? '';
  if (r.status !== 0 || !last.startsWith('{')) {
    throw new Error(`bench: ${VMM_BENCH} ${workload} ${mode} (${engine}) failed (exit ${r.status ?? r.signal}): ${(r.stderr || r.error?.message || '').trim().slice(-2000)}`);
  }
  return JSON.parse(last) as GuestRun;
}

/** Prints the VMM's workload rows; returns false when a run misbehaved (outputs differ, or a run did not end cleanly). */
export function benchVmm(runs: number): boolean {
  const rows = [['guest workload', 'engine', 'guest instr.', 'bare s', 'VMM s', 'slowdown', 'exits', 'exits / M instr.', 'checksum']];
  let ok = true, worst = 0;
  for (const name of WORKLOADS) {
    guestElf(name); // built once here, not by the first two children at once
    for (const engine of ENGINES) {
      process.stderr.write(`running ${VMM_BENCH} ${name} (${engine}, bare and under the VMM, each in a fresh process)...\n`);
      const bare = best(runs, () => measureApart(name, engine, 'bare')), vmm = best(runs, () => measureApart(name, engine, 'vmm'));
      for (const [what, r] of [['bare', bare], ['under the VMM', vmm]] as const) {
        if (r.exitCode !== 0 || r.output !== bare.output || !/checksum/.test(r.output)) {
          console.error(`bench: ${VMM_BENCH} ${name} ${what} (${engine}): exit ${r.exitCode ?? 'none'}, output ${JSON.stringify(r.output.slice(-200))}`);
          ok = false;
        }
      }
      const slowdown = vmm.seconds / bare.seconds;
      if (engine === 'translator') worst = Math.max(worst, slowdown);
      rows.push([name, engine, `${fmt(vmm.instructions / 1e6, 1)} M`, fmt(bare.seconds, 3), fmt(vmm.seconds, 3), `${fmt(slowdown, 3)}×`,
        String(vmm.exits), fmt(vmm.exits / (vmm.instructions / 1e6), 1), bare.output.trim().replace(/^.*?:\s*/, '')]);
    }
  }
  console.log('');
  console.log(table(rows));
  console.log(`target: CPU-bound user code under trap-and-emulate ≤ ${VMM_TARGET_SLOWDOWN}× bare (translator): ${worst <= VMM_TARGET_SLOWDOWN ? 'met' : 'NOT met'} (worst ${fmt(worst, 3)}×)`);
  return ok;
}

export interface LinuxVmmBoot extends PromptRun {
  exits: number;
}

/** Linux as a VM's kernel (no OpenSBI: the VMM provides SBI), on the translator, until the shell prompts. */
export function bootLinuxUnderVmm(linux: DebianLinux): LinuxVmmBoot {
  const { vm, vmm, machine } = startVm({
    kernel: fs.readFileSync(linux.kernel), initrd: fs.readFileSync(linux.initrd), append: LINUX_APPEND,
    memory: parseInt(LINUX_MEMORY, 10) * 1024 * 1024,
  }, 'translator');
  let text = '';
  vm.events.on('output', (b) => { if (b >= 0) text += String.fromCharCode(b); });
  const run = runToPrompt(machine, () => text, () => vmm.guestInstructions(vm.vcpus[0]));
  return { ...run, exits: exitsOf(vm) };
}

/** The Linux-under-the-VMM row, against the bare boot when the bench ran one. */
export function linuxVmmTable(v: LinuxVmmBoot, bare: { seconds: number; instructions: number } | undefined): string {
  const rows = [['Linux boot to the prompt', 'guest instr.', 'bare s', 'VMM s', 'slowdown', 'exits', 'exits / M instr.', 'MIPS under the VMM']];
  rows.push(['translator', `${fmt(v.instructions / 1e6, 1)} M`, fmt(bare?.seconds, 2), v.prompted ? fmt(v.seconds, 2) : 'not reached',
    bare && v.prompted ? `${fmt(v.seconds / bare.seconds, 3)}×` : '-', String(v.exits), fmt(v.exits / (v.instructions / 1e6), 1),
    fmt(v.instructions / v.seconds / 1e6)]);
  return table(rows) + (v.prompted ? '' : `\nlinux under the VMM: ${v.why}`);
}
