// Shadow page tables: Sv39/Sv48 tables in machine memory that map guest-virtual straight to machine-physical, the
// composition of the guest's own tables (GVA → GPA) and the p2m (GPA → MPA). The real MMU walks these while the guest runs.
import type { Ram } from '../emulator/memory/ram';
import { FRAME, type FrameAllocator } from './frames';

const PTE_V = 1, PTE_R = 2, PTE_W = 4, PTE_X = 8, PTE_U = 16, PTE_A = 64, PTE_D = 128;
const TWO32 = 4294967296;

/**
 * Which guest context a shadow tree serves. Guest kernel and guest user code both run in real U-mode, so the
 * protection between them lives in separate trees: "S" maps only the guest's supervisor pages, "S+SUM" adds its
 * user pages without execute (sstatus.SUM), "U" maps only user pages, and "bare" is guest satp = Bare (GVA = GPA).
 * sstatus.MXR (loads from execute-only pages) is a property of the tree too: with it, such pages are mapped readable.
 */
export type ShadowKind = 'S' | 'S+SUM' | 'U' | 'bare';

export interface ShadowRoot {
  readonly key: string;
  readonly kind: ShadowKind;
  /** Built for sstatus.MXR set. */
  readonly mxr: boolean;
  /** The guest satp this tree shadows: its mode (0, 8, 9), ASID and root table's guest frame number. */
  readonly guestMode: number;
  readonly guestAsid: number;
  readonly guestRoot: number;
  /** Levels of the shadow tree (3 for Sv39, 4 for Sv48), and the real satp mode. */
  readonly levels: number;
  /** The root table's machine frame, and the real ASID that tags the machine's TLB entries for this tree. */
  readonly frame: number;
  readonly asid: number;
  /** Every frame of this tree (the root first). */
  readonly tables: number[];
  /** Leaf entries written. */
  leaves: number;
}

export interface ShadowStats {
  /** Real page faults the VMM examined (shadow page faults). */
  faults: number;
  /** Leaf entries filled. */
  fills: number;
  /** Flushes: sfence.vma the guest executed, and resets when the pool ran out. */
  flushes: number;
  /** Shadow trees built. */
  roots: number;
  /** Frames of machine memory in shadow tables now. */
  pagesUsed: number;
}

/** A leaf of a shadow tree, for debuggers: where the entry is and what it holds. */
export interface ShadowLeaf {
  /** Machine address of each PTE on the way down, root first, and the PTE values. */
  path: { level: number; pteAddress: number; pte: number }[];
  /** The leaf PTE (0 when the walk ended at an invalid entry). */
  pte: number;
}

/** Frames one VM's shadow trees may use before they are all dropped and rebuilt on demand. */
const DEFAULT_POOL_FRAMES = 4096;
/** Trees kept per VM (per guest address space and kind); beyond this all are dropped. */
const MAX_ROOTS = 256;

/** Real ASIDs, shared by all VMs: each shadow tree has its own, so switching trees needs no TLB flush. */
export class AsidAllocator {
  private readonly used = new Uint8Array(65536);
  private next = 1;

  allocate(): number {
    for (let i = 0; i < 65535; i++) {
      const a = 1 + ((this.next - 1 + i) % 65535);
      if (this.used[a] === 0) { this.used[a] = 1; this.next = a + 1; return a; }
    }
    throw new Error('all 65535 real ASIDs are in use');
  }

  release(a: number): void {
    this.used[a] = 0;
  }
}

export class ShadowPager {
  private readonly roots = new Map<string, ShadowRoot>();
  readonly stats: ShadowStats = { faults: 0, fills: 0, flushes: 0, roots: 0, pagesUsed: 0 };

  /**
   * @param tlbFlush drops the machine's cached translations for one tree (all of it, or one page), on every hart
   *   that may run this VM.
   */
  constructor(
    private readonly ram: Ram, private readonly frames: FrameAllocator, private readonly asids: AsidAllocator,
    private readonly tlbFlush: (asid: number, page?: { lo: number; hi: number }) => void,
    private readonly poolFrames = DEFAULT_POOL_FRAMES,
  ) {}

