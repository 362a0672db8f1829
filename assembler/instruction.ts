// One instruction statement → items: table rows (with AMO ordering suffixes and optional rounding modes),
// GNU's pseudo-instructions (li, la, call, mv, beqz, csrr, …), and branches that relax by distance.
import type { InstructionRow } from '../emulator/isa/instructions';
import { csrByName } from '../emulator/csr/table';
import { compressedByName, emitBase, emitCompressed, parseOperands, rowByName, type EncodeContext, type Fields } from './encode';
import type { Expr } from './expr';
import type { Item } from './items';
import { closest, csrNumber, intRegister, parseIntRegister, splitMemory, SyntaxError_, unknownCsr, type Arg } from './syntax';

export interface InstructionContext extends EncodeContext {
  /** A fresh hidden label name (for the auipc that a %pcrel_lo pairs with). */
  hiddenLabel(): string;
}

type Out = (item: Item) => void;
type Pseudo = (args: Arg[], ctx: InstructionContext, out: Out, op: Arg) => void;

const num = (v: bigint | number): Expr => ({ kind: 'num', value: BigInt(v) });
const row = (name: string): InstructionRow => rowByName.get(name)!;
const f = (rd: number, rs1: number, rs2: number, imm?: Expr, extra = 0): Fields => ({ rd, rs1, rs2, imm, extra });

/**
 * Emits base instruction `name` with the given registers and immediate. Branches and jumps to labels relax;
 * `jump` says a jal came from `j` (GNU as compresses that one, but not an explicit `jal x0, label`).
 */
function base(name: string, fields: Fields, ctx: InstructionContext, out: Out, jump = false): void {
  const r = row(name);
  if ((r.format === 'B' || r.format === 'J') && fields.imm && ctx.constant(fields.imm) === undefined) {
    out(relaxable(name, fields, ctx, jump));
    return;
  }
  out(emitBase(r, fields, ctx));
}

function relaxable(name: string, fl: Fields, ctx: InstructionContext, jump: boolean): Item {
  const creg = (r: number): boolean => r >= 8 && r <= 15;
  const compressible = ctx.rvc && (name === 'jal' ? jump && fl.rd === 0 : (name === 'beq' || name === 'bne') && fl.rs2 === 0 && creg(fl.rs1));
  const origin = { ...ctx.origin, column: fl.immArg?.column ?? ctx.origin.column };
  return { kind: 'relax', name, rd: fl.rd, rs1: fl.rs1, rs2: fl.rs2, target: fl.imm!, compressible, size: compressible ? 2 : 4, origin };
}

function count(args: Arg[], n: number | number[], name: string, syntax: string, op: Arg): void {
  const ok = Array.isArray(n) ? n.includes(args.length) : args.length === n;
  if (ok) return;
  if (n === 0) throw new SyntaxError_(`'${name}' takes no operands, got ${args.length}`, op.column, op.column + op.text.length);
  const want = Array.isArray(n) ? n.join(' or ') : String(n);
  throw new SyntaxError_(`'${name}' needs ${want} operand${want === '1' ? '' : 's'} (${syntax}), got ${args.length}`, op.column, op.column + op.text.length);
}

const reg = parseIntRegister;

/**
 * GNU as's `li` beyond 12 bits: a 32-bit signed constant is lui and/or addiw; a wider one is built from its upper
 * part recursively, shifted left past its trailing zeros, plus the low 12 bits (binutils' load_const).
 */
function loadConstant(rd: number, v: bigint, ctx: InstructionContext, out: Out): void {
  const lower = BigInt.asIntN(12, v);
  let upper = v - lower;
  if (v !== BigInt.asIntN(32, v)) {
    let shift = 12n;
    while (((upper >> shift) & 1n) === 0n) shift++;
    upper = BigInt.asIntN(64, upper) >> shift;
    loadConstant(rd, upper, ctx, out);
    base('slli', f(rd, rd, 0, num(shift)), ctx, out);
    if (lower !== 0n) base('addi', f(rd, rd, 0, num(lower)), ctx, out);
    return;
  }
  let hiReg = 0;
  if (upper !== 0n) {
    base('lui', f(rd, 0, 0, num((upper >> 12n) & 0xfffffn)), ctx, out);
    hiReg = rd;
  }
  if (lower !== 0n || hiReg === 0) base('addiw', f(rd, hiReg, 0, num(lower)), ctx, out);
}

