// One RISC-V hart: architectural state, trap entry/return, CSR access, atomics and the memory slow paths.
// The generated interpreter (interpreter.ts) runs the fast paths inline and calls in here for everything else.
import { Bus } from './memory/bus';
import { PAGE_SHIFT, PageFlag, Ram } from './memory/ram';
import { CSR, CsrFile, CYCLES_PER_TICK, type Clock } from './csr/file';
import { csrByNumber, MSTATUS_FS } from './csr/table';
import { decode, OP_UNDECODED } from './isa/decode';
import { AmoOp } from './isa/instructions';
import { SoftFloat } from './isa/softfloat';
import { Emitter } from './events';
import { isSmall, toNumber } from './isa/alu64';
import { Access, ACCESS_FAULT, Mmu, Tlb, type PageWalk, type TlbContext, type TranslationContext } from './mmu';
import { PMP_ENTRIES } from './pmp';

export const enum Priv { U = 0, S = 1, M = 3 }

export const Cause = {
  fetchMisaligned: 0, fetchAccess: 1, illegal: 2, breakpoint: 3, loadMisaligned: 4, loadAccess: 5,
  storeMisaligned: 6, storeAccess: 7, ecallU: 8, ecallS: 9, ecallM: 11,
} as const;

/** Words per predecoded slot: [op | rd<<10 | rs1<<16 | rs2<<22, imm, raw, spare]; 4 so a slot index is offset << 1. */
export const SLOT_WORDS = 4;
export const SLOTS_PER_PAGE = 2048;

/** A trap: as it is taken (the `trap` event), or about to be taken (what a debugger's holdTrap is asked about). */
export interface TrapEvent {
  cause: number;
  interrupt: boolean;
  /** pc of the trapping instruction (mepc). */
  epc: bigint;
  tval: bigint;
  fromPriv: Priv;
  toPriv: Priv;
  handler: bigint;
}

export interface HartEvents {
  trap: TrapEvent;
  privilegeChange: { from: Priv; to: Priv };
  /** An mret or sret retired (a debugger's step-out from a trap handler ends there). */
  trapReturn: { from: Priv; to: Priv; pc: number };
}

/** A data watchpoint: accesses overlapping [address, address + length) of the given kinds stop the machine. */
export interface Watchpoint {
  /** Virtual address, as the running code would use it (a number, like pc). */
  address: number;
  length: number;
  read: boolean;
  write: boolean;
}

/** Why a hart asked the machine to stop, for the debugger. */
export type DebugStop =
  | { kind: 'breakpoint'; pc: number }
  | { kind: 'trap'; trap: TrapEvent }
  | { kind: 'privilege'; from: Priv; to: Priv }
  | { kind: 'trapReturn'; from: Priv; to: Priv }
  | { kind: 'watch'; watchpoint: Watchpoint; address: number; bytes: number; write: boolean }
  /** The M-mode software outside the machine (Hart.firmware) asked to stop, after it handled a trap; it knows why. */
  | { kind: 'firmware' };

export class HartStats {
  /** Index = exception cause; interrupts are counted at 32 + cause. */
  readonly traps = new Float64Array(64);
  privilegeChanges = 0;
  /** The last trap: its index in `traps` (-1 before any), and the modes it went from and to. */
  lastTrap = -1;
  lastTrapFrom: Priv = Priv.M;
  lastTrapTo: Priv = Priv.M;
}

const TWO32 = 4294967296;
/** mstatus fields that affect translation: MPP (with MPRV), MPRV, SUM, MXR. */
const MSTATUS_TRANSLATION = (3 << 11) | (1 << 17) | (1 << 18) | (1 << 19);

/** PMP's CSRs: their results are part of every TLB entry. */
const PMP_CSRS = new Set<number>([CSR.pmpcfg0, CSR.pmpcfg2, ...Array.from({ length: PMP_ENTRIES }, (_, i) => CSR.pmpaddr0 + i)]);

/** CSR writes after which interrupts must be re-checked or translation changes: the slice ends. */
const ENDS_SLICE = new Set<number>([
  CSR.mstatus, CSR.mie, CSR.mip, CSR.mideleg, CSR.sstatus, CSR.sie, CSR.sip, CSR.satp, CSR.stimecmp, CSR.menvcfg, ...PMP_CSRS,
]);

