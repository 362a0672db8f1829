// SoftFloat (the F/D arithmetic core) against hand-checked answers for each IEEE/RISC-V rule, against JavaScript's
// own binary64 arithmetic (round-to-nearest-even), and its fast paths against the exact BigInt reference.
import assert from 'node:assert/strict';
import { ExactFloat, SoftFloat, FFlag, Rm, IntKind } from '../../emulator/isa/softfloat';
import { cases, describeCase } from '../differential/float-cases';
import { prng } from '../differential/fuzz-program';

const NX = FFlag.NX, UF = FFlag.UF, OF = FFlag.OF, DZ = FFlag.DZ, NV = FFlag.NV;
const RNE = Rm.RNE, RTZ = Rm.RTZ, RDN = Rm.RDN, RUP = Rm.RUP, RMM = Rm.RMM;

const view = new DataView(new ArrayBuffer(8));
const bitsOf32 = (x: number): number => { view.setFloat32(0, x); return view.getInt32(0); };
const bitsOf64 = (x: number): bigint => { view.setFloat64(0, x); return view.getBigUint64(0); };
const valueOf64 = (b: bigint): number => { view.setBigUint64(0, b); return view.getFloat64(0); };
const lo = (b: bigint): number => Number(b & 0xffffffffn) | 0;
const hi = (b: bigint): number => Number(b >> 32n) | 0;
const hex = (b: number | bigint): string => (typeof b === 'number' ? b >>> 0 : b).toString(16);

const QNAN32 = 0x7fc00000, SNAN32 = 0x7f800001, INF32 = 0x7f800000, NINF32 = 0xff800000 | 0;
const MAX32 = 0x7f7fffff, NMAX32 = 0xff7fffff | 0, MINSUB32 = 0x00000001, ONE32 = 0x3f800000;
const QNAN64 = 0x7ff8000000000000n, SNAN64 = 0x7ff0000000000001n, INF64 = 0x7ff0000000000000n;

/**
 * Runs one operation on a fresh SoftFloat and a fresh ExactFloat, which must agree (the known answers hold for both
 * the fast paths and the reference); returns [result, flags].
 */
function run(op: (s: ExactFloat) => number): [number, number] {
  const fast = new SoftFloat(), exact = new ExactFloat();
  const r = op(fast), x = op(exact);
  assert.deepEqual([hex(r), fast.flags], [hex(x), exact.flags], 'SoftFloat and ExactFloat disagree');
  return [r, fast.flags];
}

/** Same for a 64-bit result: [bits, flags]. */
function run64(op: (s: ExactFloat) => number): [bigint, number] {
  const fast = new SoftFloat(), exact = new ExactFloat();
  const bits = (u: ExactFloat, r: number) => BigInt.asUintN(64, (BigInt(u.hi) << 32n) | BigInt(r >>> 0));
  const r = bits(fast, op(fast)), x = bits(exact, op(exact));
  assert.deepEqual([hex(r), fast.flags], [hex(x), exact.flags], 'SoftFloat and ExactFloat disagree');
  return [r, fast.flags];
}

function check32(op: (s: ExactFloat) => number, bits: number, flags: number, what: string): void {
  const [r, f] = run(op);
  assert.equal(hex(r), hex(bits), `${what}: result`);
  assert.equal(f, flags, `${what}: flags`);
}

function check64(op: (s: ExactFloat) => number, bits: bigint, flags: number, what: string): void {
  const [r, f] = run64(op);
  assert.equal(hex(r), hex(bits), `${what}: result`);
  assert.equal(f, flags, `${what}: flags`);
}

const d = (x: number | bigint): [number, number] => {
  const b = typeof x === 'bigint' ? x : bitsOf64(x);
  return [lo(b), hi(b)];
};