/** auipc + a second instruction that takes %pcrel_lo of the auipc's label (la, call, tail, symbol loads). */
function pcrelPair(auipcRd: number, target: Expr, ctx: InstructionContext, out: Out, second: (lo: Expr) => void): void {
  const label = ctx.hiddenLabel();
  out({ kind: 'label', name: label, origin: ctx.origin });
  out({ kind: 'fixup', word: (row('auipc').match | (auipcRd << 7)) >>> 0, length: 4, format: 'U', expr: { kind: 'reloc', op: 'pcrel_hi', arg: target, column: ctx.origin.column }, pcRelative: false, origin: ctx.origin, pcrelHi: true });
  second({ kind: 'reloc', op: 'pcrel_lo', arg: { kind: 'sym', name: label, column: ctx.origin.column }, column: ctx.origin.column });
}

const branchPseudo = (name: string, swap: boolean, zero: 'rs1' | 'rs2' | 'none'): Pseudo => (args, ctx, out, op) => {
  const two = zero === 'none';
  count(args, two ? 3 : 2, op.text, two ? 'rs1, rs2, label' : 'rs, label', op);
  const a = reg(args[0]), b = two ? reg(args[1]) : 0, t = ctx.expr(args[two ? 2 : 1]);
  const [rs1, rs2] = two ? (swap ? [b, a] : [a, b]) : zero === 'rs2' ? [a, 0] : [0, a];
  base(name, { ...f(0, rs1, rs2, t), immArg: args[two ? 2 : 1] }, ctx, out);
};

const unary = (name: string, form: (rd: number, rs: number) => Fields): Pseudo => (args, ctx, out, op) => {
  count(args, 2, op.text, 'rd, rs', op);
  base(name, form(reg(args[0]), reg(args[1])), ctx, out);
};

const csrArg = (a: Arg, ctx: InstructionContext): Expr => {
  const c = csrNumber(a);
  if (c !== undefined) return num(c);
  const e = ctx.expr(a), v = ctx.constant(e);
  if (/^[A-Za-z_]/.test(a.text) && v === undefined) throw unknownCsr(a);
  if (v === undefined || v < 0n || v > 0xfffn) throw new SyntaxError_(`CSR number ${v ?? a.text} does not fit in 12 bits (0..4095)`, a.column, a.column + a.text.length);
  return e;
};

/** csrw/csrs/csrc: a register source, or an immediate (then the …i form), as GNU accepts both. */
const csrWrite = (name: string): Pseudo => (args, ctx, out, op) => {
  count(args, 2, op.text, 'csr, rs', op);
  const csr = csrArg(args[0], ctx);
  const isReg = /^[a-z]/.test(args[1].text) && !/^0x/.test(args[1].text);
  if (isReg) base(name, f(0, reg(args[1]), 0, csr), ctx, out);
  else {
    const v = ctx.constant(ctx.expr(args[1]));
    if (v === undefined || v < 0n || v > 31n) throw new SyntaxError_(`immediate ${args[1].text} does not fit in 5 bits (0..31)`, args[1].column);
    base(`${name}i`, f(0, Number(v), 0, csr), ctx, out);
  }
};
const csrImm = (name: string): Pseudo => (args, ctx, out, op) => {
  count(args, 2, op.text, 'csr, imm', op);
  const v = ctx.constant(ctx.expr(args[1]));
  if (v === undefined || v < 0n || v > 31n) throw new SyntaxError_(`immediate ${args[1].text} does not fit in 5 bits (0..31)`, args[1].column);
  base(name, f(0, Number(v), 0, csrArg(args[0], ctx)), ctx, out);
};
/** Reads of a named CSR: rdcycle rd, frcsr rd, … */
const csrRead = (csr: string): Pseudo => (args, ctx, out, op) => {
  count(args, 1, op.text, 'rd', op);
  base('csrrs', f(reg(args[0]), 0, 0, num(csrByName.get(csr)!.num)), ctx, out);
};
/** Swaps of a named CSR: fscsr [rd,] rs, fsrm [rd,] rs, … and their immediate forms. */
const csrSwap = (csr: string, immediate: boolean): Pseudo => (args, ctx, out, op) => {
  count(args, [1, 2], op.text, immediate ? '[rd,] imm' : '[rd,] rs', op);
  const rd = args.length === 2 ? reg(args[0]) : 0, src = args[args.length - 1];
  const n = num(csrByName.get(csr)!.num);
  if (!immediate) { base('csrrw', f(rd, reg(src), 0, n), ctx, out); return; }
  const v = ctx.constant(ctx.expr(src));
  if (v === undefined || v < 0n || v > 31n) throw new SyntaxError_(`immediate ${src.text} does not fit in 5 bits (0..31)`, src.column);
  base('csrrwi', f(rd, Number(v), 0, n), ctx, out);
};

