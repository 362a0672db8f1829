// The hart's CSR storage and access rules: existence, privilege, read-only, WARL masks, counters.
// Built from the CSR table; the few registers with behaviour beyond a mask are handled here by number.
import { csrByName, csrTable, MSTATUS_FS } from './table';
import { SATP_LEVELS } from '../mmu';
import { Pmp, PMP_ENTRIES } from '../pmp';

/** The CSRs the emulator refers to by name; their numbers come from the CSR table (one source of truth). */
const NAMED = [
  'fflags', 'frm', 'fcsr',
  'sstatus', 'sie', 'stvec', 'scounteren', 'sscratch', 'sepc', 'scause', 'stval', 'sip', 'stimecmp', 'satp',
  'mstatus', 'misa', 'medeleg', 'mideleg', 'mie', 'mtvec', 'mcounteren', 'menvcfg', 'mscratch', 'mepc', 'mcause',
  'mtval', 'mip', 'mhartid', 'mcycle', 'minstret', 'cycle', 'time', 'instret', 'pmpcfg0', 'pmpcfg2', 'pmpaddr0',
] as const;

export const CSR = Object.fromEntries(NAMED.map((name) => {
  const def = csrByName.get(name);
  if (!def) throw new Error(`CSR ${name} is not in the CSR table`);
  return [name, def.num];
})) as Record<(typeof NAMED)[number], number>;

/** The mstatus bits sstatus shows: SIE, SPIE, UBE, SPP, VS, FS, XS, SUM, MXR (low word); UXL, SD (high word). */
const SSTATUS_LO = 0x000de762, SSTATUS_HI = 0x80000003 | 0;
const MSTATUS_TVM = 1 << 20;

/** Cycles per tick of the 10 MHz timebase: the machine is modelled as 1 GHz, one instruction per cycle. */
export const CYCLES_PER_TICK = 100;

/** The hart's notion of time: instructions retired, and cycles (retired plus cycles spent idle in wfi). */
export interface Clock {
  readonly retired: number;
  readonly cycles: number;
  /** mtime in ticks of the timebase. */
  mtime(): number;
}

export class CsrFile {
  readonly lo = new Int32Array(4096);
  readonly hi = new Int32Array(4096);
  private readonly exists = new Uint8Array(4096);
  private readonly maskLo = new Int32Array(4096);
  private readonly maskHi = new Int32Array(4096);
  /** Counter value = retired instructions + offset (offsets change when software writes a counter). */
  private cycleOffset = 0n;
  private instretOffset = 0n;
  readonly pmp = new Pmp(this);
  /** M-mode's own SEIP bit; mip.SEIP reads as it ORed with the PLIC's S-mode line. */
  seipSoftware = false;
  /** Result of the last successful read. */
  rlo = 0;
  rhi = 0;

  constructor(hartId: number, private readonly clock: Clock) {
    for (const def of csrTable) {
      this.exists[def.num] = 1;
      this.maskLo[def.num] = Number(BigInt.asIntN(32, def.writable));
      this.maskHi[def.num] = Number(BigInt.asIntN(32, def.writable >> 32n));
      if (def.reset !== undefined) this.set(def.num, def.reset);
    }
    this.set(CSR.mhartid, BigInt(hartId));
  }

  has(num: number): boolean {
    return this.exists[num] === 1;
  }

  /** Raw 64-bit value as stored (counters excluded), for the debugger and tests. */
  get(num: number): bigint {
    return (BigInt(this.hi[num]) << 32n) | BigInt(this.lo[num] >>> 0);
  }

  set(num: number, v: bigint): void {
    this.lo[num] = Number(BigInt.asIntN(32, v));
    this.hi[num] = Number(BigInt.asIntN(32, v >> 32n));
    if (isPmp(num)) this.pmp.changed();
  }

