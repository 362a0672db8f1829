// 64-bit integer arithmetic on values stored as two 32-bit halves (lo, hi).
// Called from generated code; 64-bit results go to `out` ([lo, hi]), so helpers never touch guest registers.

/** Where helpers leave a 64-bit result: out[0] = low half, out[1] = high half. */
export const out = new Int32Array(2);

/** Two's-complement 64-bit value as a JS number, when it is exactly representable (|v| < 2^53). */
export function toNumber(lo: number, hi: number): number {
  return hi * 4294967296 + (lo >>> 0);
}

/** Splits an integer-valued number (|v| ≤ 2^63) into out as its low 64 bits. */
export function split(v: number): void {
  out[0] = v % 4294967296 | 0;
  out[1] = Math.floor(v / 4294967296) | 0;
}

/** Fits in a double exactly: hi within ±2^20 means |v| < 2^52. */
export function isSmall(hi: number): boolean {
  return hi < 0x100000 && hi >= -0x100000;
}

export function toBig(lo: number, hi: number): bigint {
  return (BigInt(hi) << 32n) | BigInt(lo >>> 0);
}

export function toUnsignedBig(lo: number, hi: number): bigint {
  return BigInt.asUintN(64, toBig(lo, hi));
}

export function splitBig(v: bigint): void {
  out[0] = Number(BigInt.asIntN(32, v));
  out[1] = Number(BigInt.asIntN(32, v >> 32n));
}

export function sll(lo: number, hi: number, sh: number): void {
  if (sh === 0) { out[0] = lo; out[1] = hi; } else if (sh < 32) {
    out[1] = (hi << sh) | (lo >>> (32 - sh));
    out[0] = lo << sh;
  } else { out[1] = lo << (sh - 32); out[0] = 0; }
}

export function srl(lo: number, hi: number, sh: number): void {
  if (sh === 0) { out[0] = lo; out[1] = hi; } else if (sh < 32) {
    out[0] = (lo >>> sh) | (hi << (32 - sh));
    out[1] = hi >>> sh;
  } else { out[0] = hi >>> (sh - 32); out[1] = 0; }
}

export function sra(lo: number, hi: number, sh: number): void {
  if (sh === 0) { out[0] = lo; out[1] = hi; } else if (sh < 32) {
    out[0] = (lo >>> sh) | (hi << (32 - sh));
    out[1] = hi >> sh;
  } else { out[0] = hi >> (sh - 32); out[1] = hi >> 31; }
}

/** High 32 bits of the unsigned 64-bit product of two unsigned 32-bit values. */
export function mulhu32(a: number, b: number): number {
  const a0 = a & 0xffff, a1 = a >>> 16, b0 = b & 0xffff, b1 = b >>> 16;
  const p01 = a0 * b1, p10 = a1 * b0;
  const mid = ((a0 * b0) >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  return (a1 * b1 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16)) | 0;
}

export function mul(al: number, ah: number, bl: number, bh: number): void {
  const hi = (mulhu32(al, bl) + Math.imul(al, bh) + Math.imul(ah, bl)) | 0;
  out[0] = Math.imul(al, bl);
  out[1] = hi;
}

// Scratch for the 128-bit product's upper half.
let prodLo = 0, prodHi = 0;

/** Sets prodLo/prodHi to the upper 64 bits of the unsigned 128-bit product. */
function mulhuParts(al: number, ah: number, bl: number, bh: number): void {
  const p0h = mulhu32(al, bl) >>> 0;
  const p1l = Math.imul(al, bh) >>> 0, p1h = mulhu32(al, bh) >>> 0;
  const p2l = Math.imul(ah, bl) >>> 0, p2h = mulhu32(ah, bl) >>> 0;
  const p3l = Math.imul(ah, bh) >>> 0, p3h = mulhu32(ah, bh) >>> 0;
  const w1 = p0h + p1l + p2l;
  const w2 = p1h + p2h + p3l + Math.floor(w1 / 4294967296);
  prodLo = w2 | 0;
  prodHi = (p3h + Math.floor(w2 / 4294967296)) | 0;
}

