// Random instruction sequences for differential fuzzing against QEMU, reproducible from a seed.
// Encodings come from the instruction table itself, so every row (and every compressed form) gets exercised.
import { opcodes, decodeOpcode, type Opcode } from '../../emulator/isa/decode';
import { decodeOperands } from '../../emulator/isa/fields';

/** mulberry32: a tiny seeded PRNG, enough for test generation. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Registers the generator never writes: sp (the runtime's stack), s0 and s11 (they point into scratch memory), s1 (the loop counter). */
const RESERVED = new Set([2, 8, 9, 27]);
const LOOP_REG = 9;
/** The random body runs this many times: translated engines see it as a loop. */
const ITERATIONS = 3;
const SCRATCH_BASE_REG = 27;
/** Compressed loads/stores can only name x8..x15: s0 points at scratch for them. */
const COMPRESSED_BASE_REG = 8;

const isMemory = (op: Opcode): boolean => /^(lb|lh|lw|ld|lbu|lhu|lwu|sb|sh|sw|sd|flw|fsw|fld|fsd)$/.test(op.semantics.name);
const isAtomic = (op: Opcode): boolean => op.encoding.format === 'AMO';
const isBranch = (op: Opcode): boolean => op.encoding.format === 'B' || op.encoding.format === 'CB' && op.semantics.format === 'B';
const EXCLUDED = /^(jalr|c\.jr|c\.jalr|ecall|mret|sret|sfence\.vma|wfi|csrr.*|fence\.i|c\.addi16sp|c\.swsp|c\.sdsp|c\.fsdsp|c\.ebreak|ebreak)$/;

/** Ops the fuzzer draws from. Control flow is limited to forward branches and jal; CSRs are covered by the corpus. */
export const fuzzOps: Opcode[] = opcodes.slice(2).filter((op) => !EXCLUDED.test(op.name));

const SPECIAL = [0n, 1n, -1n, 2n, 0x7fff_ffffn, 0x8000_0000n, -0x8000_0000n, 0xffff_ffffn, 0x7fff_ffff_ffff_ffffn, -(2n ** 63n), 63n, 31n, 32n];

function randomValue(rnd: () => number): bigint {
  const r = rnd();
  if (r < 0.35) return SPECIAL[Math.floor(rnd() * SPECIAL.length)];
  if (r < 0.5) return BigInt(Math.floor(rnd() * 4096) - 2048);
  const hi = BigInt(Math.floor(rnd() * 4294967296)), lo = BigInt(Math.floor(rnd() * 4294967296));
  return BigInt.asIntN(64, (hi << 32n) | lo);
}

/** FP register contents: NaN-boxed singles and doubles, both with the special values, and raw garbage (not boxed). */
const SPECIAL_F32 = [0, 0x80000000, 0x3f800000, 0xbf800000, 0x7f800000, 0xff800000, 0x7fc00000, 0x7fa00000, 0x00000001, 0x007fffff, 0x00800000, 0x7f7fffff, 0x4f000000, 0xcf000000, 0x5f800000, 0x3eaaaaab];
const SPECIAL_F64 = [0n, 0x8000000000000000n, 0x3ff0000000000000n, 0xbff0000000000000n, 0x7ff0000000000000n, 0xfff0000000000000n, 0x7ff8000000000000n,
  0x7ff4000000000000n, 1n, 0x000fffffffffffffn, 0x0010000000000000n, 0x7fefffffffffffffn, 0x43e0000000000000n, 0xc3e0000000000000n, 0x41e0000000000000n, 0x3fd5555555555555n];

