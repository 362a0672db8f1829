// The VMM: the M-mode software of the machine, in TypeScript. It owns every hart's traps (Hart.firmware), hosts
// VMs, schedules their vCPUs on harts in deterministic time slices, and re-enters guests in real U-mode.
import { Priv, type Hart } from '../emulator/hart';
import type { Machine } from '../emulator/machine';
import { CSR } from '../emulator/csr/file';
import { MSTATUS_FS } from '../emulator/csr/table';
import { toNumber } from '../emulator/isa/alu64';
import { Emitter } from '../emulator/events';
import { FRAME, FrameAllocator } from './frames';
import { AsidAllocator } from './shadow';
import { Vm, type VmConfig, type VmState } from './vm';
import type { Vcpu } from './vcpu';
import { COST, handleException } from './exits';
import { injectTrap, type Decision, type Exit } from './exit';
import { TrapLog, type ExitRecord } from './trap-log';

export type Technique = 'trap-and-emulate';
export const TECHNIQUES: readonly Technique[] = ['trap-and-emulate'];

export interface VmmOptions {
  technique?: Technique;
  /** A vCPU's time slice when it shares its hart, in timer ticks (default 10 000: 1 ms of the 10 MHz timebase). */
  sliceTicks?: number;
}

/**
 * A debugger's view of the VMM's exits. The VMM asks it AFTER acting on a trap of a vCPU (the decision is made and
 * logged, the vCPU's registers and virtual CSRs hold the result, its pc is where the guest goes on), never before:
 * a decision is what the VMM *did*, so the debugger can show it as fact, and stepping on from the stop needs no
 * second dispatch (the next guest instruction, or the guest's handler when a trap was injected, is simply next).
 * The exits of that trap are the trap log's seq in [from, to): the exit itself and an interrupt injected after it.
 * Returning true stops the machine there (the hart's debugStop becomes { kind: 'firmware' }).
 */
export type VmmDebugHook = (vcpu: Vcpu, from: number, to: number) => boolean;

export interface VmmEvents {
  /** Every exit, as logged (after the VMM acted on it). */
  exit: ExitRecord;
  vmState: { vm: Vm; from: VmState; to: VmState; why: string };
}

/** The harts' real interrupts: the VMM's timer (guest timers, time slices) and software interrupts (kicks). */
const MIE_MTIE = 1 << 7, MIE_MSIE = 1 << 3;
const MSTATUS_MIE = 1 << 3, MSTATUS_MPP = 3 << 11, MSTATUS_MXR = 1 << 19;
/** Virtual interrupts in priority order: supervisor external, software, timer (privileged spec 3.1.9). */
const VIRTUAL_PRIORITY = [9, 1, 5];
/** The idle loop a hart runs (in M-mode, interrupts on) while none of its vCPUs can run: `wfi; j .-4`. */
const IDLE_LOOP = Uint8Array.of(0x73, 0x00, 0x50, 0x10, 0x6f, 0xf0, 0xdf, 0xff);

/** One hart and the vCPUs placed on it. */
interface HartSlot {
  hart: Hart;
  vcpus: Vcpu[];
  current: Vcpu | undefined;
  /** When the current vCPU's slice ends (ticks), if others wait for the hart. */
  sliceEnd: number;
  /** hart.retired when the current vCPU was loaded: guest instructions are counted per vCPU from it. */
  loadedAt: number;
}

export class Vmm {
  readonly vms: Vm[] = [];
  readonly log = new TrapLog();
  readonly events = new Emitter<VmmEvents>();
  readonly technique: Technique;
  /** A debugger's hook (see VmmDebugHook); undefined when none is attached, at no cost to the trap path. */
  debugHook: VmmDebugHook | undefined = undefined;
  private readonly frames: FrameAllocator;
  private readonly asids = new AsidAllocator();
  private readonly slots: HartSlot[];
  private readonly idlePc: number;
  /** satp (lo, hi) of an empty tree: where a hart goes when the tree it runs on is dropped under it (see flushTlbs). */
  private readonly emptySatp: { lo: number; hi: number };
  private readonly sliceTicks: number;
  private placed = 0;
  private started = false;
  /** Guest instructions retired per vCPU while it was off its hart's books (see HartSlot.loadedAt). */
  private readonly retired = new Map<Vcpu, number>();
  /** The exit being handled (one object, reused: no allocation per exit). */
  private readonly x: Exit;

