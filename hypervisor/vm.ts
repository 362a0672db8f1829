// One virtual machine: its guest-physical RAM (p2m), its vCPUs, its devices and shadow page tables, and its lifecycle.
// It is loaded like a board loads a kernel (kernel, initrd, device tree); the VMM decides when its vCPUs run.
import { Priv } from '../emulator/hart';
import type { Hart } from '../emulator/hart';
import type { Ram } from '../emulator/memory/ram';
import { Mmu, type TranslationContext } from '../emulator/mmu';
import { CSR } from '../emulator/csr/file';
import { boardDtb } from '../emulator/board/virt';
import { isElf, parseElf } from '../emulator/loader/elf';
import { LoadError, PLIC_BASE, RAM_BASE, UART_BASE, UART_IRQ, ISA_STRING } from '../emulator/machine';
import { PLIC_NDEV } from '../emulator/devices/plic';
import { Emitter } from '../emulator/events';
import { GuestMemory } from './guest-memory';
import type { FrameAllocator } from './frames';
import { ShadowPager, type AsidAllocator, type ShadowKind, type ShadowRoot } from './shadow';
import { VmDevices } from './vm-devices';
import { Vcpu } from './vcpu';
import type { DecisionKind } from './trap-log';

/** created → running ⇄ paused, and running or paused → halted (for good). */
export type VmState = 'created' | 'running' | 'paused' | 'halted';

const TRANSITIONS: Record<VmState, readonly VmState[]> = {
  created: ['running', 'halted'],
  running: ['paused', 'halted'],
  paused: ['running', 'halted'],
  halted: [],
};

export interface VmConfig {
  /** Shown in thread names and console prefixes (default vmN). */
  name?: string;
  /** The guest kernel: an ELF (loaded at its physical addresses) or a raw image (loaded at RAM + 2 MiB, as OpenSBI's next stage). */
  kernel: Uint8Array;
  initrd?: Uint8Array;
  /** Kernel command line (chosen/bootargs). */
  append?: string;
  /** Guest RAM in bytes (default 64 MiB), a multiple of 2 MiB. */
  memory?: number;
  /** vCPUs (default 1). vCPU 0 starts at the kernel; the others wait for SBI HSM hart_start, as under OpenSBI. */
  vcpus?: number;
}

export interface VmEvents {
  state: { from: VmState; to: VmState; why: string };
  /** A byte the guest wrote to its console (UART or SBI). */
  output: number;
}

export const DEFAULT_VM_MEMORY = 64 * 1024 * 1024;
export const MAX_VCPUS = 8;
/** Where a raw kernel image goes, as OpenSBI's fw_dynamic jumps there on QEMU's virt board. */
const KERNEL_OFFSET = 0x20_0000;

export class Vm {
  readonly memory: GuestMemory;
  readonly vcpus: Vcpu[];
  readonly devices: VmDevices;
  readonly shadow: ShadowPager;
  /** Walks the guest's own page tables in its guest-physical memory (the emulator's walker, on the p2m view). */
  readonly walker: Mmu;
  readonly events = new Emitter<VmEvents>();
  /** Exits by what the VMM decided (interrupts injected into the guest count as 'injected'). */
  readonly decisions: Record<DecisionKind, number> = { emulated: 0, injected: 0, filled: 0, sbi: 0, mmio: 0, interrupt: 0, halted: 0 };
  state: VmState = 'created';
  /** Why it halted (shutdown, reset, or the fault that ended it), and its exit code (0 for a clean shutdown). */
  haltReason: string | undefined;
  exitCode: number | undefined;
  /** Guest-physical address of its device tree, and where its kernel starts. */
  readonly dtbAddress: number;
  readonly entry: number;
  private readonly walkContext: TranslationContext = { priv: 1, satpLo: 0, satpHi: 0, sum: false, mxr: false };

  constructor(
    readonly id: number, config: VmConfig, ram: Ram, frames: FrameAllocator, asids: AsidAllocator, harts: (vcpu: number) => Hart,
    machineWritten: (off: number, len: number) => void, tlbFlush: (asid: number, page?: { lo: number; hi: number }) => void,
  ) {
    this.name = config.name ?? `vm${id}`;
    const size = config.memory ?? DEFAULT_VM_MEMORY, count = config.vcpus ?? 1;
    if (!(Number.isInteger(size) && size >= 4 * 1024 * 1024 && size % KERNEL_OFFSET === 0)) {
      throw new LoadError(`${this.name}: guest memory ${size} is not supported: use a multiple of 2 MiB, at least 4 MiB`);
    }
    if (!(Number.isInteger(count) && count >= 1 && count <= MAX_VCPUS)) throw new LoadError(`${this.name}: ${count} vCPUs are not supported: use 1 to ${MAX_VCPUS}`);
    this.memory = new GuestMemory(ram, RAM_BASE, size, frames, this.name, machineWritten);
    this.walker = new Mmu(this.memory, (off) => this.memory.pteWritten(off));
    this.devices = new VmDevices(ram, count, (b) => this.events.emit('output', b));
    this.shadow = new ShadowPager(ram, frames, asids, tlbFlush);
    this.vcpus = Array.from({ length: count }, (_, i) => new Vcpu(this, i, harts(i), i === 0));
    const loaded = this.load(config);
    this.entry = loaded.entry;
    this.dtbAddress = loaded.dtbAddress;
    for (const v of this.vcpus) {
      v.pc = this.entry;
      v.L[10] = v.index; // a0 = hart id, a1 = device tree, as OpenSBI enters the kernel
      v.L[11] = this.dtbAddress % 4294967296 | 0;
    }
  }

