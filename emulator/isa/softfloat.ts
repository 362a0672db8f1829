// IEEE 754 binary32/binary64 arithmetic for the RISC-V F and D extensions, bit-exact with the spec and QEMU.
// The FP instruction semantics call it with raw bit patterns (binary64 as int32 halves); flags accumulate in `flags`.

/** fflags bits */
export const enum FFlag { NX = 1, UF = 2, OF = 4, DZ = 8, NV = 16 }
/** Static rounding modes (the caller resolves DYN=7 from frm and rejects 5/6 as illegal instructions). */
export const enum Rm { RNE = 0, RTZ = 1, RDN = 2, RUP = 3, RMM = 4 }
/** Integer kinds for conversions: W = int32, WU = uint32, L = int64, LU = uint64. */
export const enum IntKind { W = 0, WU = 1, L = 2, LU = 3 }

/** The shape of an interchange format; the exact (BigInt) paths are written once over it. */
interface Format {
  /** Precision: significand bits including the hidden one. */
  readonly p: number;
  readonly fracBits: bigint;
  readonly bias: number;
  readonly emin: number;
  /** The all-ones biased exponent (infinities and NaNs). */
  readonly expAllOnes: number;
  readonly expMask: bigint;
  readonly signBit: bigint;
  readonly fracMask: bigint;
  readonly hidden: bigint;
  readonly quietBit: bigint;
  readonly inf: bigint;
  readonly defaultNaN: bigint;
}

function format(p: number, expBits: number): Format {
  const bias = (1 << (expBits - 1)) - 1;
  const fracBits = BigInt(p - 1);
  const expAllOnes = (1 << expBits) - 1;
  const inf = BigInt(expAllOnes) << fracBits;
  return {
    p, fracBits, bias, emin: 1 - bias, expAllOnes, expMask: BigInt(expAllOnes),
    signBit: 1n << BigInt(p - 1 + expBits), fracMask: (1n << fracBits) - 1n, hidden: 1n << fracBits,
    quietBit: 1n << (fracBits - 1n), inf, defaultNaN: inf | (1n << (fracBits - 1n)),
  };
}

const BINARY32 = format(24, 8);
const BINARY64 = format(53, 11);

const enum Kind { Zero, Finite, Inf, QNaN, SNaN }

/** An operand taken apart: value = (-1)^sign × sig × 2^exp when Finite. */
class Unpacked {
  kind = Kind.Zero;
  sign = 0;
  exp = 0;
  sig = 0n;
}

// Scratch operands, reused so the exact paths allocate only their BigInts.
const UA = new Unpacked(), UB = new Unpacked(), UC = new Unpacked();

function unpack(u: Unpacked, bits: bigint, f: Format): Unpacked {
  u.sign = (bits & f.signBit) !== 0n ? 1 : 0;
  const e = Number((bits >> f.fracBits) & f.expMask);
  const m = bits & f.fracMask;
  if (e === f.expAllOnes) {
    u.kind = m === 0n ? Kind.Inf : (m & f.quietBit) !== 0n ? Kind.QNaN : Kind.SNaN;
  } else if (e === 0) {
    u.kind = m === 0n ? Kind.Zero : Kind.Finite;
    u.exp = f.emin - (f.p - 1);
    u.sig = m;
  } else {
    u.kind = Kind.Finite;
    u.exp = e - f.bias - (f.p - 1);
    u.sig = m | f.hidden;
  }
  return u;
}

function bitLength(x: bigint): number {
  let n = 0;
  while (x >= 0x10000000000000000n) { x >>= 64n; n += 64; }
  const hi = Number(x >> 32n);
  return hi !== 0 ? n + 64 - Math.clz32(hi) : n + 32 - Math.clz32(Number(x));
}

/** floor(sqrt(n)) by Newton's method from above. */
function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = 1n << BigInt((bitLength(n) >> 1) + 1);
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

/**
 * Whether rounding q (with the discarded bits rem, half = the weight of the first discarded bit, and sticky for
 * anything below rem) goes up in magnitude.
 */
function roundsUp(q: bigint, rem: bigint, half: bigint, sticky: boolean, sign: number, rm: Rm): boolean {
  switch (rm) {
    case Rm.RNE: return rem > half || (rem === half && (sticky || (q & 1n) === 1n));
    case Rm.RMM: return rem >= half;
    case Rm.RDN: return sign === 1 && (rem !== 0n || sticky);
    case Rm.RUP: return sign === 0 && (rem !== 0n || sticky);
    default: return false;
  }
}

/** Overflow goes to infinity when the rounding direction points away from zero, else to the largest finite. */
function overflowsToInf(sign: number, rm: Rm): boolean {
  return rm === Rm.RNE || rm === Rm.RMM || (rm === Rm.RUP && sign === 0) || (rm === Rm.RDN && sign === 1);
}

const MASK64 = 0xffffffffffffffffn;

