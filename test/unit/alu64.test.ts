// The 64-bit arithmetic helpers against BigInt, the obvious (slow) oracle, on edge and random values.
import assert from 'node:assert/strict';
import * as A from '../../emulator/isa/alu64';
import { prng } from '../differential/fuzz-program';

const M64 = (1n << 64n) - 1n;
const EDGES = [0n, 1n, 2n, 3n, 0x7fffffffn, 0x80000000n, 0xffffffffn, 0x100000000n, (1n << 52n) - 1n, 1n << 52n, (1n << 53n) + 1n,
  (1n << 63n) - 1n, 1n << 63n, M64, M64 - 1n, 0x8000000000000001n, 0x123456789abcdef0n];

function values(seed: number, count: number): bigint[] {
  const rnd = prng(seed), out = [...EDGES];
  while (out.length < count) {
    const hi = BigInt(Math.floor(rnd() * 4294967296)), lo = BigInt(Math.floor(rnd() * 4294967296));
    const v = (hi << 32n) | lo;
    out.push(rnd() < 0.3 ? v >> BigInt(Math.floor(rnd() * 64)) : v);
  }
  return out;
}

const split = (v: bigint) => [Number(BigInt.asIntN(32, v)), Number(BigInt.asIntN(32, v >> 32n))] as const;
const result = () => BigInt.asUintN(64, (BigInt(A.out[1]) << 32n) | BigInt(A.out[0] >>> 0));
const s64 = (v: bigint) => BigInt.asIntN(64, v);

type Binary = (al: number, ah: number, bl: number, bh: number) => void;

const reference: Record<string, (a: bigint, b: bigint) => bigint> = {
  mul: (a, b) => a * b,
  mulhu: (a, b) => (a * b) >> 64n,
  mulh: (a, b) => (s64(a) * s64(b)) >> 64n,
  mulhsu: (a, b) => (s64(a) * b) >> 64n,
  div: (a, b) => (b === 0n ? -1n : s64(a) === -(1n << 63n) && s64(b) === -1n ? a : s64(a) / s64(b)),
  divu: (a, b) => (b === 0n ? M64 : a / b),
  rem: (a, b) => (b === 0n ? a : s64(a) === -(1n << 63n) && s64(b) === -1n ? 0n : s64(a) % s64(b)),
  remu: (a, b) => (b === 0n ? a : a % b),
};

describe('alu64: 64-bit arithmetic on 32-bit halves agrees with BigInt', () => {
  const vs = values(7, 120);
  for (const [name, ref] of Object.entries(reference)) {
    it(name, () => {
      const fn = (A as unknown as Record<string, Binary>)[name];
      for (const a of vs) for (const b of vs) {
        const [al, ah] = split(a), [bl, bh] = split(b);
        fn(al, ah, bl, bh);
        const want = BigInt.asUintN(64, ref(a, b));
        if (result() !== want) assert.fail(`${name}(0x${a.toString(16)}, 0x${b.toString(16)}) = 0x${result().toString(16)}, want 0x${want.toString(16)}`);
      }
    });
  }

  it('shifts by every amount 0..63', () => {
    for (const a of vs.slice(0, 40)) for (let sh = 0; sh < 64; sh++) {
      const [al, ah] = split(a), n = BigInt(sh);
      A.sll(al, ah, sh); assert.equal(result(), BigInt.asUintN(64, a << n), `sll ${a} ${sh}`);
      A.srl(al, ah, sh); assert.equal(result(), a >> n, `srl ${a} ${sh}`);
      A.sra(al, ah, sh); assert.equal(result(), BigInt.asUintN(64, s64(a) >> n), `sra ${a} ${sh}`);
    }
  });

  it('32-bit division edge cases (divw, divuw, remw, remuw)', () => {
    assert.equal(A.divw(-0x80000000, -1), -0x80000000);
    assert.equal(A.remw(-0x80000000, -1), 0);
    assert.equal(A.divw(7, 0), -1);
    assert.equal(A.remw(7, 0), 7);
    assert.equal(A.divuw(-1, 2), 0x7fffffff);
    assert.equal(A.remuw(-1, 0), -1);
    assert.equal(A.divw(-7, 2), -3);
    assert.equal(A.remw(-7, 2), -1);
  });

  it('split/toNumber round-trip every exactly representable edge value', () => {
    for (const v of [0, 1, -1, 2 ** 31, -(2 ** 31), 2 ** 32, -(2 ** 32), 2 ** 52 - 1, -(2 ** 52)]) {
      A.split(v);
      assert.equal(A.toNumber(A.out[0], A.out[1]), v);
    }
  });
});
