// Instruction encoding from the instruction table: operands parsed by each row's operand syntax, fields packed
// by emulator/isa/fields.ts, and GNU-style automatic compression found by matching the table's compressed rows.
import { compressed, instructions, type CompressedRow, type InstructionRow } from '../emulator/isa/instructions';
import { decodeOperands, encodeOperands, type Format, type Operands } from '../emulator/isa/fields';
import { decodeOpcode } from '../emulator/isa/decode';
import type { Expr } from './expr';
import type { Item, Origin } from './items';
import {
  csrNumber, fpRegister, intRegister, parseFenceSet, parseFpRegister, parseIntRegister, parseRoundingMode, splitMemory, SyntaxError_, unknownCsr, type Arg,
} from './syntax';

export const rowByName = new Map<string, InstructionRow>(instructions.map((r) => [r.name, r]));
export const compressedByName = new Map<string, CompressedRow>(compressed.map((r) => [r.name, r]));
/** Compressed rows by the base instruction they expand to, in table order (GNU's preference order). */
const compressedFor = new Map<string, CompressedRow[]>();
for (const c of compressed) compressedFor.set(c.expands, [...(compressedFor.get(c.expands) ?? []), c]);

/** What the encoder needs from the file being assembled. */
export interface EncodeContext {
  rvc: boolean;
  origin: Origin;
  /** Parses an expression operand (numeric local labels resolved). */
  expr(a: Arg): Expr;
  /** The value of an expression if it is a constant now (numbers and .equ constants), else undefined. */
  constant(e: Expr): bigint | undefined;
}

/** Register and immediate fields of one instruction, before packing. */
export interface Fields {
  rd: number;
  rs1: number;
  rs2: number;
  /** FMA's third source, the rounding mode, and the AMO ordering bits, packed outside the format's fields. */
  extra: number;
  imm?: Expr;
  immArg?: Arg;
}

const IMM_KIND: Partial<Record<Format, { bits: number; signed: boolean; what: string }>> = {
  I: { bits: 12, signed: true, what: 'immediate' },
  S: { bits: 12, signed: true, what: 'offset' },
  SHIFT64: { bits: 6, signed: false, what: 'shift amount' },
  SHIFT32: { bits: 5, signed: false, what: 'shift amount' },
  U: { bits: 20, signed: false, what: 'immediate' },
  CI: { bits: 6, signed: true, what: 'immediate' },
  CI_LI: { bits: 6, signed: true, what: 'immediate' },
  CB_ANDI: { bits: 6, signed: true, what: 'immediate' },
};

/** Checks that a constant fits the format's immediate field, with the message a student needs. */
export function checkRange(format: Format, value: bigint, a: Arg | undefined): void {
  const k = IMM_KIND[format];
  if (!k) return;
  const lo = k.signed ? -(1n << BigInt(k.bits - 1)) : 0n, hi = k.signed ? (1n << BigInt(k.bits - 1)) - 1n : (1n << BigInt(k.bits)) - 1n;
  if (value < lo || value > hi) {
    throw new SyntaxError_(`${k.what} ${value} does not fit in ${k.bits} bits (${lo}..${hi})`, a?.column ?? 0, a ? a.column + a.text.length : undefined);
  }
}

/** Parses a table row's operands (its objdump syntax) into fields. */
export function parseOperands(row: InstructionRow | CompressedRow, args: Arg[], ctx: EncodeContext, opColumn: number): Fields {
  const tokens = row.operands ? row.operands.split(',') : [];
  const optional = tokens.filter((t) => t === 'rm' || t === 'rmx').length;
  checkSeparators(args, tokens.length, row.name);
  if (args.length < tokens.length - optional || args.length > tokens.length) {
    throw operandCount(row.name, tokens, optional, args.length, opColumn);
  }
  if ('expands' in row) checkNarrowRegisters(row, tokens, args);
  const f: Fields = { rd: 0, rs1: 0, rs2: 0, extra: 0 };
  tokens.forEach((t, i) => {
    const a = args[i];
    if (a === undefined) { if (t === 'rm') f.extra |= 7 << 12; return; }
    operand(t, a, f, ctx);
  });
  return f;
}

