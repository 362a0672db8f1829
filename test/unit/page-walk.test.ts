// The debugger's page walk (Mmu.walk, Hart.walk): every level visited and the exact fault, on hand-built Sv39
// and Sv48 tables, without touching A/D bits; and agreement with what the hart really does on the same access.
import assert from 'node:assert/strict';
import { Ram } from '../../emulator/memory/ram';
import { Access, Mmu, WalkStop, type PageWalk, type TranslationContext } from '../../emulator/mmu';
import { Machine, RAM_BASE } from '../../emulator/machine';
import { CSR } from '../../emulator/csr/file';
import { Priv } from '../../emulator/hart';

const V = 1, R = 2, W = 4, X = 8, U = 16, A = 64, D = 128;
const ROOT = 0x1000, L1 = 0x2000, L0 = 0x3000, ROOT48 = 0x4000, PAGE = 0x10000;

/** Writes the 8-byte PTE mapping physical address pa (or pointing at a table there) at RAM offset off. */
function pte(ram: Ram, off: number, pa: number, flags: number, high = 0n): void {
  const v = (BigInt(pa / 4096) << 10n) | BigInt(flags) | high;
  ram.writeBytes(off, Uint8Array.from({ length: 8 }, (_, i) => Number((v >> BigInt(8 * i)) & 0xffn)));
}

/**
 * Sv39 tables: root[1] -> L1; L1[0] -> L0; L0[n] = 4 KiB pages at PAGE + n*4 KiB with the flags given;
 * L1[1] a 2 MiB megapage at physical 0x8020_0000; root[2] a 1 GiB gigapage at 0x8000_0000.
 */
function tables(ram: Ram): void {
  pte(ram, ROOT + 8, RAM_BASE + L1, V);
  pte(ram, ROOT + 16, RAM_BASE, V | R | W | X);
  pte(ram, L1, RAM_BASE + L0, V);
  pte(ram, L1 + 8, RAM_BASE + 0x20_0000, V | R | W);
  const pages = [V | R | W, V | R, V | X, V | R | W | U, 0, V | W, V | R | A | D];
  pages.forEach((f, n) => pte(ram, L0 + 8 * n, RAM_BASE + PAGE + 4096 * n, f));
  // Sv48: a root whose entry 0 points at the Sv39 root (so the same VAs map the same way).
  pte(ram, ROOT48, RAM_BASE + ROOT, V);
}

const sv39 = (extra: Partial<TranslationContext> = {}): TranslationContext =>
  ({ priv: 1, satpLo: (RAM_BASE + ROOT) / 4096, satpHi: 8 << 28, sum: false, mxr: false, ...extra });
const sv48 = (extra: Partial<TranslationContext> = {}): TranslationContext =>
  ({ priv: 1, satpLo: (RAM_BASE + ROOT48) / 4096, satpHi: 9 << 28, sum: false, mxr: false, ...extra });

const page = (n: number): bigint => 0x4000_0000n + BigInt(4096 * n);