/** Subtracts the 64-bit value (sl, sh) from prodLo/prodHi. */
function prodSub(sl: number, sh: number): void {
  const borrow = (prodLo >>> 0) < (sl >>> 0) ? 1 : 0;
  prodLo = (prodLo - sl) | 0;
  prodHi = (prodHi - sh - borrow) | 0;
}

export function mulhu(al: number, ah: number, bl: number, bh: number): void {
  mulhuParts(al, ah, bl, bh);
  out[0] = prodLo; out[1] = prodHi;
}

export function mulh(al: number, ah: number, bl: number, bh: number): void {
  mulhuParts(al, ah, bl, bh);
  if (ah < 0) prodSub(bl, bh);
  if (bh < 0) prodSub(al, ah);
  out[0] = prodLo; out[1] = prodHi;
}

export function mulhsu(al: number, ah: number, bl: number, bh: number): void {
  mulhuParts(al, ah, bl, bh);
  if (ah < 0) prodSub(bl, bh);
  out[0] = prodLo; out[1] = prodHi;
}

const MIN64 = -(2n ** 63n);

/** Signed division; division by zero gives -1 and overflow gives the dividend, as RISC-V defines. */
export function div(al: number, ah: number, bl: number, bh: number): void {
  if ((bl | bh) === 0) { out[0] = -1; out[1] = -1; return; }
  if (isSmall(ah) && isSmall(bh)) { split(Math.trunc(toNumber(al, ah) / toNumber(bl, bh))); return; }
  const a = BigInt.asIntN(64, toBig(al, ah)), b = BigInt.asIntN(64, toBig(bl, bh));
  splitBig(a === MIN64 && b === -1n ? a : a / b);
}

export function divu(al: number, ah: number, bl: number, bh: number): void {
  if ((bl | bh) === 0) { out[0] = -1; out[1] = -1; return; }
  if ((ah >>> 0) < 0x100000 && (bh >>> 0) < 0x100000) {
    split(Math.floor(((ah >>> 0) * 4294967296 + (al >>> 0)) / ((bh >>> 0) * 4294967296 + (bl >>> 0))));
    return;
  }
  splitBig(toUnsignedBig(al, ah) / toUnsignedBig(bl, bh));
}

export function rem(al: number, ah: number, bl: number, bh: number): void {
  if ((bl | bh) === 0) { out[0] = al; out[1] = ah; return; }
  if (isSmall(ah) && isSmall(bh)) { split(toNumber(al, ah) % toNumber(bl, bh)); return; }
  const a = BigInt.asIntN(64, toBig(al, ah)), b = BigInt.asIntN(64, toBig(bl, bh));
  splitBig(a === MIN64 && b === -1n ? 0n : a % b);
}

export function remu(al: number, ah: number, bl: number, bh: number): void {
  if ((bl | bh) === 0) { out[0] = al; out[1] = ah; return; }
  if ((ah >>> 0) < 0x100000 && (bh >>> 0) < 0x100000) {
    split(((ah >>> 0) * 4294967296 + (al >>> 0)) % ((bh >>> 0) * 4294967296 + (bl >>> 0)));
    return;
  }
  splitBig(toUnsignedBig(al, ah) % toUnsignedBig(bl, bh));
}

/** 32-bit signed division results, sign-extended (divw/remw). */
export function divw(a: number, b: number): number {
  if (b === 0) return -1;
  if (a === -0x80000000 && b === -1) return a;
  return (a / b) | 0;
}

export function remw(a: number, b: number): number {
  if (b === 0) return a;
  if (a === -0x80000000 && b === -1) return 0;
  return (a % b) | 0;
}

export function divuw(a: number, b: number): number {
  return b === 0 ? -1 : ((a >>> 0) / (b >>> 0)) | 0;
}

export function remuw(a: number, b: number): number {
  return b === 0 ? a : ((a >>> 0) % (b >>> 0)) | 0;
}