export class Hart implements Clock {
  /** Low and high halves of x0..x31; index 32 absorbs writes to x0. */
  readonly L = new Int32Array(33);
  readonly H = new Int32Array(33);
  /** f0..f31 as low / high halves (a single-precision value is NaN-boxed: high half all ones). */
  readonly fl = new Int32Array(32);
  readonly fh = new Int32Array(32);
  /** IEEE arithmetic for F and D (exact in every rounding mode; JavaScript only rounds to nearest). */
  readonly sf = new SoftFloat();
  pc = 0;
  priv: Priv = Priv.M;
  readonly csr: CsrFile;
  /** Instructions retired. Kept exact at slice ends and before each CSR access. */
  retired = 0;
  /** Cycles spent waiting in wfi (time passes, nothing retires). */
  idleCycles = 0;
  /** mtime = cycles / CYCLES_PER_TICK + timeOffset; software may set mtime through the CLINT. */
  timeOffset = 0;
  /** Exceptions taken during the last interpreter call or translated block (they count toward budgets but do not retire). */
  sliceTraps = 0;
  /** Set by an instruction after which interrupts must be re-checked or the machine stop (a CSR write, mret, MMIO). */
  endSlice = false;
  /**
   * Set when a debugger hook asked to stop (breakpoint, held trap, watchpoint, privilege change); the engines return at
   * their next check and the machine's run ends. The debugger clears it before resuming.
   */
  debugStop: DebugStop | undefined = undefined;
  /** 1 while the trap just requested was held by the debugger instead of taken (it must not count as a trap). */
  trapHeld = 0;
  /** Debugger: called before each trap; returns true to hold it (the hart stays at the trapping instruction). */
  holdTrap: ((t: TrapEvent) => boolean) | undefined = undefined;
  /**
   * M-mode software that runs outside the machine (the hypervisor): when set, a trap taken into M-mode is
   * entered as the spec says (mepc, mcause, mtval, mstatus, priv M) and then handed to it instead of vectoring
   * to mtvec. It returns the pc to continue at, having left the hart as its own xRET would (see mret). The slice
   * ends after it, since it may have changed timers, translation or privilege.
   */
  firmware: ((hart: Hart) => number) | undefined = undefined;
  /** Data watchpoints; while any are set every data access takes the slow path, where they are checked. */
  private watchpoints: Watchpoint[] = [];
  waitForInterrupt = false;
  /** A slow path's 64-bit result (loaded value, old CSR value, AMO result), for the generated code to write to rd. */
  vlo = 0;
  vhi = 0;
  /** The last slow-path fault, for the interpreter's TRAP. */
  faultCause = 0;
  faultLo = 0;
  faultHi = 0;
  readonly stats = new HartStats();
  readonly events = new Emitter<HartEvents>();
  /** Predecoded instruction slots per RAM page, created on first fetch. */
  readonly decoded: (Int32Array | undefined)[];
  /**
   * RAM pages whose last slot holds a 4-byte instruction that straddles into the next virtual page: the RAM offset
   * its second half came from and the virtual page it was fetched through. The slot is dropped when translations
   * change, when that halfword is written, and when the page is entered through another virtual page.
   */
  private readonly straddlers = new Map<number, { second: number; vpage: number }>();
  /** Called for stores into pages flagged Watch; returns true to stop the machine. */
  onWatchedStore: (pa: number, bytes: number) => boolean = () => false;
  /**
   * Called when RAM offsets [off, off+bytes) of a code page were written (off -1: anywhere, after fence.i).
   * Returns true when translations of that code existed and were dropped.
   */
  onCodeChange: (off: number, bytes: number) => boolean = () => false;
  /**
   * A store (by this hart) rewrote code in RAM: the caches of every hart that ran it must go. The machine points
   * this at all its harts; true when some cache really held an instruction there.
   */
  codeWritten: (off: number, bytes: number) => boolean = (off, bytes) => this.dropCode(off, bytes);

  /** Data accesses are untranslated (M-mode without MPRV, or satp Bare): the generated RAM fast path applies. */
  dataBare = true;
  /** Instruction fetches are untranslated. */
  fetchBare = true;
  /** satp selects Sv39 or Sv48 (it applies below M-mode, and with MPRV). */
  private paging = false;
  /** Changes whenever translation may have changed (satp, sfence.vma, privilege, mstatus): cached links go stale. */
  translationEpoch = 0;
  readonly tlb = new Tlb();
  private readonly mmu: Mmu;
  private readonly ctx: TranslationContext = { priv: 3, satpLo: 0, satpHi: 0, sum: false, mxr: false };
  private readonly dataContext: TlbContext = { mode: 0, asid: 0, priv: 3, sum: false, mxr: false };
  private readonly fetchContext: TlbContext = { mode: 0, asid: 0, priv: 3, sum: false, mxr: false };

  private resValid = false;
  private resAddr = 0;
  private resValue = 0n;

  constructor(readonly bus: Bus, readonly hartId: number) {
    this.ram = bus.ram;
    this.csr = new CsrFile(hartId, this);
    this.mmu = new Mmu(this.ram, (off) => { if (this.ram.pageFlags[off >>> PAGE_SHIFT] !== 0) this.storeNotify(off, 8); },
      (pa) => this.csr.pmp.allows(pa, 8, Access.Load, Priv.S));
    this.decoded = new Array(bus.ram.pageFlags.length).fill(undefined);
  }

  readonly ram: Ram;

  get cycles(): number { return this.retired + this.idleCycles; }

  mtime(): number { return Math.floor(this.cycles / CYCLES_PER_TICK) + this.timeOffset; }

  setMtime(ticks: number): void { this.timeOffset = ticks - Math.floor(this.cycles / CYCLES_PER_TICK); }

  reg(i: number): bigint {
    return BigInt.asUintN(64, (BigInt(this.H[i]) << 32n) | BigInt(this.L[i] >>> 0));
  }

  setReg(i: number, v: bigint): void {
    if (i === 0) return;
    this.L[i] = Number(BigInt.asIntN(32, v));
    this.H[i] = Number(BigInt.asIntN(32, v >> 32n));
  }

  get pcBig(): bigint { return BigInt.asUintN(64, BigInt(this.pc)); }

  // ---- traps ----

  /** Takes an exception at the instruction at pc and returns the handler's address. */
  exception(cause: number, tvalLo: number, tvalHi: number, pc: number): number {
    return this.trapAt(cause, false, pc % TWO32 | 0, Math.floor(pc / TWO32) | 0, tvalLo, tvalHi);
  }

  /**
   * Trap entry, exactly as the privileged spec describes it: to S-mode when the trap comes from S or U and
   * medeleg/mideleg delegates its cause, otherwise to M-mode. Returns the handler's address.
   */
  trapAt(cause: number, interrupt: boolean, epcLo: number, epcHi: number, tvalLo: number, tvalHi: number): number {
    const c = this.csr, from = this.priv;
    const toS = from !== Priv.M && ((c.lo[interrupt ? CSR.mideleg : CSR.medeleg] >>> cause) & 1) === 1;
    const to = toS ? Priv.S : Priv.M;
    const handler = trapVector(c.lo[toS ? CSR.stvec : CSR.mtvec], c.hi[toS ? CSR.stvec : CSR.mtvec], cause, interrupt);
    if (this.holdTrap !== undefined && isSmall(epcHi)) {
      // A held trap changes nothing: the machine stops at the trapping instruction, which runs again on resume.
      const trap = trapEvent(cause, interrupt, from, to, epcLo, epcHi, tvalLo, tvalHi, handler);
      if (this.holdTrap(trap)) {
        this.trapHeld = 1;
        this.requestStop({ kind: 'trap', trap });
        return toNumber(epcLo & ~1, epcHi);
      }
    }
    this.trapHeld = 0;
    enterTrap(c, toS, from, cause, interrupt, epcLo, epcHi, tvalLo, tvalHi);
    this.stats.traps[interrupt ? 32 + cause : cause]++;
    this.stats.lastTrap = interrupt ? 32 + cause : cause;
    this.stats.lastTrapFrom = from;
    this.stats.lastTrapTo = to;
    this.setPriv(to);
    if (this.events.has('trap')) this.events.emit('trap', trapEvent(cause, interrupt, from, to, epcLo, epcHi, tvalLo, tvalHi, handler));
    if (to === Priv.M && this.firmware !== undefined) {
      this.endSlice = true;
      return this.firmware(this);
    }
    return handler;
  }

