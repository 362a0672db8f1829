// The TLB is tagged by address space (ASID) and permission context: switching satp, privilege or SUM selects
// other entries instead of flushing, and sfence.vma drops exactly what it names (an address, an ASID, or all).
import assert from 'node:assert/strict';
import { Machine, RAM_BASE } from '../../emulator/machine';
import { Access, Tlb, type TlbContext } from '../../emulator/mmu';
import { CSR } from '../../emulator/csr/file';
import { Priv } from '../../emulator/hart';

const S = (asid: number, extra: Partial<TlbContext> = {}): TlbContext => ({ mode: 8, asid, priv: 1, sum: false, mxr: false, ...extra });

describe('TLB contexts', () => {
  it('keeps each address space and privilege apart, and each one survives switching to the others', () => {
    const t = new Tlb();
    t.select(S(1), S(1));
    t.fill(Access.Fetch, 0x4000_0000, 0, 0x1000, 0);
    assert.equal(t.fetch(0x4000_0010, 0), 0x1010);
    t.select(S(2), S(2));
    assert.equal(t.fetch(0x4000_0010, 0), -1, 'another ASID misses');
    t.select(S(1, { priv: 0 }), S(1, { priv: 0 }));
    assert.equal(t.fetch(0x4000_0010, 0), -1, 'U-mode does not see what S-mode filled');
    t.select(S(1), S(1));
    assert.equal(t.fetch(0x4000_0010, 0), 0x1010, 'ASID 1 in S-mode kept its entry');
  });

  it('SUM selects another data context but the same fetch context', () => {
    const t = new Tlb();
    t.select(S(1), S(1));
    const [data, fetch] = [t.dataTag, t.fetchTag];
    t.select(S(1, { sum: true }), S(1, { sum: true }));
    assert.notEqual(t.dataTag, data);
    assert.equal(t.fetchTag, fetch);
  });

  it('sfence.vma by ASID drops that address space only; by address, that page in every address space', () => {
    const t = new Tlb();
    for (const asid of [1, 2]) {
      t.select(S(asid), S(asid));
      t.fill(Access.Load, 0x1000, 0, 0x5000, 0);
      t.fill(Access.Load, 0x2000, 0, 0x6000, 0);
    }
    const live = () => t.entries(0).map((e) => `${e.asid}:${e.vpage.toString(16)}`).sort();
    assert.deepEqual(live(), ['1:1000', '1:2000', '2:1000', '2:2000']);
    t.flushPage(0x1234, 0);
    assert.deepEqual(live(), ['1:2000', '2:2000']);
    t.flushAsid(1);
    assert.deepEqual(live(), ['2:2000']);
    t.flushPage(0x2000, 0, 1);
    assert.deepEqual(live(), ['2:2000'], 'an address in another ASID is left alone');
    t.flush();
    assert.deepEqual(live(), []);
  });

  it('sfence.vma on any page of a superpage drops every cached piece of it', () => {
    const t = new Tlb();
    t.select(S(0), S(0));
    t.fill(Access.Load, 0x4020_1000, 0, 0x1000, 1); // two 4 KiB pieces of the megapage at 0x4020_0000
    t.fill(Access.Load, 0x4020_5000, 0, 0x5000, 1);
    t.fill(Access.Load, 0x4040_0000, 0, 0x9000, 1); // the next megapage
    t.flushPage(0x403f_f000, 0);
    assert.deepEqual(t.entries(0).map((e) => e.vpage), [0x4040_0000n]);
  });

  it('upper-half addresses and Sv48 keys stay exact next to their tags', () => {
    const t = new Tlb();
    t.select(S(0xffff, { mode: 9 }), S(0xffff, { mode: 9 }));
    const lo = 0xffff_f000 | 0, hi = 0xffff_ffff | 0; // 0xffff_ffff_ffff_f000
    t.fill(Access.Fetch, lo, hi, 0x3000, 0);
    assert.equal(t.fetch(lo | 0x10, hi), 0x3010);
    assert.equal(t.fetch(lo, 0x7fff), -1, 'a canonical Sv48 address with other high bits');
    assert.deepEqual(t.entries(0)[0].vpage, 0xffff_ffff_ffff_f000n);
  });

  it('never matches a stale entry after its tag numbers are recycled', () => {
    const t = new Tlb();
    t.select(S(1), S(1));
    t.fill(Access.Fetch, 0x1000, 0, 0x1000, 0);
    // More contexts than there are tag numbers: the TLB must empty itself before numbering starts again.
    for (let i = 0; i < 70_000; i++) { t.flush(); t.select(S(i & 0xffff), S(i & 0xffff)); }
    for (const asid of [0, 1, 2]) {
      t.select(S(asid), S(asid));
      assert.equal(t.fetch(0x1000, 0), -1);
    }
  });
});