function join(lo: number, hi: number): bigint {
  return (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
}

/**
 * The whole API computed exactly on BigInt significands: slow, simple, and the reference. SoftFloat (below) answers
 * the common cases with binary64 arithmetic and error-free transformations and falls back to these methods.
 */
export class ExactFloat {
  /** Exception flags raised by operations, ORed in (the caller reads and clears it). */
  flags = 0;
  /** High 32 bits of the last 64-bit result; methods returning a 64-bit value return its low 32 bits (as int32). */
  hi = 0;

  // ------------------------------------------------------------------ binary32

  add32(a: number, b: number, rm: Rm): number { return this.out32(this.addX(BigInt(a >>> 0), BigInt(b >>> 0), 0, BINARY32, rm)); }
  sub32(a: number, b: number, rm: Rm): number { return this.out32(this.addX(BigInt(a >>> 0), BigInt(b >>> 0), 1, BINARY32, rm)); }
  mul32(a: number, b: number, rm: Rm): number { return this.out32(this.mulX(BigInt(a >>> 0), BigInt(b >>> 0), BINARY32, rm)); }
  div32(a: number, b: number, rm: Rm): number { return this.out32(this.divX(BigInt(a >>> 0), BigInt(b >>> 0), BINARY32, rm)); }
  sqrt32(a: number, rm: Rm): number { return this.out32(this.sqrtX(BigInt(a >>> 0), BINARY32, rm)); }

  /** (±(a*b)) ± c with one rounding. negProduct/negAddend give fmadd (f,f), fmsub (f,t), fnmsub (t,f), fnmadd (t,t). */
  fma32(a: number, b: number, c: number, rm: Rm, negProduct: boolean, negAddend: boolean): number {
    return this.out32(this.fmaX(BigInt(a >>> 0), BigInt(b >>> 0), BigInt(c >>> 0), negProduct, negAddend, BINARY32, rm));
  }

  min32(a: number, b: number): number { return this.minMax32(a, b, true); }
  max32(a: number, b: number): number { return this.minMax32(a, b, false); }

  eq32(a: number, b: number): number {
    if (isNaN32(a) || isNaN32(b)) {
      if (isSNaN32(a) || isSNaN32(b)) this.flags |= FFlag.NV;
      return 0;
    }
    return f32(a) === f32(b) ? 1 : 0;
  }

  lt32(a: number, b: number): number {
    if (isNaN32(a) || isNaN32(b)) { this.flags |= FFlag.NV; return 0; }
    return f32(a) < f32(b) ? 1 : 0;
  }

  le32(a: number, b: number): number {
    if (isNaN32(a) || isNaN32(b)) { this.flags |= FFlag.NV; return 0; }
    return f32(a) <= f32(b) ? 1 : 0;
  }

  class32(a: number): number {
    return classify(a < 0, (a >>> 23) & 0xff, 0xff, (a & 0x7fffff) !== 0, (a & 0x400000) !== 0);
  }

  // ------------------------------------------------------------------ binary64

  add64(alo: number, ahi: number, blo: number, bhi: number, rm: Rm): number {
    return this.out64(this.addX(join(alo, ahi), join(blo, bhi), 0, BINARY64, rm));
  }

  sub64(alo: number, ahi: number, blo: number, bhi: number, rm: Rm): number {
    return this.out64(this.addX(join(alo, ahi), join(blo, bhi), 1, BINARY64, rm));
  }

  mul64(alo: number, ahi: number, blo: number, bhi: number, rm: Rm): number {
    return this.out64(this.mulX(join(alo, ahi), join(blo, bhi), BINARY64, rm));
  }

  div64(alo: number, ahi: number, blo: number, bhi: number, rm: Rm): number {
    return this.out64(this.divX(join(alo, ahi), join(blo, bhi), BINARY64, rm));
  }

  sqrt64(alo: number, ahi: number, rm: Rm): number {
    return this.out64(this.sqrtX(join(alo, ahi), BINARY64, rm));
  }

  fma64(alo: number, ahi: number, blo: number, bhi: number, clo: number, chi: number, rm: Rm,
    negProduct: boolean, negAddend: boolean): number {
    return this.out64(this.fmaX(join(alo, ahi), join(blo, bhi), join(clo, chi), negProduct, negAddend, BINARY64, rm));
  }

  min64(alo: number, ahi: number, blo: number, bhi: number): number { return this.minMax64(alo, ahi, blo, bhi, true); }
  max64(alo: number, ahi: number, blo: number, bhi: number): number { return this.minMax64(alo, ahi, blo, bhi, false); }

  eq64(alo: number, ahi: number, blo: number, bhi: number): number {
    if (isNaN64(alo, ahi) || isNaN64(blo, bhi)) {
      if (isSNaN64(alo, ahi) || isSNaN64(blo, bhi)) this.flags |= FFlag.NV;
      return 0;
    }
    return f64(alo, ahi) === f64(blo, bhi) ? 1 : 0;
  }

  lt64(alo: number, ahi: number, blo: number, bhi: number): number {
    if (isNaN64(alo, ahi) || isNaN64(blo, bhi)) { this.flags |= FFlag.NV; return 0; }
    return f64(alo, ahi) < f64(blo, bhi) ? 1 : 0;
  }

  le64(alo: number, ahi: number, blo: number, bhi: number): number {
    if (isNaN64(alo, ahi) || isNaN64(blo, bhi)) { this.flags |= FFlag.NV; return 0; }
    return f64(alo, ahi) <= f64(blo, bhi) ? 1 : 0;
  }

  class64(lo: number, hi: number): number {
    return classify(hi < 0, (hi >>> 20) & 0x7ff, 0x7ff, (hi & 0xfffff) !== 0 || lo !== 0, (hi & 0x80000) !== 0);
  }

  // ------------------------------------------------------------------ conversions

  /** fcvt.d.s: always exact; a NaN becomes the canonical NaN (NV if it was signaling). */
  f32ToF64(a: number): number {
    return this.out64(this.convertX(BigInt(a >>> 0), BINARY32, BINARY64, Rm.RNE));
  }

  f64ToF32(lo: number, hi: number, rm: Rm): number {
    return this.out32(this.convertX(join(lo, hi), BINARY64, BINARY32, rm));
  }

  /** W/WU results are sign-extended from bit 31 into the 64-bit register, as RV64 requires. */
  f32ToInt(a: number, kind: IntKind, rm: Rm): number {
    return this.outInt(this.toIntX(BigInt(a >>> 0), BINARY32, kind, rm), kind);
  }

  f64ToInt(lo: number, hi: number, kind: IntKind, rm: Rm): number {
    return this.outInt(this.toIntX(join(lo, hi), BINARY64, kind, rm), kind);
  }

  intToF32(lo: number, hi: number, kind: IntKind, rm: Rm): number {
    return this.out32(this.fromIntX(intValue(lo, hi, kind), BINARY32, rm));
  }

  intToF64(lo: number, hi: number, kind: IntKind, rm: Rm): number {
    return this.out64(this.fromIntX(intValue(lo, hi, kind), BINARY64, rm));
  }

  // ------------------------------------------------------------------ results

  private out32(bits: bigint): number {
    return Number(bits) | 0;
  }

  private out64(bits: bigint): number {
    this.hi = Number(bits >> 32n) | 0;
    return Number(bits & 0xffffffffn) | 0;
  }

  private outInt(v: bigint, kind: IntKind): number {
    if (kind === IntKind.W || kind === IntKind.WU) {
      const lo = Number(BigInt.asIntN(32, v));
      this.hi = lo >> 31;
      return lo;
    }
    return this.out64(v & MASK64);
  }

  // ------------------------------------------------------------------ min/max (exact on doubles)

  private minMax32(a: number, b: number, min: boolean): number {
    const an = isNaN32(a), bn = isNaN32(b);
    if (isSNaN32(a) || isSNaN32(b)) this.flags |= FFlag.NV;
    if (an && bn) return 0x7fc00000;
    if (an) return b;
    if (bn) return a;
    return pickMinMax(f32(a), f32(b), a < 0, b < 0, min) ? a : b;
  }

  private minMax64(alo: number, ahi: number, blo: number, bhi: number, min: boolean): number {
    const an = isNaN64(alo, ahi), bn = isNaN64(blo, bhi);
    if (isSNaN64(alo, ahi) || isSNaN64(blo, bhi)) this.flags |= FFlag.NV;
    if (an && bn) { this.hi = 0x7ff80000; return 0; }
    if (an || (!bn && !pickMinMax(f64(alo, ahi), f64(blo, bhi), ahi < 0, bhi < 0, min))) { this.hi = bhi; return blo; }
    this.hi = ahi;
    return alo;
  }

  // ------------------------------------------------------------------ the exact paths

  /** The canonical NaN, with NV if any operand was signaling. */
  private nanResult(f: Format, x: Unpacked, y?: Unpacked, z?: Unpacked): bigint {
    if (x.kind === Kind.SNaN || y?.kind === Kind.SNaN || z?.kind === Kind.SNaN) this.flags |= FFlag.NV;
    return f.defaultNaN;
  }

  private invalid(f: Format): bigint {
    this.flags |= FFlag.NV;
    return f.defaultNaN;
  }

  /**
   * Rounds (-1)^sign × (sig + δ) × 2^exp to the format, where 0 ≤ δ < 1 and δ ≠ 0 exactly when sticky; sticky
   * is only set with sig at least p+2 bits wide, so δ stays below every rounding position. Raises NX, UF
   * (tiny after rounding and inexact) and OF.
   */
  private roundPack(sign: number, exp: number, sig: bigint, sticky: boolean, f: Format, rm: Rm): bigint {
    const p = f.p;
    const top = exp + bitLength(sig) - 1;
    const qexp = Math.max(top, f.emin) - (p - 1);
    const shift = qexp - exp;
    let q: bigint;
    if (shift <= 0) {
      q = sig << BigInt(-shift);
    } else {
      const s = BigInt(shift);
      q = sig >> s;
      const rem = sig & ((1n << s) - 1n);
      if (rem !== 0n || sticky) {
        this.flags |= FFlag.NX;
        if (top < f.emin && this.tinyAfterRounding(sign, sig, shift, sticky, top, f, rm)) this.flags |= FFlag.UF;
        if (roundsUp(q, rem, 1n << (s - 1n), sticky, sign, rm)) q += 1n;
      }
    }
    // The biased exponent is one less than the field so the hidden bit (or a rounding carry) adds into it.
    const bits = (BigInt(qexp - (f.emin - (p - 1))) << f.fracBits) + q;
    if (bits >= f.inf) {
      this.flags |= FFlag.OF | FFlag.NX;
      const r = overflowsToInf(sign, rm) ? f.inf : f.inf - 1n;
      return sign ? r | f.signBit : r;
    }
    return sign ? bits | f.signBit : bits;
  }

  /**
   * RISC-V detects tininess after rounding: the value is tiny unless rounding it to p bits with an unbounded
   * exponent reaches 2^emin, which only a value just below 2^emin can do.
   */
  private tinyAfterRounding(sign: number, sig: bigint, shift: number, sticky: boolean, top: number, f: Format, rm: Rm): boolean {
    if (top < f.emin - 1 || shift <= 1) return true;
    const s = BigInt(shift - 1);
    const q = sig >> s;
    const up = roundsUp(q, sig & ((1n << s) - 1n), 1n << (s - 1n), sticky, sign, rm);
    return !(up && q + 1n === 1n << BigInt(f.p));
  }

  private zero(sign: number, f: Format): bigint {
    return sign ? f.signBit : 0n;
  }

  private infinity(sign: number, f: Format): bigint {
    return sign ? f.inf | f.signBit : f.inf;
  }

  private pack(u: Unpacked, f: Format, bits: bigint): bigint {
    return u.sign ? bits | f.signBit : bits & ~f.signBit;
  }

  /** An exact sum that is zero: +0, or -0 when rounding down (IEEE 754 §6.3); like signs keep their sign. */
  private exactZero(signA: number, signB: number, f: Format, rm: Rm): bigint {
    return this.zero(signA === signB ? signA : rm === Rm.RDN ? 1 : 0, f);
  }

  /** x + (-1)^sign × sig × 2^exp, both finite and nonzero, exactly then rounded once. */
  private sumRound(x: Unpacked, sign: number, exp: number, sig: bigint, f: Format, rm: Rm): bigint {
    const e = Math.min(x.exp, exp);
    const mx = x.sig << BigInt(x.exp - e), my = sig << BigInt(exp - e);
    const total = x.sign ? (sign ? -mx - my : my - mx) : (sign ? mx - my : mx + my);
    if (total === 0n) return this.exactZero(0, 1, f, rm);
    return total < 0n ? this.roundPack(1, e, -total, false, f, rm) : this.roundPack(0, e, total, false, f, rm);
  }

  private addX(a: bigint, b: bigint, negB: number, f: Format, rm: Rm): bigint {
    const x = unpack(UA, a, f), y = unpack(UB, b, f);
    y.sign ^= negB;
    if (x.kind >= Kind.QNaN || y.kind >= Kind.QNaN) return this.nanResult(f, x, y);
    if (x.kind === Kind.Inf) return y.kind === Kind.Inf && x.sign !== y.sign ? this.invalid(f) : a;
    if (y.kind === Kind.Inf) return this.infinity(y.sign, f);
    if (y.kind === Kind.Zero) return x.kind === Kind.Zero ? this.exactZero(x.sign, y.sign, f, rm) : a;
    if (x.kind === Kind.Zero) return this.pack(y, f, b);
    return this.sumRound(x, y.sign, y.exp, y.sig, f, rm);
  }

  private mulX(a: bigint, b: bigint, f: Format, rm: Rm): bigint {
    const x = unpack(UA, a, f), y = unpack(UB, b, f);
    const sign = x.sign ^ y.sign;
    if (x.kind >= Kind.QNaN || y.kind >= Kind.QNaN) return this.nanResult(f, x, y);
    if (x.kind === Kind.Inf || y.kind === Kind.Inf) {
      return x.kind === Kind.Zero || y.kind === Kind.Zero ? this.invalid(f) : this.infinity(sign, f);
    }
    if (x.kind === Kind.Zero || y.kind === Kind.Zero) return this.zero(sign, f);
    return this.roundPack(sign, x.exp + y.exp, x.sig * y.sig, false, f, rm);
  }

  private divX(a: bigint, b: bigint, f: Format, rm: Rm): bigint {
    const x = unpack(UA, a, f), y = unpack(UB, b, f);
    const sign = x.sign ^ y.sign;
    if (x.kind >= Kind.QNaN || y.kind >= Kind.QNaN) return this.nanResult(f, x, y);
    if (x.kind === Kind.Inf) return y.kind === Kind.Inf ? this.invalid(f) : this.infinity(sign, f);
    if (y.kind === Kind.Inf) return this.zero(sign, f);
    if (y.kind === Kind.Zero) {
      if (x.kind === Kind.Zero) return this.invalid(f);
      this.flags |= FFlag.DZ;
      return this.infinity(sign, f);
    }
    if (x.kind === Kind.Zero) return this.zero(sign, f);
    // Scale the dividend so the quotient has at least p+2 bits: the remainder then only feeds the sticky bit.
    const k = Math.max(0, f.p + 2 + bitLength(y.sig) - bitLength(x.sig));
    const n = x.sig << BigInt(k);
    const q = n / y.sig;
    return this.roundPack(sign, x.exp - y.exp - k, q, q * y.sig !== n, f, rm);
  }

  private sqrtX(a: bigint, f: Format, rm: Rm): bigint {
    const x = unpack(UA, a, f);
    if (x.kind >= Kind.QNaN) return this.nanResult(f, x);
    if (x.kind === Kind.Zero) return a;
    if (x.sign) return this.invalid(f);
    if (x.kind === Kind.Inf) return a;
    // Widen to at least 2(p+2) bits with an even exponent, so the integer root has p+2 bits.
    let s = Math.max(0, 2 * (f.p + 2) - bitLength(x.sig));
    if ((x.exp - s) & 1) s++;
    const n = x.sig << BigInt(s);
    const r = isqrt(n);
    return this.roundPack(0, (x.exp - s) / 2, r, r * r !== n, f, rm);
  }

  private fmaX(a: bigint, b: bigint, c: bigint, negProduct: boolean, negAddend: boolean, f: Format, rm: Rm): bigint {
    const x = unpack(UA, a, f), y = unpack(UB, b, f), z = unpack(UC, c, f);
    const ps = x.sign ^ y.sign ^ (negProduct ? 1 : 0);
    z.sign ^= negAddend ? 1 : 0;
    const zeroTimesInf = (x.kind === Kind.Inf && y.kind === Kind.Zero) || (x.kind === Kind.Zero && y.kind === Kind.Inf);
    // RISC-V: ∞ × 0 is invalid even when the addend is a quiet NaN.
    if (zeroTimesInf) return this.invalid(f);
    if (x.kind >= Kind.QNaN || y.kind >= Kind.QNaN || z.kind >= Kind.QNaN) return this.nanResult(f, x, y, z);
    if (x.kind === Kind.Inf || y.kind === Kind.Inf) {
      return z.kind === Kind.Inf && z.sign !== ps ? this.invalid(f) : this.infinity(ps, f);
    }
    if (z.kind === Kind.Inf) return this.infinity(z.sign, f);
    if (x.kind === Kind.Zero || y.kind === Kind.Zero) {
      return z.kind === Kind.Zero ? this.exactZero(ps, z.sign, f, rm) : this.pack(z, f, c);
    }
    const pexp = x.exp + y.exp, psig = x.sig * y.sig;
    if (z.kind === Kind.Zero) return this.roundPack(ps, pexp, psig, false, f, rm);
    return this.sumRound(z, ps, pexp, psig, f, rm);
  }

  private convertX(a: bigint, from: Format, to: Format, rm: Rm): bigint {
    const x = unpack(UA, a, from);
    if (x.kind >= Kind.QNaN) return this.nanResult(to, x);
    if (x.kind === Kind.Inf) return this.infinity(x.sign, to);
    if (x.kind === Kind.Zero) return this.zero(x.sign, to);
    return this.roundPack(x.sign, x.exp, x.sig, false, to, rm);
  }

  /** The rounded integer as a BigInt (two's complement value), or the saturated value with NV when out of range. */
  private toIntX(a: bigint, f: Format, kind: IntKind, rm: Rm): bigint {
    const x = unpack(UA, a, f);
    const bits = kind >= IntKind.L ? 64 : 32;
    const signed = kind === IntKind.W || kind === IntKind.L;
    const max = signed ? (1n << BigInt(bits - 1)) - 1n : (1n << BigInt(bits)) - 1n;
    const min = signed ? -(1n << BigInt(bits - 1)) : 0n;
    if (x.kind >= Kind.QNaN) { this.flags |= FFlag.NV; return max; }
    if (x.kind === Kind.Inf) { this.flags |= FFlag.NV; return x.sign ? min : max; }
    if (x.kind === Kind.Zero) return 0n;
    let mag: bigint;
    let inexact = false;
    if (x.exp >= 0) {
      if (x.exp > 64) { this.flags |= FFlag.NV; return x.sign ? min : max; }
      mag = x.sig << BigInt(x.exp);
    } else {
      const s = BigInt(-x.exp);
      mag = x.sig >> s;
      const rem = x.sig & ((1n << s) - 1n);
      inexact = rem !== 0n;
      if (inexact && roundsUp(mag, rem, 1n << (s - 1n), false, x.sign, rm)) mag += 1n;
    }
    const v = x.sign ? -mag : mag;
    if (v > max || v < min) { this.flags |= FFlag.NV; return x.sign ? min : max; }
    if (inexact) this.flags |= FFlag.NX;
    return v;
  }

  private fromIntX(v: bigint, f: Format, rm: Rm): bigint {
    if (v === 0n) return 0n;
    return v < 0n ? this.roundPack(1, 0, -v, false, f, rm) : this.roundPack(0, 0, v, false, f, rm);
  }
}

// ------------------------------------------------------------------ bit-level helpers

// Scratch views for moving between values and their bits. Word 0 is the low half on a little-endian host, which
// is every host Node runs on; the check makes a big-endian one fail at load rather than compute nonsense.
const D = new Float64Array(1);
const DW = new Int32Array(D.buffer);
const S = new Float32Array(1);
const SW = new Int32Array(S.buffer);
if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) throw new Error('softfloat.ts needs a little-endian host');