  /** A debugger hook stops the machine: the engines return at their next check (after traps, at slice ends). */
  requestStop(why: DebugStop): void {
    this.debugStop ??= why;
    this.endSlice = true;
  }

  /** mret: back to MPP with MIE restored from MPIE; returns the new pc. */
  mret(): number {
    const c = this.csr, s = c.lo[CSR.mstatus];
    const mpp = (s >>> 11) & 3, mpie = (s >>> 7) & 1;
    // MPP becomes the least privileged mode; MPRV is cleared when returning below M (spec 1.12).
    let ns = (s & ~((1 << 3) | (3 << 11))) | (mpie << 3) | (1 << 7);
    if (mpp !== Priv.M) ns &= ~(1 << 17);
    c.lo[CSR.mstatus] = ns;
    this.setPriv(mpp as Priv);
    const pc = toNumber(c.lo[CSR.mepc], c.hi[CSR.mepc]);
    if (this.events.has('trapReturn')) this.events.emit('trapReturn', { from: Priv.M, to: mpp as Priv, pc });
    return pc;
  }

  /** sret is illegal in U-mode, and in S-mode when mstatus.TSR is set. */
  sretTraps(): boolean {
    return this.priv === Priv.U || (this.priv === Priv.S && (this.csr.lo[CSR.mstatus] & (1 << 22)) !== 0);
  }

  /** sret: back to SPP with SIE restored from SPIE; returns the new pc. */
  sret(): number {
    const c = this.csr, s = c.lo[CSR.mstatus];
    const spp = (s >>> 8) & 1, spie = (s >>> 5) & 1;
    c.lo[CSR.mstatus] = (s & ~((1 << 1) | (1 << 8) | (1 << 17))) | (spie << 1) | (1 << 5);
    const from = this.priv;
    this.setPriv(spp as Priv);
    const pc = toNumber(c.lo[CSR.sepc], c.hi[CSR.sepc]);
    if (this.events.has('trapReturn')) this.events.emit('trapReturn', { from, to: spp as Priv, pc });
    return pc;
  }

  /** sfence.vma is illegal in U-mode, and in S-mode when mstatus.TVM is set. */
  sfenceTraps(): boolean {
    return this.priv === Priv.U || (this.priv === Priv.S && (this.csr.lo[CSR.mstatus] & (1 << 20)) !== 0);
  }

  /**
   * Recomputes which accesses are translated, and under which TLB context, after satp, mstatus or the privilege
   * mode changed. The TLBs keep their entries (they are tagged by context); translated-block links, which are by
   * virtual pc, are keyed by the epoch and go.
   */
  contextChanged(): void {
    const c = this.csr, s = c.lo[CSR.mstatus];
    const mode = c.hi[CSR.satp] >>> 28;
    const mprv = (s & (1 << 17)) !== 0;
    const dataPriv = this.priv === Priv.M && mprv ? (s >>> 11) & 3 : this.priv;
    // Below M-mode every access is checked against PMP (16 entries exist), so only M-mode with every entry off
    // addresses memory directly; everything else goes through the TLBs, filled by translate().
    const pmpOn = this.csr.pmp.anyActive();
    this.fetchBare = this.priv === Priv.M && !pmpOn;
    // Watchpoints are checked on the slow path: with any set, no data access may bypass it.
    this.dataBare = dataPriv === Priv.M && !pmpOn && this.watchpoints.length === 0;
    this.paging = mode !== 0;
    const asid = (c.hi[CSR.satp] >>> 12) & 0xffff, d = this.dataContext, f = this.fetchContext;
    d.mode = f.mode = mode; d.asid = f.asid = asid;
    d.priv = dataPriv; f.priv = this.priv;
    d.sum = (s & (1 << 18)) !== 0; d.mxr = (s & (1 << 19)) !== 0;
    this.tlb.select(d, f);
    this.codeMapChanged();
  }

  /**
   * sfence.vma: drops the TLB entries for one virtual address or all (when rs1 is x0), in one address space or all
   * (when rs2 is x0), as the privileged spec prescribes.
   */
  sfenceVma(allAddresses: boolean, lo: number, hi: number, allAsids: boolean, asid: number): void {
    const a = allAsids ? undefined : asid & 0xffff;
    if (!allAddresses) this.tlb.flushPage(lo, hi, a);
    else if (a === undefined) this.tlb.flush();
    else this.tlb.flushAsid(a);
    this.codeMapChanged();
  }

  /** The virtual → physical map of code may have changed: links by virtual pc and page-straddling decodes go. */
  private codeMapChanged(): void {
    this.translationEpoch++;
    if (this.straddlers.size !== 0) {
      for (const p of this.straddlers.keys()) this.dropStraddler(p);
      this.straddlers.clear();
    }
  }

  /** Forgets the decoded instruction in the last slot of RAM page p (it straddles into the next page). */
  private dropStraddler(p: number): void {
    const page = this.decoded[p];
    if (page) page[2047 * SLOT_WORDS] = OP_UNDECODED;
  }

