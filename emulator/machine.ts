// The machine: harts, RAM and devices on QEMU's memory map, program loading and the deterministic run loop.
// Its API and events are plain TypeScript types; the CLI, the debug adapter and the hypervisor all drive it.
import { Bus } from './memory/bus';
import { Ram, PAGE_SHIFT } from './memory/ram';
import { Hart, Priv, type DebugStop, type Watchpoint } from './hart';
import { BreakpointSet } from './breakpoints';
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
import { isCodeSymbol, isElf, parseElf, type ElfImage, type ElfSymbol } from './loader/elf';

export const RAM_BASE = 0x8000_0000;
export const UART_BASE = 0x1000_0000;
export const FINISHER_BASE = 0x10_0000;
export const CLINT_BASE = 0x200_0000;
export const PLIC_BASE = 0xc00_0000;
/** The UART's PLIC source on the virt board. */
export const UART_IRQ = 10;
/** riscv,isa in the device tree: what the harts implement. */
export const ISA_STRING = 'rv64imafdc_zicsr_zifencei_sstc';
/** Eight virtio-mmio slots, 0x1000 apart, on PLIC sources 1..8, as on QEMU's virt board. */
export const VIRTIO_BASE = 0x1000_1000;
export const VIRTIO_STRIDE = 0x1000;
export const VIRTIO_SLOTS = 8;
export const VIRTIO_IRQ = 1;
export const DEFAULT_MEMORY = 128 * 1024 * 1024;
export const MAX_MEMORY = 2 * 1024 * 1024 * 1024;

/** A RAM size as QEMU's -m writes it (bytes, or a count of K, M or G, optionally as KiB/KB); undefined when it is not one. */
export function parseMemorySize(text: string): number | undefined {
  const m = /^(\d+)([KMG]?)i?B?$/i.exec(text);
  if (!m) return undefined;
  const unit = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 }[m[2].toUpperCase() as '' | 'K' | 'M' | 'G'];
  return Number(m[1]) * unit;
}

/** How to fix a RAM size the machine cannot have, or undefined when it can: the one rule Machine and the adapter share. */
export function memorySizeFix(bytes: number): string | undefined {
  if (bytes >= 4096 && bytes <= MAX_MEMORY && bytes % 4096 === 0) return undefined;
  return 'use a multiple of 4 KiB between 4 KiB and 2 GiB';
}
/** Harts a machine may have (QEMU's virt allows more; 8 keeps round-robin rounds short). */
export const MAX_HARTS = 8;

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
  /** Number of harts (default 1, at most MAX_HARTS), as QEMU's -smp. */
  harts?: number;
  /**
   * Cycles each hart runs per turn (default 65536). Small values interleave harts finely, which tests use to
   * make races happen; the result is deterministic for any value.
   */
  quantum?: number;
  /**
   * Virtio devices, plugged as QEMU plugs `-device virtio-*-device`: the first in the highest slot
   * (0x1000_8000, irq 8), the next one below it, and so on.
   */
  virtio?: VirtioDevice[];
}

/** One hart with its own engines: translated code and predecoded pages are per hart, as TLBs are. */
interface HartEngine {
  hart: Hart;
  /** Runs a slice on the chosen engine. */
  execute: RunFunction;
  /** The interpreter alone, for single steps. */
  interpret: RunFunction;
  /** The interpreter that stops at breakpoints and debugger hooks (compiled when a debugger first needs it). */
  debugInterpret: RunFunction | undefined;
  translator: Translator | undefined;
  /** In wfi: the hart sleeps until an interrupt is pending and enabled in mie. */
  asleep: boolean;
}

export type StopReason =
  | { kind: 'exit'; code: number }
  | { kind: 'limit' }
  /** wfi with interrupts that can never arrive: the guest would sleep forever. */
  | { kind: 'idle' }
  /** Every instruction of a whole slice trapped: the trap handler itself faults (mtvec unset or not memory). */
  | { kind: 'stuck'; cause: number; hart: number }
  /** A debugger hook stopped this hart (hart.debugStop says why); the other harts stopped at their turn's end. */
  | { kind: 'debug'; hart: number; why: DebugStop };

export interface MachineEvents {
  /** Console bytes from the UART or HTIF. */
  output: number;
  exit: { code: number };
}

/**
 * Cycles per round: every hart runs this long in turn (less when a timer is due sooner). Long enough to amortise
 * the switch, short enough to answer pause promptly and to keep harts' clocks close.
 */
const SLICE = 1 << 16;