const fpUnary = (name: string): Pseudo => (args, ctx, out, op) => {
  const r = row(name);
  const fl = parseOperands({ ...r, operands: 'fd,fs1' }, args, ctx, op.column);
  base(name, { ...fl, rs2: fl.rs1 }, ctx, out);
  void op;
};

/** Loads and stores to a symbol: auipc into a register, then the access with %pcrel_lo. */
function symbolAccess(name: string, args: Arg[], ctx: InstructionContext, out: Out): boolean {
  const r = rowByName.get(name);
  if (!r || !/imm\(rs1\)$/.test(r.operands) || !args[1] || splitMemory(args[1]) || intRegister(args[1].text) !== undefined) return false;
  const isStore = r.format === 'S';
  if (args.length !== (isStore ? 3 : 2)) return false;
  const fp = r.operands.startsWith('f');
  const first = fp ? { ...parseOperands({ ...r, operands: r.operands.split(',')[0] }, [args[0]], ctx, args[0].column) } : undefined;
  const value = fp ? (isStore ? first!.rs2 : first!.rd) : reg(args[0]);
  const temp = isStore ? reg(args[2]) : fp ? reg(args[2] ?? args[0]) : value;
  pcrelPair(temp, ctx.expr(args[1]), ctx, out, (lo) =>
    base(name, isStore ? f(0, temp, value, lo) : f(value, temp, 0, lo), ctx, out));
  return true;
}