  constructor(readonly machine: Machine, options: VmmOptions = {}) {
    this.technique = options.technique ?? 'trap-and-emulate';
    this.sliceTicks = options.sliceTicks ?? 10_000;
    this.frames = new FrameAllocator(machine.ram);
    const idle = this.frames.allocate('the idle loop');
    machine.ram.writeBytes(idle * FRAME, IDLE_LOOP);
    this.idlePc = machine.ram.base + idle * FRAME;
    const empty = machine.ram.base / FRAME + this.frames.allocate('the empty shadow tree');
    this.emptySatp = { lo: empty % 4294967296 | 0, hi: (8 << 28) | Math.floor(empty / 4294967296) };
    this.slots = machine.harts.map((hart) => ({ hart, vcpus: [], current: undefined, sliceEnd: 0, loadedAt: 0 }));
    this.x = { vmm: this, vm: undefined!, vcpu: undefined!, hart: machine.hart, cause: 0, interrupt: false, pc: 0, vpriv: Priv.S, tvalLo: 0, tvalHi: 0, raw: -1, resume: 0 };
    for (const hart of machine.harts) this.takeHart(hart);
  }

  /** Creates a VM (state created); its vCPUs are placed on harts round-robin across all VMs. */
  createVm(config: VmConfig): Vm {
    const first = this.placed, harts = this.slots.length;
    const vm = new Vm(this.vms.length, config, this.machine.ram, this.frames, this.asids,
      (i) => this.slots[(first + i) % harts].hart,
      (off, len) => this.machine.dmaWritten(off, len),
      (asid, page) => this.flushTlbs(asid, page));
    for (const v of vm.vcpus) this.slots[(this.placed++) % harts].vcpus.push(v);
    vm.events.on('state', (e) => this.events.emit('vmState', { vm, ...e }));
    this.vms.push(vm);
    return vm;
  }

  /** Starts every created VM and puts each hart on its first runnable vCPU (or the idle loop). */
  start(): void {
    if (this.started) throw new Error('the VMM has already started');
    if (this.vms.length === 0) throw new Error('the VMM has no VMs to run: create one first');
    this.started = true;
    for (const vm of this.vms) if (vm.state === 'created') vm.setState('running', 'started');
    for (const slot of this.slots) {
      slot.hart.pc = this.enter(slot, this.pick(slot, undefined));
    }
  }

  /** Pauses a running VM: its vCPUs leave their harts at their next exit or time slice. */
  pause(vm: Vm): void {
    vm.setState('paused', 'paused');
    for (const v of vm.vcpus) this.wake(v);
  }

  resume(vm: Vm): void {
    vm.setState('running', 'resumed');
    for (const v of vm.vcpus) this.wake(v);
  }

  /** Halts a VM for good (SBI shutdown, or a fault it cannot survive). The machine stops when every VM has. */
  halt(vm: Vm, why: string, code: number): void {
    if (vm.state === 'halted') return;
    vm.exitCode = code;
    vm.setState('halted', why);
    for (const v of vm.vcpus) this.wake(v);
    if (this.vms.every((m) => m.state === 'halted')) this.machine.finish(this.vms.reduce((c, m) => c || (m.exitCode ?? 0), 0));
  }

  /** Makes a vCPU's hart look at it again soon (a virtual interrupt arrived, it was started or stopped). */
  wake(v: Vcpu): void {
    if (v.pendingInterrupts !== 0 || v.state !== 'started' || v.vm.state !== 'running') v.waiting = false;
    const slot = this.slots[v.hart.hartId];
    if (slot.current !== v || !v.runnable) this.machine.clint.write(4 * v.hart.hartId, 4, 1);
  }

  /** Guest instructions a vCPU has retired natively (without the VMM). */
  guestInstructions(v: Vcpu): number {
    const slot = this.slots[v.hart.hartId];
    return (this.retired.get(v) ?? 0) + (slot.current === v ? v.hart.retired - slot.loadedAt : 0);
  }

  /** The vCPU on a hart now, if any. */
  currentOn(hartId: number): Vcpu | undefined {
    return this.slots[hartId].current;
  }

  // ---- the trap path ----

