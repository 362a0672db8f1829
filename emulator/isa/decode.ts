// Decoding: raw instruction bits → a row of the instruction table and its operands.
// Opcode ids index `opcodes`; 0 means "not yet decoded" in the predecode cache and 1 is the illegal instruction.
import { compressed, instructions, type CompressedRow, type InstructionRow } from './instructions';
import { decodeOperands, type Operands } from './fields';

/** One executable opcode: a base row, or a compressed row paired with the base row it expands to. */
export interface Opcode {
  id: number;
  name: string;
  /** The row whose mask/match/format/operands describe the encoding. */
  encoding: InstructionRow | CompressedRow;
  /** The row whose semantics run (the expansion, for compressed rows). */
  semantics: InstructionRow;
  length: 2 | 4;
}

export const OP_UNDECODED = 0;
export const OP_ILLEGAL = 1;

const baseByName = new Map(instructions.map((r) => [r.name, r]));

function build(): Opcode[] {
  const ops: Opcode[] = [];
  const illegal: InstructionRow = {
    name: 'illegal', mask: 0, match: 0, format: 'NONE', operands: '', ext: 'I', pg: 'innocuous',
    summary: 'not a valid instruction: raises an illegal-instruction exception', exec: 'TRAP(2, raw, 0);', jumps: true,
  };
  ops.push({ id: 0, name: '(undecoded)', encoding: illegal, semantics: illegal, length: 4 });
  ops.push({ id: 1, name: 'illegal', encoding: illegal, semantics: illegal, length: 4 });
  for (const row of instructions) ops.push({ id: ops.length, name: row.name, encoding: row, semantics: row, length: 4 });
  for (const row of compressed) {
    const semantics = baseByName.get(row.expands);
    if (!semantics) throw new Error(`compressed ${row.name} expands to unknown ${row.expands}`);
    ops.push({ id: ops.length, name: row.name, encoding: row, semantics, length: 2 });
  }
  return ops;
}

export const opcodes: readonly Opcode[] = build();
export const opcodeByName = new Map(opcodes.map((o) => [o.name, o]));

// Candidates per major opcode keep decoding to a short scan.
const wide: Opcode[][] = Array.from({ length: 128 }, () => []);
const narrow: Opcode[][] = Array.from({ length: 32 }, () => []);
for (const op of opcodes.slice(2)) {
  const e = op.encoding;
  if (op.length === 4) wide[e.match & 0x7f].push(op);
  else narrow[(e.match & 3) | (((e.match >>> 13) & 7) << 2)].push(op);
}

export function instructionLength(lowHalf: number): 2 | 4 {
  return (lowHalf & 3) === 3 ? 4 : 2;
}

/** The opcode for raw bits (a 16-bit value for compressed instructions), or the illegal opcode. */
export function decodeOpcode(raw: number): Opcode {
  const candidates = instructionLength(raw) === 4 ? wide[raw & 0x7f] : narrow[(raw & 3) | (((raw >>> 13) & 7) << 2)];
  for (const op of candidates) {
    const e = op.encoding;
    if (((raw & e.mask) >>> 0) === e.match >>> 0 && (!e.valid || e.valid(raw))) return op;
  }
  return opcodes[OP_ILLEGAL];
}

export interface Decoded extends Operands {
  op: Opcode;
  raw: number;
}

export function decode(raw: number): Decoded {
  const op = decodeOpcode(raw);
  return { op, raw, ...decodeOperands(op.encoding.format, raw) };
}