describe('SoftFloat: known answers', () => {
  it('rounds a binary32 tie in each mode (1 + 2^-24, -1 - 2^-24)', () => {
    const half = bitsOf32(2 ** -24);
    const expect = { [RNE]: 0x3f800000, [RTZ]: 0x3f800000, [RDN]: 0x3f800000, [RUP]: 0x3f800001, [RMM]: 0x3f800001 };
    const expectNeg = { [RNE]: 0xbf800000, [RTZ]: 0xbf800000, [RDN]: 0xbf800001, [RUP]: 0xbf800000, [RMM]: 0xbf800001 };
    for (const rm of [RNE, RTZ, RDN, RUP, RMM]) {
      check32((s) => s.add32(ONE32, half, rm), expect[rm], NX, `1+2^-24 rm=${rm}`);
      check32((s) => s.sub32(ONE32 | 0x80000000, half, rm), expectNeg[rm] | 0, NX, `-1-2^-24 rm=${rm}`);
    }
  });

  it('rounds above a tie and at an odd tie (1 + 3·2^-24)', () => {
    const x = bitsOf32(3 * 2 ** -24);
    check32((s) => s.add32(ONE32, x, RNE), 0x3f800002, NX, 'RNE');
    check32((s) => s.add32(ONE32, x, RMM), 0x3f800002, NX, 'RMM');
    check32((s) => s.add32(ONE32, x, RTZ), 0x3f800001, NX, 'RTZ');
    check32((s) => s.add32(0x3f800001, bitsOf32(2 ** -24), RNE), 0x3f800002, NX, 'odd tie rounds to even');
  });

  it('rounds a binary64 tie in each mode', () => {
    const [alo, ahi] = d(1), [blo, bhi] = d(2 ** -53);
    const expect = { [RNE]: 0x3ff0000000000000n, [RTZ]: 0x3ff0000000000000n, [RDN]: 0x3ff0000000000000n,
      [RUP]: 0x3ff0000000000001n, [RMM]: 0x3ff0000000000001n };
    for (const rm of [RNE, RTZ, RDN, RUP, RMM]) check64((s) => s.add64(alo, ahi, blo, bhi, rm), expect[rm], NX, `rm=${rm}`);
  });

  it('overflows to infinity or the largest finite by rounding direction, with OF and NX', () => {
    const two = bitsOf32(2);
    const pos = { [RNE]: INF32, [RTZ]: MAX32, [RDN]: MAX32, [RUP]: INF32, [RMM]: INF32 };
    const neg = { [RNE]: NINF32, [RTZ]: NMAX32, [RDN]: NINF32, [RUP]: NMAX32, [RMM]: NINF32 };
    for (const rm of [RNE, RTZ, RDN, RUP, RMM]) {
      check32((s) => s.mul32(MAX32, two, rm), pos[rm], OF | NX, `max*2 rm=${rm}`);
      check32((s) => s.mul32(NMAX32, two, rm), neg[rm], OF | NX, `-max*2 rm=${rm}`);
    }
    const [mlo, mhi] = d(Number.MAX_VALUE);
    check64((s) => s.add64(mlo, mhi, mlo, mhi, RTZ), 0x7fefffffffffffffn, OF | NX, 'binary64 max+max RTZ');
    check64((s) => s.add64(mlo, mhi, mlo, mhi, RNE), INF64, OF | NX, 'binary64 max+max RNE');
  });

  it('underflows to zero or the smallest subnormal at 2^-150, with UF and NX', () => {
    const half = bitsOf32(0.5);
    const expect = { [RNE]: 0, [RTZ]: 0, [RDN]: 0, [RUP]: 1, [RMM]: 1 };
    for (const rm of [RNE, RTZ, RDN, RUP, RMM]) check32((s) => s.mul32(MINSUB32, half, rm), expect[rm], UF | NX, `rm=${rm}`);
    check32((s) => s.mul32(MINSUB32 | 0x80000000, half, RDN), 0x80000001 | 0, UF | NX, 'negative RDN');
  });

  it('detects tininess after rounding: 2^-126·(1-2^-46) rounds to 2^-126 without UF', () => {
    // (1 - 2^-23) × 2^-126·(1 + 2^-23)
    check32((s) => s.mul32(0x3f7ffffe, 0x00800001, RNE), 0x00800000, NX, 'RNE');
    check32((s) => s.mul32(0x3f7ffffe, 0x00800001, RTZ), 0x007fffff, NX | UF, 'RTZ');
  });

  it('raises UF only when a tiny result is also inexact', () => {
    check32((s) => s.mul32(0x00000002, bitsOf32(0.5), RNE), 0x00000001, 0, 'exact subnormal');
    check32((s) => s.add32(0x00000003, 0x80000001 | 0, RNE), 0x00000002, 0, 'subnormal sum');
    check32((s) => s.mul32(0x00000003, bitsOf32(0.5), RNE), 0x00000002, UF | NX, '1.5 ulp rounds to even');
  });

  it('divides by zero with DZ, and raises NV for 0/0, ∞/∞, ∞-∞, 0×∞ and sqrt of a negative', () => {
    check32((s) => s.div32(ONE32, 0, RNE), INF32, DZ, '1/+0');
    check32((s) => s.div32(ONE32, 0x80000000 | 0, RNE), NINF32, DZ, '1/-0');
    check32((s) => s.div32(0, 0, RNE), QNAN32, NV, '0/0');
    check32((s) => s.div32(INF32, NINF32, RNE), QNAN32, NV, '∞/∞');
    check32((s) => s.div32(INF32, 0, RNE), INF32, 0, '∞/0 is exact ∞');
    check32((s) => s.add32(INF32, NINF32, RNE), QNAN32, NV, '∞-∞');
    check32((s) => s.mul32(0, NINF32, RNE), QNAN32, NV, '0×∞');
    check32((s) => s.sqrt32(bitsOf32(-1), RNE), QNAN32, NV, 'sqrt(-1)');
    check32((s) => s.sqrt32(NINF32, RNE), QNAN32, NV, 'sqrt(-∞)');
    check32((s) => s.sqrt32(0x80000000 | 0, RNE), 0x80000000 | 0, 0, 'sqrt(-0) = -0');
    const [olo, ohi] = d(1), [zlo, zhi] = d(0);
    check64((s) => s.div64(olo, ohi, zlo, zhi, RNE), INF64, DZ, 'binary64 1/0');
  });

  it('returns the canonical NaN, never a payload, with NV only for signaling inputs', () => {
    check32((s) => s.add32(0x7fc12345, ONE32, RNE), QNAN32, 0, 'quiet payload');
    check32((s) => s.mul32(ONE32, 0xffc00001 | 0, RNE), QNAN32, 0, 'negative quiet NaN');
    check32((s) => s.add32(SNAN32, ONE32, RNE), QNAN32, NV, 'signaling');
    check32((s) => s.sqrt32(SNAN32, RNE), QNAN32, NV, 'sqrt signaling');
    const [nlo, nhi] = d(0x7ff8000012345678n), [slo, shi] = d(SNAN64), [olo, ohi] = d(1);
    check64((s) => s.div64(nlo, nhi, olo, ohi, RNE), QNAN64, 0, 'binary64 quiet payload');
    check64((s) => s.sub64(olo, ohi, slo, shi, RNE), QNAN64, NV, 'binary64 signaling');
    check64((s) => s.f32ToF64(SNAN32), QNAN64, NV, 'fcvt.d.s of a signaling NaN');
    check64((s) => s.f32ToF64(0x7fc12345), QNAN64, 0, 'fcvt.d.s of a quiet payload');
    check32((s) => s.f64ToF32(nlo, nhi, RNE), QNAN32, 0, 'fcvt.s.d of a quiet payload');
  });

  it('fma: 0×∞ is invalid even with a quiet NaN addend; exact zeros follow the sum rule', () => {
    for (const [np, na] of [[false, false], [false, true], [true, false], [true, true]]) {
      check32((s) => s.fma32(0, INF32, QNAN32, RNE, np, na), QNAN32, NV, `0×∞+qNaN ${np} ${na}`);
    }
    check32((s) => s.fma32(ONE32, ONE32, bitsOf32(-1), RNE, false, false), 0, 0, '1×1-1 = +0');
    check32((s) => s.fma32(ONE32, ONE32, bitsOf32(-1), RDN, false, false), 0x80000000 | 0, 0, '1×1-1 RDN = -0');
    check32((s) => s.fma32(ONE32, ONE32, ONE32, RNE, false, true), 0, 0, 'fmsub 1×1-1 = +0');
    check32((s) => s.fma32(0, ONE32, 0x80000000 | 0, RNE, false, false), 0, 0, '+0 + -0 = +0');
    check32((s) => s.fma32(0x80000000 | 0, ONE32, 0x80000000 | 0, RNE, false, false), 0x80000000 | 0, 0, '-0 + -0 = -0');
    check32((s) => s.fma32(0, ONE32, 0, RNE, true, true), 0x80000000 | 0, 0, 'fnmadd -(+0) - (+0) = -0');
    check32((s) => s.fma32(INF32, ONE32, NINF32, RNE, false, false), QNAN32, NV, '∞ - ∞');
    check32((s) => s.fma32(INF32, ONE32, NINF32, RNE, true, false), NINF32, 0, '-∞ - ∞');
    check32((s) => s.fma32(bitsOf32(2), bitsOf32(3), bitsOf32(1), RNE, true, true), bitsOf32(-7), 0, 'fnmadd -(2×3) - 1');
    check32((s) => s.fma32(bitsOf32(2), bitsOf32(3), bitsOf32(1), RNE, true, false), bitsOf32(-5), 0, 'fnmsub -(2×3) + 1');
    check32((s) => s.fma32(bitsOf32(2), bitsOf32(3), bitsOf32(1), RNE, false, true), bitsOf32(5), 0, 'fmsub 2×3 - 1');
    // One rounding: (1+2^-23)(1-2^-23) - 1 = -2^-46 exactly; two roundings would give 0.
    check32((s) => s.fma32(0x3f800001, 0x3f7ffffe, bitsOf32(-1), RNE, false, false), bitsOf32(-(2 ** -46)), 0, 'single rounding');
  });

  it('fma rounds once where two roundings would tie: (1+2^-27)·(1-2^-27)·2^-53 + (1+2^-52)', () => {
    // Exactly 1 + 2^-52 + 2^-53 - 2^-107: just below the midpoint between 1 + 2^-52 and 1 + 2^-51.
    const [alo, ahi] = d(1 + 2 ** -27), [blo, bhi] = d((1 - 2 ** -27) * 2 ** -53), [clo, chi] = d(1 + 2 ** -52);
    const expect = { [RNE]: 0x3ff0000000000001n, [RTZ]: 0x3ff0000000000001n, [RDN]: 0x3ff0000000000001n,
      [RUP]: 0x3ff0000000000002n, [RMM]: 0x3ff0000000000001n };
    for (const rm of [RNE, RTZ, RDN, RUP, RMM]) {
      check64((s) => s.fma64(alo, ahi, blo, bhi, clo, chi, rm, false, false), expect[rm], NX, `rm=${rm}`);
    }
  });

  it('fma: 2^-126 minus a far smaller product is tiny, and raises UF, only when it rounds below 2^-126', () => {
    const a = bitsOf32(2 ** -100), b = bitsOf32(-(2 ** -100)), c = 0x00800000;
    check32((s) => s.fma32(a, b, c, RNE, false, false), 0x00800000, NX, 'RNE');
    check32((s) => s.fma32(a, b, c, RTZ, false, false), 0x007fffff, NX | UF, 'RTZ');
    check32((s) => s.fma32(a, b, c, RUP, false, false), 0x00800000, NX, 'RUP');
  });

  it('x - x is +0, or -0 rounding down; zero sums keep a common sign', () => {
    const x = bitsOf32(1.5);
    for (const rm of [RNE, RTZ, RUP, RMM]) check32((s) => s.sub32(x, x, rm), 0, 0, `rm=${rm}`);
    check32((s) => s.sub32(x, x, RDN), 0x80000000 | 0, 0, 'RDN');
    check32((s) => s.add32(0x80000000 | 0, 0x80000000 | 0, RNE), 0x80000000 | 0, 0, '-0 + -0');
    check32((s) => s.add32(0, 0x80000000 | 0, RNE), 0, 0, '+0 + -0');
    check32((s) => s.add32(0, 0x80000000 | 0, RDN), 0x80000000 | 0, 0, '+0 + -0 RDN');
    const [alo, ahi] = d(1.5);
    check64((s) => s.sub64(alo, ahi, alo, ahi, RDN), 0x8000000000000000n, 0, 'binary64 RDN');
  });

  it('fmin/fmax: -0 < +0, a NaN operand yields the other, two NaNs the canonical NaN, sNaN raises NV', () => {
    const nz = 0x80000000 | 0;
    check32((s) => s.min32(0, nz), nz, 0, 'min(+0,-0)');
    check32((s) => s.min32(nz, 0), nz, 0, 'min(-0,+0)');
    check32((s) => s.max32(nz, 0), 0, 0, 'max(-0,+0)');
    check32((s) => s.max32(0, nz), 0, 0, 'max(+0,-0)');
    check32((s) => s.min32(QNAN32, ONE32), ONE32, 0, 'min(qNaN,1)');
    check32((s) => s.max32(ONE32, 0x7fc12345), ONE32, 0, 'max(1,qNaN)');
    check32((s) => s.min32(SNAN32, ONE32), ONE32, NV, 'min(sNaN,1)');
    check32((s) => s.max32(0x7fc12345, SNAN32), QNAN32, NV, 'max(qNaN,sNaN)');
    check32((s) => s.min32(bitsOf32(-3), bitsOf32(2)), bitsOf32(-3), 0, 'min(-3,2)');
    check32((s) => s.max32(bitsOf32(-3), bitsOf32(2)), bitsOf32(2), 0, 'max(-3,2)');
    const [alo, ahi] = d(-0), [blo, bhi] = d(0), [nlo, nhi] = d(0x7ff8000000000123n), [slo, shi] = d(SNAN64);
    check64((s) => s.min64(blo, bhi, alo, ahi), 0x8000000000000000n, 0, 'binary64 min(+0,-0)');
    check64((s) => s.max64(alo, ahi, blo, bhi), 0n, 0, 'binary64 max(-0,+0)');
    check64((s) => s.max64(nlo, nhi, alo, ahi), 0x8000000000000000n, 0, 'binary64 max(qNaN,-0)');
    check64((s) => s.min64(nlo, nhi, slo, shi), QNAN64, NV, 'binary64 min(qNaN,sNaN)');
  });

  it('compares: feq is quiet, flt/fle signal on any NaN; -0 == +0', () => {
    const nz = 0x80000000 | 0;
    assert.deepEqual(run((s) => s.eq32(0, nz)), [1, 0]);
    assert.deepEqual(run((s) => s.eq32(QNAN32, QNAN32)), [0, 0]);
    assert.deepEqual(run((s) => s.eq32(SNAN32, ONE32)), [0, NV]);
    assert.deepEqual(run((s) => s.lt32(QNAN32, ONE32)), [0, NV]);
    assert.deepEqual(run((s) => s.le32(ONE32, QNAN32)), [0, NV]);
    assert.deepEqual(run((s) => s.le32(nz, 0)), [1, 0]);
    assert.deepEqual(run((s) => s.lt32(nz, 0)), [0, 0]);
    assert.deepEqual(run((s) => s.lt32(NINF32, NMAX32)), [1, 0]);
    const [alo, ahi] = d(1), [blo, bhi] = d(1 + 2 ** -52), [nlo, nhi] = d(QNAN64), [slo, shi] = d(SNAN64);
    assert.deepEqual(run((s) => s.lt64(alo, ahi, blo, bhi)), [1, 0]);
    assert.deepEqual(run((s) => s.le64(blo, bhi, alo, ahi)), [0, 0]);
    assert.deepEqual(run((s) => s.eq64(alo, ahi, alo, ahi)), [1, 0]);
    assert.deepEqual(run((s) => s.eq64(nlo, nhi, alo, ahi)), [0, 0]);
    assert.deepEqual(run((s) => s.eq64(slo, shi, alo, ahi)), [0, NV]);
    assert.deepEqual(run((s) => s.le64(nlo, nhi, alo, ahi)), [0, NV]);
  });

  it('classifies every kind of value', () => {
    const s = new SoftFloat();
    const cases32: [number, number][] = [[NINF32, 0], [bitsOf32(-1), 1], [0x80000001 | 0, 2], [0x80000000 | 0, 3], [0, 4],
      [MINSUB32, 5], [0x007fffff, 5], [ONE32, 6], [INF32, 7], [SNAN32, 8], [0xffbfffff | 0, 8], [QNAN32, 9], [0xffc00001 | 0, 9]];
    for (const [b, bit] of cases32) assert.equal(s.class32(b), 1 << bit, `class32 ${hex(b)}`);
    const cases64: [bigint, number][] = [[0xfff0000000000000n, 0], [bitsOf64(-2), 1], [0x800fffffffffffffn, 2],
      [0x8000000000000000n, 3], [0n, 4], [1n, 5], [bitsOf64(Number.MAX_VALUE), 6], [INF64, 7], [SNAN64, 8],
      [0x7ff7ffffffffffffn, 8], [QNAN64, 9], [0x7ff8000000000001n, 9]];
    for (const [b, bit] of cases64) assert.equal(s.class64(lo(b), hi(b)), 1 << bit, `class64 ${hex(b)}`);
    assert.equal(s.flags, 0);
  });

  it('float to int: rounds each mode, NX when inexact, saturates with NV (no NX) out of range and for NaN', () => {
    const cvt = (x: number, kind: IntKind, rm: Rm) => run64((s) => s.f32ToInt(bitsOf32(x), kind, rm));
    const table: [number, Record<number, number>][] = [
      [2.5, { [RNE]: 2, [RTZ]: 2, [RDN]: 2, [RUP]: 3, [RMM]: 3 }],
      [-2.5, { [RNE]: -2, [RTZ]: -2, [RDN]: -3, [RUP]: -2, [RMM]: -3 }],
      [3.5, { [RNE]: 4, [RTZ]: 3, [RDN]: 3, [RUP]: 4, [RMM]: 4 }],
      [-0.25, { [RNE]: 0, [RTZ]: 0, [RDN]: -1, [RUP]: 0, [RMM]: 0 }],
    ];
    for (const [x, byRm] of table) {
      for (const [rm, v] of Object.entries(byRm)) {
        assert.deepEqual(cvt(x, IntKind.W, Number(rm)), [BigInt.asUintN(64, BigInt(v)), NX], `fcvt.w.s ${x} rm=${rm}`);
        assert.deepEqual(cvt(x, IntKind.L, Number(rm)), [BigInt.asUintN(64, BigInt(v)), NX], `fcvt.l.s ${x} rm=${rm}`);
      }
    }
    const M = 0xffffffffffffffffn;
    assert.deepEqual(cvt(NaN, IntKind.W, RNE), [0x7fffffffn, NV]);
    assert.deepEqual(cvt(NaN, IntKind.WU, RNE), [M, NV], 'WU max 0xffffffff sign-extends');
    assert.deepEqual(cvt(NaN, IntKind.L, RNE), [0x7fffffffffffffffn, NV]);
    assert.deepEqual(cvt(NaN, IntKind.LU, RNE), [M, NV]);
    assert.deepEqual(cvt(-Infinity, IntKind.W, RNE), [0xffffffff80000000n, NV]);
    assert.deepEqual(cvt(-Infinity, IntKind.WU, RNE), [0n, NV]);
    assert.deepEqual(cvt(-Infinity, IntKind.L, RNE), [0x8000000000000000n, NV]);
    assert.deepEqual(cvt(Infinity, IntKind.LU, RNE), [M, NV]);
    assert.deepEqual(cvt(2 ** 31, IntKind.W, RNE), [0x7fffffffn, NV]);
    assert.deepEqual(cvt(-(2 ** 31), IntKind.W, RNE), [0xffffffff80000000n, 0]);
    assert.deepEqual(cvt(2 ** 31, IntKind.WU, RNE), [0xffffffff80000000n, 0], 'WU results are sign-extended');
    assert.deepEqual(cvt(2 ** 32, IntKind.WU, RNE), [M, NV]);
    assert.deepEqual(cvt(2 ** 63, IntKind.L, RNE), [0x7fffffffffffffffn, NV]);
    assert.deepEqual(cvt(2 ** 63, IntKind.LU, RNE), [0x8000000000000000n, 0]);
    assert.deepEqual(cvt(2 ** 64, IntKind.LU, RNE), [M, NV]);
    assert.deepEqual(cvt(-0.5, IntKind.WU, RNE), [0n, NX], 'negative rounding to 0 is not invalid');
    assert.deepEqual(cvt(-0.5, IntKind.WU, RMM), [0n, NV], 'negative rounding to -1 is invalid');
    assert.deepEqual(cvt(-1, IntKind.LU, RTZ), [0n, NV]);
    assert.deepEqual(cvt(-0, IntKind.LU, RNE), [0n, 0]);
    const big = (x: number, kind: IntKind, rm: Rm) => { const [l, h] = d(x); return run64((s) => s.f64ToInt(l, h, kind, rm)); };
    assert.deepEqual(big(2147483647.5, IntKind.W, RNE), [0x7fffffffn, NV], 'rounds up out of range');
    assert.deepEqual(big(2147483647.5, IntKind.W, RTZ), [0x7fffffffn, NX]);
    assert.deepEqual(big(-2147483648.5, IntKind.W, RNE), [0xffffffff80000000n, NX]);
    assert.deepEqual(big(-2147483648.5, IntKind.W, RDN), [0xffffffff80000000n, NV]);
    assert.deepEqual(big(4294967295.5, IntKind.WU, RTZ), [M, NX]);
    assert.deepEqual(big(-(2 ** 63), IntKind.L, RNE), [0x8000000000000000n, 0]);
    assert.deepEqual(big(2 ** 64 - 2048, IntKind.LU, RNE), [0xfffffffffffff800n, 0]);
    assert.deepEqual(big(1e300, IntKind.L, RNE), [0x7fffffffffffffffn, NV]);
    assert.deepEqual(big(-1e-300, IntKind.L, RDN), [M, NX]);
  });

  it('int to float: rounds large integers in each mode', () => {
    check32((s) => s.intToF32(-1, 0, IntKind.WU, RNE), 0x4f800000, NX, '2^32-1 → 2^32');
    check32((s) => s.intToF32(-1, 0, IntKind.WU, RTZ), 0x4f7fffff, NX, '2^32-1 RTZ');
    check32((s) => s.intToF32(-1, 0, IntKind.W, RNE), bitsOf32(-1), 0, 'W -1');
    check32((s) => s.intToF32(-1, 5, IntKind.W, RNE), bitsOf32(-1), 0, 'W ignores the high half');
    check32((s) => s.intToF32(0, -0x80000000, IntKind.L, RNE), bitsOf32(-(2 ** 63)), 0, 'L min');
    check32((s) => s.intToF32(0, 0, IntKind.L, RNE), 0, 0, 'zero is +0');
    check32((s) => s.intToF32(0x01000001, 0, IntKind.W, RUP), 0x4b800001, NX, '2^24+1 RUP');
    check32((s) => s.intToF32(0x01000001, 0, IntKind.W, RDN), 0x4b800000, NX, '2^24+1 RDN');
    check32((s) => s.intToF32(-0x01000001, -1, IntKind.W, RDN), 0xcb800001 | 0, NX, '-(2^24+1) RDN');
    check64((s) => s.intToF64(-1, -1, IntKind.LU, RNE), 0x43f0000000000000n, NX, '2^64-1 → 2^64');
    check64((s) => s.intToF64(-1, -1, IntKind.LU, RTZ), 0x43efffffffffffffn, NX, '2^64-1 RTZ');
    check64((s) => s.intToF64(-1, -1, IntKind.L, RNE), bitsOf64(-1), 0, 'L -1');
    check64((s) => s.intToF64(-1, 7, IntKind.WU, RNE), bitsOf64(4294967295), 0, 'WU exact');
    check64((s) => s.intToF64(0x801, 0x200000, IntKind.L, RMM), bitsOf64(2 ** 53 + 2050), NX, 'tie away');
    check64((s) => s.intToF64(0x801, 0x200000, IntKind.L, RNE), bitsOf64(2 ** 53 + 2048), NX, 'tie to even');
  });

  it('fcvt.s.d rounds, overflows and underflows; fcvt.d.s is exact', () => {
    const [alo, ahi] = d(1 + 2 ** -24), [blo, bhi] = d(1e300), [clo, chi] = d(2 ** -1074), [elo, ehi] = d(2 ** -127 + 2 ** -150);
    check32((s) => s.f64ToF32(alo, ahi, RNE), ONE32, NX, 'tie');
    check32((s) => s.f64ToF32(alo, ahi, RUP), 0x3f800001, NX, 'tie RUP');
    check32((s) => s.f64ToF32(blo, bhi, RNE), INF32, OF | NX, 'overflow');
    check32((s) => s.f64ToF32(blo, bhi, RTZ), MAX32, OF | NX, 'overflow RTZ');
    check32((s) => s.f64ToF32(clo, chi, RNE), 0, UF | NX, 'underflow');
    check32((s) => s.f64ToF32(clo, chi, RUP), MINSUB32, UF | NX, 'underflow RUP');
    check32((s) => s.f64ToF32(elo, ehi, RNE), 0x00400000, UF | NX, 'subnormal tie to even');
    check64((s) => s.f32ToF64(MINSUB32), bitsOf64(2 ** -149), 0, 'subnormal widens exactly');
    check64((s) => s.f32ToF64(NINF32), 0xfff0000000000000n, 0, '-∞');
    check64((s) => s.f32ToF64(0x80000000 | 0), 0x8000000000000000n, 0, '-0');
  });

  it('sqrt and div round correctly in the directed modes', () => {
    check32((s) => s.sqrt32(bitsOf32(2), RTZ), 0x3fb504f3, NX, 'sqrt2 RTZ');
    check32((s) => s.sqrt32(bitsOf32(2), RUP), 0x3fb504f4, NX, 'sqrt2 RUP');
    check32((s) => s.sqrt32(MINSUB32, RNE), bitsOf32(Math.fround(Math.sqrt(2 ** -149))), NX, 'sqrt of a subnormal');
    check32((s) => s.div32(ONE32, bitsOf32(3), RDN), 0x3eaaaaaa, NX, '1/3 RDN');
    check32((s) => s.div32(ONE32, bitsOf32(3), RUP), 0x3eaaaaab, NX, '1/3 RUP');
    check32((s) => s.div32(bitsOf32(-1), bitsOf32(3), RUP), 0xbeaaaaaa | 0, NX, '-1/3 RUP');
    const [olo, ohi] = d(1), [tlo, thi] = d(3);
    check64((s) => s.div64(olo, ohi, tlo, thi, RTZ), 0x3fd5555555555555n, NX, 'binary64 1/3 RTZ');
    check64((s) => s.div64(olo, ohi, tlo, thi, RUP), 0x3fd5555555555556n, NX, 'binary64 1/3 RUP');
  });
});

