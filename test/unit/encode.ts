// A few instruction encoders for unit tests that build programs without a toolchain.
// Opcode bits come from the instruction table; only operand packing is written here (the assembler will own it).
import { opcodeByName } from '../../emulator/isa/decode';

const base = (name: string): number => {
  const op = opcodeByName.get(name);
  if (!op) throw new Error(`no instruction ${name}`);
  return op.encoding.match;
};

export const R = (name: string, rd: number, rs1: number, rs2: number) => base(name) | (rd << 7) | (rs1 << 15) | (rs2 << 20);
export const I = (name: string, rd: number, rs1: number, imm: number) => base(name) | (rd << 7) | (rs1 << 15) | ((imm & 0xfff) << 20);
export const S = (name: string, rs2: number, rs1: number, imm: number) =>
  base(name) | ((imm & 31) << 7) | (rs1 << 15) | (rs2 << 20) | (((imm >> 5) & 0x7f) << 25);
export const B = (name: string, rs1: number, rs2: number, off: number) =>
  base(name) | (((off >> 11) & 1) << 7) | (((off >> 1) & 15) << 8) | (rs1 << 15) | (rs2 << 20) | (((off >> 5) & 63) << 25) | (((off >> 12) & 1) << 31);
export const U = (name: string, rd: number, imm20: number) => base(name) | (rd << 7) | ((imm20 & 0xfffff) << 12);
export const J = (name: string, rd: number, off: number) =>
  base(name) | (rd << 7) | (((off >> 12) & 0xff) << 12) | (((off >> 11) & 1) << 20) | (((off >> 1) & 0x3ff) << 21) | (((off >> 20) & 1) << 31);
export const CSR = (name: string, rd: number, csr: number, rs1: number) => base(name) | (rd << 7) | (rs1 << 15) | (csr << 20);
export const SYS = (name: string) => base(name);

/** Little-endian bytes of 32-bit instruction words. */
export function program(words: number[]): Uint8Array {
  const out = new Uint8Array(words.length * 4);
  const dv = new DataView(out.buffer);
  words.forEach((w, i) => dv.setUint32(i * 4, w >>> 0, true));
  return out;
}