const PSEUDOS = {
  nop: (args, ctx, out, op) => { count(args, 0, 'nop', 'none', op); base('addi', f(0, 0, 0, num(0)), ctx, out); },
  li: (args, ctx, out, op) => {
    count(args, 2, 'li', 'rd, imm', op);
    const rd = reg(args[0]), e = ctx.expr(args[1]), v = ctx.constant(e);
    // A 12-bit constant is the addi alias (so it compresses to c.li); anything wider is load_const.
    if (v !== undefined && v >= -2048n && v < 2048n) { base('addi', f(rd, 0, 0, num(v)), ctx, out); return; }
    if (v !== undefined) { loadConstant(rd, v, ctx, out); return; }
    base('lui', f(rd, 0, 0, { kind: 'reloc', op: 'hi', arg: e, column: args[1].column }), ctx, out);
    base('addi', f(rd, rd, 0, { kind: 'reloc', op: 'lo', arg: e, column: args[1].column }), ctx, out);
  },
  la: (args, ctx, out, op) => PSEUDOS.lla(args, ctx, out, op),
  lla: (args, ctx, out, op) => {
    count(args, 2, op.text, 'rd, symbol', op);
    const rd = reg(args[0]);
    pcrelPair(rd, ctx.expr(args[1]), ctx, out, (lo) => base('addi', f(rd, rd, 0, lo), ctx, out));
  },
  call: (args, ctx, out, op) => {
    count(args, [1, 2], 'call', '[rd,] symbol', op);
    const rd = args.length === 2 ? reg(args[0]) : 1;
    pcrelPair(rd, ctx.expr(args[args.length - 1]), ctx, out, (lo) => base('jalr', f(rd, rd, 0, lo), ctx, out));
  },
  tail: (args, ctx, out, op) => {
    count(args, 1, 'tail', 'symbol', op);
    pcrelPair(6, ctx.expr(args[0]), ctx, out, (lo) => base('jalr', f(0, 6, 0, lo), ctx, out));
  },
  j: (args, ctx, out, op) => { count(args, 1, 'j', 'label', op); base('jal', { ...f(0, 0, 0, ctx.expr(args[0])), immArg: args[0] }, ctx, out, true); },
  jr: (args, ctx, out, op) => {
    count(args, [1, 2], 'jr', 'rs [, offset] or offset(rs)', op);
    const m = splitMemory(args[0]);
    if (m) base('jalr', f(0, reg(m.base), 0, m.offset.text ? ctx.expr(m.offset) : num(0)), ctx, out);
    else base('jalr', f(0, reg(args[0]), 0, args[1] ? ctx.expr(args[1]) : num(0)), ctx, out);
  },
  ret: (args, ctx, out, op) => { count(args, 0, 'ret', 'none', op); base('jalr', f(0, 1, 0, num(0)), ctx, out); },
  mv: (args, ctx, out, op) => {
    count(args, 2, 'mv', 'rd, rs', op);
    const rd = reg(args[0]), rs = reg(args[1]);
    // addi rd, rs, 0, which compresses to c.mv; GNU as leaves `mv rd, zero` 32-bit rather than making it c.li.
    out(emitBase(row('addi'), f(rd, rs, 0, num(0)), ctx, rs !== 0));
  },
  not: unary('xori', (rd, rs) => f(rd, rs, 0, num(-1))),
  neg: unary('sub', (rd, rs) => f(rd, 0, rs)),
  negw: unary('subw', (rd, rs) => f(rd, 0, rs)),
  'sext.w': unary('addiw', (rd, rs) => f(rd, rs, 0, num(0))),
  seqz: unary('sltiu', (rd, rs) => f(rd, rs, 0, num(1))),
  snez: unary('sltu', (rd, rs) => f(rd, 0, rs)),
  sltz: unary('slt', (rd, rs) => f(rd, rs, 0)),
  sgtz: unary('slt', (rd, rs) => f(rd, 0, rs)),
  beqz: branchPseudo('beq', false, 'rs2'),
  bnez: branchPseudo('bne', false, 'rs2'),
  blez: branchPseudo('bge', false, 'rs1'),
  bgez: branchPseudo('bge', false, 'rs2'),
  bltz: branchPseudo('blt', false, 'rs2'),
  bgtz: branchPseudo('blt', false, 'rs1'),
  bgt: branchPseudo('blt', true, 'none'),
  ble: branchPseudo('bge', true, 'none'),
  bgtu: branchPseudo('bltu', true, 'none'),
  bleu: branchPseudo('bgeu', true, 'none'),
  csrr: (args, ctx, out, op) => { count(args, 2, 'csrr', 'rd, csr', op); base('csrrs', f(reg(args[0]), 0, 0, csrArg(args[1], ctx)), ctx, out); },
  csrw: csrWrite('csrrw'),
  csrs: csrWrite('csrrs'),
  csrc: csrWrite('csrrc'),
  csrwi: csrImm('csrrwi'),
  csrsi: csrImm('csrrsi'),
  csrci: csrImm('csrrci'),
  rdcycle: csrRead('cycle'),
  rdtime: csrRead('time'),
  rdinstret: csrRead('instret'),
  frcsr: csrRead('fcsr'),
  frrm: csrRead('frm'),
  frflags: csrRead('fflags'),
  fscsr: csrSwap('fcsr', false),
  fsrm: csrSwap('frm', false),
  fsflags: csrSwap('fflags', false),
  fsrmi: csrSwap('frm', true),
  fsflagsi: csrSwap('fflags', true),
  'fmv.x.s': (args, ctx, out, op) => { out(emitBase(row('fmv.x.w'), parseOperands(row('fmv.x.w'), args, ctx, op.column), ctx)); },
  'fmv.s.x': (args, ctx, out, op) => { out(emitBase(row('fmv.w.x'), parseOperands(row('fmv.w.x'), args, ctx, op.column), ctx)); },
  'fmv.s': fpUnary('fsgnj.s'),
  'fmv.d': fpUnary('fsgnj.d'),
  'fabs.s': fpUnary('fsgnjx.s'),
  'fabs.d': fpUnary('fsgnjx.d'),
  'fneg.s': fpUnary('fsgnjn.s'),
  'fneg.d': fpUnary('fsgnjn.d'),
  'c.unimp': (args, ctx, out, op) => {
    count(args, 0, 'c.unimp', 'none', op);
    if (!ctx.rvc) throw new SyntaxError_('c.unimp needs the C extension, which .option norvc turned off', op.column);
    out({ kind: 'bytes', bytes: new Uint8Array(2), origin: ctx.origin, code: true });
  },
  unimp: (args, ctx, out, op) => {
    count(args, 0, 'unimp', 'none', op);
    if (ctx.rvc) out({ kind: 'bytes', bytes: new Uint8Array(2), origin: ctx.origin, code: true });
    else base('csrrw', f(0, 0, 0, num(csrByName.get('cycle')!.num)), ctx, out);
  },
} satisfies Record<string, Pseudo>;