export class Machine {
  readonly ram: Ram;
  readonly bus: Bus;
  readonly harts: Hart[];
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
  private readonly engines: HartEngine[];
  /** The hart running now: devices that depend on who accesses them (the CLINT's mtime) ask it. */
  private current: Hart;
  private readonly quantum: number;
  private htif: Htif | undefined;
  private readonly breakpoints = new BreakpointSet();
  private watching = false;

  constructor(options: MachineOptions = {}) {
    const memory = options.memory ?? DEFAULT_MEMORY;
    const memoryFix = memorySizeFix(memory);
    if (memoryFix) throw new LoadError(`memory size ${memory} is not supported: ${memoryFix}`);
    const count = options.harts ?? 1;
    if (!(Number.isInteger(count) && count >= 1 && count <= MAX_HARTS)) {
      throw new LoadError(`${count} harts are not supported: use 1 to ${MAX_HARTS}`);
    }
    this.quantum = Math.max(1, Math.floor(options.quantum ?? SLICE));
    this.ram = new Ram(RAM_BASE, memory);
    this.bus = new Bus(this.ram);
    this.harts = Array.from({ length: count }, (_, id) => new Hart(this.bus, id));
    this.current = this.harts[0];
    this.uart = new Uart16550((b) => this.events.emit('output', b));
    this.bus.map(UART_BASE, 0x100, this.uart);
    this.bus.map(FINISHER_BASE, 0x1000, new TestFinisher((code) => this.finish(code)));
    this.clint = new Clint(count, { now: () => this.current.mtime(), setNow: (t) => this.harts.forEach((h) => h.setMtime(t)) });
    this.bus.map(CLINT_BASE, CLINT_SIZE, this.clint);
    this.plic = new Plic(2 * count); // hart h: M-mode context 2h, S-mode context 2h + 1
    this.bus.map(PLIC_BASE, PLIC_SIZE, this.plic);
    const devices = options.virtio ?? [];
    if (devices.length > VIRTIO_SLOTS) throw new LoadError(`${devices.length} virtio devices do not fit in the board's ${VIRTIO_SLOTS} virtio-mmio slots`);
    const dma = { ram: this.ram, written: (off: number, len: number) => this.dmaWritten(off, len) };
    this.virtio = Array.from({ length: VIRTIO_SLOTS }, (_, i) => {
      const base = VIRTIO_BASE + i * VIRTIO_STRIDE, t = new VirtioMmio(`virtio_mmio@${base.toString(16)}`, dma, devices[VIRTIO_SLOTS - 1 - i]);
      this.bus.map(base, VIRTIO_MMIO_SIZE, t);
      return t;
    });
    this.engines = this.harts.map((hart) => {
      hart.onWatchedStore = (pa, bytes) => this.htif?.onStore(pa, bytes) ?? false;
      // Code one hart rewrites may be cached by any hart.
      if (count > 1) hart.codeWritten = (off, bytes) => this.harts.reduce((hit, h) => h.dropCode(off, bytes) || hit, false);
      const interpret = compileInterpreter(hart);
      const translator = options.engine === 'interpreter' ? undefined : new Translator(hart, interpret, options.translateAfter);
      return { hart, interpret, debugInterpret: undefined, translator, execute: translator?.run ?? interpret, asleep: false };
    });
  }

  /** Hart 0: the boot hart, and the one single-hart tools look at. */
  get hart(): Hart {
    return this.harts[0];
  }

  /** Hart 0's translator (undefined with the interpreter engine), for statistics. */
  get translator(): Translator | undefined {
    return this.engines[0].translator;
  }