  /**
   * Reads num at privilege priv into rlo/rhi. Returns false when the access is illegal
   * (no such CSR, too little privilege, or a counter U-mode may not read).
   */
  read(num: number, priv: number): boolean {
    if (!this.allowed(num, priv)) return false;
    switch (num) {
      case CSR.sstatus: return this.view(CSR.mstatus, SSTATUS_LO, SSTATUS_HI);
      case CSR.sie: return this.view(CSR.mie, this.lo[CSR.mideleg], 0);
      case CSR.sip: return this.view(CSR.mip, this.lo[CSR.mideleg], 0);
      // Counters are numbers below 2^53; BigInt only once software has written one (polling loops read them a lot).
      case CSR.mcycle: case CSR.cycle:
        return this.cycleOffset === 0n ? this.setNumber(this.clock.cycles) : this.setResult(BigInt(this.clock.cycles) + this.cycleOffset);
      case CSR.minstret: case CSR.instret:
        return this.instretOffset === 0n ? this.setNumber(this.clock.retired) : this.setResult(BigInt(this.clock.retired) + this.instretOffset);
      case CSR.time: return this.setNumber(this.clock.mtime());
      case CSR.fflags: this.rlo = this.lo[CSR.fcsr] & 0x1f; this.rhi = 0; return true;
      case CSR.frm: this.rlo = (this.lo[CSR.fcsr] >>> 5) & 7; this.rhi = 0; return true;
    }
    this.rlo = this.lo[num];
    this.rhi = this.hi[num];
    return true;
  }

  /** Writes (lo, hi) through the CSR's WARL rules. The caller has already checked read-only-ness and privilege. */
  write(num: number, lo: number, hi: number): void {
    switch (num) {
      // The written value is what the next instruction sees: this instruction's own retirement does not count.
      case CSR.mcycle: this.cycleOffset = toBig(lo, hi) - BigInt(this.clock.cycles + 1); return;
      case CSR.minstret: this.instretOffset = toBig(lo, hi) - BigInt(this.clock.retired + 1); return;
      case CSR.mtvec: case CSR.stvec: if ((lo & 3) >= 2) return; break;
      case CSR.mip:
        if (this.stce) lo = (lo & ~(1 << 5)) | (this.lo[CSR.mip] & (1 << 5)); // STIP follows stimecmp
        this.seipSoftware = (lo & (1 << 9)) !== 0;
        break;
      case CSR.mstatus:
        if (((lo >>> 11) & 3) === 2) lo &= ~(3 << 11); // MPP cannot hold the reserved mode 2: U, as Spike does
        break;
      // Writing any FP CSR changes FP state: FS becomes Dirty.
      case CSR.fflags: this.write(CSR.fcsr, (this.lo[CSR.fcsr] & ~0x1f) | (lo & 0x1f), 0); return;
      case CSR.frm: this.write(CSR.fcsr, (this.lo[CSR.fcsr] & ~0xe0) | ((lo & 7) << 5), 0); return;
      case CSR.fcsr: this.fpDirty(); break;
      // Views write through to the register they show, within their mask.
      case CSR.sstatus: this.write(CSR.mstatus, (this.lo[CSR.mstatus] & ~SSTATUS_LO) | (lo & SSTATUS_LO), (this.hi[CSR.mstatus] & ~SSTATUS_HI) | (hi & SSTATUS_HI)); return;
      case CSR.sie: { const d = this.lo[CSR.mideleg]; this.write(CSR.mie, (this.lo[CSR.mie] & ~d) | (lo & d), 0); return; }
      case CSR.sip: { const d = this.lo[CSR.mideleg] & 2; this.write(CSR.mip, (this.lo[CSR.mip] & ~d) | (lo & d), 0); return; } // only SSIP
      case CSR.pmpcfg0: case CSR.pmpcfg2: { // per entry, locked bytes keep their value; bits 6:5 are zero; W needs R
        const old = [this.lo[num], this.hi[num]], val = [lo, hi];
        for (let b = 0; b < 8; b++) {
          const half = b >>> 2, sh = 8 * (b & 3);
          const before = (old[half] >>> sh) & 0xff;
          let byte = (val[half] >>> sh) & 0x9f;
          if (before & 0x80) byte = before;
          else if ((byte & 3) === 2) byte &= ~2;
          val[half] = (val[half] & ~(0xff << sh)) | (byte << sh);
        }
        lo = val[0]; hi = val[1];
        break;
      }
      // A write selecting a mode the MMU lacks (not Bare, Sv39 or Sv48) has no effect at all, as the spec requires.
      case CSR.satp: { const mode = hi >>> 28; if (mode !== 0 && SATP_LEVELS[mode] === undefined) return; break; }
    }
    if (num >= CSR.pmpaddr0 && num < CSR.pmpaddr0 + PMP_ENTRIES && this.pmp.addressLocked(num - CSR.pmpaddr0)) return;
    const ml = this.maskLo[num], mh = this.maskHi[num];
    this.lo[num] = (this.lo[num] & ~ml) | (lo & ml);
    this.hi[num] = (this.hi[num] & ~mh) | (hi & mh);
    // SD summarises FS (the only extension state here): read-only, set exactly when FS is Dirty.
    if (num === CSR.mstatus) this.hi[num] = (this.hi[num] & 0x7fffffff) | ((this.lo[num] & MSTATUS_FS) === MSTATUS_FS ? -2147483648 : 0);
    if (isPmp(num)) this.pmp.changed();
  }

