// Disassembly in GNU objdump's (binutils 2.40) text, driven by the instruction table's operand syntax.
// Two forms, as `objdump -d` offers: no-aliases (the table's own names) and the default alias form (li, mv, ret, j, …).
import { decode, type Decoded } from './decode';
import { csrName, type PrivSpec } from '../csr/table';

export const ABI_NAMES = [
  'zero', 'ra', 'sp', 'gp', 'tp', 't0', 't1', 't2', 's0', 's1', 'a0', 'a1', 'a2', 'a3', 'a4', 'a5',
  'a6', 'a7', 's2', 's3', 's4', 's5', 's6', 's7', 's8', 's9', 's10', 's11', 't3', 't4', 't5', 't6',
];

/** f0..f31 by their calling-convention names, as objdump prints them. */
export const FP_ABI_NAMES = [
  'ft0', 'ft1', 'ft2', 'ft3', 'ft4', 'ft5', 'ft6', 'ft7', 'fs0', 'fs1', 'fa0', 'fa1', 'fa2', 'fa3', 'fa4', 'fa5',
  'fa6', 'fa7', 'fs2', 'fs3', 'fs4', 'fs5', 'fs6', 'fs7', 'fs8', 'fs9', 'fs10', 'fs11', 'ft8', 'ft9', 'ft10', 'ft11',
];

/**
 * What objdump remembers between instructions of one listing: the value each register got from its last lui,
 * auipc or c.lui, so that a later addi, load, store or jalr on it is annotated with the address it forms
 * (`# 80001000 <data>`). gp-relative accesses are annotated when the program defines __global_pointer$.
 */
export interface AddressMemory {
  hi: (bigint | undefined)[];
  gp?: bigint;
}

export function newAddressMemory(gp?: bigint): AddressMemory {
  return { hi: new Array<bigint | undefined>(32).fill(undefined), gp };
}

export interface DisasmOptions {
  /** Use objdump's default alias forms (li, mv, ret, j, beqz …). Default true. */
  aliases?: boolean;
  /**
   * Names an address as objdump does, `sym` or `sym+0xoff`; addresses then print as `80000008 <sym+0x8>`.
   * Without it (or when it has no name) they print as objdump prints them for a file without symbols: `0x80000008`.
   */
  symbolize?: (addr: bigint) => string | undefined;
  /** Carry objdump's register memory across the instructions of a listing; without it, no `# address` notes. */
  memory?: AddressMemory;
  /** The privileged spec whose CSR names to use (an ELF says which in .riscv.attributes); default the newest. */
  privSpec?: PrivSpec;
}

/** Rounding-mode names by rm field value; objdump says "unknown" for the reserved 5 and 6. */
export const RM_NAMES = ['rne', 'rtz', 'rdn', 'rup', 'rmm', 'unknown', 'unknown', 'dyn'];

const hex = (v: bigint | number): string => `0x${v.toString(16)}`;
/** A fence's predecessor or successor set; objdump calls the empty set "unknown". */
const fenceSet = (v: number): string => (['i', 'o', 'r', 'w'].filter((_, i) => v & (8 >> i)).join('') || 'unknown');

/** An address as objdump's print_address_func shows it. */
export function formatAddress(addr: bigint, opts: DisasmOptions): string {
  const a = BigInt.asUintN(64, addr);
  const sym = opts.symbolize?.(a);
  return sym === undefined ? hex(a) : `${a.toString(16)} <${sym}>`;
}

/** One instruction being printed: its decoding, place, options and the address note objdump may append. */
interface Printing {
  d: Decoded;
  pc: bigint;
  opts: DisasmOptions;
  note?: bigint;
}

/** Names of the encoding (c.addi) and of the instruction it runs (addi); the two differ for compressed rows. */
const enc = (p: Printing): string => p.d.op.encoding.name;
const sem = (p: Printing): string => p.d.op.semantics.name;
const wide = (p: Printing): boolean => p.d.op.length === 4;

/**
 * objdump's maybe_print_address: an access relative to a register that lui/auipc set forms an address worth
 * showing; so does one relative to gp (when __global_pointer$ is known), tp or zero. Using the memory forgets it.
 */
