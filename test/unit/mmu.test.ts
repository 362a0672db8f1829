// Page-table walks: a probe (for tracers and debuggers) translates without touching A/D bits; a real
// access sets them. Sv39 with one 4 KiB mapping built by hand.
import assert from 'node:assert/strict';
import { Ram } from '../../emulator/memory/ram';
import { Access, Mmu, type TranslationContext } from '../../emulator/mmu';

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
});