function f32(bits: number): number {
  SW[0] = bits;
  return S[0];
}

/** 2^k for k in [-1074, 1023], built from bits so that every entry is exact. */
const POW2 = new Float64Array(2098);
for (let k = -1074; k <= 1023; k++) {
  const pos = k + 1074;
  DW[0] = k >= -1022 ? 0 : pos < 32 ? 1 << pos : 0;
  DW[1] = k >= -1022 ? (k + 1023) << 20 : pos >= 32 ? 1 << (pos - 32) : 0;
  POW2[pos] = D[0];
}

/**
 * The double with these bits. Built arithmetically (exact: a 53-bit integer times a power of two) because writing
 * two int32 halves and reading them back as one double stalls store-to-load forwarding, several times slower.
 */
function f64(lo: number, hi: number): number {
  const e = (hi >>> 20) & 0x7ff;
  const m = (hi & 0xfffff) * 4294967296 + (lo >>> 0);
  const v = e === 0 ? m * POW2[0] : e === 0x7ff ? (m === 0 ? Infinity : NaN) : (m + 4503599627370496) * POW2[e - 1];
  return hi < 0 ? -v : v;
}

function isNaN32(a: number): boolean {
  return (a & 0x7fffffff) > 0x7f800000;
}

function isSNaN32(a: number): boolean {
  return isNaN32(a) && (a & 0x400000) === 0;
}