  /** The tree for a guest satp (lo, hi halves), kind and MXR, built (empty) on first use. */
  root(satpLo: number, satpHi: number, kind: ShadowKind, mxr: boolean): ShadowRoot {
    const mode = satpHi >>> 28;
    const bare = mode === 0;
    const guestAsid = bare ? 0 : (satpHi >>> 12) & 0xffff;
    const guestRoot = bare ? 0 : (satpHi & 0xfff) * TWO32 + (satpLo >>> 0);
    const k = bare ? 'bare' : kind, x = !bare && mxr;
    const key = `${mode}:${guestAsid}:${guestRoot}:${k}${x ? '+MXR' : ''}`;
    const found = this.roots.get(key);
    if (found) return found;
    if (this.roots.size >= MAX_ROOTS) this.dropAll();
    const frame = this.frames.allocate('a shadow page table');
    const root: ShadowRoot = {
      key, kind: k, mxr: x, guestMode: mode, guestAsid, guestRoot, levels: mode === 9 ? 4 : 3, frame,
      asid: this.asids.allocate(), tables: [frame], leaves: 0,
    };
    this.stats.pagesUsed++;
    this.stats.roots++;
    this.roots.set(key, root);
    return root;
  }

  /** A new, empty tree for the same guest satp and kind as a dropped one. */
  private reopen(dropped: ShadowRoot): ShadowRoot {
    const g = dropped.guestRoot;
    return this.root(g % TWO32 | 0, (dropped.guestMode << 28) | (dropped.guestAsid << 12) | Math.floor(g / TWO32), dropped.kind, dropped.mxr);
  }

  /** The real satp that makes the machine walk this tree. */
  satp(root: ShadowRoot): { lo: number; hi: number } {
    const ppn = this.ram.base / FRAME + root.frame;
    return { lo: ppn % TWO32 | 0, hi: ((root.levels === 4 ? 9 : 8) << 28) | (root.asid << 12) | Math.floor(ppn / TWO32) };
  }

  /**
   * Maps the 4 KiB guest-virtual page holding (lo, hi) to the machine page at mpa with the guest leaf's flags,
   * reduced to what this tree's guest context may do. Guest superpages are shadowed 4 KiB at a time, so each
   * page is checked against the p2m on its own (a guest gigapage straddling the end of its RAM maps only RAM).
   * Write permission is given only once the guest PTE is dirty, so that the first store faults and the VMM sets D.
   */
  fill(root: ShadowRoot, lo: number, hi: number, mpa: number, guestFlags: number): void {
    // The pool ran out: every tree goes, this one too, so the entry goes into its fresh successor (its frames are
    // no longer this VM's to write: a freed root written here would reach the next owner, maybe another VM).
    if (this.stats.pagesUsed + root.levels > this.poolFrames) { this.dropAll(); root = this.reopen(root); }
    const perms = leafPermissions(root.kind, root.mxr, guestFlags);
    if (perms === 0) return;
    let table = root.frame;
    for (let level = root.levels - 1; level > 0; level--) {
      const off = table * FRAME + vpn(lo, hi, level) * 8;
      const pte = this.readPte(off);
      if ((pte & PTE_V) === 0) {
        const next = this.frames.allocate('a shadow page table');
        root.tables.push(next);
        this.stats.pagesUsed++;
        this.writePte(off, (this.ram.base / FRAME + next) * 1024 + PTE_V);
        table = next;
      } else {
        table = Math.floor(pte / 1024) - this.ram.base / FRAME;
      }
    }
    const leaf = table * FRAME + vpn(lo, hi, 0) * 8;
    if (this.readPte(leaf) === 0) root.leaves++;
    this.writePte(leaf, Math.floor(mpa / FRAME) * 1024 + perms);
    this.stats.fills++;
  }

  /** The shadow walk for (lo, hi) in a tree, changing nothing. */
  lookup(root: ShadowRoot, lo: number, hi: number): ShadowLeaf {
    const path: ShadowLeaf['path'] = [];
    let table = root.frame;
    for (let level = root.levels - 1; level >= 0; level--) {
      const off = table * FRAME + vpn(lo, hi, level) * 8;
      const pte = this.readPte(off);
      path.push({ level, pteAddress: this.ram.base + off, pte });
      if ((pte & PTE_V) === 0) return { path, pte: 0 };
      if (level === 0) return { path, pte };
      table = Math.floor(pte / 1024) - this.ram.base / FRAME;
    }
    return { path, pte: 0 };
  }

  /**
   * sfence.vma as the guest executed it: one page or all, in one guest address space or all. Trees of that
   * address space lose the page's entry (or are dropped whole), and the machine's TLB entries for them go.
   */
  flush(page: { lo: number; hi: number } | undefined, guestAsid: number | undefined): void {
    this.stats.flushes++;
    for (const root of [...this.roots.values()]) {
      if (guestAsid !== undefined && root.guestAsid !== guestAsid && root.kind !== 'bare') continue;
      if (page === undefined) { this.drop(root); continue; }
      this.clearLeaf(root, page.lo, page.hi);
      this.tlbFlush(root.asid, page);
    }
  }

