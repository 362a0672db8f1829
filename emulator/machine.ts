// The machine: one hart, RAM and devices on QEMU's memory map, program loading and the run loop.
// Its API and events are plain TypeScript types; the CLI, the debug adapter and the hypervisor all drive it.
import { Bus } from './memory/bus';
import { Ram, PAGE_SHIFT } from './memory/ram';
import { Hart, Priv } from './hart';
import { compileInterpreter, type RunFunction } from './interpreter';
import { Translator } from './translator';
import { Uart16550 } from './devices/uart16550';
import { TestFinisher } from './devices/test-finisher';
import { Htif } from './devices/htif';
import { Clint, CLINT_SIZE } from './devices/clint';
import { Plic, PLIC_NDEV, PLIC_SIZE } from './devices/plic';
import { VirtioMmio, VIRTIO_MMIO_SIZE, type VirtioDevice } from './devices/virtio-mmio';
import { BootRom, BOOT_ROM_BASE, BOOT_ROM_SIZE, FW_DYNAMIC_INFO } from './devices/boot-rom';
import { boardDtb } from './board/virt';
import { CSR, CYCLES_PER_TICK } from './csr/file';
import { Emitter } from './events';
import { isElf, parseElf, type ElfImage, type ElfSymbol } from './loader/elf';

export const RAM_BASE = 0x8000_0000;
export const UART_BASE = 0x1000_0000;
export const FINISHER_BASE = 0x10_0000;
export const CLINT_BASE = 0x200_0000;
export const PLIC_BASE = 0xc00_0000;
/** The UART's PLIC source on the virt board. */
export const UART_IRQ = 10;
/** Eight virtio-mmio slots, 0x1000 apart, on PLIC sources 1..8, as on QEMU's virt board. */
export const VIRTIO_BASE = 0x1000_1000;
export const VIRTIO_STRIDE = 0x1000;
export const VIRTIO_SLOTS = 8;
export const VIRTIO_IRQ = 1;
export const DEFAULT_MEMORY = 128 * 1024 * 1024;
export const MAX_MEMORY = 2 * 1024 * 1024 * 1024;

export class LoadError extends Error {}

export type Engine = 'interpreter' | 'translator';

export interface MachineOptions {
  /** RAM size in bytes (default 128 MiB, at most 2 GiB). */
  memory?: number;
  /**
   * 'translator' (default): hot blocks compiled to JavaScript, cold code interpreted.
   * 'interpreter': every instruction interpreted. Both give identical results.
   */
  engine?: Engine;
  /** Translator only: compile a block on this entry (default 16; 1 translates everything, for tests). */
  translateAfter?: number;
  /**
   * Virtio devices, plugged as QEMU plugs `-device virtio-*-device`: the first in the highest slot
   * (0x1000_8000, irq 8), the next one below it, and so on.
   */
  virtio?: VirtioDevice[];
}

export type StopReason =
  | { kind: 'exit'; code: number }
  | { kind: 'limit' }
  /** wfi with interrupts that can never arrive: the guest would sleep forever. */
  | { kind: 'idle' }
  /** Every instruction of a whole slice trapped: the trap handler itself faults (mtvec unset or not memory). */
  | { kind: 'stuck'; cause: number };

export interface MachineEvents {
  /** Console bytes from the UART or HTIF. */
  output: number;
  exit: { code: number };
}

/** Instructions per interpreter slice: long enough to amortise the call, short enough to answer pause promptly. */
const SLICE = 1 << 16;

export class Machine {
  readonly ram: Ram;
  readonly bus: Bus;
  readonly hart: Hart;
  readonly uart: Uart16550;
  readonly clint: Clint;
  readonly plic: Plic;
  /** The virtio-mmio slots, slot i at VIRTIO_BASE + i * VIRTIO_STRIDE (empty ones read DeviceID 0). */
  readonly virtio: VirtioMmio[];
  readonly events = new Emitter<MachineEvents>();
  symbols: ElfSymbol[] = [];
  exitCode: number | undefined;
  /** Instructions that trapped instead of retiring (they count toward run limits). */
  trapped = 0;
  /** Runs a slice on the chosen engine. */
  private readonly execute: RunFunction;
  /** The interpreter alone, for single steps. */
  private readonly interpret: RunFunction;
  readonly translator: Translator | undefined;
  private htif: Htif | undefined;