  /**
   * Physical address for an access at (lo, hi) — through the page tables when paging applies, then checked
   * against PMP — or -1 with faultCause/faultLo/faultHi set. Pages that are RAM and uniformly allowed by PMP
   * enter the TLB, so the next access to them takes the generated fast path.
   */
  private translate(lo: number, hi: number, access: Access, len = 1): number {
    const bare = access === Access.Fetch ? this.fetchBare : this.dataBare;
    if (bare) {
      if (isSmall(hi) && hi >= 0) return toNumber(lo, hi);
      this.fault(ACCESS_FAULT[access], lo, hi);
      return -1;
    }
    const ctx = this.context(access);
    let pa: number, level = 0;
    if (this.paging && ctx.priv !== Priv.M) {
      const w = this.mmu.translate(lo, hi, access, ctx);
      if (w.pa < 0) { this.fault(w.cause, lo, hi); return w.pa; }
      pa = w.pa;
      level = w.level;
    } else {
      if (!(isSmall(hi) && hi >= 0)) { this.fault(ACCESS_FAULT[access], lo, hi); return -1; }
      pa = toNumber(lo, hi);
    }
    const pmp = this.csr.pmp;
    if (!pmp.allows(pa, len, access, ctx.priv)) { this.fault(ACCESS_FAULT[access], lo, hi); return -1; }
    const page = pa - (lo & 4095);
    if (page >= this.ram.base && page + 4096 <= this.ram.base + this.ram.size && pmp.allows(page, 4096, access, ctx.priv) &&
      (access === Access.Fetch || !this.watchesPage(lo, hi))) {
      this.tlb.fill(access, lo, hi, page - this.ram.base, level);
    }
    return pa;
  }

  private context(access: Access): TranslationContext {
    const c = this.csr, s = c.lo[CSR.mstatus], ctx = this.ctx;
    ctx.priv = access !== Access.Fetch && this.priv === Priv.M && (s & (1 << 17)) !== 0 ? (s >>> 11) & 3 : this.priv;
    ctx.satpLo = c.lo[CSR.satp]; ctx.satpHi = c.hi[CSR.satp];
    ctx.sum = (s & (1 << 18)) !== 0; ctx.mxr = (s & (1 << 19)) !== 0;
    return ctx;
  }

  /**
   * The physical address an access at virtual address va would reach from the current mode, or undefined
   * if it would fault. Changes nothing: no A/D bits, no TLB fill, no fault state (for tracers and debuggers).
   */
  peekAddress(va: bigint, access: Access): number | undefined {
    const v = BigInt.asIntN(64, va), lo = Number(BigInt.asIntN(32, v)), hi = Number(v >> 32n);
    if (!(isSmall(hi) && hi >= 0) && !this.paging) return undefined;
    if (access === Access.Fetch ? this.fetchBare : this.dataBare) return toNumber(lo, hi);
    const ctx = this.context(access);
    let pa = toNumber(lo, hi);
    if (this.paging && ctx.priv !== Priv.M) {
      const w = this.mmu.translate(lo, hi, access, ctx, true);
      if (w.pa < 0) return undefined;
      pa = w.pa;
    }
    return this.csr.pmp.allows(pa, 1, access, ctx.priv) ? pa : undefined;
  }

  /**
   * The page walk an access of len bytes (within one page) at va would make from the current mode, level by
   * level, ending in the physical address or the exception it would raise (PMP included). Changes nothing:
   * no A/D bits, no TLB fill, no fault state. Bare when the access is not translated (satp Bare, M-mode).
   */
  walk(va: bigint, access: Access, len = 1): PageWalk {
    const v = BigInt.asIntN(64, va), lo = Number(BigInt.asIntN(32, v)), hi = Number(v >> 32n);
    const ctx = this.context(access), bare = access === Access.Fetch ? this.fetchBare : this.dataBare;
    let w: PageWalk;
    if (this.paging && ctx.priv !== Priv.M && !bare) {
      w = this.mmu.walk(va, access, ctx);
      if (w.pa === undefined) return w;
    } else {
      w = { va: BigInt.asUintN(64, va), access, mode: 'Bare', priv: ctx.priv, levels: [] };
      // Physical addresses this machine can reach are below 2^52 (see translate).
      if (!(isSmall(hi) && hi >= 0)) { w.fault = { cause: ACCESS_FAULT[access], stop: 'address' }; return w; }
      w.pa = BigInt(toNumber(lo, hi));
    }
    if (!bare && !this.csr.pmp.allows(Number(w.pa), len, access, ctx.priv)) {
      delete w.pa; delete w.pageSize;
      w.fault = { cause: ACCESS_FAULT[access], stop: 'pmp' };
    }
    return w;
  }

  /** The physical address an instruction fetch at pc reads, or -1 (fault set). */
  fetchAddress(pc: number): number {
    if (this.fetchBare) return pc;
    const lo = pc % TWO32 | 0, hi = Math.floor(pc / TWO32) | 0;
    const off = this.tlb.fetch(lo, hi);
    const pa = off >= 0 ? this.ram.base + off : this.translate(lo, hi, Access.Fetch);
    if (this.straddlers.size !== 0 && this.ram.contains(pa, 1)) {
      // The same RAM page through another virtual page may be followed by another page: decode its last slot anew.
      const p = (pa - this.ram.base) >>> PAGE_SHIFT, s = this.straddlers.get(p);
      if (s && s.vpage !== Math.floor(pc / 4096)) { this.dropStraddler(p); this.straddlers.delete(p); }
    }
    return pa;
  }

  /**
   * Every trap and xRET comes here. As QEMU does (and the spec allows), it also drops the LR reservation, so that
   * a reservation made in one context cannot let an SC succeed in another.
   */
  private setPriv(p: Priv): void {
    this.resValid = false;
    if (p === this.priv) {
      // M to M changes MPP, which is the data accesses' privilege while MPRV is set.
      if (p === Priv.M && (this.csr.lo[CSR.mstatus] & (1 << 17)) !== 0) this.contextChanged();
      return;
    }
    const from = this.priv;
    this.priv = p;
    this.contextChanged();
    this.stats.privilegeChanges++;
    if (this.events.has('privilegeChange')) this.events.emit('privilegeChange', { from, to: p });
  }

  /**
   * A jump to an address too large to be any memory (|target| ≥ 2^52): the fetch there faults.
   * Raised here with the exact 64-bit address, which a JS number could not hold.
   */
  farJump(tlo: number, thi: number): number {
    return this.trapAt(Cause.fetchAccess, false, tlo, thi, tlo, thi);
  }