/**
 * What each pseudo-instruction takes and does, for hover, completion and the grammar. Keyed by PSEUDOS' own
 * names, so a pseudo-instruction cannot be added without its documentation, nor documented without existing.
 * An operand named `csr` marks the CSR forms: the grammar scopes CSR names there.
 */
const PSEUDO_DOCS: Record<keyof typeof PSEUDOS, { operands: string; summary: string }> = {
  nop: { operands: '', summary: 'no operation (addi zero, zero, 0)' },
  li: { operands: 'rd,imm', summary: 'load an immediate of any size (lui, addi(w), slli as needed)' },
  la: { operands: 'rd,symbol', summary: 'load the address of symbol (auipc + addi: code here is not position-independent, so la is lla)' },
  lla: { operands: 'rd,symbol', summary: 'load the pc-relative address of symbol (auipc + addi)' },
  call: { operands: 'symbol', summary: 'call a subroutine anywhere in ±2 GiB (auipc ra + jalr ra); `call rd, symbol` links through rd' },
  tail: { operands: 'symbol', summary: 'tail-call a subroutine anywhere in ±2 GiB (auipc t1 + jalr zero)' },
  j: { operands: 'target', summary: 'jump (jal zero, target)' },
  jr: { operands: 'rs1', summary: 'jump to the address in rs1 (jalr zero, 0(rs1))' },
  ret: { operands: '', summary: 'return from a subroutine (jalr zero, 0(ra))' },
  mv: { operands: 'rd,rs1', summary: 'copy a register (addi rd, rs1, 0)' },
  not: { operands: 'rd,rs1', summary: 'bitwise complement (xori rd, rs1, -1)' },
  neg: { operands: 'rd,rs2', summary: 'negate (sub rd, zero, rs2)' },
  negw: { operands: 'rd,rs2', summary: 'negate word, sign-extended (subw rd, zero, rs2)' },
  'sext.w': { operands: 'rd,rs1', summary: 'sign-extend the low word (addiw rd, rs1, 0)' },
  seqz: { operands: 'rd,rs1', summary: 'rd = 1 if rs1 == 0, else 0 (sltiu rd, rs1, 1)' },
  snez: { operands: 'rd,rs2', summary: 'rd = 1 if rs2 != 0, else 0 (sltu rd, zero, rs2)' },
  sltz: { operands: 'rd,rs1', summary: 'rd = 1 if rs1 < 0, else 0 (slt rd, rs1, zero)' },
  sgtz: { operands: 'rd,rs2', summary: 'rd = 1 if rs2 > 0, else 0 (slt rd, zero, rs2)' },
  beqz: { operands: 'rs1,target', summary: 'branch if rs1 == 0 (beq rs1, zero, target)' },
  bnez: { operands: 'rs1,target', summary: 'branch if rs1 != 0 (bne rs1, zero, target)' },
  blez: { operands: 'rs1,target', summary: 'branch if rs1 <= 0 (bge zero, rs1, target)' },
  bgez: { operands: 'rs1,target', summary: 'branch if rs1 >= 0 (bge rs1, zero, target)' },
  bltz: { operands: 'rs1,target', summary: 'branch if rs1 < 0 (blt rs1, zero, target)' },
  bgtz: { operands: 'rs1,target', summary: 'branch if rs1 > 0 (blt zero, rs1, target)' },
  bgt: { operands: 'rs1,rs2,target', summary: 'branch if rs1 > rs2, signed (blt rs2, rs1, target)' },
  ble: { operands: 'rs1,rs2,target', summary: 'branch if rs1 <= rs2, signed (bge rs2, rs1, target)' },
  bgtu: { operands: 'rs1,rs2,target', summary: 'branch if rs1 > rs2, unsigned (bltu rs2, rs1, target)' },
  bleu: { operands: 'rs1,rs2,target', summary: 'branch if rs1 <= rs2, unsigned (bgeu rs2, rs1, target)' },
  csrr: { operands: 'rd,csr', summary: 'read a CSR (csrrs rd, csr, zero)' },
  csrw: { operands: 'csr,rs1', summary: 'write a CSR (csrrw zero, csr, rs1)' },
  csrs: { operands: 'csr,rs1', summary: 'set the CSR bits that are set in rs1 (csrrs zero, csr, rs1)' },
  csrc: { operands: 'csr,rs1', summary: 'clear the CSR bits that are set in rs1 (csrrc zero, csr, rs1)' },
  csrwi: { operands: 'csr,zimm', summary: 'write a 5-bit immediate to a CSR (csrrwi zero, csr, zimm)' },
  csrsi: { operands: 'csr,zimm', summary: 'set CSR bits from a 5-bit immediate (csrrsi zero, csr, zimm)' },
  csrci: { operands: 'csr,zimm', summary: 'clear CSR bits from a 5-bit immediate (csrrci zero, csr, zimm)' },
  rdcycle: { operands: 'rd', summary: 'read the cycle counter (csrrs rd, cycle, zero)' },
  rdtime: { operands: 'rd', summary: 'read the real-time clock (csrrs rd, time, zero)' },
  rdinstret: { operands: 'rd', summary: 'read the instructions-retired counter (csrrs rd, instret, zero)' },
  frcsr: { operands: 'rd', summary: 'read fcsr (csrrs rd, fcsr, zero)' },
  frrm: { operands: 'rd', summary: 'read the dynamic rounding mode (csrrs rd, frm, zero)' },
  frflags: { operands: 'rd', summary: 'read the accrued FP exception flags (csrrs rd, fflags, zero)' },
  fscsr: { operands: 'rd,rs1', summary: 'swap fcsr with rs1 (csrrw rd, fcsr, rs1); `fscsr rs1` only writes it' },
  fsrm: { operands: 'rd,rs1', summary: 'swap the dynamic rounding mode with rs1 (csrrw rd, frm, rs1); `fsrm rs1` only writes it' },
  fsflags: { operands: 'rd,rs1', summary: 'swap the FP exception flags with rs1 (csrrw rd, fflags, rs1); `fsflags rs1` only writes them' },
  fsrmi: { operands: 'rd,zimm', summary: 'swap the dynamic rounding mode with an immediate (csrrwi rd, frm, zimm)' },
  fsflagsi: { operands: 'rd,zimm', summary: 'swap the FP exception flags with an immediate (csrrwi rd, fflags, zimm)' },
  'fmv.x.s': { operands: 'rd,fs1', summary: 'the old name of fmv.x.w: rd = the bits of fs1 (single, sign-extended)' },
  'fmv.s.x': { operands: 'fd,rs1', summary: 'the old name of fmv.w.x: fd = the bits of rs1 (NaN-boxed)' },
  'fmv.s': { operands: 'fd,fs1', summary: 'copy a single (fsgnj.s fd, fs1, fs1)' },
  'fmv.d': { operands: 'fd,fs1', summary: 'copy a double (fsgnj.d fd, fs1, fs1)' },
  'fabs.s': { operands: 'fd,fs1', summary: 'single absolute value (fsgnjx.s fd, fs1, fs1)' },
  'fabs.d': { operands: 'fd,fs1', summary: 'double absolute value (fsgnjx.d fd, fs1, fs1)' },
  'fneg.s': { operands: 'fd,fs1', summary: 'single negation (fsgnjn.s fd, fs1, fs1)' },
  'fneg.d': { operands: 'fd,fs1', summary: 'double negation (fsgnjn.d fd, fs1, fs1)' },
  'c.unimp': { operands: '', summary: 'the compressed always-illegal instruction (0x0000): it traps' },
  unimp: { operands: '', summary: 'an instruction that is always illegal: it traps (csrrw zero, cycle, zero, or c.unimp)' },
};

