// Disassembly in objdump's format, driven by the instruction table's operand syntax.
// Two forms, as `objdump -d` offers: no-aliases (the table's own names) and the default alias form (li, mv, ret, j, …).
import { decode, type Decoded } from './decode';
import { csrName } from '../csr/table';

export const ABI_NAMES = [
  'zero', 'ra', 'sp', 'gp', 'tp', 't0', 't1', 't2', 's0', 's1', 'a0', 'a1', 'a2', 'a3', 'a4', 'a5',
  'a6', 'a7', 's2', 's3', 's4', 's5', 's6', 's7', 's8', 's9', 's10', 's11', 't3', 't4', 't5', 't6',
];

export interface DisasmOptions {
  /** Use objdump's default alias forms (li, mv, ret, j, beqz …). Default true. */
  aliases?: boolean;
  /** Names an address for branch/jump targets, as objdump's `<label+off>`. */
  symbolize?: (addr: bigint) => string | undefined;
}

/** f0..f31 by their calling-convention names, as objdump prints them. */
export const FP_ABI_NAMES = [
  'ft0', 'ft1', 'ft2', 'ft3', 'ft4', 'ft5', 'ft6', 'ft7', 'fs0', 'fs1', 'fa0', 'fa1', 'fa2', 'fa3', 'fa4', 'fa5',
  'fa6', 'fa7', 'fs2', 'fs3', 'fs4', 'fs5', 'fs6', 'fs7', 'fs8', 'fs9', 'fs10', 'fs11', 'ft8', 'ft9', 'ft10', 'ft11',
];
/** Rounding-mode names by rm field value; objdump says "unknown" for the reserved 5 and 6. */
const RM_NAMES = ['rne', 'rtz', 'rdn', 'rup', 'rmm', 'unknown', 'unknown', 'dyn'];

const hex = (v: bigint | number): string => `0x${v.toString(16)}`;
const fenceSet = (v: number): string => (['i', 'o', 'r', 'w'].filter((_, i) => v & (8 >> i)).join('') || '0');

function target(pc: bigint, imm: number, opts: DisasmOptions): string {
  const t = BigInt.asUintN(64, pc + BigInt(imm));
  const sym = opts.symbolize?.(t);
  return `${t.toString(16)}${sym ? ` <${sym}>` : ''}`;
}