function noteAddress(p: Printing, base: number, offset: number, sext32 = false): void {
  const mem = p.opts.memory;
  if (!mem) return;
  let addr: bigint;
  const hi = mem.hi[base];
  if (hi !== undefined) {
    addr = (base !== 0 ? hi : 0n) + BigInt(offset);
    mem.hi[base] = undefined;
  } else if (base === 3 && mem.gp !== undefined) addr = mem.gp + BigInt(offset);
  else if (base === 4 || base === 0) addr = BigInt(offset);
  else return;
  addr = BigInt.asUintN(64, addr);
  p.note = sext32 ? BigInt.asUintN(64, BigInt.asIntN(32, addr)) : addr;
}

/** The notes objdump takes when it prints an immediate (its 'j' operand, and 'Co'/'Cj' for compressed rows). */
function immediateNotes(p: Printing): void {
  const { rd, rs1, imm } = p.d;
  if (wide(p)) {
    if ((sem(p) === 'addi' && rs1 !== 0) || sem(p) === 'jalr') noteAddress(p, rs1, imm);
    if (sem(p) === 'addiw' && rs1 !== 0) noteAddress(p, rs1, imm, true);
  } else {
    if (enc(p) === 'c.addi' && rd !== 0) noteAddress(p, rd, imm);
    if (enc(p) === 'c.addiw' && rd !== 0) noteAddress(p, rd, imm, true);
  }
}

/** Writing rd with lui, auipc or c.lui is what objdump remembers. */
function rememberUpper(p: Printing): void {
  const mem = p.opts.memory, { d } = p;
  if (!mem || !['lui', 'auipc', 'c.lui'].includes(enc(p))) return;
  mem.hi[d.rd] = BigInt.asUintN(64, (enc(p) === 'auipc' ? p.pc : 0n) + BigInt(d.imm));
}

/** A memory operand `imm(rs1)` or `(rs1)`, with the notes objdump takes for 32-bit loads, stores and jalr. */
function memoryOperand(p: Printing, offset: string, base: string): string {
  if (offset && wide(p)) {
    noteAddress(p, p.d.rs1, p.d.imm); // objdump's 'o' (loads, jalr) and 'q' (stores)
    if (p.d.op.encoding.format !== 'S') immediateNotes(p); // 'o' falls through into 'j'
  }
  const off = offset ? (offset === 'imm' ? String(p.d.imm) : operand(p, offset)) : '';
  return `${off}(${operand(p, base)})`;
}

function operand(p: Printing, token: string): string {
  const m = /^(\w*)\((\w+)\)$/.exec(token);
  if (m) return memoryOperand(p, m[1], m[2]);
  const { d } = p;
  switch (token) {
    case 'rd': rememberUpper(p); return ABI_NAMES[d.rd];
    case 'rs1':
      if (wide(p) && sem(p) === 'jalr') noteAddress(p, d.rs1, d.imm); // objdump's 's'
      return ABI_NAMES[d.rs1];
    case 'rs2': return ABI_NAMES[d.rs2];
    case 'fd': return FP_ABI_NAMES[d.rd];
    case 'fs1': return FP_ABI_NAMES[d.rs1];
    case 'fs2': return FP_ABI_NAMES[d.rs2];
    case 'fs3': return FP_ABI_NAMES[d.raw >>> 27];
    // The rounding mode is shown unless it is DYN; for exact conversions (rmx) unless it is the usual 0.
    case 'rm': { const rm = (d.raw >>> 12) & 7; return rm === 7 ? '' : RM_NAMES[rm]; }
    case 'rmx': { const rm = (d.raw >>> 12) & 7; return rm === 0 ? '' : RM_NAMES[rm]; }
    case 'imm': immediateNotes(p); return String(d.imm);
    case 'uimm': return String(d.imm);
    case 'zimm': return String(d.rs1); // the CSR-immediate forms carry their 5-bit value in the rs1 field
    case 'uimm20': case 'uimm6': return hex((d.imm >>> 12) & 0xfffff);
    case 'shamt': return hex(d.imm);
    case 'target': return formatAddress(p.pc + BigInt(d.imm), p.opts);
    case 'csr': return csrName(d.imm, p.opts.privSpec);
    case 'pred': return fenceSet((d.imm >> 4) & 15);
    case 'succ': return fenceSet(d.imm & 15);
    default: return token; // literal register names such as 'sp'
  }
}

function amoSuffix(d: Decoded): string {
  if (d.op.encoding.format !== 'AMO') return '';
  const aq = (d.raw >>> 26) & 1, rl = (d.raw >>> 25) & 1;
  return aq && rl ? '.aqrl' : aq ? '.aq' : rl ? '.rl' : '';
}

