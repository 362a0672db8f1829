// The F and D instructions as a table (operand registers, rounding-mode field, SoftFloat's answer) and seeded case
// generators over it: the QEMU differential test runs these cases, and the fast-path unit test replays more of them.
import { type ExactFloat, SoftFloat, Rm, IntKind } from '../../emulator/isa/softfloat';
import { prng } from './fuzz-program';

/** Where an operand or result lives: a binary32 or binary64 FP register, or an integer register. */
export type Loc = 's' | 'd' | 'x';

export interface Op {
  mnemonic: string;
  srcs: Loc[];
  dst: Loc;
  /** Whether the instruction has a rounding-mode field the assembler accepts. */
  rm: boolean;
  /** SoftFloat's answer as the 64-bit value the program stores (binary32 results: the low 32 bits). */
  eval: (s: ExactFloat, v: bigint[], rm: Rm) => bigint;
}

const lo = (v: bigint): number => Number(v & 0xffffffffn) | 0;
const hi = (v: bigint): number => Number((v >> 32n) & 0xffffffffn) | 0;
const r32 = (r: number): bigint => BigInt(r >>> 0);
const r64 = (s: ExactFloat, r: number): bigint => (BigInt(s.hi >>> 0) << 32n) | BigInt(r >>> 0);

export function ops(): Op[] {
  const list: Op[] = [];
  const add = (mnemonic: string, srcs: Loc[], dst: Loc, rm: boolean, evalFn: Op['eval']) => list.push({ mnemonic, srcs, dst, rm, eval: evalFn });
  const fmaNames = [['fmadd', false, false], ['fmsub', false, true], ['fnmsub', true, false], ['fnmadd', true, true]] as const;
  const kinds = [['w', IntKind.W], ['wu', IntKind.WU], ['l', IntKind.L], ['lu', IntKind.LU]] as const;

  add('fadd.s', ['s', 's'], 's', true, (s, [a, b], rm) => r32(s.add32(lo(a), lo(b), rm)));
  add('fsub.s', ['s', 's'], 's', true, (s, [a, b], rm) => r32(s.sub32(lo(a), lo(b), rm)));
  add('fmul.s', ['s', 's'], 's', true, (s, [a, b], rm) => r32(s.mul32(lo(a), lo(b), rm)));
  add('fdiv.s', ['s', 's'], 's', true, (s, [a, b], rm) => r32(s.div32(lo(a), lo(b), rm)));
  add('fsqrt.s', ['s'], 's', true, (s, [a], rm) => r32(s.sqrt32(lo(a), rm)));
  for (const [n, np, na] of fmaNames) {
    add(`${n}.s`, ['s', 's', 's'], 's', true, (s, [a, b, c], rm) => r32(s.fma32(lo(a), lo(b), lo(c), rm, np, na)));
  }
  add('fmin.s', ['s', 's'], 's', false, (s, [a, b]) => r32(s.min32(lo(a), lo(b))));
  add('fmax.s', ['s', 's'], 's', false, (s, [a, b]) => r32(s.max32(lo(a), lo(b))));
  add('feq.s', ['s', 's'], 'x', false, (s, [a, b]) => BigInt(s.eq32(lo(a), lo(b))));
  add('flt.s', ['s', 's'], 'x', false, (s, [a, b]) => BigInt(s.lt32(lo(a), lo(b))));
  add('fle.s', ['s', 's'], 'x', false, (s, [a, b]) => BigInt(s.le32(lo(a), lo(b))));
  add('fclass.s', ['s'], 'x', false, (s, [a]) => BigInt(s.class32(lo(a))));

  add('fadd.d', ['d', 'd'], 'd', true, (s, [a, b], rm) => r64(s, s.add64(lo(a), hi(a), lo(b), hi(b), rm)));
  add('fsub.d', ['d', 'd'], 'd', true, (s, [a, b], rm) => r64(s, s.sub64(lo(a), hi(a), lo(b), hi(b), rm)));
  add('fmul.d', ['d', 'd'], 'd', true, (s, [a, b], rm) => r64(s, s.mul64(lo(a), hi(a), lo(b), hi(b), rm)));
  add('fdiv.d', ['d', 'd'], 'd', true, (s, [a, b], rm) => r64(s, s.div64(lo(a), hi(a), lo(b), hi(b), rm)));
  add('fsqrt.d', ['d'], 'd', true, (s, [a], rm) => r64(s, s.sqrt64(lo(a), hi(a), rm)));
  for (const [n, np, na] of fmaNames) {
    add(`${n}.d`, ['d', 'd', 'd'], 'd', true, (s, [a, b, c], rm) => r64(s, s.fma64(lo(a), hi(a), lo(b), hi(b), lo(c), hi(c), rm, np, na)));
  }
  add('fmin.d', ['d', 'd'], 'd', false, (s, [a, b]) => r64(s, s.min64(lo(a), hi(a), lo(b), hi(b))));
  add('fmax.d', ['d', 'd'], 'd', false, (s, [a, b]) => r64(s, s.max64(lo(a), hi(a), lo(b), hi(b))));
  add('feq.d', ['d', 'd'], 'x', false, (s, [a, b]) => BigInt(s.eq64(lo(a), hi(a), lo(b), hi(b))));
  add('flt.d', ['d', 'd'], 'x', false, (s, [a, b]) => BigInt(s.lt64(lo(a), hi(a), lo(b), hi(b))));
  add('fle.d', ['d', 'd'], 'x', false, (s, [a, b]) => BigInt(s.le64(lo(a), hi(a), lo(b), hi(b))));
  add('fclass.d', ['d'], 'x', false, (s, [a]) => BigInt(s.class64(lo(a), hi(a))));

  add('fcvt.s.d', ['d'], 's', true, (s, [a], rm) => r32(s.f64ToF32(lo(a), hi(a), rm)));
  add('fcvt.d.s', ['s'], 'd', false, (s, [a]) => r64(s, s.f32ToF64(lo(a))));
  for (const [k, kind] of kinds) {
    add(`fcvt.${k}.s`, ['s'], 'x', true, (s, [a], rm) => r64(s, s.f32ToInt(lo(a), kind, rm)));
    add(`fcvt.${k}.d`, ['d'], 'x', true, (s, [a], rm) => r64(s, s.f64ToInt(lo(a), hi(a), kind, rm)));
    add(`fcvt.s.${k}`, ['x'], 's', true, (s, [a], rm) => r32(s.intToF32(lo(a), hi(a), kind, rm)));
    // binutils rejects a rounding mode on fcvt.d.w/wu: they are always exact.
    const exact = kind === IntKind.W || kind === IntKind.WU;
    add(`fcvt.d.${k}`, ['x'], 'd', !exact, (s, [a], rm) => r64(s, s.intToF64(lo(a), hi(a), kind, exact ? Rm.RNE : rm)));
  }
  return list;
}