  /** Instructions retired so far, by all harts. */
  get instructions(): number {
    return this.harts.reduce((n, h) => n + h.retired, 0);
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
   * fw_dynamic.bin), an optional kernel (an ELF at its own addresses, a raw image at RAM + 2 MiB), and a
   * generated device tree at the end of RAM. The hart starts at the firmware with the registers the boot ROM at
   * 0x1000 leaves: a0 = hart id, a1 = device tree, a2 = fw_dynamic_info (which tells OpenSBI where the kernel is).
   */
  boot(firmware: Uint8Array, options: { kernel?: Uint8Array; initrd?: Uint8Array; bootargs?: string } = {}): { dtb: Uint8Array; dtbAddress: number } {
    if (isElf(firmware)) this.loadImage(parseElf(firmware));
    else this.place(BigInt(RAM_BASE), firmware, BigInt(firmware.length), 'firmware');
    const kernelBase = RAM_BASE + 0x20_0000;
    const kernelEntry = options.kernel ? this.placeKernel(options.kernel, kernelBase) : 0;
    let initrd: { start: number; end: number } | undefined;
    if (options.initrd) {
      // As QEMU: half of RAM (at most 128 MiB) above the kernel, so that the kernel can grow below it.
      const start = kernelBase + Math.min(this.ram.size / 2, 128 * 1024 * 1024);
      this.place(BigInt(start), options.initrd, BigInt(options.initrd.length), 'initrd');
      initrd = { start, end: start + options.initrd.length };
    }
    const dtb = boardDtb({
      ramBase: RAM_BASE, ramSize: this.ram.size, harts: this.harts.length, isa: ISA_STRING, timebaseHz: 10_000_000,
      uart: UART_BASE, uartIrq: UART_IRQ, clint: CLINT_BASE, plic: PLIC_BASE, plicSources: PLIC_NDEV, finisher: FINISHER_BASE,
      virtio: { base: VIRTIO_BASE, stride: VIRTIO_STRIDE, count: VIRTIO_SLOTS, irq: VIRTIO_IRQ }, bootargs: options.bootargs, initrd,
    });
    // As QEMU: 2 MiB-aligned, as high as possible below the end of RAM.
    const dtbAddress = Math.floor((RAM_BASE + this.ram.size - dtb.length) / 0x20_0000) * 0x20_0000;
    this.ram.writeBytes(dtbAddress - RAM_BASE, dtb);
    this.bus.map(BOOT_ROM_BASE, BOOT_ROM_SIZE, new BootRom(RAM_BASE, dtbAddress, kernelEntry));
    // Every hart runs the reset vector: the firmware picks a boot hart and parks the others.
    for (const h of this.harts) {
      h.pc = RAM_BASE;
      h.priv = Priv.M;
      h.setReg(5, BigInt(RAM_BASE)); // t0, as the reset vector leaves it
      h.setReg(10, BigInt(h.hartId));
      h.setReg(11, BigInt(dtbAddress));
      h.setReg(12, BigInt(BOOT_ROM_BASE + FW_DYNAMIC_INFO));
    }
    return { dtb, dtbAddress };
  }