  private takeHart(hart: Hart): void {
    const c = hart.csr;
    hart.setCsr(CSR.medeleg, 0, 0);
    hart.setCsr(CSR.mideleg, 0, 0);
    hart.setCsr(CSR.mie, MIE_MTIE | MIE_MSIE, 0);
    hart.setCsr(CSR.mcounteren, 7, 0);
    hart.setCsr(CSR.menvcfg, 0, 0);
    // One PMP entry, NAPOT over all of memory with RWX: below M-mode, protection comes from the shadow tables.
    hart.setCsr(CSR.pmpaddr0, -1, 0x003fffff);
    hart.setCsr(CSR.pmpcfg0, 0x1f, 0);
    c.lo[CSR.mtvec] = this.idlePc;
    this.parkTimer(hart);
    hart.firmware = (h) => this.trap(h);
  }

  /** Every trap into M-mode, from a guest or from the idle loop. Returns where the hart goes on. */
  private trap(hart: Hart): number {
    const slot = this.slots[hart.hartId], c = hart.csr;
    const interrupt = c.hi[CSR.mcause] < 0, cause = c.lo[CSR.mcause] & 0x3f;
    const v = slot.current, logged = this.log.total;
    if (interrupt) this.machineInterrupt(hart, cause);
    let resume: number;
    if (v === undefined) {
      resume = this.idlePc; // from the idle loop: only interrupts come here
    } else {
      const x = this.exitOf(v, hart, cause, interrupt);
      const d: Decision = interrupt ? { kind: 'interrupt', text: interruptText(cause), cost: COST.exit } : handleException(x);
      resume = x.resume;
      if (d.kind !== 'filled') v.lastFill = NaN;
      v.exits[interrupt ? 32 + cause : cause]++;
      v.vm.decisions[d.kind]++;
      hart.idleCycles += d.cost;
      const rec = this.log.record({
        cycle: hart.cycles, vm: v.vm.id, vcpu: v.index, pc: x.pc, raw: x.raw, cause, interrupt, vpriv: x.vpriv,
        kind: d.kind, decision: d.text, cost: d.cost,
      });
      if (this.events.has('exit')) this.events.emit('exit', rec);
    }
    for (const u of slot.vcpus) this.updateVirtualInterrupts(u);
    if (v !== undefined) resume = this.deliverInterrupt(v, resume);
    const next = this.pick(slot, v === undefined ? undefined : resume);
    const pc = this.enter(slot, next);
    if (this.debugHook !== undefined && v !== undefined && this.log.total > logged && this.debugHook(v, logged, this.log.total)) {
      hart.requestStop({ kind: 'firmware' });
    }
    return pc;
  }

  private exitOf(v: Vcpu, hart: Hart, cause: number, interrupt: boolean): Exit {
    const c = hart.csr, x = this.x;
    x.vm = v.vm; x.vcpu = v; x.hart = hart; x.cause = cause; x.interrupt = interrupt;
    x.pc = toNumber(c.lo[CSR.mepc], c.hi[CSR.mepc]);
    x.tvalLo = c.lo[CSR.mtval]; x.tvalHi = c.hi[CSR.mtval];
    x.resume = x.pc;
    x.vpriv = v.vpriv;
    x.raw = interrupt || cause === 12 || cause === 1 ? -1 : cause === 2 ? c.lo[CSR.mtval] : this.fetchGuest(v, x.pc);
    return x;
  }

  /** The instruction at a guest pc, read through the vCPU's current shadow tree (-1 when it is not mapped there). */
  private fetchGuest(v: Vcpu, pc: number): number {
    const lo = this.readGuestHalf(v, pc);
    if (lo < 0 || (lo & 3) !== 3) return lo;
    const hi = this.readGuestHalf(v, pc + 2);
    return hi < 0 ? -1 : (lo | (hi << 16));
  }

  private readGuestHalf(v: Vcpu, va: number): number {
    const root = v.vm.shadowRoot(v);
    const leaf = v.vm.shadow.lookup(root, va % 4294967296 | 0, Math.floor(va / 4294967296) | 0);
    if (leaf.pte === 0) return -1;
    const off = Math.floor(leaf.pte / 1024) * FRAME - this.machine.ram.base + (((va % FRAME) + FRAME) % FRAME);
    return this.machine.ram.read8(off) | (this.machine.ram.read8(off + 1) << 8);
  }

  /** Machine interrupts are the VMM's own: the timer re-arms below, a kick is acknowledged. */
  private machineInterrupt(hart: Hart, cause: number): void {
    if (cause === 3) this.machine.clint.write(4 * hart.hartId, 4, 0);
  }