function isNaN64(lo: number, hi: number): boolean {
  const h = hi & 0x7fffffff;
  return h > 0x7ff00000 || (h === 0x7ff00000 && lo !== 0);
}

function isSNaN64(lo: number, hi: number): boolean {
  return isNaN64(lo, hi) && (hi & 0x80000) === 0;
}

/** Whether min (or max) picks the first operand; -0 orders below +0. Neither is NaN. */
function pickMinMax(x: number, y: number, xNeg: boolean, yNeg: boolean, min: boolean): boolean {
  if (x === y) return min ? xNeg || !yNeg : !xNeg || yNeg;
  return min ? x < y : x > y;
}

/** The fclass mask: bit 0 -inf … bit 7 +inf, bit 8 signaling NaN, bit 9 quiet NaN. */
function classify(neg: boolean, exp: number, expAllOnes: number, fracNonZero: boolean, quiet: boolean): number {
  if (exp === expAllOnes) {
    if (fracNonZero) return quiet ? 1 << 9 : 1 << 8;
    return neg ? 1 << 0 : 1 << 7;
  }
  if (exp === 0) {
    if (!fracNonZero) return neg ? 1 << 3 : 1 << 4;
    return neg ? 1 << 2 : 1 << 5;
  }
  return neg ? 1 << 1 : 1 << 6;
}