  /**
   * Takes the highest-priority interrupt that is pending, enabled in mie and enabled for the current mode:
   * M-level ones unless in M-mode with MIE clear; delegated (S-level) ones below S, or in S with SIE set.
   * Interrupts to M-mode go before any to S-mode (privileged spec 1.12, 3.1.9); within a mode the priority is
   * MEI, MSI, MTI, SEI, SSI, STI. Returns true when one was taken; pc is then the handler.
   */
  takeInterrupt(): boolean {
    const c = this.csr;
    const pending = c.lo[CSR.mip] & c.lo[CSR.mie];
    if (pending === 0) return false;
    const s = c.lo[CSR.mstatus], deleg = c.lo[CSR.mideleg];
    const mEnabled = this.priv < Priv.M || ((s >>> 3) & 1) === 1;
    const sEnabled = this.priv < Priv.S || (this.priv === Priv.S && ((s >>> 1) & 1) === 1);
    const toM = pending & ~deleg & (mEnabled ? -1 : 0);
    const ready = toM !== 0 ? toM : pending & deleg & (sEnabled ? -1 : 0);
    if (ready === 0) return false;
    const cause = [11, 3, 7, 9, 1, 5].find((b) => (ready >>> b) & 1)!;
    this.pc = this.trapAt(cause, true, this.pc % TWO32 | 0, Math.floor(this.pc / TWO32) | 0, 0, 0);
    return true;
  }

  /** Sets or clears one interrupt-pending bit driven by a device (mip bits are read-only to software). */
  setPending(bit: number, on: boolean): void {
    const c = this.csr;
    c.lo[CSR.mip] = on ? c.lo[CSR.mip] | (1 << bit) : c.lo[CSR.mip] & ~(1 << bit);
  }

  /** wfi is illegal in U-mode, and in S-mode when mstatus.TW is set (as QEMU does: no time limit is modelled). */
  wfiTraps(): boolean {
    return this.priv === Priv.U || (this.priv === Priv.S && ((this.csr.lo[CSR.mstatus] >>> 21) & 1) === 1);
  }

  /** An interrupt is pending and enabled in mie (whether or not globally enabled): wfi does not wait. */
  interruptPending(): boolean {
    return (this.csr.lo[CSR.mip] & this.csr.lo[CSR.mie]) !== 0;
  }

  // ---- CSRs ----

  /**
   * One Zicsr instruction. kind: 0 write, 1 set bits, 2 clear bits.
   * Returns 0 done, 1 illegal instruction, 2 done and the slice must end (interrupt state may have changed).
   */
  csrAccess(num: number, kind: 0 | 1 | 2, vlo: number, vhi: number, writes: boolean): 0 | 1 | 2 {
    const c = this.csr;
    if (!c.read(num, this.priv)) return 1;
    if (writes && CsrFile.readOnly(num)) return 1;
    const olo = c.rlo, ohi = c.rhi, status = c.lo[CSR.mstatus];
    if (writes) {
      let nlo = vlo, nhi = vhi;
      if (kind === 1) { nlo = olo | vlo; nhi = ohi | vhi; } else if (kind === 2) { nlo = olo & ~vlo; nhi = ohi & ~vhi; }
      c.write(num, nlo, nhi);
    }
    this.vlo = olo;
    this.vhi = ohi;
    if (writes && ENDS_SLICE.has(num)) {
      this.csrWritten(num, status);
      return 2;
    }
    return 0;
  }

  /**
   * What follows a write to CSR num, given mstatus before it: PMP results are part of every TLB entry, so a PMP
   * change flushes them all; satp and mstatus's MPP, MPRV, SUM and MXR select another TLB context; other writes
   * (Linux writes sstatus.SIE constantly) change nothing.
   */
  private csrWritten(num: number, statusBefore: number): void {
    if (PMP_CSRS.has(num)) { this.tlb.flush(); this.contextChanged(); }
    else if (num === CSR.satp || ((num === CSR.mstatus || num === CSR.sstatus) && ((statusBefore ^ this.csr.lo[CSR.mstatus]) & MSTATUS_TRANSLATION) !== 0)) {
      this.contextChanged();
    }
  }

  /**
   * A debugger's edit of a CSR: written as a CSR instruction in M-mode would write it (through the WARL rules of
   * the CSR file), with the same consequences for translation (CsrFile.set would leave the TLB context stale).
   * Returns the value the CSR holds afterwards. Throws, naming the register, when no write could change it.
   */
  debugWriteCsr(num: number, value: bigint): bigint {
    const c = this.csr, name = csrByNumber.get(num)?.name ?? `CSR 0x${num.toString(16)}`;
    if (!c.has(num)) throw new Error(`${name} does not exist on this machine`);
    if (!c.canWrite(num)) throw new Error(`${name} is read-only: its value is fixed by the machine or follows other state`);
    if (num <= CSR.fcsr && (c.lo[CSR.mstatus] & MSTATUS_FS) === 0) {
      throw new Error(`${name} is unreachable while the FPU is off (mstatus.FS = Off): set mstatus.FS first`);
    }
    // The counters take a written value as the next instruction's: the writing instruction's own retirement does
    // not count. No instruction retires here, so the value is written one ahead.
    const v = num === CSR.mcycle || num === CSR.minstret ? value + 1n : value;
    this.setCsr(num, Number(BigInt.asIntN(32, v)), Number(BigInt.asIntN(32, v >> 32n)));
    return c.peek(num);
  }

  /**
   * A write by M-mode software outside the machine (the hypervisor), as its CSR instruction would write it:
   * through the WARL rules, with the same consequences for translation. The caller knows the CSR is writable.
   */
  setCsr(num: number, lo: number, hi: number): void {
    const status = this.csr.lo[CSR.mstatus];
    this.csr.write(num, lo, hi);
    this.csrWritten(num, status);
  }

  // ---- data watchpoints ----

  /** Sets the data watchpoints (replacing any). Cached translations go, so that every access to a watched page is checked. */
  setWatchpoints(list: Watchpoint[]): void {
    this.watchpoints = list.map((w) => ({ ...w }));
    this.tlb.flush();
    this.contextChanged();
  }

  /** Some watchpoint overlaps the 4 KiB virtual page of (lo, hi). */
  private watchesPage(lo: number, hi: number): boolean {
    if (this.watchpoints.length === 0) return false;
    const page = toNumber(lo & ~4095, hi);
    return this.watchpoints.some((w) => w.address < page + 4096 && page < w.address + w.length);
  }