/** Mnemonic, a tab and the operands (optional operands that print as '' are left out), then objdump's note. */
function render(p: Printing, name: string, syntax: string): string {
  const ops = syntax ? syntax.split(',').map((t) => operand(p, t)).filter((s) => s !== '').join(',') : '';
  const text = ops ? `${name}\t${ops}` : name;
  return p.note === undefined ? text : `${text} # ${formatAddress(p.note, p.opts)}`;
}

/**
 * objdump's alias forms, by the row whose encoding they rename; the first whose condition holds wins, as in
 * binutils' opcode table. Operands use the table's syntax. Compressed rows without an entry show their
 * expansion through the expansion's own entry.
 */
interface Alias {
  name: string;
  /** Operand syntax; absent: the row's own (or, for a compressed row, its expansion's). */
  operands?: string;
  when?: (d: Decoded) => boolean;
}

const rdIs = (r: number) => (d: Decoded): boolean => d.rd === r;
const rs1Is = (r: number) => (d: Decoded): boolean => d.rs1 === r;
const rs2Is = (r: number) => (d: Decoded): boolean => d.rs2 === r;
const immIs = (v: number) => (d: Decoded): boolean => d.imm === v;
const all = (...cs: ((d: Decoded) => boolean)[]) => (d: Decoded): boolean => cs.every((c) => c(d));
/** binutils 2.40 shows an immediate form under the register form's name: addi as add, slli as sll, … */
const registerName = (name: string): Alias => ({ name });
/** CSR aliases; fflags (1), frm (2) and fcsr (3) have their own names. */
const FP_CSR_READ = ['', 'frflags', 'frrm', 'frcsr'];
const FP_CSR_WRITE = ['', 'fsflags', 'fsrm', 'fscsr'];
const fpCsr = (d: Decoded): boolean => d.imm >= 1 && d.imm <= 3;
const COUNTERS: Record<number, string> = { 0xc00: 'rdcycle', 0xc01: 'rdtime', 0xc02: 'rdinstret' };
const signInjection = (kind: string, p: 's' | 'd'): Alias[] => [{ name: `${kind}.${p}`, operands: 'fd,fs1', when: (d) => d.rs1 === d.rs2 }];
/** A compressed shift by 0 is RV128's c.slli64/c.srli64/c.srai64 to binutils (a HINT on RV64). */
const shift64 = (name: string): Alias => ({ name: `${name}64`, operands: 'rd', when: immIs(0) });
/** binutils' compressed aliases want rd ≠ x0: the HINT encodings with rd = x0 keep their c.* name. */
const hint = (name: string, operands: string): Alias => ({ name, operands, when: rdIs(0) });
/** `csrrw zero,cycle,zero` (a write to a read-only CSR: always illegal) is binutils' 32-bit unimp, in both forms. */
const UNIMP: Alias = { name: 'unimp', operands: '', when: all(rdIs(0), rs1Is(0), immIs(0xc00)) };
const fenceVma = (name: string): Alias[] => [
  { name, operands: '', when: all(rs1Is(0), rs2Is(0)) },
  { name, operands: 'rs1', when: rs2Is(0) },
];