/** The integer source of fcvt.{s,d}.{w,wu,l,lu}: W/WU read the low 32 bits of the register. */
function intValue(lo: number, hi: number, kind: IntKind): bigint {
  switch (kind) {
    case IntKind.W: return BigInt(lo | 0);
    case IntKind.WU: return BigInt(lo >>> 0);
    case IntKind.L: return BigInt.asIntN(64, join(lo, hi));
    default: return join(lo, hi);
  }
}

// ------------------------------------------------------------------ the fast paths

const SIGN = 0x80000000 | 0;
const TWO32 = 4294967296;
/** Veltkamp's constant 2^27 + 1: it splits a double into halves whose pairwise products are exact. */
const SPLITTER = 134217729;
/** Below this magnitude a binary64 fast-path result is handed to the exact path (it might be tiny). */
const FAST_MIN64 = 2 ** -1000;

/**
 * a·b - p exactly, for p = a·b rounded (Dekker's product). Exact when neither operand is near overflow
 * (|x| < 2^996) and the product is far from underflow (a·b ≥ 2^-969): callers check exponents first.
 */
function productError(a: number, b: number, p: number): number {
  let c = SPLITTER * a;
  const ah = c - (c - a), al = a - ah;
  c = SPLITTER * b;
  const bh = c - (c - b), bl = b - bh;
  return ((ah * bh - p) + ah * bl + al * bh) + al * bl;
}

/** The sign of an exact zero sum (IEEE 754 §6.3): -0 when both terms are negative, or when rounding down and either is. */
function zeroSumIsNegative(aNeg: boolean, bNeg: boolean, rm: Rm): boolean {
  return rm === Rm.RDN ? aNeg || bNeg : aNeg && bNeg;
}

/**
 * The integer magnitude t + rem + ε rounded in rm, where 0 ≤ rem < 1 and ε is an infinitesimal with the sign of
 * side (none when side is 0): ε only matters when rem is 0 or exactly one half.
 */
function roundMagnitude(t: number, rem: number, side: number, neg: boolean, rm: Rm): number {
  if (rem === 0) {
    if (side === 0) return t;
    if (side < 0) { t -= 1; rem = 0.75; } else rem = 0.25;
  } else if (rem === 0.5 && side !== 0) {
    rem = side > 0 ? 0.75 : 0.25;
  }
  return roundsUpNum(t, rem, neg, rm) ? t + 1 : t;
}

