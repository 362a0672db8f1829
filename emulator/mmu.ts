// Virtual-memory translation: Sv39 and Sv48 page-table walks with permission checks and A/D updates.
// The hart calls it on its slow paths whenever translation is on; it knows nothing of TLBs or devices.

/**
 * Physical memory as a walker reads it: RAM, or a hypervisor's view of a guest's physical memory (its p2m map
 * onto machine frames), so that guest page tables are walked by this same code.
 */
export interface PhysicalMemory {
  readonly base: number;
  readonly size: number;
  read8(off: number): number;
  write8(off: number, v: number): void;
}

export const enum Access { Fetch = 0, Load = 1, Store = 2 }

/** Page-fault causes per access type (instruction, load, store/AMO). */
export const PAGE_FAULT = [12, 13, 15] as const;
/** Access-fault causes per access type, for page-table entries outside memory. */
export const ACCESS_FAULT = [1, 5, 7] as const;

const PTE_V = 1, PTE_R = 2, PTE_W = 4, PTE_X = 8, PTE_U = 16, PTE_A = 64, PTE_D = 128;
const TWO32 = 4294967296;

/** satp.MODE values this MMU implements, with their number of levels. */
export const SATP_LEVELS: Record<number, number> = { 8: 3, 9: 4 };

/** Entries per TLB kind (direct-mapped by the low VPN bits). */
export const TLB_SIZE = 1024;

/**
 * Virtual page keys are hi * 2^20 + (lo >>> 12): below 2^35 in magnitude for any canonical Sv48 address. A tag,
 * a multiple of 2^36 plus 2^35, makes them non-negative and names the translation context they were filled in.
 */
const TAG_UNIT = 2 ** 36;
const KEY_BIAS = 2 ** 35;
/** Tags stay below 2^16, so that a tagged key (< 2^52) is an exact double. */
const MAX_TAGS = 1 << 16;

/** What a cached translation was filled under, besides the address: the address space and the permission check. */
export interface TlbContext {
  /** satp.MODE (8 Sv39, 9 Sv48; 0 when nothing is translated). */
  mode: number;
  asid: number;
  /** Effective privilege of the access. */
  priv: number;
  /** mstatus.SUM and MXR, which change what S-mode data accesses may do (ignored for fetches). */
  sum: boolean;
  mxr: boolean;
}

/** One cached translation, for debuggers (`info tlb`) and tests. */
export interface TlbEntry {
  kind: 'load' | 'store' | 'fetch';
  mode: number;
  asid: number;
  priv: number;
  /** Virtual and physical page addresses (4 KiB pages; a superpage is cached one 4 KiB page at a time). */
  vpage: bigint;
  ppage: number;
  /** 0 for a 4 KiB page, 1 for a 2 MiB megapage, 2 for a 1 GiB gigapage, 3 for a 512 GiB terapage. */
  level: number;
}

/**
 * Software TLBs for translated accesses to RAM, read by the generated fast path: per entry, a tagged key (the
 * virtual page number plus the tag of the context it was filled in, NaN when empty) and the RAM offset of the
 * physical page. Loads and stores have separate TLBs, so a page enters the store TLB only once a store walk has
 * set its D bit; fetches have their own.
 *
 * Entries are tagged by address space (satp mode and ASID) and by the permission context (privilege, SUM, MXR), so
 * switching privilege, toggling SUM or writing satp selects other tags instead of flushing; `sfence.vma` drops
 * exactly the entries the privileged spec says it must (by address, by ASID, or all). Dropping a whole context
 * just retires its tags: their entries can never match again.
 */