// ------------------------------------------------------------------ against JavaScript (RNE)

const EDGE64 = [0, -0, 1, -1, 2 ** -1074, -(2 ** -1074), 2 ** -1022, 2 ** -1022 - 2 ** -1074, Number.MAX_VALUE,
  -Number.MAX_VALUE, Infinity, -Infinity, NaN, 1 + 2 ** -52, 1 - 2 ** -53, 3, 0.1, 1e308, 1e-308, 2 ** 1023, 2 ** 53 + 1];

/** Random doubles: arbitrary bit patterns, values near 1 (dense rounding), and small exponent spreads. */
function randomDouble(rnd: () => number): number {
  const r = rnd();
  const word = () => Math.floor(rnd() * 4294967296);
  if (r < 0.1) return EDGE64[Math.floor(rnd() * EDGE64.length)];
  if (r < 0.4) return valueOf64((BigInt(word()) << 32n) | BigInt(word()));
  const sign = rnd() < 0.5 ? -1 : 1;
  const exp = r < 0.8 ? Math.floor(rnd() * 40) - 20 : Math.floor(rnd() * 2100) - 1075;
  return sign * (1 + word() / 2 ** 32 + word() / 2 ** 64) * 2 ** exp;
}

function expected64(x: number): bigint {
  return Number.isNaN(x) ? QNAN64 : bitsOf64(x);
}