/** For a magnitude in [2^-127, 2^-126): whether rounding it to 24 bits with unbounded exponent reaches 2^-126. */
function carriesToMin32(m: number, side: number, neg: boolean, rm: Rm): boolean {
  const q = m * POW2[1074 + 150], t = Math.floor(q);
  return roundMagnitude(t, q - t, side, neg, rm) === 0x1000000;
}

/** Whether a magnitude t + rem (0 < rem < 1; exactly a tie only when rem is 0.5) rounds up to t + 1. */
function roundsUpNum(t: number, rem: number, neg: boolean, rm: Rm): boolean {
  switch (rm) {
    case Rm.RNE: return rem > 0.5 || (rem === 0.5 && (t & 1) === 1);
    case Rm.RMM: return rem >= 0.5;
    case Rm.RDN: return neg;
    case Rm.RUP: return !neg;
    default: return false;
  }
}

/**
 * The ExactFloat API, with the common cases computed in binary64 plus error-free transformations (TwoSum, Dekker's
 * product, exact remainders) and everything else (NaNs, infinities, division by zero, results near underflow or
 * overflow) left to the exact path. binary32 operations are exact in binary64 up to one error term, so they never
 * need BigInt except for special operands.
 */
export class SoftFloat extends ExactFloat {
  override add32(a: number, b: number, rm: Rm): number { return this.sum32(a, b, rm); }
  override sub32(a: number, b: number, rm: Rm): number { return this.sum32(a, b ^ SIGN, rm); }

  override mul32(a: number, b: number, rm: Rm): number {
    if ((a & 0x7f800000) === 0x7f800000 || (b & 0x7f800000) === 0x7f800000) return super.mul32(a, b, rm);
    // 24 × 24 bits, exponents within binary64's normal range: the double product is exact.
    const p = f32(a) * f32(b);
    return p === 0 ? (a ^ b) & SIGN : this.round32(p, 0, rm);
  }

  override div32(a: number, b: number, rm: Rm): number {
    if ((a & 0x7f800000) === 0x7f800000 || (b & 0x7f800000) === 0x7f800000 || (b & 0x7fffffff) === 0) return super.div32(a, b, rm);
    const x = f32(a), y = f32(b);
    if (x === 0) return (a ^ b) & SIGN;
    const q = x / y, p = q * y;
    // The remainder x - q·y is exact (Sterbenz, then Dekker); its sign says which side of q the quotient lies.
    const rem = (x - p) - productError(q, y, p);
    return this.round32(q, rem === 0 ? 0 : (rem > 0) === (y > 0) ? 1 : -1, rm);
  }

  override sqrt32(a: number, rm: Rm): number {
    if ((a & 0x7fffffff) === 0) return a;
    if (a < 0 || (a & 0x7f800000) === 0x7f800000) return super.sqrt32(a, rm);
    const x = f32(a), r = Math.sqrt(x), p = r * r;
    return this.round32(r, (x - p) - productError(r, r, p), rm);
  }

  override fma32(a: number, b: number, c: number, rm: Rm, negProduct: boolean, negAddend: boolean): number {
    if ((a & 0x7f800000) === 0x7f800000 || (b & 0x7f800000) === 0x7f800000 || (c & 0x7f800000) === 0x7f800000) {
      return super.fma32(a, b, c, rm, negProduct, negAddend);
    }
    const p = negProduct ? -(f32(a) * f32(b)) : f32(a) * f32(b);
    const z = negAddend ? -f32(c) : f32(c);
    const s = p + z;
    if (s === 0) return zeroSumIsNegative(1 / p < 0, 1 / z < 0, rm) ? SIGN : 0;
    const bb = s - p;
    return this.round32(s, (p - (s - bb)) + (z - bb), rm);
  }

  override add64(alo: number, ahi: number, blo: number, bhi: number, rm: Rm): number {
    return this.sum64(alo, ahi, blo, bhi, rm);
  }

  override sub64(alo: number, ahi: number, blo: number, bhi: number, rm: Rm): number {
    return this.sum64(alo, ahi, blo, bhi ^ SIGN, rm);
  }

  override mul64(alo: number, ahi: number, blo: number, bhi: number, rm: Rm): number {
    const ea = (ahi >>> 20) & 0x7ff, eb = (bhi >>> 20) & 0x7ff;
    // Operands within [2^-950, 2^991) and a product within [2^-960, 2^1024): Dekker's error is exact, nothing is tiny.
    if (ea - 73 >>> 0 > 1940 || eb - 73 >>> 0 > 1940 || ea + eb < 1086 || ea + eb > 3068) {
      if (ea !== 0x7ff && eb !== 0x7ff && (isZero64(alo, ahi) || isZero64(blo, bhi))) return this.zero64((ahi ^ bhi) < 0);
      return super.mul64(alo, ahi, blo, bhi, rm);
    }
    const x = f64(alo, ahi), y = f64(blo, bhi), p = x * y;
    if (Math.abs(p) === Infinity) return super.mul64(alo, ahi, blo, bhi, rm);
    return this.finish64(p, productError(x, y, p), rm);
  }

  override div64(alo: number, ahi: number, blo: number, bhi: number, rm: Rm): number {
    const ea = (ahi >>> 20) & 0x7ff, eb = (bhi >>> 20) & 0x7ff;
    // Operands and quotient within [2^-950, 2^991): the remainder below is exact and the quotient not tiny.
    if (ea - 73 >>> 0 > 1940 || eb - 73 >>> 0 > 1940 || ea - eb < -950 || ea - eb > 990) {
      if (isZero64(alo, ahi) && eb !== 0x7ff && !isZero64(blo, bhi)) return this.zero64((ahi ^ bhi) < 0);
      return super.div64(alo, ahi, blo, bhi, rm);
    }
    const x = f64(alo, ahi), y = f64(blo, bhi), q = x / y, p = q * y;
    const rem = (x - p) - productError(q, y, p);
    // A quotient of binary64 numbers is never exactly halfway, so only the side matters (RMM needs no tie test).
    return this.finish64(q, rem === 0 ? 0 : (rem > 0) === (y > 0) ? Number.MIN_VALUE : -Number.MIN_VALUE, rm);
  }