const view = new DataView(new ArrayBuffer(8));
const b32 = (x: number): bigint => { view.setFloat32(0, x); return BigInt(view.getUint32(0)); };
const b64 = (x: number): bigint => { view.setFloat64(0, x); return view.getBigUint64(0); };

const EDGE32: bigint[] = [
  0n, 0x80000000n, 1n, 0x80000001n, 0x007fffffn, 0x807fffffn, 0x00800000n, 0x80800000n, 0x3f800000n, 0xbf800000n,
  0x7f7fffffn, 0xff7fffffn, 0x7f800000n, 0xff800000n, 0x7fc00000n, 0xffc00000n, 0x7fc12345n, 0x7f800001n, 0xffbfffffn,
  0x3f800001n, 0x3f7fffffn, b32(0.5), b32(-0.5), b32(1.5), b32(2.5), b32(-2.5), b32(3), b32(0.1), b32(2 ** 23 + 0.5),
  b32(2 ** 31), b32(-(2 ** 31)), 0x4effffffn, b32(2 ** 32), 0x4f7fffffn, b32(2 ** 63), b32(-(2 ** 63)), 0x5effffffn,
  b32(2 ** 64), 0x5f7fffffn, b32(-1e-40), b32(2 ** -126 * 0.75),
];

const EDGE64: bigint[] = [
  0n, 0x8000000000000000n, 1n, 0x8000000000000001n, 0x000fffffffffffffn, 0x0010000000000000n, 0x8010000000000000n,
  b64(1), b64(-1), 0x7fefffffffffffffn, 0xffefffffffffffffn, 0x7ff0000000000000n, 0xfff0000000000000n,
  0x7ff8000000000000n, 0xfff8000000000000n, 0x7ff8000000012345n, 0x7ff0000000000001n, 0xfff7ffffffffffffn,
  b64(1 + 2 ** -52), b64(1 - 2 ** -53), b64(0.5), b64(-0.5), b64(1.5), b64(-2.5), b64(0.1), b64(1 + 2 ** -24),
  b64(2 ** 31), b64(-(2 ** 31)), b64(2 ** 31 - 1), b64(2147483647.5), b64(-2147483648.5), b64(-2147483649),
  b64(2 ** 32), b64(4294967295.5), b64(2 ** 32 - 1), b64(2 ** 63), b64(-(2 ** 63)), 0xc3e0000000000001n,
  0x43dfffffffffffffn, b64(2 ** 64), 0x43efffffffffffffn, b64(2 ** 53 + 2), b64(3.4028235677973366e38),
  b64(2 ** -149), b64(2 ** -150), b64(2 ** -127 + 2 ** -150), b64(1e300), b64(-1e-300), b64(2 ** -1022 * 0.75),
];