/** Every pseudo-instruction the assembler accepts, with its operand syntax and one line saying what it does. */
export const pseudoInstructions: readonly { name: string; operands: string; summary: string }[] =
  Object.entries(PSEUDO_DOCS).map(([name, d]) => ({ name, ...d }));

/** Table rows whose operands GNU lets you leave out or write differently. */
function shortForm(name: string, args: Arg[], ctx: InstructionContext, out: Out): boolean {
  if (name === 'fence' && args.length === 0) { base('fence', f(0, 0, 0, undefined, 0xff << 20), ctx, out); return true; }
  if ((name === 'sfence.vma' || name === 'hfence.vvma' || name === 'hfence.gvma') && args.length < 2) { base(name, f(0, args[0] ? reg(args[0]) : 0, 0), ctx, out); return true; }
  if (name === 'jal' && args.length === 1) { base('jal', { ...f(1, 0, 0, ctx.expr(args[0])), immArg: args[0] }, ctx, out); return true; }
  if (name === 'jalr' && (args.length === 1 || (args.length >= 2 && !splitMemory(args[1])))) {
    // jalr rs | jalr offset(rs) | jalr rd, rs | jalr rd, rs, imm
    const m = args.length === 1 ? splitMemory(args[0]) : undefined;
    if (m) { base('jalr', f(1, reg(m.base), 0, m.offset.text ? ctx.expr(m.offset) : num(0)), ctx, out); return true; }
    // Only `jalr rs` compresses (to c.jalr); GNU keeps the explicit two- and three-operand forms 32-bit.
    if (args.length === 1) { base('jalr', f(1, reg(args[0]), 0, num(0)), ctx, out); return true; }
    out(emitBase(row('jalr'), f(reg(args[0]), reg(args[1]), 0, args[2] ? ctx.expr(args[2]) : num(0)), ctx, false));
    return true;
  }
  return false;
}