  override sqrt64(alo: number, ahi: number, rm: Rm): number {
    const ea = (ahi >>> 20) & 0x7ff;
    if (ahi < 0 || ea - 73 >>> 0 > 1940) {
      if (isZero64(alo, ahi)) { this.hi = ahi; return alo; }
      return super.sqrt64(alo, ahi, rm);
    }
    const x = f64(alo, ahi), r = Math.sqrt(x), p = r * r;
    const rem = (x - p) - productError(r, r, p);
    // Nor is a square root ever halfway.
    return this.finish64(r, rem === 0 ? 0 : rem > 0 ? Number.MIN_VALUE : -Number.MIN_VALUE, rm);
  }

  /**
   * Boldo and Melquiond's fma: a·b = uh + ul exactly, c + uh = th + tl exactly, v = tl + ul rounded to odd, and then
   * th + v rounded once is a·b + c correctly rounded. When v is inexact its odd last bit lies some 50 bits below
   * th's ulp, so th + v is inexact too and its error e3 has the sign of the whole error (NX and the directed modes).
   */
  override fma64(alo: number, ahi: number, blo: number, bhi: number, clo: number, chi: number, rm: Rm,
    negProduct: boolean, negAddend: boolean): number {
    const ea = (ahi >>> 20) & 0x7ff, eb = (bhi >>> 20) & 0x7ff, ec = (chi >>> 20) & 0x7ff;
    if (ea - 73 >>> 0 > 1940 || eb - 73 >>> 0 > 1940 || ea + eb < 1146 || ea + eb > 3036 ||
      ((ec === 0 || ec > 2013) && !isZero64(clo, chi))) {
      return super.fma64(alo, ahi, blo, bhi, clo, chi, rm, negProduct, negAddend);
    }
    const x = negProduct ? -f64(alo, ahi) : f64(alo, ahi), y = f64(blo, bhi), z = negAddend ? -f64(clo, chi) : f64(clo, chi);
    const uh = x * y, ul = productError(x, y, uh);
    const th = z + uh;
    let bb = th - z;
    const tl = (z - (th - bb)) + (uh - bb);
    let v = tl + ul;
    bb = v - tl;
    const e2 = (tl - (v - bb)) + (ul - bb);
    if (e2 !== 0) {
      D[0] = v;
      // Round to odd: an even v moves to its odd neighbour on the exact value's side (an exact addition of the
      // neighbour's distance: one ulp, or half of one going down from a power of two).
      if ((DW[0] & 1) === 0) {
        const e = (DW[1] >>> 20) & 0x7ff;
        const ulp = (e2 > 0) !== (v > 0) && e > 1 && (DW[1] & 0xfffff) === 0 && DW[0] === 0 ? POW2[e - 2] : POW2[e === 0 ? 0 : e - 1];
        v += e2 > 0 ? ulp : -ulp;
      }
    }
    const r = th + v;
    bb = r - th;
    const mag = Math.abs(r);
    if (!(mag >= FAST_MIN64 && mag < Infinity)) return super.fma64(alo, ahi, blo, bhi, clo, chi, rm, negProduct, negAddend);
    return this.finish64(r, (th - (r - bb)) + (v - bb), rm);
  }

  override f32ToF64(a: number): number {
    if ((a & 0x7f800000) === 0x7f800000) return super.f32ToF64(a);
    D[0] = f32(a);
    this.hi = DW[1];
    return DW[0];
  }

  override f64ToF32(lo: number, hi: number, rm: Rm): number {
    if ((hi & 0x7ff00000) === 0x7ff00000) return super.f64ToF32(lo, hi, rm);
    const x = f64(lo, hi);
    return x === 0 ? hi & SIGN : this.round32(x, 0, rm);
  }

  override f32ToInt(a: number, kind: IntKind, rm: Rm): number { return this.toInt(f32(a), kind, rm); }
  override f64ToInt(lo: number, hi: number, kind: IntKind, rm: Rm): number { return this.toInt(f64(lo, hi), kind, rm); }

  override intToF32(lo: number, hi: number, kind: IntKind, rm: Rm): number {
    const s = this.intAsDouble(lo, hi, kind);
    return s === 0 ? 0 : this.round32(s, this.intError, rm);
  }

  override intToF64(lo: number, hi: number, kind: IntKind, rm: Rm): number {
    const s = this.intAsDouble(lo, hi, kind);
    if (s === 0) return this.zero64(false);
    return this.finish64(s, this.intError, rm);
  }

  // ------------------------------------------------------------------ helpers

  /** The error of the last intAsDouble: the integer minus the double, exactly. */
  private intError = 0;

  /** The integer source rounded to nearest-even binary64, its exact error left in intError. */
  private intAsDouble(lo: number, hi: number, kind: IntKind): number {
    this.intError = 0;
    if (kind === IntKind.W) return lo | 0;
    if (kind === IntKind.WU) return lo >>> 0;
    const h = (kind === IntKind.L ? hi | 0 : hi >>> 0) * TWO32, l = lo >>> 0;
    const s = h + l, bb = s - h;
    this.intError = (h - (s - bb)) + (l - bb);
    return s;
  }

  private zero64(negative: boolean): number {
    this.hi = negative ? SIGN : 0;
    return 0;
  }

  private sum32(a: number, b: number, rm: Rm): number {
    if ((a & 0x7f800000) === 0x7f800000 || (b & 0x7f800000) === 0x7f800000) return super.add32(a, b, rm);
    const x = f32(a), y = f32(b), s = x + y;
    if (s === 0) return zeroSumIsNegative(a < 0, b < 0, rm) ? SIGN : 0;
    const bb = s - x;
    return this.round32(s, (x - (s - bb)) + (y - bb), rm);
  }

  private sum64(alo: number, ahi: number, blo: number, bhi: number, rm: Rm): number {
    if ((ahi & 0x7ff00000) === 0x7ff00000 || (bhi & 0x7ff00000) === 0x7ff00000) return super.add64(alo, ahi, blo, bhi, rm);
    const x = f64(alo, ahi), y = f64(blo, bhi), s = x + y;
    if (s === 0) return this.zero64(zeroSumIsNegative(ahi < 0, bhi < 0, rm));
    if (Math.abs(s) === Infinity) return super.add64(alo, ahi, blo, bhi, rm);
    // TwoSum's error is exact, even among subnormals; an inexact sum is never tiny, so UF cannot arise.
    const bb = s - x;
    return this.finish64(s, (x - (s - bb)) + (y - bb), rm);
  }

