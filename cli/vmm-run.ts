// `ringside run --vmm TECHNIQUE`: the program runs as the kernel of one or more VMs under Ringside's VMM, with
// each VM's console on stdout (prefixed when there are several) and, with --stats, exits and efficiency per VM.
import { Machine } from '../emulator/machine';
import { causeName } from '../hypervisor/trap-log';
import { Vmm, type Technique } from '../hypervisor/vmm';
import type { Vm } from '../hypervisor/vm';

export interface VmmRunOptions {
  technique: Technique;
  /** How many VMs run the program side by side. */
  vms: number;
  /** Guest RAM per VM, bytes. */
  vmMemory: number;
  vcpus: number;
  harts: number;
  kernel: Uint8Array;
  initrd?: Uint8Array;
  append?: string;
  input: Uint8Array;
  maxInstructions: number;
  engine: 'translator' | 'interpreter';
}

/** Machine memory beyond the VMs' RAM: the VMM's shadow tables, the idle loop, and the VMs' device trees' slack. */
const VMM_OVERHEAD = 32 * 1024 * 1024;

export interface VmmRunResult {
  stop: ReturnType<Machine['run']>;
  machine: Machine;
  vmm: Vmm;
  seconds: number;
}

/** Runs the VMs to their end (or the instruction limit), streaming their consoles to out. */
export function runVms(o: VmmRunOptions, out: (bytes: Uint8Array) => void): VmmRunResult {
  const machine = new Machine({ memory: VMM_OVERHEAD + o.vms * o.vmMemory, harts: o.harts, engine: o.engine });
  const vmm = new Vmm(machine, { technique: o.technique });
  for (let i = 0; i < o.vms; i++) {
    const vm = vmm.createVm({ kernel: o.kernel, initrd: o.initrd, append: o.append, memory: o.vmMemory, vcpus: o.vcpus });
    connectConsole(vm, o.vms > 1 ? `[${vm.name}] ` : '', out);
  }
  vmm.vms[0].input(o.input);
  vmm.start();
  const t0 = process.hrtime.bigint();
  const stop = machine.run(o.maxInstructions);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  for (const vm of vmm.vms) vm.events.emit('output', -1); // flush partial lines
  return { stop, machine, vmm, seconds };
}

/** A VM's console: line-buffered with a prefix when VMs share stdout, so their lines never interleave mid-line. */
function connectConsole(vm: Vm, prefix: string, out: (bytes: Uint8Array) => void): void {
  let line: number[] = [];
  const head = Buffer.from(prefix, 'latin1');
  const flush = () => {
    if (line.length === 0) return;
    out(prefix ? Buffer.concat([head, Uint8Array.from(line)]) : Uint8Array.from(line));
    line = [];
  };
  vm.events.on('output', (b) => {
    if (b < 0) { flush(); return; }
    line.push(b);
    if (b === 10 || (!prefix && line.length >= 4096)) flush();
  });
}

/** --stats for each VM: how much ran on the hardware, what exited and why, and the shadow tables' work. */
export function vmmStats(r: VmmRunResult): string[] {
  const lines: string[] = [];
  for (const vm of r.vmm.vms) {
    const direct = vm.vcpus.reduce((n, v) => n + r.vmm.guestInstructions(v), 0);
    const exits = new Float64Array(64);
    for (const v of vm.vcpus) v.exits.forEach((n, i) => { exits[i] += n; });
    const trapping = exits.slice(0, 32).reduce((a, b) => a + b, 0);
    const share = direct + trapping > 0 ? (100 * direct) / (direct + trapping) : 0;
    lines.push(`${vm.name}: ${vm.state}${vm.haltReason ? ` (${vm.haltReason})` : ''}; ${direct} guest instructions ran on the hardware, ` +
      `${trapping} trapped to the VMM: ${share.toFixed(3)}% without VMM intervention`);
    const byCause: string[] = [];
    exits.forEach((n, i) => { if (n) byCause.push(`${causeName(i & 31, i >= 32)} ${n}`); });
    lines.push(`  exits by cause: ${byCause.join(', ') || 'none'}`);
    lines.push(`  decisions: ${Object.entries(vm.decisions).filter(([, n]) => n).map(([k, n]) => `${k} ${n}`).join(', ') || 'none'}`);
    const s = vm.shadow.stats;
    lines.push(`  shadow page tables: ${s.faults} faults, ${s.fills} fills, ${s.flushes} flushes, ${s.roots} trees built, ${s.pagesUsed} pages in use`);
    if (direct + trapping > 0) lines.push(`  exits per million guest instructions: ${((trapping * 1e6) / (direct + trapping)).toFixed(1)}`);
  }
  return lines;
}