  /** Recomputes a vCPU's virtual STIP (from its stimecmp) and SEIP (from its VM's PLIC), and wakes it from wfi. */
  private updateVirtualInterrupts(v: Vcpu): void {
    v.setPending(5, v.hart.mtime() >= v.timerDeadline);
    v.vm.devices.updateInterrupts([v]);
    if (v.waiting && v.pendingInterrupts !== 0) v.waiting = false;
  }

  /** Injects the highest-priority virtual interrupt the guest has enabled, if any; returns where the guest goes on. */
  private deliverInterrupt(v: Vcpu, resume: number): number {
    if (v.state !== 'started' || v.waiting) return resume;
    const pending = v.pendingInterrupts;
    if (pending === 0) return resume;
    const enabled = v.vpriv === Priv.U || (v.csr.lo[CSR.mstatus] & 2) !== 0;
    if (!enabled) return resume;
    const cause = VIRTUAL_PRIORITY.find((b) => (pending >>> b) & 1)!;
    const handler = injectTrap(v, resume, cause, true, 0, 0);
    const rec = this.log.record({
      cycle: v.hart.cycles, vm: v.vm.id, vcpu: v.index, pc: resume, raw: -1, cause, interrupt: true, vpriv: Priv.S,
      kind: 'injected', decision: `inject ${interruptText(cause)} into the guest kernel`, cost: COST.inject,
    });
    v.hart.idleCycles += COST.inject;
    v.vm.decisions.injected++;
    if (this.events.has('exit')) this.events.emit('exit', rec);
    return handler;
  }

  // ---- scheduling ----

  /**
   * Chooses the vCPU the hart runs next: the current one while it can run and its slice lasts (or nobody else
   * wants the hart), else the next runnable one after it, round-robin. Saves and loads registers on a switch.
   */
  private pick(slot: HartSlot, resume: number | undefined): Vcpu | undefined {
    const cur = slot.current, now = slot.hart.mtime();
    if (cur && resume !== undefined) cur.pc = resume;
    const others = slot.vcpus.filter((u) => u !== cur && u.runnable);
    if (cur && cur.runnable && (others.length === 0 || now < slot.sliceEnd)) return cur;
    const start = cur ? slot.vcpus.indexOf(cur) + 1 : 0;
    let next: Vcpu | undefined;
    for (let i = 0; i < slot.vcpus.length && !next; i++) {
      const u = slot.vcpus[(start + i) % slot.vcpus.length];
      if (u.runnable) next = u;
    }
    if (next !== cur) {
      if (cur) this.unload(slot, cur);
      if (next) this.load(slot, next);
    }
    slot.sliceEnd = now + this.sliceTicks;
    return next;
  }

  private unload(slot: HartSlot, v: Vcpu): void {
    const h = slot.hart;
    v.L.set(h.L); v.H.set(h.H); v.fl.set(h.fl); v.fh.set(h.fh);
    v.fcsr = h.csr.lo[CSR.fcsr];
    const c = v.csr;
    c.lo[CSR.mstatus] = (c.lo[CSR.mstatus] & ~MSTATUS_FS) | (h.csr.lo[CSR.mstatus] & MSTATUS_FS);
    this.retired.set(v, (this.retired.get(v) ?? 0) + h.retired - slot.loadedAt);
    v.loaded = false;
    slot.current = undefined;
  }

  private load(slot: HartSlot, v: Vcpu): void {
    const h = slot.hart;
    h.L.set(v.L); h.H.set(v.H); h.fl.set(v.fl); h.fh.set(v.fh);
    h.csr.lo[CSR.fcsr] = v.fcsr;
    // While it runs, the guest's sstatus.FS lives in the real mstatus: it gates the FPU in U-mode, and the hardware marks it Dirty.
    const fs = v.csr.lo[CSR.mstatus] & MSTATUS_FS;
    h.setCsr(CSR.mstatus, (h.csr.lo[CSR.mstatus] & ~MSTATUS_FS) | fs, h.csr.hi[CSR.mstatus]);
    v.loaded = true;
    slot.current = v;
    slot.loadedAt = h.retired;
  }