/** The AMO row and ordering bits for names such as `amoadd.w.aqrl` or `lr.d.aq`. */
function amoSuffix(name: string): { row: InstructionRow; extra: number } | undefined {
  const m = /^(.*)\.(aq|rl|aqrl)$/.exec(name);
  const r = m ? rowByName.get(m[1]) : undefined;
  if (!m || !r || r.format !== 'AMO') return undefined;
  return { row: r, extra: (m[2].includes('aq') ? 1 << 26 : 0) | (m[2].includes('rl') ? 1 << 25 : 0) };
}

export const isPseudo = (name: string): boolean => Object.hasOwn(PSEUDOS, name);

/** Every mnemonic the assembler accepts (table rows, compressed rows, pseudo-instructions). */
export function knownMnemonics(): string[] {
  return [...rowByName.keys(), ...compressedByName.keys(), ...Object.keys(PSEUDOS)];
}

/** Assembles one instruction statement into items. Throws SyntaxError_ with a column on bad input. */
export function assembleInstruction(op: Arg, args: Arg[], ctx: InstructionContext, out: Out): void {
  const name = op.text.toLowerCase();
  const pseudo = isPseudo(name) ? PSEUDOS[name as keyof typeof PSEUDOS] : undefined;
  if (pseudo) { pseudo(args, ctx, out, op); return; }
  if (shortForm(name, args, ctx, out) || symbolAccess(name, args, ctx, out)) return;
  const r = rowByName.get(name);
  if (r) {
    const fl = parseOperands(r, args, ctx, op.column);
    // An explicit `jalr rd, offset(rs)` stays 32-bit in GNU as; `jalr rs`, `jr` and `ret` compress.
    if (name === 'jalr') out(emitBase(r, fl, ctx, false));
    else base(name, fl, ctx, out);
    return;
  }
  const amo = amoSuffix(name);
  if (amo) {
    const fl = parseOperands(amo.row, args, ctx, op.column);
    base(amo.row.name, { ...fl, extra: fl.extra | amo.extra }, ctx, out);
    return;
  }
  const c = compressedByName.get(name);
  if (c) { out(emitCompressed(c, parseOperands(c, args, ctx, op.column), ctx)); return; }
  const guess = closest(name, knownMnemonics());
  throw new SyntaxError_(`unknown instruction '${op.text}'${guess ? ` — did you mean '${guess}'?` : ''}`, op.column, op.column + op.text.length);
}