export class Tlb {
  readonly loadKey = new Float64Array(TLB_SIZE).fill(NaN);
  readonly loadOff = new Int32Array(TLB_SIZE);
  readonly storeKey = new Float64Array(TLB_SIZE).fill(NaN);
  readonly storeOff = new Int32Array(TLB_SIZE);
  readonly fetchKey = new Float64Array(TLB_SIZE).fill(NaN);
  readonly fetchOff = new Int32Array(TLB_SIZE);
  private readonly loadLevel = new Uint8Array(TLB_SIZE);
  private readonly storeLevel = new Uint8Array(TLB_SIZE);
  private readonly fetchLevel = new Uint8Array(TLB_SIZE);
  /** Added to a virtual page key for data accesses and for fetches in the current context. */
  dataTag = 0;
  fetchTag = 0;
  /**
   * XORed into the index of data accesses and fetches in the current context, so that the same page in two
   * contexts (two processes' user pages; kernel data with SUM on and off) has two places to live.
   */
  dataSalt = 0;
  fetchSalt = 0;
  /** The current contexts' keys (see contextKey). */
  private dataContext = 0;
  private fetchContext = 0;
  /** Context key → tag number, for the contexts seen since they were last flushed. */
  private readonly tags = new Map<number, number>();
  /** Tag number → context key. */
  private readonly tagContext = new Float64Array(MAX_TAGS);
  private nextTag = 0;

  constructor() {
    this.retag();
  }

  /** Selects the contexts the next data accesses and fetches are looked up and filled in. */
  select(data: TlbContext, fetch: TlbContext): void {
    this.dataContext = contextKey(data, false);
    this.fetchContext = contextKey(fetch, true);
    this.retag();
  }

  /** Forgets every translation (sfence.vma x0, x0, and any PMP change). */
  flush(): void {
    // Tag numbers restart only when exhausted; until then retired tags simply never match.
    this.tags.clear();
    this.retag();
  }

  /** Forgets the translations of one address space (sfence.vma x0, asid). */
  flushAsid(asid: number): void {
    for (const key of this.tags.keys()) if (asidOf(key) === asid) this.tags.delete(key);
    this.retag();
  }

  /**
   * Forgets the translations of the page holding the virtual address (lo, hi), in every address space or only in
   * ASID asid (sfence.vma va, x0 / va, asid). Superpages are cached a 4 KiB page at a time: every cached piece of
   * a superpage that contains the address goes, as the spec requires.
   */
  flushPage(lo: number, hi: number, asid?: number): void {
    const page = hi * 1048576 + (lo >>> 12) + KEY_BIAS;
    for (const [keys, levels] of [[this.loadKey, this.loadLevel], [this.storeKey, this.storeLevel], [this.fetchKey, this.fetchLevel]] as const) {
      for (let i = 0; i < TLB_SIZE; i++) {
        const key = keys[i];
        if (key !== key) continue; // empty
        const tag = Math.floor(key / TAG_UNIT), span = 2 ** (9 * levels[i]);
        if (Math.floor((key - tag * TAG_UNIT) / span) !== Math.floor(page / span)) continue;
        if (asid === undefined || asidOf(this.tagContext[tag]) === asid) keys[i] = NaN;
      }
    }
  }

  /** Remembers that virtual page (lo, hi) maps to the RAM page at ramOff for this kind of access. */
  fill(access: Access, lo: number, hi: number, ramOff: number, level: number): void {
    const page = hi * 1048576 + (lo >>> 12);
    const i = ((lo >>> 12) ^ (access === Access.Fetch ? this.fetchSalt : this.dataSalt)) & (TLB_SIZE - 1);
    switch (access) {
      case Access.Load: this.loadKey[i] = page + this.dataTag; this.loadOff[i] = ramOff; this.loadLevel[i] = level; break;
      case Access.Store: this.storeKey[i] = page + this.dataTag; this.storeOff[i] = ramOff; this.storeLevel[i] = level; break;
      case Access.Fetch: this.fetchKey[i] = page + this.fetchTag; this.fetchOff[i] = ramOff; this.fetchLevel[i] = level; break;
    }
  }

  /** The RAM offset for a fetch at (lo, hi), or -1 on a miss. */
  fetch(lo: number, hi: number): number {
    const i = ((lo >>> 12) ^ this.fetchSalt) & (TLB_SIZE - 1);
    return this.fetchKey[i] === hi * 1048576 + (lo >>> 12) + this.fetchTag ? this.fetchOff[i] + (lo & 4095) : -1;
  }