function expected32(x: number): number {
  return Number.isNaN(x) ? QNAN32 : bitsOf32(Math.fround(x));
}

describe('SoftFloat: round-to-nearest-even agrees with JavaScript', () => {
  const N = 4000;

  it(`binary64 add/sub/mul/div/sqrt equal JS + - * / Math.sqrt (${N} random pairs)`, () => {
    const rnd = prng(0x5f64);
    const s = new SoftFloat();
    for (let i = 0; i < N; i++) {
      const x = randomDouble(rnd), y = rnd() < 0.3 ? x * (1 + (rnd() - 0.5) * 2 ** -40) : randomDouble(rnd);
      const [xl, xh] = d(x), [yl, yh] = d(y);
      const ops: [string, number, () => number][] = [
        ['add', x + y, () => s.add64(xl, xh, yl, yh, RNE)],
        ['sub', x - y, () => s.sub64(xl, xh, yl, yh, RNE)],
        ['mul', x * y, () => s.mul64(xl, xh, yl, yh, RNE)],
        ['div', x / y, () => s.div64(xl, xh, yl, yh, RNE)],
        ['sqrt', Math.sqrt(x), () => s.sqrt64(xl, xh, RNE)],
      ];
      for (const [name, want, op] of ops) {
        const r = op();
        const got = BigInt.asUintN(64, (BigInt(s.hi) << 32n) | BigInt(r >>> 0));
        assert.equal(hex(got), hex(expected64(want)), `${name}(${x}, ${y})`);
      }
    }
  });

  it(`binary32 add/sub/mul/div/sqrt equal fround of the binary64 result (${N} random pairs)`, () => {
    const rnd = prng(0x5f32);
    const s = new SoftFloat();
    for (let i = 0; i < N; i++) {
      const x = Math.fround(randomDouble(rnd)), y = rnd() < 0.3 ? Math.fround(x * (1 + (rnd() - 0.5) * 2 ** -16)) : Math.fround(randomDouble(rnd));
      const a = bitsOf32(x), b = bitsOf32(y);
      // binary64 has more than 2·24+2 bits, so rounding twice through it is the same as rounding once.
      const ops: [string, number, () => number][] = [
        ['add', x + y, () => s.add32(a, b, RNE)],
        ['sub', x - y, () => s.sub32(a, b, RNE)],
        ['mul', x * y, () => s.mul32(a, b, RNE)],
        ['div', x / y, () => s.div32(a, b, RNE)],
        ['sqrt', Math.sqrt(x), () => s.sqrt32(a, RNE)],
      ];
      for (const [name, want, op] of ops) assert.equal(hex(op()), hex(expected32(want)), `${name}(${x}, ${y})`);
    }
  });

  it('conversions between formats and integers agree with JS where JS is exact or rounds to nearest even', () => {
    const rnd = prng(0xc0);
    const s = new SoftFloat();
    for (let i = 0; i < N; i++) {
      const x = randomDouble(rnd);
      const [xl, xh] = d(x);
      assert.equal(hex(s.f64ToF32(xl, xh, RNE)), hex(expected32(x)), `fcvt.s.d ${x}`);
      const f = Math.fround(x);
      const r = s.f32ToF64(bitsOf32(f));
      assert.equal(hex(BigInt.asUintN(64, (BigInt(s.hi) << 32n) | BigInt(r >>> 0))), hex(expected64(f)), `fcvt.d.s ${f}`);
      const n = BigInt.asIntN(64, (BigInt(Math.floor(rnd() * 2 ** 32)) << BigInt(Math.floor(rnd() * 33))) ^ BigInt(Math.floor(rnd() * 2 ** 32)));
      const v = rnd() < 0.5 ? -n : n;
      const il = Number(BigInt.asIntN(32, v)), ih = Number(BigInt.asIntN(32, v >> 32n));
      const back = s.intToF64(il, ih, IntKind.L, RNE);
      assert.equal(hex(BigInt.asUintN(64, (BigInt(s.hi) << 32n) | BigInt(back >>> 0))), hex(bitsOf64(Number(v))), `fcvt.d.l ${v}`);
      if (Number.isFinite(x) && Math.abs(x) < 2 ** 62) {
        const t = s.f64ToInt(xl, xh, IntKind.L, RTZ);
        assert.equal(BigInt.asIntN(64, (BigInt(s.hi) << 32n) | BigInt(t >>> 0)), BigInt(Math.trunc(x)), `fcvt.l.d rtz ${x}`);
      }
    }
  });
});