  constructor(options: MachineOptions = {}) {
    const memory = options.memory ?? DEFAULT_MEMORY;
    if (!(memory >= 4096 && memory <= MAX_MEMORY && memory % 4096 === 0)) {
      throw new LoadError(`memory size ${memory} is not supported: use a multiple of 4 KiB between 4 KiB and 2 GiB`);
    }
    this.ram = new Ram(RAM_BASE, memory);
    this.bus = new Bus(this.ram);
    this.hart = new Hart(this.bus, 0);
    this.uart = new Uart16550((b) => this.events.emit('output', b));
    this.bus.map(UART_BASE, 0x100, this.uart);
    this.bus.map(FINISHER_BASE, 0x1000, new TestFinisher((code) => this.finish(code)));
    const hart = this.hart;
    this.clint = new Clint(1, { now: () => hart.mtime(), setNow: (t) => hart.setMtime(t) });
    this.bus.map(CLINT_BASE, CLINT_SIZE, this.clint);
    this.plic = new Plic(2); // hart 0: M-mode context 0, S-mode context 1
    this.bus.map(PLIC_BASE, PLIC_SIZE, this.plic);
    const devices = options.virtio ?? [];
    if (devices.length > VIRTIO_SLOTS) throw new LoadError(`${devices.length} virtio devices do not fit in the board's ${VIRTIO_SLOTS} virtio-mmio slots`);
    const dma = { ram: this.ram, written: (off: number, len: number) => this.dmaWritten(off, len) };
    this.virtio = Array.from({ length: VIRTIO_SLOTS }, (_, i) => {
      const base = VIRTIO_BASE + i * VIRTIO_STRIDE, t = new VirtioMmio(`virtio_mmio@${base.toString(16)}`, dma, devices[VIRTIO_SLOTS - 1 - i]);
      this.bus.map(base, VIRTIO_MMIO_SIZE, t);
      return t;
    });
    this.hart.onWatchedStore = (pa, bytes) => this.htif?.onStore(pa, bytes) ?? false;
    this.interpret = compileInterpreter(this.hart);
    this.translator = options.engine === 'interpreter' ? undefined : new Translator(this.hart, this.interpret, options.translateAfter);
    this.execute = this.translator?.run ?? this.interpret;
  }

  /** Instructions retired so far. */
  get instructions(): number {
    return this.hart.retired;
  }

  /** Loads an ELF (or a raw binary at loadAddress) and points the hart at its entry. */
  load(bytes: Uint8Array, loadAddress?: bigint): void {
    if (loadAddress !== undefined) {
      this.place(loadAddress, bytes, BigInt(bytes.length), 'raw image');
      this.checkEntry(loadAddress);
      this.reset(loadAddress);
      return;
    }
    if (!isElf(bytes)) throw new LoadError('not an ELF file; to run a raw binary, give its load address (--load-address 0x80000000)');
    this.loadImage(parseElf(bytes));
  }

  loadImage(image: ElfImage): void {
    image.segments.forEach((s) => this.place(s.paddr, s.data, s.memsz, `segment ${s.index}`));
    this.checkEntry(image.entry);
    this.symbols = image.symbols;
    const tohost = image.symbols.find((s) => s.name === 'tohost');
    if (tohost) this.attachHtif(tohost.value, image.symbols.find((s) => s.name === 'fromhost')?.value);
    this.reset(image.entry);
  }

  private place(addr: bigint, data: Uint8Array, memsz: bigint, what: string): void {
    const end = addr + memsz;
    const ramEnd = BigInt(RAM_BASE + this.ram.size);
    if (addr < BigInt(RAM_BASE) || end > ramEnd) {
      throw new LoadError(
        `${what} at 0x${addr.toString(16)}..0x${end.toString(16)} lies outside RAM (0x${RAM_BASE.toString(16)}..0x${ramEnd.toString(16)}); ` +
        'link the program at 0x80000000 or give the machine more memory');
    }
    const off = Number(addr) - RAM_BASE;
    this.ram.writeBytes(off, data);
    // .bss needs no zeroing: RAM reads as zero until written, and loading happens before the program runs.
  }

