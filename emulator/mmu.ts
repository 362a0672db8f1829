// Virtual-memory translation: Sv39 and Sv48 page-table walks with permission checks and A/D updates.
// The hart calls it on its slow paths whenever translation is on; it knows nothing of TLBs or devices.
import type { Ram } from './memory/ram';

export const enum Access { Fetch = 0, Load = 1, Store = 2 }

/** Page-fault causes per access type (instruction, load, store/AMO). */
export const PAGE_FAULT = [12, 13, 15] as const;
/** Access-fault causes per access type, for page-table entries outside memory. */
export const ACCESS_FAULT = [1, 5, 7] as const;

const PTE_V = 1, PTE_R = 2, PTE_W = 4, PTE_X = 8, PTE_U = 16, PTE_A = 64, PTE_D = 128;
const TWO32 = 4294967296;

/** satp.MODE values this MMU implements, with their number of levels. */
export const SATP_LEVELS: Record<number, number> = { 8: 3, 9: 4 };

/** Entries per TLB (direct-mapped by the low VPN bits). */
export const TLB_SIZE = 256;

/**
 * Software TLBs for translated accesses to RAM, read by the generated fast path: per entry, the key
 * (the virtual page number as a number, NaN when empty) and the RAM offset of the physical page. Loads and
 * stores have separate TLBs, so a page enters the store TLB only once a store walk has set its D bit;
 * fetches have their own. Entries hold for the current privilege, satp and mstatus: any change flushes all.
 */
export class Tlb {
  readonly loadKey = new Float64Array(TLB_SIZE).fill(NaN);
  readonly loadOff = new Int32Array(TLB_SIZE);
  readonly storeKey = new Float64Array(TLB_SIZE).fill(NaN);
  readonly storeOff = new Int32Array(TLB_SIZE);
  readonly fetchKey = new Float64Array(TLB_SIZE).fill(NaN);
  readonly fetchOff = new Int32Array(TLB_SIZE);

  flush(): void {
    this.loadKey.fill(NaN);
    this.storeKey.fill(NaN);
    this.fetchKey.fill(NaN);
  }

  /** Remembers that virtual page (lo, hi) maps to the RAM page at ramOff for this kind of access. */
  fill(access: Access, lo: number, hi: number, ramOff: number): void {
    const i = (lo >>> 12) & (TLB_SIZE - 1), key = hi * 1048576 + (lo >>> 12);
    const [keys, offs] = access === Access.Load ? [this.loadKey, this.loadOff]
      : access === Access.Store ? [this.storeKey, this.storeOff] : [this.fetchKey, this.fetchOff];
    keys[i] = key;
    offs[i] = ramOff;
  }

  /** The RAM offset for a fetch at (lo, hi), or -1 on a miss. */
  fetch(lo: number, hi: number): number {
    const i = (lo >>> 12) & (TLB_SIZE - 1);
    return this.fetchKey[i] === hi * 1048576 + (lo >>> 12) ? this.fetchOff[i] + (lo & 4095) : -1;
  }
}

export interface Walk {
  /** Physical address, or -1 on a fault (then `cause` says which). */
  pa: number;
  cause: number;
}

/** What the translation depends on besides the address. */
export interface TranslationContext {
  /** Effective privilege of the access (MPRV applied for data). */
  priv: number;
  /** satp's two halves. */
  satpLo: number;
  satpHi: number;
  sum: boolean;
  mxr: boolean;
}

export class Mmu {
  private readonly result: Walk = { pa: -1, cause: 0 };

  /**
   * @param pteReadable PMP's verdict on reading the 8-byte PTE at a physical address: the walk's own accesses
   *   are checked as S-mode reads (privileged spec 1.12, 3.7.2), and a denied one is an access fault.
   */
  constructor(
    private readonly ram: Ram, private readonly onPteWrite: (off: number) => void,
    private readonly pteReadable: (pa: number) => boolean = () => true,
  ) {}