  /**
   * Leaves M-mode for the vCPU (real U-mode on its shadow tree) or for the idle loop, and
   * arms the hart's timer. Returns the pc to go on at.
   */
  private enter(slot: HartSlot, v: Vcpu | undefined): number {
    const h = slot.hart, c = h.csr;
    this.armTimer(slot);
    if (v === undefined) {
      h.setCsr(CSR.mstatus, c.lo[CSR.mstatus] | MSTATUS_MIE, c.hi[CSR.mstatus]);
      return this.idlePc;
    }
    const root = v.vm.shadowRoot(v), satp = v.vm.shadow.satp(root);
    if (c.lo[CSR.satp] !== satp.lo || c.hi[CSR.satp] !== satp.hi) h.setCsr(CSR.satp, satp.lo, satp.hi);
    // MPP = U for the mret below; MXR stays clear: the guest's MXR is built into its shadow trees.
    const status = c.lo[CSR.mstatus] & ~(MSTATUS_MPP | MSTATUS_MXR | MSTATUS_MIE);
    if (status !== c.lo[CSR.mstatus]) h.setCsr(CSR.mstatus, status, c.hi[CSR.mstatus]);
    // Counters: the guest kernel may read all of them; its user mode what its scounteren allows.
    c.lo[CSR.scounteren] = v.vpriv === Priv.S ? 7 : v.csr.lo[CSR.scounteren] & 7;
    c.lo[CSR.mepc] = v.pc % 4294967296 | 0;
    c.hi[CSR.mepc] = Math.floor(v.pc / 4294967296) | 0;
    return h.mret();
  }

  /** sstatus.FS written by the guest: the hardware's FS (which gates the FPU in U-mode) follows it. */
  realFsChanged(v: Vcpu): void {
    if (!v.loaded) return;
    const c = v.hart.csr, fs = v.csr.lo[CSR.mstatus] & MSTATUS_FS;
    v.hart.setCsr(CSR.mstatus, (c.lo[CSR.mstatus] & ~MSTATUS_FS) | fs, c.hi[CSR.mstatus]);
  }

  /**
   * The hart's real timer fires at the earliest event of its vCPUs: a guest timer deadline not yet reached, or
   * the end of the time slice when vCPUs share the hart. Parked (never) when there is none.
   */
  private armTimer(slot: HartSlot): void {
    const now = slot.hart.mtime();
    let deadline = Infinity;
    for (const v of slot.vcpus) {
      if (v.state !== 'started' || v.vm.state !== 'running') continue;
      const d = v.timerDeadline;
      if (d > now && d < deadline) deadline = d;
    }
    if (slot.vcpus.filter((u) => u.runnable).length > 1) deadline = Math.min(deadline, Math.max(slot.sliceEnd, now + 1));
    this.setTimer(slot.hart.hartId, deadline);
  }

  private parkTimer(hart: Hart): void {
    this.setTimer(hart.hartId, Infinity);
  }

  private setTimer(hartId: number, ticks: number): void {
    const clint = this.machine.clint, off = 0x4000 + 8 * hartId;
    if (clint.mtimecmp[hartId] === ticks) return;
    const lo = ticks === Infinity ? -1 : ticks % 4294967296 | 0, hi = ticks === Infinity ? -1 : Math.floor(ticks / 4294967296) | 0;
    clint.write(off + 4, 4, hi);
    clint.write(off, 4, lo);
  }

  /**
   * Drops the machine's TLB entries of one shadow tree (one page, or all) on every hart. A tree dropped whole
   * (all pages) gives its frames back at once, so a hart still running a vCPU on it — another vCPU of the same VM,
   * between its slices — must leave it now: the frames may become another VM's tree. That hart goes onto an empty
   * tree (real ASID 0, which no shadow tree has), so its next access faults into the VMM, which fills the vCPU's
   * current tree and re-enters on it: a TLB shootdown, at the cost of one exit.
   */
  private flushTlbs(asid: number, page?: { lo: number; hi: number }): void {
    for (const h of this.machine.harts) {
      h.sfenceVma(page === undefined, page?.lo ?? 0, page?.hi ?? 0, false, asid);
      const satpHi = h.csr.hi[CSR.satp];
      if (page === undefined && satpHi >>> 28 !== 0 && ((satpHi >>> 12) & 0xffff) === asid) {
        h.setCsr(CSR.satp, this.emptySatp.lo, this.emptySatp.hi);
      }
    }
  }
}

function interruptText(cause: number): string {
  return { 1: 'supervisor software interrupt', 3: 'VMM kick (machine software interrupt)', 5: 'supervisor timer interrupt', 7: 'VMM timer (machine timer interrupt)', 9: 'supervisor external interrupt', 11: 'machine external interrupt' }[cause] ?? `interrupt ${cause}`;
}