  /** A completed access of `bytes` at virtual (lo, hi) hit a watchpoint of its kind: the machine stops after this instruction. */
  private watch(lo: number, hi: number, bytes: number, write: boolean): void {
    if (this.watchpoints.length === 0) return;
    const a = toNumber(lo, hi);
    const w = this.watchpoints.find((x) => (write ? x.write : x.read) && x.address < a + bytes && a < x.address + x.length);
    if (w) this.requestStop({ kind: 'watch', watchpoint: w, address: a, bytes, write });
  }

  // ---- memory slow paths ----

  private fault(cause: number, lo: number, hi: number): false {
    this.faultCause = cause; this.faultLo = lo; this.faultHi = hi;
    return false;
  }

  /**
   * RAM offsets of the bytes of an access at (lo, hi) whose first byte is at physical pa; undefined when they
   * are not all RAM (pa is then returned as is, or -1 with the fault set when a second page does not
   * translate). An access crossing a page under translation is translated page by page.
   */
  private ramBytes(lo: number, hi: number, bytes: number, access: Access, pa: number): { offsets: number[] | undefined; pa: number } {
    const split = 4096 - (lo & 4095);
    // The second page's address; lo may arrive signed, and the carry into hi needs it unsigned.
    const next = (lo >>> 0) + split, nextLo = next | 0, nextHi = (hi + (next >= TWO32 ? 1 : 0)) | 0;
    let pa2 = pa + split;
    if (split < bytes && !(access === Access.Fetch ? this.fetchBare : this.dataBare)) {
      pa2 = this.translate(nextLo, nextHi, access, bytes - split);
      if (pa2 < 0) return { offsets: undefined, pa: -1 };
    }
    const offsets: number[] = [];
    for (let i = 0; i < bytes; i++) {
      const a = i < split ? pa + i : pa2 + (i - split);
      if (!this.ram.contains(a, 1)) {
        if (i < split) return { offsets: undefined, pa };
        // The part on the second page has no memory: mtval names "the portion of the access that caused the fault".
        this.fault(ACCESS_FAULT[access], nextLo, nextHi);
        return { offsets: undefined, pa: -1 };
      }
      offsets.push(a - this.ram.base);
    }
    return { offsets, pa };
  }

  /** Loads that missed the RAM fast path: translation, MMIO, misaligned RAM, and faults. */
  loadSlow(lo: number, hi: number, bytes: 1 | 2 | 4 | 8, signed: boolean): boolean {
    const first = this.translate(lo, hi, Access.Load, Math.min(bytes, 4096 - (lo & 4095)));
    if (first < 0) return false;
    // Devices (the common slow case: polling a UART) need no per-byte RAM offsets.
    const { offsets, pa } = this.ram.contains(first, 1) ? this.ramBytes(lo, hi, bytes, Access.Load, first) : { offsets: undefined, pa: first };
    if (pa < 0) return false;
    let vlo = 0, vhi = 0;
    if (offsets) {
      for (let i = Math.min(bytes, 4) - 1; i >= 0; i--) vlo = (vlo << 8) | this.ram.read8(offsets[i]);
      for (let i = bytes - 1; i >= 4; i--) vhi = (vhi << 8) | this.ram.read8(offsets[i]);
    } else {
      const dev = (pa & (bytes - 1)) === 0 ? this.bus.find(pa, bytes) : undefined;
      if (!dev) return this.fault(Cause.loadAccess, lo, hi);
      const off = pa - dev.base;
      if (bytes === 8) { vlo = dev.device.read(off, 4); vhi = dev.device.read(off + 4, 4); } else vlo = dev.device.read(off, bytes);
    }
    if (bytes < 4) {
      const sh = 32 - 8 * bytes;
      vlo = signed ? (vlo << sh) >> sh : (vlo << sh) >>> sh;
    }
    if (bytes < 8) vhi = signed ? vlo >> 31 : 0;
    this.vlo = vlo;
    this.vhi = vhi;
    this.watch(lo, hi, bytes, false);
    return true;
  }

  // ---- floating point (F, D): the state changes the instruction table's FP rows make ----

  /** The rounding mode of an FP instruction: its rm field, or frm for DYN; -1 (illegal) when FS is Off or the mode is reserved. */
  fpRm(raw: number): number {
    const c = this.csr.lo;
    if ((c[CSR.mstatus] & MSTATUS_FS) === 0) return -1;
    let rm = (raw >>> 12) & 7;
    if (rm === 7) rm = (c[CSR.fcsr] >>> 5) & 7;
    return rm > 4 ? -1 : rm;
  }

  /** f[r] as a single: a NaN-boxed value is its low half; anything else reads as the canonical NaN. */
  single(r: number): number {
    return this.fh[r] === -1 ? this.fl[r] : 0x7fc00000;
  }

  /** f[fd] = a single (NaN-boxed); the operation's exception flags accrue. */
  fpSetS(fd: number, v: number): void {
    this.fl[fd] = v;
    this.fh[fd] = -1;
    this.fpAccrue();
    this.csr.fpDirty();
  }

  /** f[fd] = a double: low half v, high half sf.hi; the operation's exception flags accrue. */
  fpSetD(fd: number, v: number): void {
    this.fl[fd] = v;
    this.fh[fd] = this.sf.hi;
    this.fpAccrue();
    this.csr.fpDirty();
  }

  /** Exception flags raised by the last operation accrue into fcsr (changing FP state only when there are some). */
  fpAccrue(): void {
    const f = this.sf.flags;
    if (f === 0) return;
    this.csr.lo[CSR.fcsr] |= f;
    this.sf.flags = 0;
    this.csr.fpDirty();
  }

  /** flw / fld: f[fd] = memory (a word NaN-boxed). False on a fault (faultCause, faultLo, faultHi set). */
  fpLoad(fd: number, lo: number, hi: number, bytes: 4 | 8): boolean {
    if (!this.loadSlow(lo, hi, bytes, false)) return false;
    this.fl[fd] = this.vlo;
    this.fh[fd] = bytes === 8 ? this.vhi : -1;
    this.csr.fpDirty();
    return true;
  }


