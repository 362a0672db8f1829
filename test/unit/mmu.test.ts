// Page-table walks: a probe (for tracers and debuggers) translates without touching A/D bits; a real
// access sets them; PMP checks the walk's own reads. Sv39 with one 4 KiB mapping built by hand.
import assert from 'node:assert/strict';
import { Ram } from '../../emulator/memory/ram';
import { Access, Mmu, type TranslationContext } from '../../emulator/mmu';
import { Pmp } from '../../emulator/pmp';
import type { CsrFile } from '../../emulator/csr/file';

const BASE = 0x8000_0000;

function pteAt(ram: Ram, off: number): number {
  return ram.read8(off) | (ram.read8(off + 1) << 8);
}

describe('MMU', () => {
  // root at RAM+0x1000, level 1 at +0x2000, level 0 at +0x3000; VA 0x4000_0000 -> PA RAM+0x8000 (R W, A=D=0)
  const ram = new Ram(BASE, 1 << 20);
  const ptr = (pa: number) => ((pa / 4096) * 1024) | 1;
  const put = (off: number, v: number) => ram.writeBytes(off, Uint8Array.of(v & 255, (v >>> 8) & 255, (v >>> 16) & 255, (v >>> 24) & 255, 0, 0, 0, 0));
  put(0x1000 + 8 * 1, ptr(BASE + 0x2000));
  put(0x2000, ptr(BASE + 0x3000));
  put(0x3000, (((BASE + 0x8000) / 4096) * 1024) | 0b111); // V R W
  const rootPpn = (BASE + 0x1000) / 4096;
  const ctx: TranslationContext = { priv: 1, satpLo: rootPpn, satpHi: 8 << 28, sum: false, mxr: false };
  const mmu = new Mmu(ram, () => {});

  it('a probe translates without setting A or D', () => {
    const w = mmu.translate(0x4000_0123, 0, Access.Store, ctx, true);
    assert.equal(w.pa, BASE + 0x8123);
    assert.equal(pteAt(ram, 0x3000) & 0xc0, 0, 'A and D untouched');
  });

  it('a store sets A and D; a fault leaves the PTE alone', () => {
    assert.equal(mmu.translate(0x4000_0008, 0, Access.Fetch, ctx).cause, 12, 'not executable');
    assert.equal(pteAt(ram, 0x3000) & 0xc0, 0);
    assert.equal(mmu.translate(0x4000_0008, 0, Access.Store, ctx).pa, BASE + 0x8008);
    assert.equal(pteAt(ram, 0x3000) & 0xc0, 0xc0);
  });

  it('rejects non-canonical addresses and user pages from S-mode without SUM', () => {
    assert.equal(mmu.translate(0, 0x80, Access.Load, ctx).cause, 13, 'bit 39 set, bit 38 clear');
    put(0x3000, (((BASE + 0x8000) / 4096) * 1024) | 0b1101_0011); // V R U A D
    assert.equal(mmu.translate(0x4000_0000, 0, Access.Load, ctx).cause, 13);
    assert.equal(mmu.translate(0x4000_0000, 0, Access.Load, { ...ctx, sum: true }).pa, BASE + 0x8000);
  });

  it('takes PPN bits 53:32 from the high word of the PTE (a leaf at physical 2^39)', () => {
    const ram2 = new Ram(BASE, 1 << 20);
    const w32 = (off: number, v: number) => ram2.writeBytes(off, Uint8Array.of(v & 255, (v >>> 8) & 255, (v >>> 16) & 255, v >>> 24));
    w32(0x1000 + 8 * 1, ptr(BASE + 0x2000)); w32(0x1004 + 8 * 1, 0);
    w32(0x2000, ptr(BASE + 0x3000)); w32(0x2004, 0);
    w32(0x3000, 0b1100_0011); w32(0x3004, 1 << 5); // V R A D, PPN = 2^27: PTE bit 37
    const w = new Mmu(ram2, () => {}).translate(0x4000_0123, 0, Access.Load, ctx);
    assert.equal(w.pa, 2 ** 39 + 0x123);
  });

  it('a PTE read that PMP denies is an access fault of the original access type', () => {
    const denied = BASE + 0x2000; // the level-1 table
    const guarded = new Mmu(ram, () => {}, (pa) => pa < denied || pa >= denied + 4096);
    const sum = { ...ctx, sum: true };
    assert.equal(guarded.translate(0x4000_0000, 0, Access.Load, sum).cause, 5);
    assert.equal(guarded.translate(0x4000_0000, 0, Access.Store, sum).cause, 7);
    assert.equal(guarded.translate(0x4000_0000, 0, Access.Fetch, sum).cause, 1);
  });
});

describe('PMP', () => {
  // Pmp reads only the lo/hi arrays of the CSR file, and caches what it computed until told they changed.
  const csrOf = () => ({ lo: new Int32Array(4096), hi: new Int32Array(4096) });
  const setAddr = (c: { lo: Int32Array; hi: Int32Array }, i: number, byteAddr: number) => {
    const v = byteAddr / 4;
    c.lo[0x3b0 + i] = v % 4294967296 | 0;
    c.hi[0x3b0 + i] = Math.floor(v / 4294967296);
  };
  const setCfg = (c: { lo: Int32Array }, i: number, cfg: number) => { c.lo[0x3a0] |= cfg << (8 * i); };

  it('matches TOR, NA4 and NAPOT regions; the lowest entry decides; S/U are denied where nothing matches', () => {
    const c = csrOf();
    setAddr(c, 0, 0x8000_1000); setCfg(c, 0, (1 << 3) | 1);          // TOR [0, 0x8000_1000): R
    setAddr(c, 1, 0x8000_2000); setCfg(c, 1, (2 << 3) | 3);          // NA4 0x8000_2000: RW
    c.lo[0x3b2] = (0x8000_4000 >>> 2) | (0x2000 / 8 - 1); setCfg(c, 2, (3 << 3) | 4); // NAPOT 8 KiB at 0x8000_4000: X
    const pmp = new Pmp(c as unknown as CsrFile);
    assert.equal(pmp.allows(0x8000_0ff8, 8, Access.Load, 1), true);
    assert.equal(pmp.allows(0x8000_0ff8, 8, Access.Store, 1), false, 'read-only');
    assert.equal(pmp.allows(0x8000_0ffc, 8, Access.Load, 1), false, 'straddles the end of the entry');
    assert.equal(pmp.allows(0x8000_2000, 4, Access.Store, 0), true);
    assert.equal(pmp.allows(0x8000_5ffc, 4, Access.Fetch, 1), true);
    assert.equal(pmp.allows(0x8000_6000, 4, Access.Fetch, 1), false, 'past the NAPOT region: no match, S denied');
    assert.equal(pmp.allows(0x8000_6000, 4, Access.Store, 3), true, 'M-mode: allowed where nothing matches');
    assert.equal(pmp.allows(0x8000_0000, 4, Access.Store, 3), true, 'M-mode ignores unlocked entries');
    setCfg(c, 0, 0x80);
    pmp.changed(); // what CsrFile.write does after a PMP register changes
    assert.equal(pmp.allows(0x8000_0000, 4, Access.Store, 3), false, 'a locked entry binds M-mode too');
  });
});