const EDGEX: bigint[] = [
  0n, 1n, 0xffffffffffffffffn, 0x7fffffffn, 0x80000000n, 0xffffffff80000000n, 0xffffffffn, 0x100000000n, 0x01000001n,
  0xfffffffffefffffn, 0x7fffffffffffffffn, 0x8000000000000000n, (1n << 53n) + 1n, 0x20000000000801n, 0x1234567887654321n,
  0xffffffff7ffffffen, 0x00000001ffffff81n,
];

interface FormatShape { bits: number; frac: number; expMax: number; edges: bigint[] }
const SHAPE: Record<'s' | 'd', FormatShape> = {
  s: { bits: 32, frac: 23, expMax: 0xff, edges: EDGE32 },
  d: { bits: 64, frac: 52, expMax: 0x7ff, edges: EDGE64 },
};

function randomBig(rnd: () => number, bits: number): bigint {
  let v = 0n;
  for (let i = 0; i < bits; i += 32) v = (v << 32n) | BigInt(Math.floor(rnd() * 4294967296));
  return BigInt.asUintN(bits, v);
}

/** A float built from parts: the biased exponent picked from a band that stresses rounding, underflow or overflow. */
function randomFloat(rnd: () => number, f: FormatShape): bigint {
  const r = rnd();
  if (r < 0.25) return f.edges[Math.floor(rnd() * f.edges.length)];
  if (r < 0.4) return randomBig(rnd, f.bits);
  const bias = f.expMax >> 1;
  let exp: number;
  if (r < 0.7) exp = bias + Math.floor(rnd() * 8) - 4;
  else if (r < 0.85) exp = Math.floor(rnd() * 4);
  else if (r < 0.93) exp = f.expMax - 1 - Math.floor(rnd() * 3);
  else exp = bias + Math.floor(rnd() * 2 * (f.bits === 32 ? 34 : 66)) - (f.bits === 32 ? 34 : 66);
  let frac = randomBig(rnd, f.frac);
  // Few significant bits make ties and exact results likely.
  if (rnd() < 0.3) frac &= ~((1n << BigInt(Math.floor(rnd() * f.frac))) - 1n);
  const sign = rnd() < 0.5 ? 1n : 0n;
  return (sign << BigInt(f.bits - 1)) | (BigInt(exp) << BigInt(f.frac)) | frac;
}