  /** Stores that missed the RAM fast path. Returns 0 done, 1 fault, 2 done and the slice must end. */
  storeSlow(lo: number, hi: number, bytes: 1 | 2 | 4 | 8, vlo: number, vhi: number): 0 | 1 | 2 {
    const first = this.translate(lo, hi, Access.Store, Math.min(bytes, 4096 - (lo & 4095)));
    if (first < 0) return 1;
    const { offsets, pa } = this.ram.contains(first, 1) ? this.ramBytes(lo, hi, bytes, Access.Store, first) : { offsets: undefined, pa: first };
    if (pa < 0) return 1;
    if (offsets) {
      offsets.forEach((off, i) => this.ram.write8(off, i < 4 ? vlo >>> (8 * i) : vhi >>> (8 * (i - 4))));
      this.watch(lo, hi, bytes, true);
      // Watchers see each physically contiguous part whole (HTIF acts on a complete tohost write).
      let stop = false;
      for (let i = 0, start = 0; i < offsets.length; i++) {
        if (i + 1 < offsets.length && offsets[i + 1] === offsets[i] + 1) continue;
        const off = offsets[start], len = i - start + 1;
        if (this.ram.pageFlags[off >>> PAGE_SHIFT] !== 0 || this.ram.pageFlags[(off + len - 1) >>> PAGE_SHIFT] !== 0) {
          stop = this.storeNotify(off, len) || stop;
        }
        start = i + 1;
      }
      return stop || this.debugStop !== undefined ? 2 : 0;
    }
    const dev = (pa & (bytes - 1)) === 0 ? this.bus.find(pa, bytes) : undefined;
    if (!dev) { this.fault(Cause.storeAccess, lo, hi); return 1; }
    const off = pa - dev.base;
    if (bytes === 8) { dev.device.write(off, 4, vlo); dev.device.write(off + 4, 4, vhi); } else dev.device.write(off, bytes, vlo);
    this.watch(lo, hi, bytes, true);
    return 2; // a device write may raise an interrupt or stop the machine: end the slice
  }

  /**
   * A store hit a flagged RAM page: drop predecoded instructions it overwrote and tell watchers.
   * Returns true when the running code must stop after this store: it may have rewritten itself, or a
   * watcher (HTIF) stopped the machine.
   */
  storeNotify(off: number, bytes: number): boolean {
    const first = off >>> PAGE_SHIFT, last = (off + bytes - 1) >>> PAGE_SHIFT;
    let stop = false;
    for (let p = first; p <= last; p++) {
      const f = this.ram.pageFlags[p];
      if (f & PageFlag.Code && this.codeWritten(off, bytes)) stop = true;
      if (f & PageFlag.Watch) stop = this.onWatchedStore(this.ram.base + off, bytes) || stop;
    }
    return stop;
  }

  /**
   * Clears predecoded slots overlapping [off, off+bytes), including an instruction starting 2 bytes before.
   * Returns true when one of them held a decoded or translated instruction (code really changed, not data beside it).
   */
  dropCode(off: number, bytes: number): boolean {
    let hit = false;
    for (let a = Math.max(0, off - 2) & ~1; a < off + bytes; a += 2) {
      const page = this.decoded[a >>> PAGE_SHIFT];
      const s = ((a & 4095) >>> 1) * SLOT_WORDS;
      if (page && page[s] !== OP_UNDECODED) { page[s] = OP_UNDECODED; hit = true; }
    }
    for (const [p, { second }] of this.straddlers) {
      if (second < off + bytes && second + 2 > off) { this.dropStraddler(p); this.straddlers.delete(p); hit = true; }
    }
    // Translated blocks are compiled from RAM, not from the decoded slots: they are dropped on their own terms.
    return this.onCodeChange(off, bytes) || hit;
  }

  /**
   * fence.i. Every store, AMO and DMA write already drops the decoded and translated code it overwrites, on
   * every hart, so there is nothing stale to throw away here. (Emptying all caches on each fence.i cost Linux,
   * which runs thousands of them while booting, half its boot time.) Instructions that straddle two pages are
   * re-decoded, as their second half may come from a page that was remapped.
   */
  fenceI(): void {
    for (const p of this.straddlers.keys()) this.dropStraddler(p);
    this.straddlers.clear();
  }

  // ---- atomics ----

  /**
   * LR/SC/AMO on the address (lo, hi) with source value (slo, shi). Result in vlo/vhi. Returns 0 done, 1 fault
   * (faultCause/faultLo/faultHi set), 2 done and the slice must end (it rewrote code, or a watcher stopped the machine).
   */
  amo(op: number, bytes: 4 | 8, lo: number, hi: number, slo: number, shi: number): 0 | 1 | 2 {
    const isLoad = op === AmoOp.lr;
    if ((lo & (bytes - 1)) !== 0) { this.fault(isLoad ? Cause.loadMisaligned : Cause.storeMisaligned, lo, hi); return 1; }
    const pa = this.translate(lo, hi, isLoad ? Access.Load : Access.Store, bytes);
    if (pa < 0) return 1;
    if (!this.ram.contains(pa, bytes)) { this.fault(isLoad ? Cause.loadAccess : Cause.storeAccess, lo, hi); return 1; }
    const off = pa - this.ram.base;
    const old = this.readRam(off, bytes);
    const src = bytes === 4 ? BigInt(slo) : BigInt.asIntN(64, (BigInt(shi) << 32n) | BigInt(slo >>> 0));
    let result = old, store: bigint | undefined;
    switch (op) {
      case AmoOp.lr: this.resValid = true; this.resAddr = pa; this.resValue = old; break;
      case AmoOp.sc: {
        // As QEMU does: the reservation holds if memory still has the value LR loaded, compared at the SC's width
        // (so lr.d then sc.w at the same address succeeds: the 8-byte reservation set covers the word).
        const ok = this.resValid && this.resAddr === pa && BigInt.asIntN(bytes * 8, this.resValue) === old;
        this.resValid = false;
        result = ok ? 0n : 1n;
        if (ok) store = src;
        break;
      }
      case AmoOp.swap: store = src; break;
      case AmoOp.add: store = old + src; break;
      case AmoOp.xor: store = old ^ src; break;
      case AmoOp.and: store = old & src; break;
      case AmoOp.or: store = old | src; break;
      case AmoOp.min: store = old < src ? old : src; break;
      case AmoOp.max: store = old > src ? old : src; break;
      case AmoOp.minu: store = unsigned(old, bytes) < unsigned(src, bytes) ? old : src; break;
      case AmoOp.maxu: store = unsigned(old, bytes) > unsigned(src, bytes) ? old : src; break;
    }
    let end = false;
    this.watch(lo, hi, bytes, false);
    if (store !== undefined) {
      this.watch(lo, hi, bytes, true);
      this.writeRam(off, bytes, store);
      end = this.ram.pageFlags[off >>> PAGE_SHIFT] !== 0 && this.storeNotify(off, bytes);
    }
    this.vlo = Number(BigInt.asIntN(32, result));
    this.vhi = Number(BigInt.asIntN(32, result >> 32n));
    return end || this.debugStop !== undefined ? 2 : 0;
  }