const ALIASES: Record<string, (Alias | ((d: Decoded) => Alias | undefined))[]> = {
  addi: [
    { name: 'nop', operands: '', when: all(rdIs(0), rs1Is(0), immIs(0)) },
    { name: 'li', operands: 'rd,imm', when: rs1Is(0) },
    { name: 'mv', operands: 'rd,rs1', when: immIs(0) },
    registerName('add'),
  ],
  addiw: [{ name: 'sext.w', operands: 'rd,rs1', when: immIs(0) }, registerName('addw')],
  andi: [{ name: 'zext.b', operands: 'rd,rs1', when: immIs(255) }, registerName('and')],
  ori: [registerName('or')],
  xori: [{ name: 'not', operands: 'rd,rs1', when: immIs(-1) }, registerName('xor')],
  slli: [registerName('sll')], srli: [registerName('srl')], srai: [registerName('sra')],
  slliw: [registerName('sllw')], srliw: [registerName('srlw')], sraiw: [registerName('sraw')],
  sltiu: [{ name: 'seqz', operands: 'rd,rs1', when: immIs(1) }],
  sub: [{ name: 'neg', operands: 'rd,rs2', when: rs1Is(0) }],
  subw: [{ name: 'negw', operands: 'rd,rs2', when: rs1Is(0) }],
  sltu: [{ name: 'snez', operands: 'rd,rs2', when: rs1Is(0) }],
  slt: [{ name: 'sltz', operands: 'rd,rs1', when: rs2Is(0) }, { name: 'sgtz', operands: 'rd,rs2', when: rs1Is(0) }],
  beq: [{ name: 'beqz', operands: 'rs1,target', when: rs2Is(0) }],
  bne: [{ name: 'bnez', operands: 'rs1,target', when: rs2Is(0) }],
  bge: [{ name: 'blez', operands: 'rs2,target', when: rs1Is(0) }, { name: 'bgez', operands: 'rs1,target', when: rs2Is(0) }],
  blt: [{ name: 'bltz', operands: 'rs1,target', when: rs2Is(0) }, { name: 'bgtz', operands: 'rs2,target', when: rs1Is(0) }],
  jal: [{ name: 'j', operands: 'target', when: rdIs(0) }, { name: 'jal', operands: 'target', when: rdIs(1) }],
  jalr: [
    { name: 'ret', operands: '', when: all(rdIs(0), rs1Is(1), immIs(0)) },
    { name: 'jr', operands: 'rs1', when: all(rdIs(0), immIs(0)) },
    { name: 'jr', operands: 'imm(rs1)', when: rdIs(0) },
    { name: 'jalr', operands: 'rs1', when: all(rdIs(1), immIs(0)) },
    { name: 'jalr', operands: 'imm(rs1)', when: rdIs(1) },
    { name: 'jalr', operands: 'rd,rs1', when: immIs(0) },
  ],
  csrrs: [
    (d) => (d.rs1 === 0 && COUNTERS[d.imm] ? { name: COUNTERS[d.imm], operands: 'rd' } : undefined),
    (d) => (d.rs1 === 0 && fpCsr(d) ? { name: FP_CSR_READ[d.imm], operands: 'rd' } : undefined),
    { name: 'csrr', operands: 'rd,csr', when: rs1Is(0) },
    { name: 'csrs', operands: 'csr,rs1', when: rdIs(0) },
  ],
  csrrw: [
    (d) => (fpCsr(d) ? { name: FP_CSR_WRITE[d.imm], operands: d.rd === 0 ? 'rs1' : 'rd,rs1' } : undefined),
    UNIMP,
    { name: 'csrw', operands: 'csr,rs1', when: rdIs(0) },
  ],
  csrrc: [{ name: 'csrc', operands: 'csr,rs1', when: rdIs(0) }],
  csrrwi: [
    (d) => (d.imm === 1 || d.imm === 2 ? { name: `${FP_CSR_WRITE[d.imm]}i`, operands: 'rd,zimm' } : undefined),
    { name: 'csrw', operands: 'csr,zimm', when: rdIs(0) },
    { name: 'csrrw', operands: 'rd,csr,zimm' },
  ],
  csrrsi: [{ name: 'csrs', operands: 'csr,zimm', when: rdIs(0) }, { name: 'csrrs', operands: 'rd,csr,zimm' }],
  csrrci: [{ name: 'csrc', operands: 'csr,zimm', when: rdIs(0) }, { name: 'csrrc', operands: 'rd,csr,zimm' }],
  fence: [{ name: 'fence', operands: '', when: (d) => ((d.imm >> 4) & 15) === 15 && (d.imm & 15) === 15 }],
  'fsgnj.s': signInjection('fmv', 's'), 'fsgnjn.s': signInjection('fneg', 's'), 'fsgnjx.s': signInjection('fabs', 's'),
  'fsgnj.d': signInjection('fmv', 'd'), 'fsgnjn.d': signInjection('fneg', 'd'), 'fsgnjx.d': signInjection('fabs', 'd'),
  // Compressed rows whose expansion binutils does not name as it names the 32-bit instruction.
  'c.addi': [{ name: 'nop', operands: '', when: all(rdIs(0), immIs(0)) }, { name: 'c.nop', operands: 'imm', when: rdIs(0) }, registerName('add')],
  'c.li': [hint('c.li', 'rd,imm')],
  'c.lui': [hint('c.lui', 'rd,uimm6')],
  'c.slli': [shift64('c.slli'), hint('c.slli', 'rd,shamt')],
  'c.srli': [shift64('c.srli')],
  'c.srai': [shift64('c.srai')],
  'c.mv': [hint('c.mv', 'rd,rs2'), { name: 'mv', operands: 'rd,rs2' }],
  'c.add': [hint('c.add', 'rd,rs2')],
  'sfence.vma': fenceVma('sfence.vma'), 'hfence.vvma': fenceVma('hfence.vvma'), 'hfence.gvma': fenceVma('hfence.gvma'),
};