/** A partner for x: nearly equal or nearly opposite (cancellation), or scaled so a product or quotient lands near an exponent limit. */
function relatedFloat(rnd: () => number, x: bigint, f: FormatShape): bigint {
  const r = rnd();
  const signBit = 1n << BigInt(f.bits - 1);
  const mask = (1n << BigInt(f.bits)) - 1n;
  if (r < 0.5) {
    const delta = BigInt(Math.floor(rnd() * 9) - 4);
    return ((x + delta) & mask) ^ (rnd() < 0.5 ? signBit : 0n);
  }
  const bias = f.expMax >> 1;
  const xe = Number((x >> BigInt(f.frac)) & BigInt(f.expMax)) - bias;
  const target = r < 0.8 ? 1 - bias : bias;
  const e = Math.min(f.expMax - 1, Math.max(1, target - xe + Math.floor(rnd() * 5) - 2 + bias));
  return (x & (signBit | ((1n << BigInt(f.frac)) - 1n))) ^ (BigInt(e) << BigInt(f.frac)) ^ randomBig(rnd, 3);
}

function randomInt(rnd: () => number): bigint {
  const r = rnd();
  if (r < 0.3) return EDGEX[Math.floor(rnd() * EDGEX.length)];
  const v = randomBig(rnd, 64) >> BigInt(Math.floor(rnd() * 64));
  return rnd() < 0.5 ? BigInt.asUintN(64, -v) : v;
}

const value = (loc: 's' | 'd', v: bigint): number => {
  if (loc === 's') { view.setUint32(0, Number(v)); return view.getFloat32(0); }
  view.setBigUint64(0, v);
  return view.getFloat64(0);
};
const bitsOf = (loc: 's' | 'd', x: number): bigint => loc === 's' ? b32(x) : b64(x);

/**
 * For a product or quotient: a second operand that puts the exact result within a few ulps of 2^emin or of the
 * largest finite value, where tininess-after-rounding and overflow are decided.
 */
function boundaryPartner(rnd: () => number, loc: 's' | 'd', a: bigint, divide: boolean): bigint {
  const f = SHAPE[loc];
  const bias = f.expMax >> 1;
  const target = rnd() < 0.6 ? 2 ** (1 - bias) : value(loc, (BigInt(f.expMax) << BigInt(f.frac)) - 1n);
  const x = value(loc, a);
  const b = bitsOf(loc, divide ? x / target : target / x);
  const mask = (1n << BigInt(f.bits)) - 1n;
  return (b + BigInt(Math.floor(rnd() * 7) - 3)) & mask;
}

function operands(rnd: () => number, op: Op): bigint[] {
  const first = op.srcs[0];
  const a = first === 'x' ? randomInt(rnd) : randomFloat(rnd, SHAPE[first]);
  const v = [a];
  for (const loc of op.srcs.slice(1)) {
    const f = SHAPE[loc as 's' | 'd'];
    v.push(rnd() < 0.4 ? relatedFloat(rnd, v[v.length - 1], f) : randomFloat(rnd, f));
  }
  if (op.srcs[0] === 'x') return v;
  const loc = op.srcs[0];
  const boundary = /^(fmul|fdiv|fn?m(add|sub))\./.test(op.mnemonic) && rnd() < 0.3;
  if (boundary) v[1] = boundaryPartner(rnd, loc, a, op.mnemonic.startsWith('fdiv'));
  if (op.srcs.length !== 3) return v;
  if (boundary) {
    // A tiny addend (or zero) keeps the sum at the boundary the product sits on.
    v[2] = rnd() < 0.5 ? 0n : randomBig(rnd, 3) | (rnd() < 0.5 ? 1n << BigInt(SHAPE[loc].bits - 1) : 0n);
  } else if (rnd() < 0.3) {
    // An addend that nearly cancels the product exercises the single rounding and exact zeros.
    const s = new SoftFloat();
    const p = loc === 's' ? r32(s.mul32(lo(v[0]), lo(v[1]), Rm.RNE)) : r64(s, s.mul64(lo(v[0]), hi(v[0]), lo(v[1]), hi(v[1]), Rm.RNE));
    v[2] = relatedFloat(rnd, p, SHAPE[loc]);
  }
  return v;
}