  /** Signed value of `bytes` bytes of RAM at off. */
  private readRam(off: number, bytes: 4 | 8): bigint {
    let v = 0n;
    for (let i = bytes - 1; i >= 0; i--) v = (v << 8n) | BigInt(this.ram.read8(off + i));
    return BigInt.asIntN(bytes * 8, v);
  }

  private writeRam(off: number, bytes: 4 | 8, v: bigint): void {
    for (let i = 0; i < bytes; i++) this.ram.write8(off + i, Number((v >> BigInt(8 * i)) & 0xffn));
  }

  // ---- instruction fetch and predecode ----

  /** Predecoded slots for the RAM page holding physical address pa, or undefined when pa is not RAM. */
  fetchPage(pa: number): Int32Array | undefined {
    const ram = this.ram;
    if (!(pa >= ram.base && pa < ram.base + ram.size)) return undefined;
    const p = (pa - ram.base) >>> PAGE_SHIFT;
    let page = this.decoded[p];
    if (!page) {
      page = new Int32Array(SLOTS_PER_PAGE * SLOT_WORDS);
      this.decoded[p] = page;
      ram.pageFlags[p] |= PageFlag.Code;
    }
    return page;
  }

  /**
   * Decodes the instruction at RAM offset off (fetched from pc) into its slot. Returns false when the second
   * half of an instruction that straddles a page cannot be fetched (the fault is set, at pc + 2).
   */
  decodeSlot(page: Int32Array, off: number, pc: number): boolean {
    const ram = this.ram;
    let raw = ram.read8(off) | (ram.read8(off + 1) << 8);
    if ((raw & 3) === 3) {
      let next = off + 2;
      if ((off & 4095) === 4094) {
        // The second half is on the next (virtual) page, which may map anywhere.
        const pa = this.fetchAddress(pc + 2);
        if (pa < 0) return false;
        if (!ram.contains(pa, 2)) return this.fault(Cause.fetchAccess, (pc + 2) % TWO32 | 0, Math.floor((pc + 2) / TWO32) | 0);
        this.fetchPage(pa); // flag that page as code, so that stores to it reach invalidate()
        next = pa - ram.base;
        this.straddlers.set(off >>> PAGE_SHIFT, { second: next, vpage: Math.floor(pc / 4096) });
      }
      raw |= (ram.read8(next) << 16) | (ram.read8(next + 1) << 24);
    }
    const d = decode(raw);
    const s = ((off & 4095) >>> 1) * SLOT_WORDS;
    page[s] = d.op.id | ((d.rd === 0 ? 32 : d.rd) << 10) | (d.rs1 << 16) | (d.rs2 << 22);
    page[s + 1] = d.imm;
    page[s + 2] = raw;
    return true;
  }
}

/**
 * The CSR side of trap entry (privileged spec 1.12, 3.1.6.1 and 4.1.1): xepc, xcause and xtval, and mstatus's
 * xPIE = xIE, xIE = 0, xPP = the mode trapped from. Shared by the hart and by a hypervisor entering a guest's
 * virtual S-mode, which must do exactly what the hardware would.
 */
export function enterTrap(c: CsrFile, toS: boolean, from: Priv, cause: number, interrupt: boolean,
  epcLo: number, epcHi: number, tvalLo: number, tvalHi: number): void {
  const [epc, cau, tval] = toS ? [CSR.sepc, CSR.scause, CSR.stval] : [CSR.mepc, CSR.mcause, CSR.mtval];
  c.lo[epc] = epcLo & ~1; c.hi[epc] = epcHi;
  c.lo[cau] = cause; c.hi[cau] = interrupt ? 0x80000000 | 0 : 0;
  c.lo[tval] = tvalLo; c.hi[tval] = tvalHi;
  const s = c.lo[CSR.mstatus];
  if (toS) {
    // SPIE = SIE, SIE = 0, SPP = the mode trapped from (U or S)
    c.lo[CSR.mstatus] = (s & ~((1 << 1) | (1 << 5) | (1 << 8))) | (((s >>> 1) & 1) << 5) | (from << 8);
  } else {
    c.lo[CSR.mstatus] = (s & ~((1 << 3) | (1 << 7) | (3 << 11))) | (((s >>> 3) & 1) << 7) | (from << 11);
  }
}

/** The handler address for a trap through a tvec value (lo, hi): the base, plus 4 × cause for vectored interrupts. */
export function trapVector(vecLo: number, vecHi: number, cause: number, interrupt: boolean): number {
  const base = toNumber(vecLo & ~3, vecHi);
  return interrupt && (vecLo & 3) === 1 ? base + 4 * cause : base;
}

function trapEvent(cause: number, interrupt: boolean, fromPriv: Priv, toPriv: Priv, epcLo: number, epcHi: number, tvalLo: number, tvalHi: number,
  handler: number): TrapEvent {
  return { cause, interrupt, fromPriv, toPriv, epc: big(epcLo & ~1, epcHi), tval: big(tvalLo, tvalHi), handler: BigInt.asUintN(64, BigInt(handler)) };
}

function big(lo: number, hi: number): bigint {
  return BigInt.asUintN(64, (BigInt(hi) << 32n) | BigInt(lo >>> 0));
}

function unsigned(v: bigint, bytes: number): bigint {
  return BigInt.asUintN(bytes * 8, v);
}