  /** Whether the CSR at num exists and priv may access it (reads; writes also need !readOnly). */
  allowed(num: number, priv: number): boolean {
    if (this.exists[num] === 0) return false;
    if (priv < ((num >>> 8) & 3)) return false;
    if (num <= CSR.fcsr && (this.lo[CSR.mstatus] & MSTATUS_FS) === 0) return false;
    if (num === CSR.satp && priv === 1 && (this.lo[CSR.mstatus] & MSTATUS_TVM) !== 0) return false;
    // Sstc: S-mode reaches stimecmp only when M-mode enabled it (menvcfg.STCE) and lets it read time (mcounteren.TM).
    if (num === CSR.stimecmp && priv === 1 && (!this.stce || (this.lo[CSR.mcounteren] & 2) === 0)) return false;
    if (priv < 3 && num >= 0xc00 && num <= 0xc1f) {
      const bit = num & 31;
      if (((this.lo[CSR.mcounteren] >>> bit) & 1) === 0) return false;
      if (priv === 0 && ((this.lo[CSR.scounteren] >>> bit) & 1) === 0) return false;
    }
    return true;
  }

  /** FP state changed (an FP register or fcsr): mstatus.FS becomes Dirty, and SD, which summarises it, is set. */
  fpDirty(): void {
    this.lo[CSR.mstatus] |= MSTATUS_FS;
    this.hi[CSR.mstatus] |= -2147483648;
  }

  /** Sstc is enabled: STIP is driven by time >= stimecmp instead of by M-mode software. */
  get stce(): boolean {
    return this.hi[CSR.menvcfg] < 0;
  }

  private view(num: number, maskLo: number, maskHi: number): true {
    this.rlo = this.lo[num] & maskLo;
    this.rhi = this.hi[num] & maskHi;
    return true;
  }

  static readOnly(num: number): boolean {
    return (num >>> 10) === 3;
  }

  /**
   * Whether some write can change the CSR: not read-only by number, and with writable bits, or a view or counter
   * that write() handles itself (their table masks are 0). For debuggers, which refuse edits that would be dropped.
   */
  canWrite(num: number): boolean {
    if (!this.has(num) || CsrFile.readOnly(num)) return false;
    return this.maskLo[num] !== 0 || this.maskHi[num] !== 0
      || num === CSR.sstatus || num === CSR.sie || num === CSR.sip || num === CSR.mcycle || num === CSR.minstret;
  }

  /**
   * The value a CSR read from M-mode would return, ignoring privilege and mstatus.FS, and changing nothing
   * (not even rlo/rhi): for debuggers. Counters read the clock, which reading does not advance.
   */
  peek(num: number): bigint {
    const lo = this.rlo, hi = this.rhi;
    // FP CSRs are unreadable while FS is Off; the debugger still shows what fcsr holds.
    const v = num === CSR.fflags || num === CSR.frm || num === CSR.fcsr ? BigInt(this.lo[CSR.fcsr] & 0xff)
      : this.read(num, 3) ? toBig(this.rlo, this.rhi) : 0n;
    this.rlo = lo; this.rhi = hi;
    if (num === CSR.fflags) return v & 0x1fn;
    if (num === CSR.frm) return v >> 5n;
    return BigInt.asUintN(64, v);
  }

  /** A non-negative integer below 2^53 as the read result. */
  private setNumber(v: number): true {
    this.rlo = v % 4294967296 | 0;
    this.rhi = Math.floor(v / 4294967296) | 0;
    return true;
  }

  private setResult(v: bigint): true {
    this.rlo = Number(BigInt.asIntN(32, v));
    this.rhi = Number(BigInt.asIntN(32, v >> 32n));
    return true;
  }
}

function isPmp(num: number): boolean {
  return num === CSR.pmpcfg0 || num === CSR.pmpcfg2 || (num >= CSR.pmpaddr0 && num < CSR.pmpaddr0 + PMP_ENTRIES);
}

function toBig(lo: number, hi: number): bigint {
  return (BigInt(hi) << 32n) | BigInt(lo >>> 0);
}
