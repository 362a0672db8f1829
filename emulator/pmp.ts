// Physical memory protection: 16 entries (pmpcfg0/2, pmpaddr0..15) with OFF/TOR/NA4/NAPOT matching and locks,
// checked on S- and U-mode accesses, and on M-mode accesses that an entry covers (privileged spec §3.7).
import type { CsrFile } from './csr/file';
import { Access } from './mmu';
import { csrByName } from './csr/table';

export const PMP_ENTRIES = 16;
const PMPCFG0 = csrByName.get('pmpcfg0')!.num, PMPADDR0 = csrByName.get('pmpaddr0')!.num;
const R = 1, W = 2, X = 4, L = 0x80;
const A_OFF = 0, A_TOR = 1, A_NA4 = 2, A_NAPOT = 3;

export class Pmp {
  /**
   * Each entry's [start, end) (end 0 when off) and configuration, computed when a PMP register changes rather
   * than on every check: checks run on every TLB miss and every page-table read.
   */
  private readonly start = new Float64Array(PMP_ENTRIES);
  private readonly end = new Float64Array(PMP_ENTRIES);
  private readonly config = new Uint8Array(PMP_ENTRIES);
  private active = false;
  private stale = true;

  constructor(private readonly csr: CsrFile) {}

  /** A pmpcfg or pmpaddr register changed (the CSR file calls this). */
  changed(): void {
    this.stale = true;
  }

  /** Configuration byte of entry i. */
  cfg(i: number): number {
    const reg = PMPCFG0 + 2 * (i >>> 3), byte = i & 7;
    const word = byte < 4 ? this.csr.lo[reg] : this.csr.hi[reg];
    return (word >>> (8 * (byte & 3))) & 0xff;
  }

  /** pmpaddr i as a byte address (bits 55:2 of the address), exact below 2^53. */
  private address(i: number): number {
    return ((this.csr.hi[PMPADDR0 + i] & 0x3fffff) * 4294967296 + (this.csr.lo[PMPADDR0 + i] >>> 0)) * 4;
  }

  /** [start, end) bytes that entry i covers, or undefined when it is off. */
  range(i: number): [number, number] | undefined {
    this.refresh();
    return this.end[i] === 0 ? undefined : [this.start[i], this.end[i]];
  }

  private refresh(): void {
    if (!this.stale) return;
    this.stale = false;
    this.active = false;
    for (let i = 0; i < PMP_ENTRIES; i++) {
      const cfg = this.cfg(i);
      this.config[i] = cfg;
      this.start[i] = this.end[i] = 0;
      switch ((cfg >>> 3) & 3) {
        case A_OFF: continue;
        case A_TOR: this.start[i] = i === 0 ? 0 : this.address(i - 1); this.end[i] = this.address(i); break;
        case A_NA4: this.start[i] = this.address(i); this.end[i] = this.start[i] + 4; break;
        case A_NAPOT: {
          // The trailing ones of pmpaddr give the size: 2^(ones + 3) bytes.
          let ones = 0;
          const lo = this.csr.lo[PMPADDR0 + i] >>> 0, hi = this.csr.hi[PMPADDR0 + i] & 0x3fffff;
          while (ones < 32 && ((lo >>> ones) & 1)) ones++;
          if (ones === 32) while (ones < 54 && ((hi >>> (ones - 32)) & 1)) ones++;
          const size = 2 ** (ones + 3);
          this.start[i] = Math.floor(this.address(i) / size) * size;
          this.end[i] = this.start[i] + size;
          break;
        }
      }
      this.active = true;
    }
  }

  /**
   * Any entry is on: then M-mode accesses are checked too (a locked entry binds M-mode, and an access that an
   * entry covers only partly fails in every mode).
   */
  anyActive(): boolean {
    this.refresh();
    return this.active;
  }

  /**
   * Whether an access of len bytes at physical pa is allowed at privilege priv. The lowest-numbered entry
   * that covers any byte decides, and it must cover all of them. With no match, M-mode is allowed and
   * S/U-mode denied (16 entries are implemented).
   */
  allows(pa: number, len: number, access: Access, priv: number): boolean {
    this.refresh();
    if (!this.active) return priv === 3;
    for (let i = 0; i < PMP_ENTRIES; i++) {
      const s = this.start[i], e = this.end[i];
      if (e === 0 || pa + len <= s || pa >= e) continue;
      if (pa < s || pa + len > e) return false;
      const cfg = this.config[i];
      if (priv === 3 && !(cfg & L)) return true;
      const need = access === Access.Fetch ? X : access === Access.Load ? R : W;
      return (cfg & need) !== 0;
    }
    return priv === 3;
  }

  /** Whether a pmpaddr write to entry i is ignored: it is locked, or the next entry is a locked TOR. */
  addressLocked(i: number): boolean {
    if (this.cfg(i) & L) return true;
    return i + 1 < PMP_ENTRIES && (this.cfg(i + 1) & L) !== 0 && ((this.cfg(i + 1) >>> 3) & 3) === A_TOR;
  }
}