  /** The live entries, with their contexts (retired tags are left out). ramBase turns RAM offsets into addresses. */
  entries(ramBase: number): TlbEntry[] {
    const live = new Set(this.tags.values()), out: TlbEntry[] = [];
    const kinds = [['load', this.loadKey, this.loadOff, this.loadLevel], ['store', this.storeKey, this.storeOff, this.storeLevel],
      ['fetch', this.fetchKey, this.fetchOff, this.fetchLevel]] as const;
    for (const [kind, keys, offs, levels] of kinds) {
      for (let i = 0; i < TLB_SIZE; i++) {
        const key = keys[i], tag = Math.floor(key / TAG_UNIT);
        if (key !== key || !live.has(tag)) continue;
        const ctx = this.tagContext[tag];
        const vpage = BigInt.asUintN(64, BigInt(key - tag * TAG_UNIT - KEY_BIAS) << 12n);
        out.push({ kind, mode: modeOf(ctx), asid: asidOf(ctx), priv: privOf(ctx), vpage, ppage: ramBase + offs[i], level: levels[i] });
      }
    }
    return out;
  }

  private retag(): void {
    if (this.nextTag + 2 > MAX_TAGS) this.restart();
    this.dataTag = this.tag(this.dataContext);
    this.fetchTag = this.tag(this.fetchContext);
    this.dataSalt = salt(this.dataTag);
    this.fetchSalt = salt(this.fetchTag);
  }

  private tag(key: number): number {
    let tag = this.tags.get(key);
    if (tag === undefined) {
      tag = this.nextTag++;
      this.tags.set(key, tag);
      this.tagContext[tag] = key;
    }
    return tag * TAG_UNIT + KEY_BIAS;
  }

  /** All tag numbers are used: empty the arrays so numbering can start again. */
  private restart(): void {
    for (const k of [this.loadKey, this.storeKey, this.fetchKey]) k.fill(NaN);
    this.tags.clear();
    this.nextTag = 0;
  }
}

/** A context as one number: ((mode·2^16 + asid)·4 + priv)·8 + SUM·2 + MXR, with the fields that do not apply zeroed. */
function contextKey(c: TlbContext, fetch: boolean): number {
  const translated = c.mode !== 0 && c.priv !== 3;
  const mode = translated ? c.mode : 0, asid = translated ? c.asid : 0;
  const flags = fetch ? 0 : (c.priv === 1 && c.sum ? 2 : 0) | (c.mxr ? 1 : 0);
  return ((mode * 65536 + asid) * 4 + c.priv) * 8 + flags;
}
/** A tag's index salt: its tag number, scattered over the index bits (Fibonacci hashing). */
const salt = (tag: number): number => Math.imul(Math.floor(tag / TAG_UNIT), 0x9e3779b1) >>> (32 - Math.log2(TLB_SIZE));
const asidOf = (key: number): number => Math.floor(key / 32) % 65536;
const modeOf = (key: number): number => Math.floor(key / 32 / 65536);
const privOf = (key: number): number => Math.floor(key / 8) % 4;

/**
 * Where a walk stopped, and why: one code per rule of the privileged spec (4.3.2), so that a debugger can say
 * exactly which check failed. Ok means the walk found a permitted leaf.
 */
export const enum WalkStop {
  Ok = 0,
  /** satp.MODE is not one this MMU implements. */
  Mode,
  /** The address is not the sign extension of its top translated bit. */
  NonCanonical,
  /** A PTE's address is not RAM (access fault). */
  PteNotMemory,
  /** PMP denies the walk's read of a PTE (access fault). */
  PtePmp,
  /** V = 0. */
  Invalid,
  /** W = 1 with R = 0, a reserved combination. */
  WriteWithoutRead,
  /** Bits 63:54 are set (no Svpbmt or Svnapot here). */
  ReservedBits,
  /** A pointer to the next level with A, D or U set. */
  NonLeafBits,
  /** Level 0 holds a pointer: no leaf was found. */
  NoLeaf,
  /** A U-mode access to a page without U. */
  NotUser,
  /** An S-mode data access to a U page with SUM clear. */
  UserPageNoSum,
  /** An S-mode fetch from a U page (never allowed). */
  UserPageFetch,
  /** The leaf lacks R (and MXR does not lend X), W or X for this access. */
  NotReadable,
  NotWritable,
  NotExecutable,
  /** A superpage whose PPN has non-zero bits below its level. */
  Misaligned,
}

export interface Walk {
  /** Physical address, or -1 on a fault (then `cause` says which). */
  pa: number;
  cause: number;
  /** The level of the leaf PTE (0: a 4 KiB page; 1, 2, 3: a superpage); on a fault, the level that failed. */
  level: number;
  /** Why the walk ended (WalkStop.Ok when it translated). */
  stop: WalkStop;
}

