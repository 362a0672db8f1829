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
  constructor(private readonly csr: CsrFile) {}

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
    const a = (this.cfg(i) >>> 3) & 3;
    switch (a) {
      case A_OFF: return undefined;
      case A_TOR: return [i === 0 ? 0 : this.address(i - 1), this.address(i)];
      case A_NA4: return [this.address(i), this.address(i) + 4];
      case A_NAPOT: {
        // The trailing ones of pmpaddr give the size: 2^(ones + 3) bytes.
        let ones = 0;
        const lo = this.csr.lo[PMPADDR0 + i] >>> 0, hi = this.csr.hi[PMPADDR0 + i] & 0x3fffff;
        while (ones < 32 && ((lo >>> ones) & 1)) ones++;
        if (ones === 32) while (ones < 54 && ((hi >>> (ones - 32)) & 1)) ones++;
        const size = 2 ** (ones + 3);
        const start = Math.floor(this.address(i) / size) * size;
        return [start, start + size];
      }
    }
    return undefined;
  }

  /**
   * Any entry is on: then M-mode accesses are checked too (a locked entry binds M-mode, and an access that an
   * entry covers only partly fails in every mode).
   */
  anyActive(): boolean {
    for (let i = 0; i < PMP_ENTRIES; i++) if ((this.cfg(i) >>> 3) & 3) return true;
    return false;
  }

  /**
   * Whether an access of len bytes at physical pa is allowed at privilege priv. The lowest-numbered entry
   * that covers any byte decides, and it must cover all of them. With no match, M-mode is allowed and
   * S/U-mode denied (16 entries are implemented).
   */
  allows(pa: number, len: number, access: Access, priv: number): boolean {
    for (let i = 0; i < PMP_ENTRIES; i++) {
      const r = this.range(i);
      if (!r || pa + len <= r[0] || pa >= r[1]) continue;
      if (pa < r[0] || pa + len > r[1]) return false;
      const cfg = this.cfg(i);
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