/** Operands every op is tried on in every combination: signed zeros, infinities, both NaNs, and a few finite values. */
const SPECIAL: Record<Loc, bigint[]> = {
  s: [0n, 0x80000000n, 0x3f800000n, 0xbf800000n, 0x7f800000n, 0xff800000n, 0x7fc00000n, 0x7f800001n, 1n, 0x807fffffn, 0x7f7fffffn, b32(1.5)],
  d: [0n, 0x8000000000000000n, b64(1), b64(-1), 0x7ff0000000000000n, 0xfff0000000000000n, 0x7ff8000000000000n, 0x7ff0000000000001n,
    1n, 0x800fffffffffffffn, 0x7fefffffffffffffn, b64(1.5)],
  x: EDGEX,
};

/** All combinations of the special operands (for three sources, only the first eight: zeros, infinities, NaNs, ±1). */
function specialTuples(op: Op): bigint[][] {
  let tuples: bigint[][] = [[]];
  for (const loc of op.srcs) {
    const set = op.srcs.length === 3 ? SPECIAL[loc].slice(0, 8) : SPECIAL[loc];
    tuples = tuples.flatMap((t) => set.map((v) => [...t, v]));
  }
  return tuples;
}

/**
 * Products 2^emin·(1 - i²·2^(2-2p)) (times an addend of zero or one subnormal quantum for fma): just below 2^emin,
 * they round to 2^emin when i is small, where only tininess detected after rounding leaves UF clear.
 */
function tininessTuples(rnd: () => number, loc: 's' | 'd', sources: number): bigint[][] {
  const p = SHAPE[loc].frac + 1, emin = 1 - (SHAPE[loc].expMax >> 1);
  const out: bigint[][] = [];
  for (let n = 0; n < 16; n++) {
    const i = 1 + Math.floor(rnd() * 2 ** ((p - 1) / 2));
    const k = Math.floor(rnd() * 6);
    const sign = rnd() < 0.5 ? -1 : 1;
    const a = bitsOf(loc, sign * (1 - i * 2 ** (1 - p)) * 2 ** -k);
    const b = bitsOf(loc, 2 ** emin * (1 + i * 2 ** (1 - p)) * 2 ** k);
    out.push(sources === 3 ? [a, b, [0n, 1n, SHAPE[loc].edges[1]][n % 3]] : [a, b]);
  }
  return out;
}

/** The binary exponent of a finite nonzero double. */
function exponentOf(x: number): number {
  view.setFloat64(0, x);
  const e = (view.getUint16(0) >> 4) & 0x7ff;
  return e === 0 ? -1023 : e - 1023;
}

/**
 * Operands whose exact result sits on, or a hair away from, a place where a careless implementation rounds twice or
 * loses a sticky bit: a power of two minus a sliver (the exact value is in the binade below, tiny below 2^emin); an
 * fma whose product is half an ulp of the addend give or take far less than an ulp of the product (ties broken only
 * by the low bits); integers just off a binary32/binary64 midpoint or just below a power of two.
 */