/**
 * Encodings binutils names differently from the table even with -M no-aliases: in its opcode table c.nop is an
 * alias of c.addi, a compressed shift by 0 is RV128's c.slli64/c.srli64/c.srai64 (a HINT on RV64), and one
 * csrrw is unimp.
 */
const RAW_NAMES: Record<string, Alias[]> = {
  csrrw: [UNIMP],
  'c.nop': [{ name: 'c.addi', operands: 'rd,imm' }],
  'c.slli': [shift64('c.slli')],
  'c.srli': [shift64('c.srli')],
  'c.srai': [shift64('c.srai')],
};

/** The alias objdump picks for the row named `row`, if any. */
function findAlias(row: string, d: Decoded, table = ALIASES): Alias | undefined {
  for (const a of table[row] ?? []) {
    const alias = typeof a === 'function' ? a(d) : a.when === undefined || a.when(d) ? a : undefined;
    if (alias) return alias;
  }
  return undefined;
}

/** Bits of a 32-bit encoding each operand token prints, per format where the token's bits depend on it. */
const TOKEN_BITS: Record<string, number> = {
  rd: 0xf80, fd: 0xf80, rs1: 0xf8000, fs1: 0xf8000, zimm: 0xf8000, rs2: 0x1f00000, fs2: 0x1f00000, fs3: 0xf8000000,
  rm: 0x7000, rmx: 0x7000, csr: 0xfff00000, pred: 0x0f000000, succ: 0x00f00000, uimm20: 0xfffff000,
};
const IMM_BITS: Partial<Record<string, number>> = {
  I: 0xfff00000, S: 0xfe000f80, B: 0xfe000f80, J: 0xfffff000, SHIFT64: 0x03f00000, SHIFT32: 0x01f00000, AMO: 0x06000000,
};

/**
 * Whether the assembly text can say every bit of a 32-bit encoding. Bits the operand syntax does not print
 * (a fence's rd, rs1 and fm, the fields of fence.i) must be zero, or objdump shows the word as data.
 */
function expressible(d: Decoded): boolean {
  const e = d.op.encoding;
  if (d.op.length === 2) return true;
  let printed = e.mask | (IMM_BITS[e.format] ?? 0);
  for (const t of e.operands.split(/[,()]/)) printed |= TOKEN_BITS[t] ?? 0;
  return ((d.raw & ~printed) >>> 0) === 0;
}

/** The text objdump prints for an encoding it does not know. */
function unknown(d: Decoded): string {
  return (d.raw & 3) === 3 ? `.4byte\t${hex(d.raw >>> 0)}` : `.2byte\t${hex(d.raw & 0xffff)}`;
}

/** Disassembles raw bits at pc. Compressed instructions are passed as their 16-bit value. */
export function disassemble(raw: number, pc: bigint, opts: DisasmOptions = {}): string {
  const d = decode(raw);
  const p: Printing = { d, pc, opts };
  // The all-zero halfword is reserved as illegal forever; binutils names it.
  if (d.op.id === 1) return raw === 0 ? (opts.aliases === false ? 'c.unimp' : 'unimp') : unknown(d);
  if (!expressible(d)) return unknown(d);
  const e = d.op.encoding;
  if (opts.aliases === false) {
    const raw = findAlias(e.name, d, RAW_NAMES);
    return raw ? render(p, raw.name, raw.operands ?? e.operands) : render(p, d.op.name + amoSuffix(d), e.operands);
  }
  const base = d.op.semantics;
  // A compressed row shows as its expansion, named as objdump names that expansion.
  const operands = d.op.length === 2 ? base.operands : e.operands;
  const alias = findAlias(e.name, d) ?? (d.op.length === 2 ? findAlias(base.name, d) : undefined);
  if (alias) return render(p, alias.name, alias.operands ?? operands);
  return render(p, base.name + amoSuffix(d), operands);
}