function randomFloatBits(rnd: () => number): bigint {
  const r = rnd(), pick = <T>(a: T[]): T => a[Math.floor(rnd() * a.length)];
  const boxed = (v: number): bigint => 0xffffffff00000000n | BigInt(v >>> 0);
  if (r < 0.25) return boxed(pick(SPECIAL_F32));
  if (r < 0.45) return boxed(Math.floor(rnd() * 4294967296));
  if (r < 0.55) return boxed(new Uint32Array(new Float32Array([(rnd() - 0.5) * 200]).buffer)[0]);
  if (r < 0.75) return pick(SPECIAL_F64);
  if (r < 0.85) return new BigUint64Array(new Float64Array([(rnd() - 0.5) * 1e6]).buffer)[0];
  return BigInt.asUintN(64, randomValue(rnd));
}

function randomBits(rnd: () => number): number {
  return Math.floor(rnd() * 4294967296) | 0;
}

/** Draws a valid encoding of op that writes no reserved register and keeps memory accesses in the scratch area. */
function encode(op: Opcode, rnd: () => number): number | undefined {
  for (let attempt = 0; attempt < 50; attempt++) {
    const e = op.encoding;
    let raw = (e.match & e.mask) | (randomBits(rnd) & ~e.mask);
    if (op.length === 2) raw &= 0xffff;
    if (isMemory(op) && op.length === 4) raw = (raw & ~(31 << 15)) | (SCRATCH_BASE_REG << 15);
    if (isAtomic(op)) raw = (raw & ~(31 << 15)) | (SCRATCH_BASE_REG << 15);
    if (decodeOpcode(raw) !== op) continue;
    const d = decodeOperands(e.format, raw);
    if (RESERVED.has(d.rd) && writesRd(op)) continue;
    if (op.length === 2 && isMemory(op) && d.rs1 !== 2 && d.rs1 !== COMPRESSED_BASE_REG) continue;
    return raw;
  }
  return undefined;
}

function writesRd(op: Opcode): boolean {
  const f = op.encoding.format;
  return !(f === 'S' || f === 'B' || f === 'CB' || f === 'CS_W' || f === 'CS_D' || f === 'CSS_SW' || f === 'CSS_SD' || f === 'NONE' || f === 'CNONE')
    || op.semantics.name === 'jal';
}

/**
 * An assembly program: random register and scratch-memory state, a loop running `length` random instructions
 * ITERATIONS times, then a signature dump. Every third seed's body has no branches, so the whole loop is one block
 * (the translator compiles such a block into a loop inside one function).
 */