/** Told every PTE a walk reads, in order from the root (for debuggers; the hot path passes none). */
export interface WalkTrace {
  pte(level: number, pteAddress: number, lo: number, hi: number): void;
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

/** One PTE a walk read. */
export interface PageWalkLevel {
  level: number;
  pteAddress: bigint;
  pte: bigint;
  /** The PTE's low 8 bits: V R W X U G A D. */
  flags: number;
}

/** A page walk as a debugger shows it: every level visited, then the physical address or the fault. */
export interface PageWalk {
  va: bigint;
  access: Access;
  /** 'Bare' when nothing was translated (satp Bare, or an M-mode access). */
  mode: 'Bare' | 'Sv39' | 'Sv48';
  /** Effective privilege of the access (MPRV applied for data). */
  priv: number;
  levels: PageWalkLevel[];
  /** The physical address, when the access would succeed. */
  pa?: bigint;
  /** Bytes in the page (or superpage) that maps va. */
  pageSize?: number;
  /** The exception the access would raise, and why. */
  fault?: { cause: number; stop: WalkStop | 'pmp' | 'address'; level?: number };
}

export const PTE_FLAG_NAMES = ['V', 'R', 'W', 'X', 'U', 'G', 'A', 'D'] as const;

export class Mmu {
  private readonly result: Walk = { pa: -1, cause: 0, level: 0, stop: WalkStop.Ok };

  /**
   * @param pteReadable PMP's verdict on reading the 8-byte PTE at a physical address: the walk's own accesses
   *   are checked as S-mode reads (privileged spec 1.12, 3.7.2), and a denied one is an access fault.
   */
  constructor(
    private readonly ram: PhysicalMemory, private readonly onPteWrite: (off: number) => void,
    private readonly pteReadable: (pa: number) => boolean = () => true,
  ) {}

  /**
   * Translates the virtual address (lo, hi) for one access. Returns the shared result object
   * (valid until the next call): the physical address, or -1 and the fault cause. With `probe`, nothing
   * is written (no A/D update): for debuggers and tracers, which must not change the machine. A trace is
   * told each PTE read.
   */
  translate(lo: number, hi: number, access: Access, ctx: TranslationContext, probe = false, trace?: WalkTrace): Walk {
    const r = this.result;
    const mode = ctx.satpHi >>> 28, levels = SATP_LEVELS[mode];
    r.level = 0;
    if (levels === undefined) return this.fail(access, WalkStop.Mode, ACCESS_FAULT);
    // The address must be the sign extension of its top translated bit (38 for Sv39, 47 for Sv48).
    const vaBits = 12 + 9 * levels;
    const top = vaBits - 32; // bit index within hi
    const ext = hi >> top; // arithmetic: all ones or all zeros when canonical
    if (ext !== 0 && ext !== -1) return this.fail(access, WalkStop.NonCanonical);
    if (((hi >>> (top - 1)) & 1) !== (ext & 1)) return this.fail(access, WalkStop.NonCanonical);
    const vpnAll = ((hi & ((1 << top) - 1)) * TWO32 + (lo >>> 0) - (lo & 4095)) / 4096; // the VPN as a number
    let table = (ctx.satpHi & 0xfff) * TWO32 + (ctx.satpLo >>> 0); // root PPN (44 bits)
    for (let level = levels - 1; level >= 0; level--) {
      r.level = level;
      const vpn = Math.floor(vpnAll / 2 ** (9 * level)) % 512;
      const pteAddr = table * 4096 + vpn * 8;
      const off = pteAddr - this.ram.base;
      if (!(off >= 0 && off + 8 <= this.ram.size)) return this.fail(access, WalkStop.PteNotMemory, ACCESS_FAULT);
      if (!this.pteReadable(pteAddr)) return this.fail(access, WalkStop.PtePmp, ACCESS_FAULT);
      const pteLo = this.read32(off), pteHi = this.read32(off + 4);
      if (trace !== undefined) trace.pte(level, pteAddr, pteLo, pteHi);
      if ((pteLo & PTE_V) === 0) return this.fail(access, WalkStop.Invalid);
      if ((pteLo & PTE_R) === 0 && (pteLo & PTE_W) !== 0) return this.fail(access, WalkStop.WriteWithoutRead);
      if ((pteHi >>> 22) !== 0) return this.fail(access, WalkStop.ReservedBits); // reserved bits 63:54 (no Svpbmt or Svnapot here)
      const ppn = (pteHi & 0x3fffff) * 4194304 + (pteLo >>> 10); // PPN: PTE bits 53:10 (bits 21:0 of it are in pteLo)
      if ((pteLo & (PTE_R | PTE_X)) === 0) {
        if ((pteLo & (PTE_A | PTE_D | PTE_U)) !== 0) return this.fail(access, WalkStop.NonLeafBits); // non-leaf: A, D, U are reserved
        table = ppn;
        continue;
      }
      const denied = this.permitted(pteLo, access, ctx);
      if (denied !== WalkStop.Ok) return this.fail(access, denied);
      // A superpage must be aligned: the PPN bits below its level are zero.
      const span = 2 ** (9 * level);
      if (ppn % span !== 0) return this.fail(access, WalkStop.Misaligned);
      // A and D are set by the walk, as QEMU does (Svade is not modelled).
      const want = PTE_A | (access === Access.Store ? PTE_D : 0);
      if ((pteLo & want) !== want && !probe) {
        this.write32(off, pteLo | want);
        this.onPteWrite(off);
      }
      r.pa = (ppn + (vpnAll % span)) * 4096 + (lo & 4095);
      r.cause = 0;
      r.stop = WalkStop.Ok;
      return r;
    }
    r.level = 0;
    return this.fail(access, WalkStop.NoLeaf);
  }