/** Operand syntax as students read it: `rd, rs1, offset(rs1)`, optional ones in brackets. */
export function operandSyntax(tokens: string[]): string {
  return tokens.map((t) => (t === 'rm' || t === 'rmx' ? '[rm]' : t.replace(/^imm\(/, 'offset('))).join(', ').replace(/, \[rm\]/, '[, rm]');
}

export function operandCount(name: string, tokens: string[], optional: number, got: number, column: number): SyntaxError_ {
  const need = tokens.length - optional;
  if (tokens.length === 0) return new SyntaxError_(`'${name}' takes no operands, got ${got}`, column, column + name.length);
  const n = optional ? `${need} or ${tokens.length}` : `${need}`;
  return new SyntaxError_(`'${name}' needs ${n} operand${tokens.length === 1 ? '' : 's'} (${operandSyntax(tokens)}), got ${got}`, column, column + name.length);
}

/** `add a0, a1 a2` and `add a0, a1, a2 extra`: a missing comma or stray text, said as such. */
export function checkSeparators(args: Arg[], want: number, name: string): void {
  args.forEach((a, i) => {
    const m = /^(\S+(?:\([^)]*\))?)\s+(\S.*)$/.exec(a.text);
    // Two words side by side (not an expression such as `1 + 2`) mean a comma is missing or text is left over.
    if (!m || !/^[A-Za-z_0-9]/.test(m[2]) || !/[A-Za-z_0-9)]$/.test(m[1]) || /["'(]/.test(m[1]) && !/\)$/.test(m[1])) return;
    const col = a.column + a.text.indexOf(m[2], m[1].length);
    if (i === args.length - 1 && args.length >= want) throw new SyntaxError_(`unexpected text '${m[2]}' after the operands of '${name}'`, col, col + m[2].length);
    throw new SyntaxError_(`expected ',' after operand ${i + 1}, got '${m[2].split(/\s+/)[0]}'`, col);
  });
}

function operand(t: string, a: Arg, f: Fields, ctx: EncodeContext): void {
  const mem = /^(\w*)\((\w+)\)$/.exec(t);
  if (mem) {
    const m = splitMemory(a);
    if (!m) throw new SyntaxError_(`expected offset(register), got '${a.text}'`, a.column, a.column + a.text.length);
    if (mem[2] === 'sp') { if (parseIntRegister(m.base) !== 2) throw new SyntaxError_(`this form addresses sp only, not '${m.base.text}'`, m.base.column); }
    else f.rs1 = parseIntRegister(m.base);
    if (mem[1]) setImm(f, m.offset.text === '' ? { text: '0', column: m.offset.column } : m.offset, ctx);
    else if (m.offset.text !== '' && ctx.constant(ctx.expr(m.offset)) !== 0n) throw new SyntaxError_(`this instruction takes no offset: write (${m.base.text})`, m.offset.column);
    return;
  }
  switch (t) {
    case 'rd': f.rd = parseIntRegister(a); return;
    case 'rs1': f.rs1 = parseIntRegister(a); return;
    case 'rs2': f.rs2 = parseIntRegister(a); return;
    case 'fd': f.rd = parseFpRegister(a); return;
    case 'fs1': f.rs1 = parseFpRegister(a); return;
    case 'fs2': f.rs2 = parseFpRegister(a); return;
    case 'fs3': f.extra |= parseFpRegister(a) << 27; return;
    case 'rm': case 'rmx': f.extra = (f.extra & ~(7 << 12)) | (parseRoundingMode(a) << 12); return;
    case 'sp': if (parseIntRegister(a) !== 2) throw new SyntaxError_(`this operand must be sp, not '${a.text}'`, a.column); return;
    case 'csr': {
      const n = csrNumber(a);
      if (n !== undefined) { f.imm = { kind: 'num', value: BigInt(n) }; f.immArg = a; return; }
      if (/^[A-Za-z_]/.test(a.text)) throw unknownCsr(a);
      const v = ctx.constant(ctx.expr(a));
      if (v === undefined || v < 0n || v > 0xfffn) throw new SyntaxError_(`CSR number ${v ?? a.text} does not fit in 12 bits (0..4095)`, a.column, a.column + a.text.length);
      f.imm = { kind: 'num', value: v }; f.immArg = a;
      return;
    }
    case 'zimm': {
      const v = ctx.constant(ctx.expr(a));
      if (v === undefined) throw new SyntaxError_(`'${a.text}' must be a constant`, a.column);
      if (v < 0n || v > 31n) throw new SyntaxError_(`immediate ${v} does not fit in 5 bits (0..31)`, a.column, a.column + a.text.length);
      f.rs1 = Number(v);
      return;
    }
    case 'pred': f.extra |= parseFenceSet(a) << 24; return;
    case 'succ': f.extra |= parseFenceSet(a) << 20; return;
    default: setImm(f, a, ctx); // imm, uimm, uimm20, uimm6, shamt, target
  }
}

function setImm(f: Fields, a: Arg, ctx: EncodeContext): void {
  f.imm = ctx.expr(a);
  f.immArg = a;
}

/** The bits of a base instruction whose immediate is the constant imm (already range-checked). */
export function baseWord(row: InstructionRow, f: Fields, imm: number): number {
  const v = row.format === 'U' ? imm << 12 : imm;
  return (row.match | encodeOperands(row.format, { rd: f.rd, rs1: f.rs1, rs2: f.rs2, imm: v }) | f.extra) >>> 0;
}

/** Compressed encodings GNU as never picks: HINTs (rd = x0, a zero immediate or shift) and reserved forms. */
function isHint(c: CompressedRow, o: Operands): boolean {
  switch (c.name) {
    case 'c.addi': return o.rd === 0 || o.imm === 0;
    case 'c.li': case 'c.lui': case 'c.mv': case 'c.add': return o.rd === 0;
    case 'c.slli': case 'c.srli': case 'c.srai': return o.imm === 0 || o.rd === 0;
    default: return false;
  }
}

/** The 16-bit form of a 32-bit instruction word, the way GNU as compresses it, or undefined. */
export function compress(row: InstructionRow, word: number): number | undefined {
  const want = decodeOperands(row.format, word);
  // addi rd, rs, 0 is mv, which GNU as writes as c.mv (that is, add rd, x0, rs).
  if (row.name === 'addi' && want.imm === 0 && want.rd !== 0 && want.rs1 !== 0) {
    return compress(rowByName.get('add')!, baseWord(rowByName.get('add')!, { rd: want.rd, rs1: 0, rs2: want.rs1, extra: 0 }, 0));
  }
  const list = compressedFor.get(row.name);
  if (!list) return undefined;
  const found = compressOperands(list, want);
  // Commutative operations also compress with their sources swapped (add a0, a1, a0 is c.add a0, a1).
  if (found === undefined && COMMUTATIVE.has(row.name) && want.rd === want.rs2) return compressOperands(list, { ...want, rs1: want.rs2, rs2: want.rs1 });
  return found;
}

const COMMUTATIVE = new Set(['add', 'addw', 'and', 'or', 'xor']);

function compressOperands(list: CompressedRow[], want: Operands): number | undefined {
  for (const c of list) {
    const half = (c.match | encodeOperands(c.format, want)) & 0xffff;
    if (decodeOpcode(half).encoding !== c || isHint(c, want)) continue;
    const got = decodeOperands(c.format, half);
    if (got.rd === want.rd && got.rs1 === want.rs1 && got.rs2 === want.rs2 && got.imm === want.imm) return half;
  }
  return undefined;
}

const le = (v: number, n: 2 | 4): Uint8Array => {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (v >>> (8 * i)) & 0xff;
  return b;
};

/**
 * Emits one base instruction. A constant immediate is range-checked and encoded now (compressed where RVC allows);
 * an immediate that names addresses becomes a fixup the linker fills (never compressed, as in GNU as).
 */
export function emitBase(row: InstructionRow, f: Fields, ctx: EncodeContext, allowCompress = true): Item {
  const origin = ctx.origin;
  if (f.imm === undefined) return code(row, baseWord(row, f, 0), ctx, allowCompress);
  const value = ctx.constant(f.imm);
  if (value === undefined) {
    if (row.format === 'B' || row.format === 'J') throw new SyntaxError_('internal: branches to labels are relaxable items', origin.column);
    const pcrelHi = f.imm.kind === 'reloc' && f.imm.op === 'pcrel_hi';
    return { kind: 'fixup', word: baseWord(row, f, 0), length: 4, format: row.format, expr: f.imm, pcRelative: false, origin, pcrelHi };
  }
  if (row.format === 'B' || row.format === 'J') {
    throw new SyntaxError_(`${row.name} needs a label as its target; a number is an absolute address, which a pc-relative branch cannot name here`, f.immArg?.column ?? origin.column);
  }
  checkRange(row.format, value, f.immArg);
  // GNU as never compresses an instruction written with a relocation operator, even when its value is known.
  if (f.imm.kind === 'reloc') allowCompress = false;
  if (row.format === 'CSR' || row.format === 'CSRI') return code(row, baseWord(row, { ...f }, Number(value)), ctx, allowCompress);
  return code(row, baseWord(row, f, Number(BigInt.asIntN(32, value))), ctx, allowCompress);
}

function code(row: InstructionRow, word: number, ctx: EncodeContext, allowCompress: boolean): Item {
  const half = ctx.rvc && allowCompress ? compress(row, word) : undefined;
  return { kind: 'bytes', bytes: half !== undefined ? le(half, 2) : le(word, 4), origin: ctx.origin, code: true };
}

/** An explicit compressed instruction (`c.addi a0, 1`): encoded and checked by decoding it back. */
export function emitCompressed(c: CompressedRow, f: Fields, ctx: EncodeContext): Item {
  if (f.imm !== undefined && (c.format === 'CJ' || c.format === 'CB') && ctx.constant(f.imm) === undefined) {
    // c.j / c.beqz / c.bnez to a label relax like j / beqz / bnez: GNU as widens them when the label is far.
    if (!ctx.rvc) throw new SyntaxError_(`${c.name} needs the C extension, which .option norvc turned off`, ctx.origin.column);
    return { kind: 'relax', name: c.expands, rd: 0, rs1: f.rs1, rs2: 0, target: f.imm, compressible: true, explicit: true, size: 2, origin: ctx.origin };
  }
  if (!ctx.rvc) throw new SyntaxError_(`${c.name} needs the C extension, which .option norvc turned off`, ctx.origin.column);
  let imm = 0;
  if (f.imm !== undefined) {
    const v = ctx.constant(f.imm);
    if (v === undefined) throw new SyntaxError_(`${c.name} needs a constant operand`, f.immArg?.column ?? ctx.origin.column);
    checkRange(c.format, v, f.immArg);
    imm = Number(BigInt.asIntN(32, v));
    if (c.format === 'CI_LUI') imm <<= 12;
  }
  const want: Operands = { rd: f.rd, rs1: f.rs1, rs2: f.rs2, imm };
  const base = rowByName.get(c.expands)!;
  // Operands the compressed syntax leaves implicit (rs1 = rd, sp) come from its own decoding.
  const half = (c.match | encodeOperands(c.format, { ...want, rs1: f.rs1 || f.rd, rs2: f.rs2 })) & 0xffff;
  const got = decodeOperands(c.format, half);
  const ok = decodeOpcode(half).encoding === c && got.imm === imm && (c.operands.includes('rd') ? got.rd === f.rd : true) &&
    (c.operands.includes('rs2') ? got.rs2 === f.rs2 : true) && (/\brs1\b/.test(c.operands) ? got.rs1 === f.rs1 : true);
  if (!ok || base === undefined) throw new SyntaxError_(compressedProblem(c, want), f.immArg?.column ?? ctx.origin.column);
  return { kind: 'bytes', bytes: le(half, 2), origin: ctx.origin, code: true };
}

/** Formats whose register fields are 3 bits wide: only x8..x15 (or f8..f15) fit. */
const CREG_FORMATS = new Set<Format>(['CIW', 'CL_W', 'CL_D', 'CS_W', 'CS_D', 'CA', 'CB', 'CB_SHIFT', 'CB_ANDI']);

/** A compressed instruction with 3-bit register fields names x8..x15 only: say which operand does not. */
function checkNarrowRegisters(c: CompressedRow, tokens: string[], args: Arg[]): void {
  if (!CREG_FORMATS.has(c.format)) return;
  tokens.forEach((t, i) => {
    const reg = /\((\w+)\)$/.exec(t)?.[1] ?? t;
    if (!/^(rd|rs1|rs2|fd|fs2)$/.test(reg) || !args[i]) return;
    const a = splitMemory(args[i])?.base ?? args[i];
    const n = reg.startsWith('f') ? fpRegister(a.text) : intRegister(a.text);
    if (n !== undefined && (n < 8 || n > 15)) {
      throw new SyntaxError_(`compressed instruction ${c.name} needs registers x8..x15 (s0, s1, a0..a5), not '${a.text}'`, a.column, a.column + a.text.length);
    }
  });
}

function compressedProblem(c: CompressedRow, o: Operands): string {
  switch (c.name) {
    case 'c.addi16sp': return 'compressed instruction c.addi16sp needs a non-zero multiple of 16';
    case 'c.addi4spn': return 'compressed instruction c.addi4spn needs a non-zero multiple of 4 (4..1020)';
    case 'c.lui': return 'compressed instruction c.lui needs a non-zero immediate in -32..31 (0xfffe0..0xfffff or 1..31) and rd other than x0 and sp';
    default:
      return `operands do not fit ${c.name} (registers x8-x15 where the format has 3-bit fields; immediate ${o.imm} in range and aligned)`;
  }
}