  /**
   * The kernel as QEMU's -kernel places it: an ELF by its segments (started at its entry, its symbols added to the
   * firmware's), anything else as a raw image at `base` (started there). Returns where OpenSBI should start it.
   */
  private placeKernel(kernel: Uint8Array, base: number): number {
    if (!isElf(kernel)) {
      this.place(BigInt(base), kernel, BigInt(kernel.length), 'kernel');
      return base;
    }
    const image = parseElf(kernel);
    image.segments.forEach((s) => this.place(s.paddr, s.data, s.memsz, `kernel segment ${s.index}`));
    this.checkEntry(image.entry);
    this.symbols = [...this.symbols, ...image.symbols];
    return Number(image.entry);
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

  /** Every hart starts at the entry, as on QEMU with -bios none: the program tells harts apart by a0 (or mhartid). */
  private reset(entry: bigint): void {
    for (const h of this.harts) {
      h.pc = Number(BigInt.asIntN(64, entry));
      h.priv = Priv.M;
      h.setReg(10, BigInt(h.hartId)); // a0 = hart id, a1 = device tree (none yet), as QEMU's boot ROM passes them
      h.setReg(11, 0n);
    }
  }

  /** Ends the run as a guest's exit does (the test finisher, HTIF, or a hypervisor once all its VMs halted). */
  finish(code: number): void {
    this.exitCode = code;
    this.events.emit('exit', { code });
  }

  /**
   * Runs until the guest exits, or until maxInstructions have retired or trapped (on all harts together).
   * Harts take turns in rounds: each runs the same number of cycles, so their clocks stay together, and a round
   * ends exactly where a timer is due. The same program always stops at the same instruction.
   */
  run(maxInstructions = Number.MAX_SAFE_INTEGER): StopReason {
    let steps = 0;
    while (this.exitCode === undefined) {
      if (steps >= maxInstructions) return { kind: 'limit' };
      for (const e of this.engines) this.wake(e);
      // With every hart asleep, time skips ahead to the next timer in one round.
      const allAsleep = this.engines.every((e) => e.asleep);
      if (allAsleep && !this.anyTimerCanWake()) return { kind: 'idle' };
      const round = Math.min(allAsleep ? Infinity : this.quantum, Math.ceil((maxInstructions - steps) / this.harts.length), this.cyclesUntilTimer());
      if (round === Infinity) return { kind: 'idle' };
      for (const e of this.engines) {
        const r = this.runHart(e, round);
        steps += r.steps;
        if (r.stuck) return { kind: 'stuck', cause: e.hart.csr.lo[CSR.mcause], hart: e.hart.hartId };
        // A stop the debugger asked for comes first, even at the exit (a filter on the shutdown call, a watchpoint
        // on the finisher): the user sees it, and the next run ends at once.
        const why = e.hart.debugStop;
        if (why !== undefined) return { kind: 'debug', hart: e.hart.hartId, why };
        if (this.exitCode !== undefined) break;
      }
    }
    return { kind: 'exit', code: this.exitCode };
  }

  /**
   * Runs one hart for `cycles` cycles: instructions, plus a cycle per trap, plus sleep in wfi. Returns the
   * instructions and traps it took, and whether every one of a whole slice's worth trapped (the handler faults).
   */
  private runHart(e: HartEngine, cycles: number): { steps: number; stuck: boolean } {
    const h = e.hart, end = h.cycles + cycles;
    this.current = h;
    let steps = 0, trapRun = 0;
    while (h.cycles < end && this.exitCode === undefined) {
      if (e.asleep && !this.wake(e)) { h.idleCycles += end - h.cycles; break; }
      this.deliverInterrupts(h);
      if (h.debugStop !== undefined) break; // an interrupt the debugger holds, or stops after
      const n = e.execute(Math.min(end - h.cycles, this.cyclesUntilTimerOf(h)));
      const traps = h.sliceTraps;
      h.idleCycles += traps; // a trap takes a cycle without retiring
      steps += n + traps;
      this.trapped += traps;
      trapRun = n === 0 ? trapRun + traps : 0;
      if (trapRun >= SLICE) return { steps, stuck: true };
      if (h.waitForInterrupt) { h.waitForInterrupt = false; e.asleep = true; }
      if (h.debugStop !== undefined) break;
    }
    return { steps, stuck: false };
  }

  /**
   * Executes exactly one instruction on one hart (or takes one trap, or an interrupt that is due). A sleeping hart
   * first sleeps until its next timer; 'idle' when nothing could ever wake it. Only that hart moves. Breakpoints
   * do not apply; a trap the debugger holds, or a hook's stop, ends the step with 'debug'.
   */
  step(hartIndex = 0): StopReason | undefined {
    if (this.exitCode !== undefined) return { kind: 'exit', code: this.exitCode };
    const e = this.engines[hartIndex], h = e.hart;
    this.current = h;
    while (e.asleep && !this.wake(e)) {
      const until = this.cyclesUntilTimer();
      if (until === Infinity || !this.anyTimerCanWake()) return { kind: 'idle' };
      h.idleCycles += until;
    }
    this.deliverInterrupts(h);
    if (h.debugStop === undefined) {
      e.interpret(1);
      this.trapped += h.sliceTraps;
      h.idleCycles += h.sliceTraps;
      if (h.waitForInterrupt) { h.waitForInterrupt = false; e.asleep = true; }
    }
    if (h.debugStop !== undefined) return { kind: 'debug', hart: hartIndex, why: h.debugStop };
    return this.exitCode === undefined ? undefined : { kind: 'exit', code: this.exitCode };
  }

  /** The hart is in wfi, waiting for an interrupt. */
  asleep(hartIndex: number): boolean {
    return this.engines[hartIndex].asleep;
  }

  /** Forgets why harts stopped for the debugger: the next run or step goes on from where they are. */
  clearDebugStops(): void {
    for (const h of this.harts) h.debugStop = undefined;
  }

  /** Instruction breakpoints (virtual pcs, as harts hold them) for every hart, replacing any. */
  setBreakpoints(pcs: Iterable<number>): void {
    this.breakpoints.set(pcs);
    this.selectEngines();
  }

  /**
   * Data watchpoints on every hart, replacing any. While some are set, data accesses take the slow path and
   * translated blocks are not used, so that the machine stops right after the access.
   */
  setWatchpoints(list: Watchpoint[]): void {
    for (const e of this.engines) e.hart.setWatchpoints(list);
    this.watching = list.length > 0;
    this.selectEngines();
  }

  /** With no breakpoints and no watchpoints, the engines without any debugging checks. */
  private selectEngines(): void {
    const debugging = this.breakpoints.size > 0 || this.watching;
    for (const e of this.engines) {
      if (debugging) e.debugInterpret ??= compileInterpreter(e.hart, this.breakpoints);
      const interpret = debugging ? e.debugInterpret! : e.interpret;
      if (!e.translator) { e.execute = interpret; continue; }
      e.translator.setDebugging(interpret, this.breakpoints.size > 0 ? this.breakpoints : undefined, this.watching);
    }
  }

  /** A sleeping hart wakes when an interrupt is pending and enabled in mie, whether or not it will be taken. */
  private wake(e: HartEngine): boolean {
    if (!e.asleep) return true;
    this.updatePending(e.hart);
    if (e.hart.interruptPending()) e.asleep = false;
    return !e.asleep;
  }

  /** Updates a hart's mip from the CLINT, Sstc's stimecmp and the PLIC. */
  private updatePending(h: Hart): void {
    const id = h.hartId, now = h.mtime();
    h.setPending(3, this.clint.msip[id] !== 0);
    h.setPending(7, now >= this.clint.mtimecmp[id]);
    if (h.csr.stce) h.setPending(5, now >= stimecmp(h));
    this.plic.setLevel(UART_IRQ, this.uart.irq);
    for (let i = 0; i < VIRTIO_SLOTS; i++) this.plic.setLevel(VIRTIO_IRQ + i, this.virtio[i].irq);
    h.setPending(11, this.plic.interruptPending(2 * id));
    h.setPending(9, this.plic.interruptPending(2 * id + 1) || h.csr.seipSoftware);
  }

  /** Updates mip and takes a pending interrupt if one is enabled. */
  private deliverInterrupts(h: Hart): void {
    this.updatePending(h);
    h.takeInterrupt();
  }

  /**
   * Cycles until the first hart's time reaches its mtimecmp (or stimecmp), Infinity when no timer is armed.
   * Rounds end exactly there, so timer interrupts arrive at a deterministic instruction.
   */
  private cyclesUntilTimer(): number {
    return this.harts.reduce((until, h) => Math.min(until, this.cyclesUntilTimerOf(h)), Infinity);
  }

  /** Cycles until this hart's timers are due (software may move them in the middle of a round). */
  private cyclesUntilTimerOf(h: Hart): number {
    const now = h.mtime(), m = this.clint.mtimecmp[h.hartId], s = h.csr.stce ? stimecmp(h) : Infinity;
    // The earliest deadline still ahead (a timer already due is pending, not a deadline).
    const next = Math.min(m > now ? m : Infinity, s > now ? s : Infinity);
    return next === Infinity ? Infinity : Math.max(1, (next - h.timeOffset) * CYCLES_PER_TICK - h.cycles);
  }

  /** Some sleeping hart has a timer armed and enabled in mie: sleeping is not forever. */
  private anyTimerCanWake(): boolean {
    return this.harts.some((h) => {
      const mie = h.csr.lo[CSR.mie];
      const machineTimer = ((mie >>> 7) & 1) === 1 && this.clint.mtimecmp[h.hartId] !== Infinity;
      const supervisorTimer = ((mie >>> 5) & 1) === 1 && h.csr.stce && stimecmp(h) !== Infinity;
      return machineTimer || supervisorTimer;
    });
  }

  /**
   * A device wrote RAM [off, off+len) behind the harts' backs (DMA): drop code cached from it, as a store would
   * (every hart's cache: storeNotify reaches them all).
   */
  dmaWritten(off: number, len: number): void {
    const page = 1 << PAGE_SHIFT, end = off + len;
    for (let p = Math.floor(off / page); p * page < end; p++) {
      if (this.ram.pageFlags[p] === 0) continue;
      const from = Math.max(off, p * page);
      this.hart.storeNotify(from, Math.min(end, (p + 1) * page) - from);
    }
  }

  /** The code or data label at or before addr. Constants (.equ, absolute) and undefined symbols name no address. */
  symbolAt(addr: bigint): ElfSymbol | undefined {
    let best: ElfSymbol | undefined;
    for (const s of this.symbols) if (isCodeSymbol(s) && s.value <= addr && (!best || s.value > best.value)) best = s;
    return best;
  }
}

/** A hart's stimecmp in ticks (exact below 2^53; larger values never fire). */
function stimecmp(h: Hart): number {
  const c = h.csr, hi = c.hi[CSR.stimecmp] >>> 0;
  return hi >= 0x200000 ? Infinity : hi * 4294967296 + (c.lo[CSR.stimecmp] >>> 0);
}