// ------------------------------------------------------------------ fast paths against the exact reference

/** Runs op on both units from clean flags; returns a description when result, high half or flags differ. */
function compareUnits(fast: SoftFloat, exact: ExactFloat, op: (u: ExactFloat) => number, what: () => string): string | undefined {
  fast.flags = 0;
  exact.flags = 0;
  const r1 = op(fast), h1 = fast.hi, r2 = op(exact), h2 = exact.hi;
  if (r1 === r2 && h1 === h2 && fast.flags === exact.flags) return undefined;
  return `${what()}: fast ${hex(h1)}:${hex(r1)} flags ${fast.flags}, exact ${hex(h2)}:${hex(r2)} flags ${exact.flags}`;
}

describe('SoftFloat: the fast paths agree with ExactFloat', () => {
  it('on the differential generator\'s edge, boundary and random cases, every op and mode', () => {
    const fast = new SoftFloat(), exact = new ExactFloat();
    const failures: string[] = [];
    const all = cases(0xfa57, 120);
    for (const c of all) {
      const width = c.op.dst === 's' ? 32 : 64;
      fast.flags = 0;
      exact.flags = 0;
      const a = BigInt.asUintN(width, c.op.eval(fast, c.v, c.rm)), b = BigInt.asUintN(width, c.op.eval(exact, c.v, c.rm));
      if (a !== b || fast.flags !== exact.flags) failures.push(`${describeCase(c)}: fast ${hex(a)} flags ${fast.flags}, exact ${hex(b)} flags ${exact.flags}`);
    }
    assert.ok(all.length > 25_000);
    assert.equal(failures.length, 0, `${failures.length} of ${all.length} differ:\n${failures.slice(0, 20).join('\n')}`);
  });

  it('on random operands spread over exponents, with addends that nearly cancel fma products', () => {
    const rnd = prng(0xf3a);
    const fast = new SoftFloat(), exact = new ExactFloat();
    const failures: string[] = [];
    const rand = (e: number) => (rnd() < 0.5 ? -1 : 1) * (1 + rnd() + rnd() * 2 ** -30) * 2 ** e;
    const f32b = (x: number) => bitsOf32(Math.fround(x));
    let checks = 0;
    const check = (op: (u: ExactFloat) => number, what: () => string) => {
      checks++;
      const d = compareUnits(fast, exact, op, what);
      if (d) failures.push(d);
    };
    for (let i = 0; i < 6000; i++) {
      const rm = (i % 5) as Rm, np = rnd() < 0.5, na = rnd() < 0.5;
      const ea = Math.floor(rnd() * 200) - 100, eb = Math.floor(rnd() * 200) - 100;
      const x = rand(ea), y = rand(eb);
      // Addends from far below the product's last bit to far above it; a fifth nearly cancel it.
      const z = rnd() < 0.2 ? -x * y * (1 + (rnd() - 0.5) * 2 ** -50) : rand(ea + eb + Math.floor(rnd() * 170) - 110);
      const [al, ah] = d(x), [bl, bh] = d(y), [cl, ch] = d(z);
      const at = () => `${x} ${y} ${z} rm=${rm} ${np} ${na}`;
      check((u) => u.fma64(al, ah, bl, bh, cl, ch, rm, np, na), () => `fma64 ${at()}`);
      check((u) => u.add64(al, ah, cl, ch, rm), () => `add64 ${at()}`);
      check((u) => u.mul64(al, ah, bl, bh, rm), () => `mul64 ${at()}`);
      check((u) => u.div64(al, ah, bl, bh, rm), () => `div64 ${at()}`);
      check((u) => u.sqrt64(al, ah & 0x7fffffff, rm), () => `sqrt64 ${at()}`);
      check((u) => u.f64ToF32(al, ah, rm), () => `f64ToF32 ${at()}`);
      const [tl, th] = d(x * 2 ** (Math.floor(rnd() * 70) - 6));
      for (const kind of [IntKind.W, IntKind.WU, IntKind.L, IntKind.LU]) check((u) => u.f64ToInt(tl, th, kind, rm), () => `f64ToInt ${kind} ${at()}`);
      // binary32 with exponents reaching into the subnormal range.
      const a = f32b(rand(Math.floor(rnd() * 100) - 80)), b = f32b(rand(Math.floor(rnd() * 100) - 70)), c = f32b(rand(Math.floor(rnd() * 200) - 150));
      const at32 = () => `${hex(a)} ${hex(b)} ${hex(c)} rm=${rm} ${np} ${na}`;
      check((u) => u.fma32(a, b, c, rm, np, na), () => `fma32 ${at32()}`);
      check((u) => u.add32(a, c, rm), () => `add32 ${at32()}`);
      check((u) => u.mul32(a, b, rm), () => `mul32 ${at32()}`);
      check((u) => u.div32(a, b, rm), () => `div32 ${at32()}`);
      check((u) => u.sqrt32(a & 0x7fffffff, rm), () => `sqrt32 ${at32()}`);
      const il = Math.floor(rnd() * 2 ** 32) | 0, ih = Math.floor(rnd() * 2 ** Math.floor(rnd() * 33)) | 0;
      for (const kind of [IntKind.W, IntKind.WU, IntKind.L, IntKind.LU]) {
        check((u) => u.intToF32(il, ih, kind, rm), () => `intToF32 ${hex(ih)}:${hex(il)} ${kind} rm=${rm}`);
        check((u) => u.intToF64(il, ih, kind, rm), () => `intToF64 ${hex(ih)}:${hex(il)} ${kind} rm=${rm}`);
      }
    }
    assert.equal(failures.length, 0, `${failures.length} of ${checks} differ:\n${failures.slice(0, 20).join('\n')}`);
  });
});