  /** Every tree goes (the pool ran out, or the VM is reset). */
  dropAll(): void {
    for (const root of [...this.roots.values()]) this.drop(root);
  }

  /** The trees that exist now, for debuggers. */
  list(): ShadowRoot[] {
    return [...this.roots.values()];
  }

  /** Leaf entries of a tree as (virtual page, PTE) pairs, for the debugger's dump of the shadow table. */
  leavesOf(root: ShadowRoot): { va: bigint; pte: number }[] {
    const out: { va: bigint; pte: number }[] = [];
    const walk = (table: number, level: number, prefix: bigint): void => {
      for (let i = 0; i < 512; i++) {
        const pte = this.readPte(table * FRAME + i * 8);
        if ((pte & PTE_V) === 0) continue;
        const va = prefix | (BigInt(i) << BigInt(12 + 9 * level));
        if (level === 0) out.push({ va: signExtend(va, 12 + 9 * root.levels), pte });
        else walk(Math.floor(pte / 1024) - this.ram.base / FRAME, level - 1, va);
      }
    };
    walk(root.frame, root.levels - 1, 0n);
    return out;
  }

  private clearLeaf(root: ShadowRoot, lo: number, hi: number): void {
    let table = root.frame;
    for (let level = root.levels - 1; level > 0; level--) {
      const pte = this.readPte(table * FRAME + vpn(lo, hi, level) * 8);
      if ((pte & PTE_V) === 0) return;
      table = Math.floor(pte / 1024) - this.ram.base / FRAME;
    }
    const leaf = table * FRAME + vpn(lo, hi, 0) * 8;
    if (this.readPte(leaf) !== 0) { this.writePte(leaf, 0); root.leaves--; }
  }

  private drop(root: ShadowRoot): void {
    this.roots.delete(root.key);
    for (const f of root.tables) this.frames.release(f);
    this.stats.pagesUsed -= root.tables.length;
    this.tlbFlush(root.asid);
    this.asids.release(root.asid);
  }

  /** Shadow PTEs point below 2^34 (machine RAM), so they fit a JS number exactly. */
  private readPte(off: number): number {
    const r = this.ram;
    const lo = (r.read8(off) | (r.read8(off + 1) << 8) | (r.read8(off + 2) << 16) | (r.read8(off + 3) << 24)) >>> 0;
    const hi = (r.read8(off + 4) | (r.read8(off + 5) << 8) | (r.read8(off + 6) << 16) | (r.read8(off + 7) << 24)) >>> 0;
    return hi * TWO32 + lo;
  }

  private writePte(off: number, v: number): void {
    const lo = v % TWO32, hi = Math.floor(v / TWO32);
    for (let i = 0; i < 4; i++) this.ram.write8(off + i, (lo >>> (8 * i)) & 0xff);
    for (let i = 0; i < 4; i++) this.ram.write8(off + 4 + i, (hi >>> (8 * i)) & 0xff);
  }
}

/** The shadow leaf's flags for a guest leaf's flags in a tree's context (0: the context may not use the page). */
export function leafPermissions(kind: ShadowKind, mxr: boolean, guest: number): number {
  if (kind === 'bare') return PTE_V | PTE_R | PTE_W | PTE_X | PTE_U | PTE_A | PTE_D;
  const user = (guest & PTE_U) !== 0;
  if (kind === 'U' && !user) return 0;
  if (kind === 'S' && user) return 0;
  const r = (guest & PTE_R) !== 0 || (mxr && (guest & PTE_X) !== 0) ? PTE_R : 0, w = (guest & PTE_D) !== 0 ? guest & PTE_W : 0;
  const x = kind === 'S+SUM' && user ? 0 : guest & PTE_X;
  if ((r | w | x) === 0) return 0;
  return PTE_V | PTE_U | PTE_A | PTE_D | r | w | x;
}

/** The 9-bit VPN field of a virtual address (lo, hi halves) at a level. */
function vpn(lo: number, hi: number, level: number): number {
  const bit = 12 + 9 * level;
  return bit < 32 ? ((lo >>> bit) | (bit > 23 ? (hi << (32 - bit)) : 0)) & 511 : (hi >>> (bit - 32)) & 511;
}

function signExtend(va: bigint, bits: number): bigint {
  return BigInt.asUintN(64, BigInt.asIntN(bits, va));
}