  /**
   * Boots like QEMU's virt board: firmware at the start of RAM (an ELF, or a raw image such as OpenSBI's
   * fw_dynamic.bin), an optional kernel at RAM + 2 MiB, and a generated device tree at the end of RAM. The
   * hart starts at the firmware with the registers the boot ROM at 0x1000 leaves: a0 = hart id, a1 = device
   * tree, a2 = fw_dynamic_info (which tells OpenSBI where the kernel is).
   */
  boot(firmware: Uint8Array, options: { kernel?: Uint8Array; initrd?: Uint8Array; bootargs?: string } = {}): { dtb: Uint8Array; dtbAddress: number } {
    if (isElf(firmware)) this.loadImage(parseElf(firmware));
    else this.place(BigInt(RAM_BASE), firmware, BigInt(firmware.length), 'firmware');
    const kernelBase = RAM_BASE + 0x20_0000;
    if (options.kernel) this.place(BigInt(kernelBase), options.kernel, BigInt(options.kernel.length), 'kernel');
    let initrd: { start: number; end: number } | undefined;
    if (options.initrd) {
      // As QEMU: half of RAM (at most 128 MiB) above the kernel, so that the kernel can grow below it.
      const start = kernelBase + Math.min(this.ram.size / 2, 128 * 1024 * 1024);
      this.place(BigInt(start), options.initrd, BigInt(options.initrd.length), 'initrd');
      initrd = { start, end: start + options.initrd.length };
    }
    const dtb = boardDtb({
      ramBase: RAM_BASE, ramSize: this.ram.size, harts: 1, isa: 'rv64imac_zicsr_zifencei_sstc', timebaseHz: 10_000_000,
      uart: UART_BASE, uartIrq: UART_IRQ, clint: CLINT_BASE, plic: PLIC_BASE, plicSources: PLIC_NDEV, finisher: FINISHER_BASE,
      virtio: { base: VIRTIO_BASE, stride: VIRTIO_STRIDE, count: VIRTIO_SLOTS, irq: VIRTIO_IRQ }, bootargs: options.bootargs, initrd,
    });
    // As QEMU: 2 MiB-aligned, as high as possible below the end of RAM.
    const dtbAddress = Math.floor((RAM_BASE + this.ram.size - dtb.length) / 0x20_0000) * 0x20_0000;
    this.ram.writeBytes(dtbAddress - RAM_BASE, dtb);
    this.bus.map(BOOT_ROM_BASE, BOOT_ROM_SIZE, new BootRom(RAM_BASE, dtbAddress, options.kernel ? kernelBase : 0));
    const h = this.hart;
    h.pc = RAM_BASE;
    h.priv = Priv.M;
    h.setReg(5, BigInt(RAM_BASE)); // t0, as the reset vector leaves it
    h.setReg(10, BigInt(h.hartId));
    h.setReg(11, BigInt(dtbAddress));
    h.setReg(12, BigInt(BOOT_ROM_BASE + FW_DYNAMIC_INFO));
    return { dtb, dtbAddress };
  }

  private checkEntry(entry: bigint): void {
    if (entry < BigInt(RAM_BASE) || entry >= BigInt(RAM_BASE + this.ram.size)) {
      throw new LoadError(`entry point 0x${entry.toString(16)} is outside RAM (0x${RAM_BASE.toString(16)}..0x${(RAM_BASE + this.ram.size).toString(16)}); link the program at 0x80000000`);
    }
  }

  private attachHtif(tohost: bigint, fromhost: bigint | undefined): void {
    const pa = Number(tohost);
    if (!this.ram.contains(pa, 8)) return;
    const ram = this.ram;
    this.htif = new Htif(pa, fromhost !== undefined && ram.contains(Number(fromhost), 8) ? Number(fromhost) : undefined, {
      read64: (a) => {
        const b = ram.readBytes(a - RAM_BASE, 8);
        return new DataView(b.buffer).getBigUint64(0, true);
      },
      write64: (a, v) => {
        const b = new Uint8Array(8);
        new DataView(b.buffer).setBigUint64(0, v, true);
        ram.writeBytes(a - RAM_BASE, b);
      },
      exit: (code) => this.finish(code),
      putchar: (byte) => this.events.emit('output', byte),
    });
    ram.pageFlags[(pa - RAM_BASE) >>> 12] |= 2; // PageFlag.Watch
  }

  private reset(entry: bigint): void {
    const h = this.hart;
    h.pc = Number(BigInt.asIntN(64, entry));
    h.priv = Priv.M;
    h.setReg(10, BigInt(h.hartId)); // a0 = hart id, a1 = device tree (none yet), as QEMU's boot ROM passes them
    h.setReg(11, 0n);
  }

  private finish(code: number): void {
    this.exitCode = code;
    this.events.emit('exit', { code });
  }