describe('page walk for the debugger', () => {
  const ram = new Ram(RAM_BASE, 1 << 21);
  tables(ram);
  const mmu = new Mmu(ram, () => assert.fail('a walk must not write a PTE'));

  it('reports each Sv39 level, the physical address and the page size of a 4 KiB page', () => {
    const w = mmu.walk(page(0) + 0x123n, Access.Load, sv39());
    assert.deepEqual(w.levels.map((l) => [l.level, l.pteAddress]), [
      [2, BigInt(RAM_BASE + ROOT + 8)], [1, BigInt(RAM_BASE + L1)], [0, BigInt(RAM_BASE + L0)]]);
    assert.equal(w.levels[2].flags, V | R | W);
    assert.equal(w.levels[2].pte, (BigInt((RAM_BASE + PAGE) / 4096) << 10n) | BigInt(V | R | W));
    assert.equal(w.pa, BigInt(RAM_BASE + PAGE + 0x123));
    assert.equal(w.pageSize, 4096);
    assert.equal(w.mode, 'Sv39');
    assert.equal(w.fault, undefined);
  });

  it('stops at a megapage and a gigapage', () => {
    const mega = mmu.walk(0x4020_1234n, Access.Store, sv39());
    assert.equal(mega.levels.length, 2);
    assert.equal(mega.pa, BigInt(RAM_BASE + 0x20_1234));
    assert.equal(mega.pageSize, 2 << 20);
    const giga = mmu.walk(0x8765_4321n, Access.Fetch, sv39());
    assert.equal(giga.levels.length, 1);
    assert.equal(giga.pa, 0x8765_4321n);
    assert.equal(giga.pageSize, 1 << 30);
  });

  it('names the level and the rule of each page fault', () => {
    const fault = (w: PageWalk) => [w.fault?.cause, w.fault?.stop, w.fault?.level, w.levels.length];
    assert.deepEqual(fault(mmu.walk(page(4), Access.Load, sv39())), [13, WalkStop.Invalid, 0, 3]);
    assert.deepEqual(fault(mmu.walk(page(5), Access.Store, sv39())), [15, WalkStop.WriteWithoutRead, 0, 3]);
    assert.deepEqual(fault(mmu.walk(page(1), Access.Store, sv39())), [15, WalkStop.NotWritable, 0, 3]);
    assert.deepEqual(fault(mmu.walk(page(0), Access.Fetch, sv39())), [12, WalkStop.NotExecutable, 0, 3]);
    assert.deepEqual(fault(mmu.walk(0x0n, Access.Load, sv39())), [13, WalkStop.Invalid, 2, 1], 'root entry 0 is empty');
    assert.deepEqual(fault(mmu.walk(0x40_0000_0000n, Access.Load, sv39())), [13, WalkStop.NonCanonical, undefined, 0]);
    assert.equal(mmu.walk(0xffff_ffc0_0000_0000n, Access.Load, sv39()).fault?.stop, WalkStop.Invalid, 'upper half is canonical');
  });

  it('applies U, SUM and MXR as the spec says', () => {
    assert.equal(mmu.walk(page(3), Access.Load, sv39()).fault?.stop, WalkStop.UserPageNoSum);
    assert.equal(mmu.walk(page(3), Access.Load, sv39({ sum: true })).pa, BigInt(RAM_BASE + PAGE + 3 * 4096));
    assert.equal(mmu.walk(page(3), Access.Fetch, sv39({ sum: true })).fault?.stop, WalkStop.UserPageFetch);
    assert.equal(mmu.walk(page(0), Access.Load, sv39({ priv: 0 })).fault?.stop, WalkStop.NotUser);
    assert.equal(mmu.walk(page(3), Access.Store, sv39({ priv: 0 })).pa, BigInt(RAM_BASE + PAGE + 3 * 4096));
    assert.equal(mmu.walk(page(2), Access.Load, sv39()).fault?.stop, WalkStop.NotReadable);
    assert.equal(mmu.walk(page(2), Access.Load, sv39({ mxr: true })).pa, BigInt(RAM_BASE + PAGE + 2 * 4096));
  });

  it('rejects a misaligned superpage, reserved bits, A/D/U on a pointer, and a pointer at level 0', () => {
    const r = new Ram(RAM_BASE, 1 << 21);
    tables(r);
    const m = new Mmu(r, () => {});
    pte(r, L1 + 16, RAM_BASE + 0x1000, V | R); // 2 MiB leaf at a 4 KiB-aligned address
    assert.deepEqual([m.walk(0x4040_0000n, Access.Load, sv39()).fault?.stop, m.walk(0x4040_0000n, Access.Load, sv39()).fault?.level], [WalkStop.Misaligned, 1]);
    pte(r, L0 + 8 * 7, RAM_BASE, V | R, 1n << 60n);
    assert.equal(m.walk(page(7), Access.Load, sv39()).fault?.stop, WalkStop.ReservedBits);
    pte(r, L1 + 24, RAM_BASE + L0, V | A);
    assert.equal(m.walk(0x4060_0000n, Access.Load, sv39()).fault?.stop, WalkStop.NonLeafBits);
    pte(r, L0 + 8 * 8, RAM_BASE + L0, V);
    const noLeaf = m.walk(page(8), Access.Load, sv39());
    assert.deepEqual([noLeaf.fault?.cause, noLeaf.fault?.stop, noLeaf.fault?.level], [13, WalkStop.NoLeaf, 0]);
    pte(r, L1 + 8 * 4, 0x1000_0000, V); // a pointer to a "table" outside RAM: reading it is an access fault
    const outside = m.walk(0x4080_0000n, Access.Store, sv39());
    assert.deepEqual([outside.fault?.cause, outside.fault?.stop, outside.fault?.level, outside.levels.length], [7, WalkStop.PteNotMemory, 0, 2]);
  });

  it('walks Sv48: four levels, and a 512 GiB terapage at the root', () => {
    const w = mmu.walk(page(0) + 8n, Access.Load, sv48());
    assert.equal(w.mode, 'Sv48');
    assert.deepEqual(w.levels.map((l) => l.level), [3, 2, 1, 0]);
    assert.equal(w.pa, BigInt(RAM_BASE + PAGE + 8));
    const r = new Ram(RAM_BASE, 1 << 21);
    pte(r, ROOT48 + 8 * 1, 2 ** 39, V | R); // VA 0x80_0000_0000 -> PA 2^39, one level
    const tera = new Mmu(r, () => {}).walk(0x80_1234_5678n, Access.Load, sv48());
    assert.deepEqual([tera.levels.length, tera.pa, tera.pageSize], [1, 2n ** 39n + 0x1234_5678n, 512 * 2 ** 30]);
    assert.equal(new Mmu(r, () => {}).walk(0x8000_0000_0000n, Access.Load, sv48()).fault?.stop, WalkStop.NonCanonical);
  });

  it('leaves A and D alone where a real access would set them', () => {
    const before = ram.readBytes(L0, 64).slice();
    mmu.walk(page(0), Access.Store, sv39());
    mmu.walk(page(1), Access.Load, sv39());
    assert.deepEqual(ram.readBytes(L0, 64), before);
  });
});

