// A few instruction encoders for unit tests that build programs without a toolchain: opcode bits from the
// instruction table, operand packing by encodeOperands (the assembler's own), so nothing here is a second encoder.
import { opcodeByName } from '../../emulator/isa/decode';
import { encodeOperands, type Operands } from '../../emulator/isa/fields';

/** Instruction `name` with operands packed by its row's format. */
function encode(name: string, o: Partial<Operands>): number {
  const op = opcodeByName.get(name);
  if (!op) throw new Error(`no instruction ${name}`);
  const e = op.encoding;
  return (e.match | encodeOperands(e.format, { rd: 0, rs1: 0, rs2: 0, imm: 0, ...o })) >>> 0;
}

export const R = (name: string, rd: number, rs1: number, rs2: number) => encode(name, { rd, rs1, rs2 });
export const I = (name: string, rd: number, rs1: number, imm: number) => encode(name, { rd, rs1, imm });
export const S = (name: string, rs2: number, rs1: number, imm: number) => encode(name, { rs1, rs2, imm });
export const B = (name: string, rs1: number, rs2: number, off: number) => encode(name, { rs1, rs2, imm: off });
export const U = (name: string, rd: number, imm20: number) => encode(name, { rd, imm: imm20 << 12 });
export const J = (name: string, rd: number, off: number) => encode(name, { rd, imm: off });
export const CSR = (name: string, rd: number, csr: number, rs1: number) => encode(name, { rd, rs1, imm: csr });
export const SYS = (name: string) => encode(name, {});

/** Little-endian bytes of 32-bit instruction words. */
export function program(words: number[]): Uint8Array {
  const out = new Uint8Array(words.length * 4);
  const dv = new DataView(out.buffer);
  words.forEach((w, i) => dv.setUint32(i * 4, w >>> 0, true));
  return out;
}