  /**
   * Runs until the guest exits, or until maxInstructions have retired or trapped.
   * The same program always stops at the same instruction: time is counted in instructions.
   */
  run(maxInstructions = Number.MAX_SAFE_INTEGER): StopReason {
    const h = this.hart;
    let steps = 0;
    while (this.exitCode === undefined) {
      if (steps >= maxInstructions) return { kind: 'limit' };
      this.deliverInterrupts();
      const n = this.execute(Math.min(SLICE, maxInstructions - steps, this.cyclesUntilTimer()));
      steps += n + h.sliceTraps;
      this.trapped += h.sliceTraps;
      if (n === 0 && h.sliceTraps >= SLICE) return { kind: 'stuck', cause: h.csr.lo[CSR.mcause] };
      if (h.waitForInterrupt && !this.sleep()) return { kind: 'idle' };
    }
    return { kind: 'exit', code: this.exitCode };
  }

  /** Executes exactly one instruction (or takes one trap, or an interrupt that is due). */
  step(): void {
    this.deliverInterrupts();
    this.interpret(1);
    this.trapped += this.hart.sliceTraps;
    if (this.hart.waitForInterrupt) this.sleep();
  }

  /** Updates mip from the CLINT (and, with Sstc, stimecmp) and takes a pending interrupt if one is enabled. */
  private deliverInterrupts(): void {
    const h = this.hart, now = h.mtime();
    h.setPending(3, this.clint.msip[0] !== 0);
    h.setPending(7, now >= this.clint.mtimecmp[0]);
    if (h.csr.stce) h.setPending(5, now >= this.stimecmp());
    this.plic.setLevel(UART_IRQ, this.uart.irq);
    for (let i = 0; i < VIRTIO_SLOTS; i++) this.plic.setLevel(VIRTIO_IRQ + i, this.virtio[i].irq);
    h.setPending(11, this.plic.interruptPending(0));
    h.setPending(9, this.plic.interruptPending(1) || h.csr.seipSoftware);
    h.takeInterrupt();
  }

  /**
   * A device wrote RAM [off, off+len) behind the harts' backs (DMA): drop code cached from it, as a store would
   * (every hart's cache, once there are several).
   */
  dmaWritten(off: number, len: number): void {
    const page = 1 << PAGE_SHIFT, end = off + len;
    for (let p = Math.floor(off / page); p * page < end; p++) {
      if (this.ram.pageFlags[p] === 0) continue;
      const from = Math.max(off, p * page);
      this.hart.storeNotify(from, Math.min(end, (p + 1) * page) - from);
    }
  }

  /** stimecmp in ticks (exact below 2^53; larger values never fire). */
  private stimecmp(): number {
    const c = this.hart.csr, hi = c.hi[CSR.stimecmp] >>> 0;
    return hi >= 0x200000 ? Infinity : hi * 4294967296 + (c.lo[CSR.stimecmp] >>> 0);
  }

  /**
   * Cycles until time reaches mtimecmp (or stimecmp), Infinity when no timer is armed. Slices end exactly
   * there, so timer interrupts arrive at a deterministic instruction.
   */
  private cyclesUntilTimer(): number {
    const h = this.hart, now = h.mtime();
    let until = Infinity;
    for (const cmp of [this.clint.mtimecmp[0], h.csr.stce ? this.stimecmp() : Infinity]) {
      if (cmp !== Infinity && now < cmp) until = Math.min(until, Math.max(1, (cmp - h.timeOffset) * CYCLES_PER_TICK - h.cycles));
    }
    return until;
  }

  /**
   * wfi: advance time to the next timer event, without retiring instructions. Returns false when
   * nothing could ever wake the hart (no timer armed and enabled in mie).
   */
  private sleep(): boolean {
    const h = this.hart;
    h.waitForInterrupt = false;
    if (this.exitCode !== undefined) return true;
    const mie = h.csr.lo[CSR.mie];
    const machineTimer = ((mie >>> 7) & 1) === 1 && this.clint.mtimecmp[0] !== Infinity;
    const supervisorTimer = ((mie >>> 5) & 1) === 1 && h.csr.stce && this.stimecmp() !== Infinity;
    if (!machineTimer && !supervisorTimer) return false;
    h.idleCycles += this.cyclesUntilTimer();
    return true;
  }

  symbolAt(addr: bigint): ElfSymbol | undefined {
    let best: ElfSymbol | undefined;
    for (const s of this.symbols) {
      if ((s.type === 'func' || s.type === 'notype') && s.value <= addr && (!best || s.value > best.value)) best = s;
    }
    return best;
  }
}