function operand(token: string, d: Decoded, pc: bigint, opts: DisasmOptions): string {
  const m = /^(\w*)\((\w+)\)$/.exec(token);
  if (m) return `${m[1] ? operand(m[1], d, pc, opts) : ''}(${operand(m[2], d, pc, opts)})`;
  switch (token) {
    case 'rd': return ABI_NAMES[d.rd];
    case 'rs1': return ABI_NAMES[d.rs1];
    case 'rs2': return ABI_NAMES[d.rs2];
    case 'fd': return FP_ABI_NAMES[d.rd];
    case 'fs1': return FP_ABI_NAMES[d.rs1];
    case 'fs2': return FP_ABI_NAMES[d.rs2];
    case 'fs3': return FP_ABI_NAMES[d.raw >>> 27];
    // The rounding mode is shown unless it is DYN; for exact conversions (rmx) unless it is the usual 0.
    case 'rm': { const rm = (d.raw >>> 12) & 7; return rm === 7 ? '' : RM_NAMES[rm]; }
    case 'rmx': { const rm = (d.raw >>> 12) & 7; return rm === 0 ? '' : RM_NAMES[rm]; }
    case 'imm': case 'uimm': case 'zimm': return String(d.imm);
    case 'uimm20': case 'uimm6': return hex((d.imm >>> 12) & 0xfffff);
    case 'shamt': return hex(d.imm);
    case 'target': return target(pc, d.imm, opts);
    case 'csr': return csrName(d.imm);
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

/** The operand list; optional operands (a DYN rounding mode) that print as '' are left out. */
function operands(syntax: string, d: Decoded, pc: bigint, opts: DisasmOptions): string {
  return syntax ? syntax.split(',').map((t) => operand(t, d, pc, opts)).filter((s) => s !== '').join(',') : '';
}

/** The no-aliases text: mnemonic, a tab, operands. */
function canonical(d: Decoded, pc: bigint, opts: DisasmOptions): string {
  const e = d.op.encoding;
  if (d.op.id === 1) return `.insn\t${hex(d.raw >>> 0)}`;
  const ops = operands(e.operands, d, pc, opts);
  const name = d.op.name + amoSuffix(d);
  return ops ? `${name}\t${ops}` : name;
}

/** objdump's names for reading and writing fflags (1), frm (2) and fcsr (3). */
const FP_CSR_READ = ['', 'frflags', 'frrm', 'frcsr'];
const FP_CSR_WRITE = ['', 'fsflags', 'fsrm', 'fscsr'];

/** objdump's alias for the (expanded) instruction, if one applies. */
function alias(d: Decoded, pc: bigint, opts: DisasmOptions): string | undefined {
  const n = d.op.semantics.name, r = ABI_NAMES;
  const { rd, rs1, rs2, imm } = d;
  switch (n) {
    case 'addi':
      if (rd === 0 && rs1 === 0 && imm === 0) return 'nop';
      if (rs1 === 0) return `li\t${r[rd]},${imm}`;
      if (imm === 0) return `mv\t${r[rd]},${r[rs1]}`;
      break;
    case 'addiw': if (imm === 0) return `sext.w\t${r[rd]},${r[rs1]}`; break;
    case 'xori': if (imm === -1) return `not\t${r[rd]},${r[rs1]}`; break;
    case 'sltiu': if (imm === 1) return `seqz\t${r[rd]},${r[rs1]}`; break;
    case 'sub': if (rs1 === 0) return `neg\t${r[rd]},${r[rs2]}`; break;
    case 'subw': if (rs1 === 0) return `negw\t${r[rd]},${r[rs2]}`; break;
    case 'sltu': if (rs1 === 0) return `snez\t${r[rd]},${r[rs2]}`; break;
    case 'slt':
      if (rs2 === 0) return `sltz\t${r[rd]},${r[rs1]}`;
      if (rs1 === 0) return `sgtz\t${r[rd]},${r[rs2]}`;
      break;
    case 'add': if (rs1 === 0) return `mv\t${r[rd]},${r[rs2]}`; break;
    case 'beq': case 'bne': case 'blt': case 'bge':
      if (rs2 === 0) return `${n}z\t${r[rs1]},${target(pc, imm, opts)}`;
      if (rs1 === 0 && n === 'blt') return `bgtz\t${r[rs2]},${target(pc, imm, opts)}`;
      if (rs1 === 0 && n === 'bge') return `blez\t${r[rs2]},${target(pc, imm, opts)}`;
      break;
    case 'jal':
      if (rd === 0) return `j\t${target(pc, imm, opts)}`;
      if (rd === 1) return `jal\t${target(pc, imm, opts)}`;
      break;
    case 'jalr':
      if (rd === 0 && rs1 === 1 && imm === 0) return 'ret';
      if (rd === 0 && imm === 0) return `jr\t${r[rs1]}`;
      if (rd === 1 && imm === 0) return `jalr\t${r[rs1]}`;
      break;
    case 'csrrs': if (rs1 === 0) return imm >= 1 && imm <= 3 ? `${FP_CSR_READ[imm]}\t${r[rd]}` : `csrr\t${r[rd]},${csrName(imm)}`; break;
    case 'csrrw': if (imm >= 1 && imm <= 3) return `${FP_CSR_WRITE[imm]}\t${rd === 0 ? '' : `${r[rd]},`}${r[rs1]}`; break;
    case 'csrrwi': if (imm === 1 || imm === 2) return `${FP_CSR_WRITE[imm]}i\t${r[rd]},${rs1}`; break;
    case 'fsgnj.s': case 'fsgnj.d': case 'fsgnjn.s': case 'fsgnjn.d': case 'fsgnjx.s': case 'fsgnjx.d':
      if (rs1 === rs2) return `${{ fsgnj: 'fmv', fsgnjn: 'fneg', fsgnjx: 'fabs' }[n.slice(0, -2)]}${n.slice(-2)}\t${FP_ABI_NAMES[rd]},${FP_ABI_NAMES[rs1]}`;
      break;
  }
  if (d.op.length === 2) {
    // objdump shows compressed instructions by their expansion when aliases are on.
    const base = d.op.semantics;
    const ops = operands(base.operands, d, pc, opts);
    return ops ? `${base.name}\t${ops}` : base.name;
  }
  if (n.startsWith('csrr') && rd === 0) {
    const short = { csrrw: 'csrw', csrrs: 'csrs', csrrc: 'csrc', csrrwi: 'csrwi', csrrsi: 'csrsi', csrrci: 'csrci' }[n];
    const src = n.endsWith('i') ? String(rs1) : r[rs1];
    return `${short}\t${csrName(imm)},${src}`;
  }
  return undefined;
}

/** Disassembles raw bits at pc. Compressed instructions are passed as their 16-bit value. */
export function disassemble(raw: number, pc: bigint, opts: DisasmOptions = {}): string {
  const d = decode(raw);
  if (opts.aliases !== false && d.op.id !== 1) return alias(d, pc, opts) ?? canonical(d, pc, opts);
  return canonical(d, pc, opts);
}