function nearTieTuples(rnd: () => number, op: Op): bigint[][] {
  const out: bigint[][] = [];
  const loc = op.srcs[0];
  const sign = () => (rnd() < 0.5 ? -1 : 1);
  if (loc === 'x') {
    const p = op.dst === 's' ? 24 : 53;
    const top = /\.wu?$/.test(op.mnemonic) ? 32 : 64;
    for (let n = 0; n < 16; n++) {
      const k = top - 1 - Math.floor(rnd() * (top - p - 1));
      const r = BigInt(Math.floor(rnd() * 5) - 2);
      const v = n % 2 ? (1n << BigInt(k)) + (1n << BigInt(k - p)) + r : (1n << BigInt(k)) - 1n - BigInt(Math.floor(rnd() * 3));
      out.push([BigInt.asUintN(64, rnd() < 0.3 ? -v : v)]);
    }
    return out;
  }
  const p = SHAPE[loc].frac + 1;
  const fp = (x: number) => bitsOf(loc, x);
  if (/^f(add|sub)\./.test(op.mnemonic)) {
    for (let n = 0; n < 12; n++) {
      const k = Math.floor(rnd() * 20) - 10;
      const sliver = (1 + rnd()) * 2 ** (k - p - 1 - Math.floor(rnd() * 40));
      out.push([fp(sign() * 2 ** k), fp(loc === 's' ? Math.fround(sign() * sliver) : sign() * sliver)]);
    }
  } else if (op.srcs.length === 3) {
    for (let n = 0; n < 24; n++) {
      const c = loc === 's' ? Math.fround((1 + rnd()) * 2 ** (Math.floor(rnd() * 20) - 10)) : (1 + rnd()) * 2 ** (Math.floor(rnd() * 20) - 10);
      const halfUlp = 2 ** (exponentOf(c) - p);
      const i = 1 + Math.floor(rnd() * 2 ** Math.floor(rnd() * ((p - 1) / 2)));
      const a = 1 + i * 2 ** (1 - p), b = (1 + sign() * i * 2 ** (1 - p)) * halfUlp * (1 + Math.floor(rnd() * 2));
      out.push([fp(sign() * a), fp(sign() * b), fp(sign() * c)]);
    }
    // 2^emin plus or minus a product far below its ulp: tiny (UF) only on the side below.
    const emin = 1 - (SHAPE[loc].expMax >> 1);
    for (let n = 0; n < 8; n++) {
      const half = emin / 2 - 20 - Math.floor(rnd() * 20);
      out.push([fp(sign() * (1 + rnd()) * 2 ** half), fp((1 + rnd()) * 2 ** half), fp(sign() * 2 ** emin)]);
    }
  }
  return out;
}

export interface Case { op: Op; rm: Rm; v: bigint[] }

export const RM_NAMES = ['rne', 'rtz', 'rdn', 'rup', 'rmm'];
/** Random operand tuples per op (each run in all five modes); ops without a rounding mode get more, run once. */
const TUPLES_PER_OP = 40;
const EXTRA_TUPLES_WITHOUT_RM = 120;

export function cases(seed: number, tuplesPerOp = TUPLES_PER_OP): Case[] {
  const rnd = prng(seed);
  const out: Case[] = [];
  for (const op of ops()) {
    // Each special combination in every mode; for the 512 fma triples, once each with the modes taken in turn.
    specialTuples(op).forEach((v, i) => {
      if (!op.rm) out.push({ op, rm: Rm.RNE, v });
      else if (op.srcs.length === 3) out.push({ op, rm: (i % 5) as Rm, v });
      else for (let rm = Rm.RNE; rm <= Rm.RMM; rm++) out.push({ op, rm, v });
    });
    const n = op.rm ? tuplesPerOp : tuplesPerOp + EXTRA_TUPLES_WITHOUT_RM;
    const extra = [
      ...(/^(fmul|fmadd|fnmsub)\./.test(op.mnemonic) ? tininessTuples(rnd, op.srcs[0] as 's' | 'd', op.srcs.length) : []),
      ...(op.rm ? nearTieTuples(rnd, op) : []),
    ];
    for (let i = 0; i < n + extra.length; i++) {
      const v = i < n ? operands(rnd, op) : extra[i - n];
      if (op.rm) for (let rm = Rm.RNE; rm <= Rm.RMM; rm++) out.push({ op, rm, v });
      else out.push({ op, rm: Rm.RNE, v });
    }
  }
  return out;
}

export function describeCase(c: Case): string {
  const hex = (v: bigint) => `0x${v.toString(16)}`;
  return `${c.op.mnemonic}${c.op.rm ? ` ${RM_NAMES[c.rm]}` : ''} ${c.v.map(hex).join(' ')}`;
}