  /**
   * The same walk as translate, as a probe (nothing written), with every PTE it read: for debuggers.
   * Only the page-table part: the caller applies PMP to the result, as the hart does.
   */
  walk(va: bigint, access: Access, ctx: TranslationContext): PageWalk {
    const levels: PageWalkLevel[] = [];
    const v = BigInt.asIntN(64, va), lo = Number(BigInt.asIntN(32, v)), hi = Number(v >> 32n);
    const w = this.translate(lo, hi, access, ctx, true, {
      pte: (level, pteAddress, pteLo, pteHi) => {
        const pte = (BigInt(pteHi >>> 0) << 32n) | BigInt(pteLo >>> 0);
        levels.push({ level, pteAddress: BigInt(pteAddress), pte, flags: pteLo & 0xff });
      },
    });
    const mode = (ctx.satpHi >>> 28) === 9 ? 'Sv48' : 'Sv39';
    const out: PageWalk = { va: BigInt.asUintN(64, va), access, mode, priv: ctx.priv, levels };
    if (w.pa < 0) out.fault = { cause: w.cause, stop: w.stop, level: w.stop === WalkStop.NonCanonical || w.stop === WalkStop.Mode ? undefined : w.level };
    else { out.pa = BigInt(w.pa); out.pageSize = 4096 * 2 ** (9 * w.level); }
    return out;
  }

  /** WalkStop.Ok when the leaf PTE allows the access in this context, else the rule it breaks. */
  private permitted(pte: number, access: Access, ctx: TranslationContext): WalkStop {
    const user = (pte & PTE_U) !== 0;
    if (ctx.priv === 0 && !user) return WalkStop.NotUser;
    if (ctx.priv === 1 && user && access === Access.Fetch) return WalkStop.UserPageFetch;
    if (ctx.priv === 1 && user && !ctx.sum) return WalkStop.UserPageNoSum;
    switch (access) {
      case Access.Fetch: return (pte & PTE_X) !== 0 ? WalkStop.Ok : WalkStop.NotExecutable;
      case Access.Load: return (pte & PTE_R) !== 0 || (ctx.mxr && (pte & PTE_X) !== 0) ? WalkStop.Ok : WalkStop.NotReadable;
      case Access.Store: return (pte & PTE_W) !== 0 ? WalkStop.Ok : WalkStop.NotWritable;
    }
  }

  private fail(access: Access, stop: WalkStop, causes: readonly number[] = PAGE_FAULT): Walk {
    this.result.pa = -1;
    this.result.cause = causes[access];
    this.result.stop = stop;
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