  /**
   * Rounds s + ε to binary32, for s a nonzero finite double and ε an infinitesimal with the sign of dir (none when
   * dir is 0): the exact result is s plus less than half an ulp of s, and every binary32 rounding boundary near s is
   * a multiple of that ulp, so s's own bits and the side ε is on decide everything.
   */
  private round32(s: number, dir: number, rm: Rm): number {
    const neg = s < 0;
    const m = neg ? -s : s;
    const side = neg ? -dir : dir;
    D[0] = m;
    let e = (DW[1] >>> 20) - 1023;
    // Just below a power of two the exact value lies in the binade below. The bits come out the same either way (one
    // below a power of two is the next float down), but at 2^-126 it decides tininess.
    if (side < 0 && (DW[1] & 0xfffff) === 0 && DW[0] === 0) e--;
    const qexp = (e > -126 ? e : -126) - 23;
    const q = m * POW2[1074 - qexp];
    const t = Math.floor(q), rem = q - t;
    let n = t;
    if (rem !== 0 || side !== 0) {
      this.flags |= FFlag.NX;
      if (e < -126 && (e < -127 || !carriesToMin32(m, side, neg, rm))) this.flags |= FFlag.UF;
      n = roundMagnitude(t, rem, side, neg, rm);
    }
    const bits = (qexp + 149) * 8388608 + n;
    if (bits >= 0x7f800000) {
      this.flags |= FFlag.OF | FFlag.NX;
      return (overflowsToInf(neg ? 1 : 0, rm) ? 0x7f800000 : 0x7f7fffff) | (neg ? SIGN : 0);
    }
    return neg ? bits | SIGN : bits;
  }

  /**
   * The binary64 result for r + err in rm, where r (normal, not tiny) is the nearest-even rounding of the exact
   * value and err the exact error; quotients and roots, never halfway, pass anything of err's sign.
   */
  private finish64(r: number, err: number, rm: Rm): number {
    D[0] = r;
    if (err !== 0) {
      this.flags |= FFlag.NX;
      const away = (err > 0) === (r > 0);
      switch (rm) {
        case Rm.RTZ: if (!away) stepMagnitude(-1); break;
        case Rm.RDN: if (err < 0) stepMagnitude(away ? 1 : -1); break;
        case Rm.RUP: if (err > 0) stepMagnitude(away ? 1 : -1); break;
        case Rm.RMM: if (away && isHalfUlpAbove(r, err)) stepMagnitude(1); break;
        default: break;
      }
      // Stepping away from the largest finite value is an overflow (only a mode rounding away does it).
      if ((DW[1] & 0x7fffffff) === 0x7ff00000) this.flags |= FFlag.OF;
    }
    this.hi = DW[1];
    return DW[0];
  }

  /** fcvt.{w,wu,l,lu}: round to an integer in rm, then saturate with NV (and no NX) when out of range or NaN. */
  private toInt(x: number, kind: IntKind, rm: Rm): number {
    const signed = kind === IntKind.W || kind === IntKind.L;
    const wide = kind >= IntKind.L;
    if (!(Math.abs(x) < Infinity)) return this.saturate(kind, x < 0);
    let n = Math.trunc(x);
    const frac = x - n;
    if (frac !== 0) {
      const away = x < 0 ? -1 : 1, f = Math.abs(frac);
      switch (rm) {
        case Rm.RNE: if (f > 0.5 || (f === 0.5 && n % 2 !== 0)) n += away; break;
        case Rm.RMM: if (f >= 0.5) n += away; break;
        case Rm.RDN: if (x < 0) n -= 1; break;
        case Rm.RUP: if (x > 0) n += 1; break;
        default: break;
      }
    }
    const min = signed ? (wide ? -(2 ** 63) : -(2 ** 31)) : 0;
    const limit = signed ? (wide ? 2 ** 63 : 2 ** 31) : (wide ? 2 ** 64 : 2 ** 32);
    if (n < min || n >= limit) return this.saturate(kind, x < 0);
    if (frac !== 0) this.flags |= FFlag.NX;
    if (!wide) {
      const lo = n | 0;
      this.hi = lo >> 31;
      return lo;
    }
    const hi = Math.floor(n / TWO32);
    this.hi = hi | 0;
    return (n - hi * TWO32) | 0;
  }

  /** The spec's out-of-range results: NaN and too large give the maximum, too negative the minimum. */
  private saturate(kind: IntKind, negative: boolean): number {
    this.flags |= FFlag.NV;
    switch (kind) {
      case IntKind.W: this.hi = negative ? -1 : 0; return negative ? SIGN : 0x7fffffff;
      case IntKind.WU: this.hi = negative ? 0 : -1; return negative ? 0 : -1;
      case IntKind.L: this.hi = negative ? SIGN : 0x7fffffff; return negative ? 0 : -1;
      default: this.hi = negative ? 0 : -1; return negative ? 0 : -1;
    }
  }
}

function isZero64(lo: number, hi: number): boolean {
  return (lo | (hi & 0x7fffffff)) === 0;
}

/** Moves the double in D one ulp up (+1) or down (-1) in magnitude, by its bits. */
function stepMagnitude(step: number): void {
  let lo = DW[0], hi = DW[1];
  if (step > 0) {
    lo = (lo + 1) | 0;
    if (lo === 0) hi = (hi + 1) | 0;
  } else {
    if (lo === 0) hi = (hi - 1) | 0;
    lo = (lo - 1) | 0;
  }
  DW[0] = lo;
  DW[1] = hi;
}

/** Whether |err| is half the gap from r to the next double away from zero (a tie RNE broke toward zero). Leaves D = r. */
function isHalfUlpAbove(r: number, err: number): boolean {
  stepMagnitude(1);
  const gap = Math.abs(D[0] - r);
  D[0] = r;
  return Math.abs(err) * 2 === gap;
}