export function fuzzProgram(seed: number, length = 64): string {
  const rnd = prng(seed);
  const lines = ['.include "common.inc"', 'main:'];
  // The FPU on (FS = Initial), f0..f31 from `fp_init`, and a random dynamic rounding mode.
  lines.push('  li t0, 1 << 13', '  csrs mstatus, t0', '  la t0, fp_init');
  for (let f = 0; f < 32; f++) lines.push(`  fld f${f}, ${8 * f}(t0)`);
  lines.push(`  csrwi frm, ${Math.floor(rnd() * 5)}`);
  const fpInit = Array.from({ length: 32 }, () => randomFloatBits(rnd));
  for (let r = 1; r < 32; r++) {
    if (r === 2) continue;
    if (r === LOOP_REG) lines.push(`  li x${r}, ${ITERATIONS}`);
    else if (r === SCRATCH_BASE_REG) lines.push(`  la x${r}, scratch + 2048`);
    else if (r === COMPRESSED_BASE_REG) lines.push(`  la x${r}, scratch + 1024`);
    else lines.push(`  li x${r}, ${randomValue(rnd)}`);
  }
  // Instructions as raw halfwords/words so the exact encodings (including compressed ones) are what run.
  const body: { raw: number; op: Opcode }[] = [];
  let hasLrD = false, hasScW = false;
  const branchFree = seed % 3 === 0;
  // Short enough that body, decrement and back branch fit in one translated block (64 instructions at most).
  const size = branchFree ? Math.min(length, 48) : length;
  while (body.length < size) {
    const op = fuzzOps[Math.floor(rnd() * fuzzOps.length)];
    if (branchFree && (isBranch(op) || op.semantics.name === 'jal')) continue;
    // QEMU 7.2 bug: sc.w after lr.d at the same address stores the word but reports failure (rd = 1).
    // The body loops, so an lr.d anywhere may precede an sc.w anywhere: a program has one or the other.
    if ((op.name === 'sc.w' && hasLrD) || (op.name === 'lr.d' && hasScW)) continue;
    const raw = encode(op, rnd);
    if (raw === undefined) continue;
    hasLrD ||= op.name === 'lr.d';
    hasScW ||= op.name === 'sc.w';
    body.push({ raw, op });
  }
  lines.push('  .option rvc', 'fuzz_loop:');
  const offsets: number[] = [];
  let at = 0;
  for (const b of body) { offsets.push(at); at += b.op.length; }
  offsets.push(at);
  body.forEach((b, i) => {
    let raw = b.raw;
    // Branches and jal go forward by 1..4 instructions, never past the end: no loops, always terminates.
    if (isBranch(b.op) || b.op.semantics.name === 'jal') {
      const target = Math.min(body.length, i + 1 + Math.floor(rnd() * 4));
      raw = withOffset(b.op, raw, offsets[target] - offsets[i]);
    }
    lines.push(b.op.length === 4 ? `  .word 0x${(raw >>> 0).toString(16)}  # ${b.op.name}` : `  .half 0x${(raw & 0xffff).toString(16)}  # ${b.op.name}`);
  });
  lines.push(`  addi x${LOOP_REG}, x${LOOP_REG}, -1`, `  bnez x${LOOP_REG}, fuzz_loop`);
  // The FP state joins the signature: f0..f31 in fp_dump, fcsr in x9 (the spent loop counter), mstatus.FS in x8.
  lines.push('  .option norvc', '  la x8, fp_dump');
  for (let f = 0; f < 32; f++) lines.push(`  fsd f${f}, ${8 * f}(x8)`);
  lines.push('  csrr x9, fcsr', '  csrr x8, mstatus', '  srli x8, x8, 13', '  andi x8, x8, 3');
  lines.push('  TEST_END', '', '.data', '.balign 8', 'fp_init:', ...fpInit.map((v) => `  .dword ${v}`), 'sig_begin:', 'scratch:');
  for (let i = 0; i < 512; i++) lines.push(`  .dword ${BigInt.asUintN(64, randomValue(rnd))}`);
  lines.push('fp_dump:', '  .zero 256', 'sig_end:', '');
  return lines.join('\n');
}

/** Replaces a branch/jump's offset field. */
function withOffset(op: Opcode, raw: number, off: number): number {
  const bit = (v: number, n: number) => (v >>> n) & 1;
  const bits = (v: number, hi: number, lo: number) => (v >>> lo) & ((1 << (hi - lo + 1)) - 1);
  switch (op.encoding.format) {
    case 'B':
      return (raw & 0x01fff07f) | (bit(off, 12) << 31) | (bits(off, 10, 5) << 25) | (bits(off, 4, 1) << 8) | (bit(off, 11) << 7);
    case 'J':
      return (raw & 0xfff) | (bit(off, 20) << 31) | (bits(off, 10, 1) << 21) | (bit(off, 11) << 20) | (bits(off, 19, 12) << 12);
    case 'CB':
      return (raw & 0xe383) | (bit(off, 8) << 12) | (bits(off, 4, 3) << 10) | (bits(off, 7, 6) << 5) | (bits(off, 2, 1) << 3) | (bit(off, 5) << 2);
    case 'CJ':
      return (raw & 0xe003) | (bit(off, 11) << 12) | (bit(off, 4) << 11) | (bits(off, 9, 8) << 9) | (bit(off, 10) << 8) |
        (bit(off, 6) << 7) | (bit(off, 7) << 6) | (bits(off, 3, 1) << 3) | (bit(off, 5) << 2);
    default:
      return raw;
  }
}