describe('Hart.walk agrees with the hart', () => {
  /** A machine in S-mode (or U) on the tables above, with PMP open except where a test closes it. */
  const setup = (mode: 8 | 9, priv: Priv, mstatus = 0n) => {
    const m = new Machine({ engine: 'interpreter', memory: 4 << 20 });
    const h = m.hart;
    tables(m.ram);
    h.csr.set(CSR.pmpaddr0, (1n << 54n) - 1n);
    h.csr.set(CSR.pmpcfg0, 0x1fn);
    h.csr.set(CSR.mstatus, h.csr.get(CSR.mstatus) | mstatus);
    const root = mode === 8 ? ROOT : ROOT48;
    h.priv = Priv.M;
    assert.equal(h.csrAccess(CSR.satp, 0, (RAM_BASE + root) / 4096, mode << 28, true), 2);
    h.priv = priv;
    h.contextChanged();
    return { m, h };
  };
  const split = (va: bigint) => [Number(BigInt.asIntN(32, va)), Number(BigInt.asIntN(32, va >> 32n))];

  /** What the hart does on a real access: the physical address reached (found by a marker), or the cause. */
  function real(h: Machine['hart'], m: Machine, va: bigint, access: Access): { pa?: bigint; cause?: number } {
    const [lo, hi] = split(va);
    if (access === Access.Fetch) {
      const pa = h.fetchAddress(Number(BigInt.asIntN(64, va)));
      return pa < 0 ? { cause: h.faultCause } : { pa: BigInt(pa) };
    }
    if (access === Access.Store) {
      if (h.storeSlow(lo, hi, 1, 0x5a, 0) === 1) return { cause: h.faultCause };
      const off = m.ram.readBytes(0, m.ram.size).indexOf(0x5a);
      m.ram.write8(off, 0);
      return { pa: BigInt(RAM_BASE + off) };
    }
    if (!h.loadSlow(lo, hi, 1, false)) return { cause: h.faultCause };
    return {};
  }

  const cases: Array<[string, bigint, Access]> = [
    ['4 KiB RW', page(0) + 0x10n, Access.Store], ['read-only', page(1), Access.Store], ['X only', page(2), Access.Load],
    ['X only fetch', page(2), Access.Fetch], ['U page', page(3) + 1n, Access.Load], ['U page store', page(3) + 2n, Access.Store],
    ['invalid', page(4), Access.Load], ['W without R', page(5), Access.Store], ['megapage', 0x4020_0040n, Access.Store],
    ['gigapage fetch', 0x8000_0000n, Access.Fetch], ['non-canonical', 1n << 40n, Access.Load], ['unmapped', 0x1000n, Access.Fetch],
  ];
  for (const [mode, priv, mstatus, label] of [
    [8, Priv.S, 0n, 'Sv39 S-mode'], [8, Priv.S, (1n << 18n) | (1n << 19n), 'Sv39 S-mode with SUM and MXR'],
    [8, Priv.U, 0n, 'Sv39 U-mode'], [9, Priv.S, 0n, 'Sv48 S-mode'],
    [8, Priv.M, (1n << 17n) | (1n << 11n), 'M-mode with MPRV (MPP = S)'],
  ] as const) {
    it(`${label}: same fault cause, same physical address`, () => {
      for (const [name, va, access] of cases) {
        const { m, h } = setup(mode, priv, mstatus);
        const w = h.walk(va, access);
        const got = real(h, m, va, access);
        assert.equal(w.fault?.cause, got.cause, `${name}: fault cause`);
        if (got.pa !== undefined) assert.equal(w.pa, got.pa, `${name}: physical address`);
      }
    });
  }

  it('is Bare in M-mode and with satp Bare, and applies PMP like the hart', () => {
    const { h } = setup(8, Priv.M);
    const w = h.walk(page(0), Access.Load);
    assert.deepEqual([w.mode, w.pa, w.levels.length], ['Bare', page(0), 0]);
    const s = setup(8, Priv.S).h;
    s.csr.set(CSR.pmpcfg0, 0x18n); // NAPOT over everything, no permissions
    s.tlb.flush();
    s.contextChanged();
    const denied = s.walk(page(0), Access.Load);
    assert.deepEqual([denied.fault?.cause, denied.fault?.stop, denied.levels.length], [5, WalkStop.PtePmp, 0], 'the PTE read itself is denied');
    const [lo, hi] = split(page(0));
    assert.equal(s.loadSlow(lo, hi, 1, false), false);
    assert.equal(s.faultCause, 5);
    // TOR: [0, the data page) RWX, the data page nothing, the rest RWX: the walk succeeds and PMP denies the access.
    s.csr.set(CSR.pmpaddr0, BigInt((RAM_BASE + PAGE) / 4));
    s.csr.set(CSR.pmpaddr0 + 1, BigInt((RAM_BASE + PAGE + 4096) / 4));
    s.csr.set(CSR.pmpaddr0 + 2, (1n << 54n) - 1n);
    s.csr.set(CSR.pmpcfg0, 0x0f_08_0fn);
    s.tlb.flush();
    s.contextChanged();
    const data = s.walk(page(0), Access.Store);
    assert.deepEqual([data.fault?.cause, data.fault?.stop, data.levels.length, data.pa], [7, 'pmp', 3, undefined]);
    assert.equal(s.storeSlow(lo, hi, 1, 0, 0), 1);
    assert.equal(s.faultCause, 7);
    assert.equal(s.walk(page(1), Access.Load).pa, BigInt(RAM_BASE + PAGE + 4096));
  });
});