describe('TLB on a hart', () => {
  // Sv39 tables at RAM + 0x10000: root → level 1 → level 0; VA 0x4000_0000 maps a 4 KiB page of RAM.
  const ROOT = 0x10000, L1 = 0x11000, L0 = 0x12000, PAGE = 0x20000;
  const setup = () => {
    const m = new Machine({ engine: 'interpreter' });
    const h = m.hart, ram = m.ram;
    const pte = (off: number, pa: number, flags: number) => {
      const v = BigInt(pa / 4096) << 10n | BigInt(flags);
      ram.writeBytes(off, Uint8Array.from({ length: 8 }, (_, i) => Number((v >> BigInt(8 * i)) & 0xffn)));
    };
    pte(ROOT + 8 * 1, RAM_BASE + L1, 1);
    pte(L1, RAM_BASE + L0, 1);
    pte(L0, RAM_BASE + PAGE, 0xc3); // V R A D
    h.csr.set(CSR.pmpaddr0, (1n << 54n) - 1n); // PMP: all memory, RWX, NAPOT
    h.csr.set(CSR.pmpcfg0, 0x1fn);
    h.priv = Priv.S;
    const satp = (asid: number) => {
      assert.equal(h.csrAccess(CSR.satp, 0, (RAM_BASE + ROOT) / 4096, (8 << 28) | (asid << 12), true), 2);
    };
    const load = () => assert.ok(h.loadSlow(0x4000_0000, 0, 1, false));
    const cached = () => h.tlb.entries(RAM_BASE).filter((e) => e.kind === 'load').map((e) => `${e.asid}:${e.vpage.toString(16)}`).sort();
    return { h, satp, load, cached };
  };

  it('writing satp selects the ASID\'s entries; sfence.vma x0, asid drops only its own', () => {
    const { h, satp, load, cached } = setup();
    satp(1);
    load();
    satp(2);
    load();
    assert.deepEqual(cached(), ['1:40000000', '2:40000000'], 'both address spaces hold the page');
    h.sfenceVma(true, 0, 0, false, 2);
    assert.deepEqual(cached(), ['1:40000000']);
    h.sfenceVma(true, 0, 0, true, 0);
    assert.deepEqual(cached(), []);
  });

  it('a trap to M-mode and back keeps S-mode\'s entries; sfence.vma va drops them', () => {
    const { h, satp, load, cached } = setup();
    satp(0);
    load();
    h.pc = h.exception(2, 0, 0, RAM_BASE);
    assert.equal(h.priv, Priv.M);
    h.pc = h.mret();
    assert.equal(h.priv, Priv.S);
    assert.deepEqual(cached(), ['0:40000000']);
    h.sfenceVma(false, 0x4000_0fff, 0, true, 0);
    assert.deepEqual(cached(), []);
  });

  it('a PMP change drops every entry', () => {
    const { h, satp, load, cached } = setup();
    satp(3);
    load();
    h.priv = Priv.M;
    assert.equal(h.csrAccess(CSR.pmpaddr0 + 1, 0, 0, 0, true), 2);
    assert.deepEqual(cached(), []);
  });
});