  readonly name: string;

  /** Moves to another state; throws (naming both) when the lifecycle does not allow it. */
  setState(to: VmState, why: string): void {
    const from = this.state;
    if (from === to) return;
    if (!TRANSITIONS[from].includes(to)) throw new Error(`${this.name} cannot go from ${from} to ${to}`);
    this.state = to;
    if (to === 'halted') this.haltReason = why;
    this.events.emit('state', { from, to, why });
  }

  /** Bytes typed at this VM's console: they reach its UART's receiver. */
  input(bytes: Uint8Array): void {
    this.devices.uart.receive(bytes);
    this.devices.updateInterrupts(this.vcpus);
  }

  /** The shadow tree the vCPU's current guest context runs on. */
  shadowRoot(v: Vcpu): ShadowRoot {
    const c = v.csr, s = c.lo[CSR.mstatus];
    const kind: ShadowKind = v.vpriv === Priv.U ? 'U' : (s & (1 << 18)) !== 0 ? 'S+SUM' : 'S';
    return this.shadow.root(c.lo[CSR.satp], c.hi[CSR.satp], kind, (s & (1 << 19)) !== 0);
  }

  /** The guest walk context of a vCPU (its satp, virtual mode, SUM and MXR), for translating guest-virtual addresses. */
  walkContextOf(v: Vcpu, priv: number = v.vpriv): TranslationContext {
    const c = v.csr, s = c.lo[CSR.mstatus], w = this.walkContext;
    w.priv = priv; w.satpLo = c.lo[CSR.satp]; w.satpHi = c.hi[CSR.satp];
    w.sum = (s & (1 << 18)) !== 0; w.mxr = (s & (1 << 19)) !== 0;
    return w;
  }

  private load(config: VmConfig): { entry: number; dtbAddress: number } {
    const kernelBase = RAM_BASE + KERNEL_OFFSET;
    let entry = kernelBase;
    if (isElf(config.kernel)) {
      const image = parseElf(config.kernel);
      for (const s of image.segments) this.place(Number(s.paddr), s.data, Number(s.memsz), `kernel segment ${s.index}`);
      entry = Number(image.entry);
    } else {
      this.place(kernelBase, config.kernel, config.kernel.length, 'kernel');
    }
    let initrd: { start: number; end: number } | undefined;
    if (config.initrd) {
      const start = kernelBase + Math.min(this.memory.size / 2, 128 * 1024 * 1024);
      this.place(start, config.initrd, config.initrd.length, 'initrd');
      initrd = { start, end: start + config.initrd.length };
    }
    const dtb = boardDtb({
      ramBase: RAM_BASE, ramSize: this.memory.size, harts: this.vcpus.length, isa: ISA_STRING, timebaseHz: 10_000_000,
      uart: UART_BASE, uartIrq: UART_IRQ, plic: PLIC_BASE, plicSources: PLIC_NDEV, bootargs: config.append, initrd,
    });
    const dtbAddress = Math.floor((RAM_BASE + this.memory.size - dtb.length) / KERNEL_OFFSET) * KERNEL_OFFSET;
    this.memory.write(dtbAddress, dtb);
    if (!this.memory.contains(entry, 2)) throw new LoadError(`${this.name}: the kernel's entry 0x${entry.toString(16)} is outside guest RAM`);
    return { entry, dtbAddress };
  }

  private place(gpa: number, data: Uint8Array, memsz: number, what: string): void {
    if (!this.memory.contains(gpa, Math.max(memsz, data.length))) {
      const end = RAM_BASE + this.memory.size;
      throw new LoadError(`${this.name}: ${what} at 0x${gpa.toString(16)}..0x${(gpa + memsz).toString(16)} lies outside guest RAM ` +
        `(0x${RAM_BASE.toString(16)}..0x${end.toString(16)}); give the VM more memory or link the kernel inside it`);
    }
    this.memory.write(gpa, data);
  }
}