  /**
   * Translates the virtual address (lo, hi) for one access. Returns the shared result object
   * (valid until the next call): the physical address, or -1 and the fault cause. With `probe`, nothing
   * is written (no A/D update): for debuggers and tracers, which must not change the machine.
   */
  translate(lo: number, hi: number, access: Access, ctx: TranslationContext, probe = false): Walk {
    const r = this.result;
    const mode = ctx.satpHi >>> 28, levels = SATP_LEVELS[mode];
    if (levels === undefined) { r.pa = -1; r.cause = ACCESS_FAULT[access]; return r; }
    // The address must be the sign extension of its top translated bit (38 for Sv39, 47 for Sv48).
    const vaBits = 12 + 9 * levels;
    const top = vaBits - 32; // bit index within hi
    const ext = hi >> top; // arithmetic: all ones or all zeros when canonical
    if (ext !== 0 && ext !== -1) return this.fail(access);
    if (((hi >>> (top - 1)) & 1) !== (ext & 1)) return this.fail(access);
    const vpnAll = ((hi & ((1 << top) - 1)) * TWO32 + (lo >>> 0) - (lo & 4095)) / 4096; // the VPN as a number
    let table = (ctx.satpHi & 0xfff) * TWO32 + (ctx.satpLo >>> 0); // root PPN (44 bits)
    for (let level = levels - 1; level >= 0; level--) {
      const vpn = Math.floor(vpnAll / 2 ** (9 * level)) % 512;
      const pteAddr = table * 4096 + vpn * 8;
      const off = pteAddr - this.ram.base;
      if (!(off >= 0 && off + 8 <= this.ram.size) || !this.pteReadable(pteAddr)) { r.pa = -1; r.cause = ACCESS_FAULT[access]; return r; }
      const pteLo = this.read32(off), pteHi = this.read32(off + 4);
      if ((pteLo & PTE_V) === 0 || ((pteLo & PTE_R) === 0 && (pteLo & PTE_W) !== 0)) return this.fail(access);
      if ((pteHi >>> 22) !== 0) return this.fail(access); // reserved bits 63:54 (no Svpbmt or Svnapot here)
      const ppn = (pteHi & 0x3fffff) * 4194304 + (pteLo >>> 10); // PPN: PTE bits 53:10 (bits 21:0 of it are in pteLo)
      if ((pteLo & (PTE_R | PTE_X)) === 0) {
        if ((pteLo & (PTE_A | PTE_D | PTE_U)) !== 0) return this.fail(access); // non-leaf: A, D, U are reserved
        table = ppn;
        continue;
      }
      if (!this.permitted(pteLo, access, ctx)) return this.fail(access);
      // A superpage must be aligned: the PPN bits below its level are zero.
      const span = 2 ** (9 * level);
      if (ppn % span !== 0) return this.fail(access);
      // A and D are set by the walk, as QEMU does (Svade is not modelled).
      const want = PTE_A | (access === Access.Store ? PTE_D : 0);
      if ((pteLo & want) !== want && !probe) {
        this.write32(off, pteLo | want);
        this.onPteWrite(off);
      }
      r.pa = (ppn + (vpnAll % span)) * 4096 + (lo & 4095);
      r.cause = 0;
      return r;
    }
    return this.fail(access);
  }

  private permitted(pte: number, access: Access, ctx: TranslationContext): boolean {
    const user = (pte & PTE_U) !== 0;
    if (ctx.priv === 0 && !user) return false;
    if (ctx.priv === 1 && user && (access === Access.Fetch || !ctx.sum)) return false;
    switch (access) {
      case Access.Fetch: return (pte & PTE_X) !== 0;
      case Access.Load: return (pte & PTE_R) !== 0 || (ctx.mxr && (pte & PTE_X) !== 0);
      case Access.Store: return (pte & PTE_W) !== 0;
    }
  }

  private fail(access: Access): Walk {
    this.result.pa = -1;
    this.result.cause = PAGE_FAULT[access];
    return this.result;
  }

  private read32(off: number): number {
    const r = this.ram;
    return r.read8(off) | (r.read8(off + 1) << 8) | (r.read8(off + 2) << 16) | (r.read8(off + 3) << 24);
  }

  private write32(off: number, v: number): void {
    for (let i = 0; i < 4; i++) this.ram.write8(off + i, (v >>> (8 * i)) & 0xff);
  }
}
