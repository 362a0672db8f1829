// Operand formats: how each encoding format packs registers and immediates into bits.
// Decode lives here once; the decoder, disassembler and (later) the assembler all use it.

/** Encoding formats. 32-bit formats first, then the compressed (16-bit) ones. */
export type Format =
  | 'R' | 'I' | 'S' | 'B' | 'U' | 'J'
  | 'R4' | 'SHIFT64' | 'SHIFT32' | 'CSR' | 'CSRI' | 'AMO' | 'FENCE' | 'NONE'
  | 'CR_JR' | 'CR_JALR' | 'CR_MV' | 'CR_ADD' | 'CI' | 'CI_LI' | 'CI_LUI' | 'CI_SP16' | 'CI_SHIFT' | 'CI_LWSP' | 'CI_LDSP'
  | 'CSS_SW' | 'CSS_SD' | 'CIW' | 'CL_W' | 'CL_D' | 'CS_W' | 'CS_D' | 'CA'
  | 'CB' | 'CB_SHIFT' | 'CB_ANDI' | 'CJ' | 'CNONE';

/** Operands of one instruction in base-ISA terms (a compressed instruction names its expansion's registers). */
export interface Operands {
  rd: number;
  rs1: number;
  rs2: number;
  imm: number;
}

const bits = (x: number, hi: number, lo: number): number => (x >>> lo) & ((1 << (hi - lo + 1)) - 1);
const sext = (x: number, width: number): number => (x << (32 - width)) >> (32 - width);
/** Compressed 3-bit register fields name x8..x15. */
const creg = (x: number, lo: number): number => 8 + bits(x, lo + 2, lo);

function immI(x: number): number { return x >> 20; }
function immS(x: number): number { return ((x >> 25) << 5) | bits(x, 11, 7); }
function immB(x: number): number {
  return sext((bits(x, 31, 31) << 12) | (bits(x, 7, 7) << 11) | (bits(x, 30, 25) << 5) | (bits(x, 11, 8) << 1), 13);
}
function immJ(x: number): number {
  return sext((bits(x, 31, 31) << 20) | (bits(x, 19, 12) << 12) | (bits(x, 20, 20) << 11) | (bits(x, 30, 21) << 1), 21);
}
function immCI(x: number): number { return sext((bits(x, 12, 12) << 5) | bits(x, 6, 2), 6); }
function immCB(x: number): number {
  return sext((bits(x, 12, 12) << 8) | (bits(x, 6, 5) << 6) | (bits(x, 2, 2) << 5) | (bits(x, 11, 10) << 3) | (bits(x, 4, 3) << 1), 9);
}
function immCJ(x: number): number {
  return sext(
    (bits(x, 12, 12) << 11) | (bits(x, 8, 8) << 10) | (bits(x, 10, 9) << 8) | (bits(x, 6, 6) << 7) |
    (bits(x, 7, 7) << 6) | (bits(x, 2, 2) << 5) | (bits(x, 11, 11) << 4) | (bits(x, 5, 3) << 1), 12);
}

/** Extracts operands from raw bits. For compressed formats the result is the expanded instruction's operands. */
export function decodeOperands(format: Format, x: number): Operands {
  const rd = bits(x, 11, 7), rs1 = bits(x, 19, 15), rs2 = bits(x, 24, 20);
  switch (format) {
    case 'R': case 'R4': case 'AMO': return { rd, rs1, rs2, imm: 0 }; // R4's rs3 and rm stay in the raw bits
    case 'I': return { rd, rs1, rs2: 0, imm: immI(x) };
    case 'S': return { rd: 0, rs1, rs2, imm: immS(x) };
    case 'B': return { rd: 0, rs1, rs2, imm: immB(x) };
    case 'U': return { rd, rs1: 0, rs2: 0, imm: x & 0xfffff000 };
    case 'J': return { rd, rs1: 0, rs2: 0, imm: immJ(x) };
    case 'SHIFT64': return { rd, rs1, rs2: 0, imm: bits(x, 25, 20) };
    case 'SHIFT32': return { rd, rs1, rs2: 0, imm: bits(x, 24, 20) };
    case 'CSR': case 'CSRI': return { rd, rs1, rs2: 0, imm: bits(x, 31, 20) };
    case 'FENCE': return { rd, rs1, rs2: 0, imm: bits(x, 31, 20) };
    case 'NONE': return { rd: 0, rs1: 0, rs2: 0, imm: 0 };
    case 'CR_JR': return { rd: 0, rs1: rd, rs2: 0, imm: 0 };
    case 'CR_JALR': return { rd: 1, rs1: rd, rs2: 0, imm: 0 };
    case 'CR_MV': return { rd, rs1: 0, rs2: bits(x, 6, 2), imm: 0 };
    case 'CR_ADD': return { rd, rs1: rd, rs2: bits(x, 6, 2), imm: 0 };
    case 'CI_LI': return { rd, rs1: 0, rs2: 0, imm: immCI(x) };
    case 'CI': case 'CI_SHIFT': {
      const imm = format === 'CI' ? immCI(x) : (bits(x, 12, 12) << 5) | bits(x, 6, 2);
      return { rd, rs1: rd, rs2: 0, imm };
    }
    case 'CI_LUI': return { rd, rs1: 0, rs2: 0, imm: immCI(x) << 12 };
    case 'CI_SP16': return {
      rd: 2, rs1: 2, rs2: 0,
      imm: sext((bits(x, 12, 12) << 9) | (bits(x, 4, 3) << 7) | (bits(x, 5, 5) << 6) | (bits(x, 2, 2) << 5) | (bits(x, 6, 6) << 4), 10),
    };
    case 'CI_LWSP': return { rd, rs1: 2, rs2: 0, imm: (bits(x, 3, 2) << 6) | (bits(x, 12, 12) << 5) | (bits(x, 6, 4) << 2) };
    case 'CI_LDSP': return { rd, rs1: 2, rs2: 0, imm: (bits(x, 4, 2) << 6) | (bits(x, 12, 12) << 5) | (bits(x, 6, 5) << 3) };
    case 'CSS_SW': return { rd: 0, rs1: 2, rs2: bits(x, 6, 2), imm: (bits(x, 8, 7) << 6) | (bits(x, 12, 9) << 2) };
    case 'CSS_SD': return { rd: 0, rs1: 2, rs2: bits(x, 6, 2), imm: (bits(x, 9, 7) << 6) | (bits(x, 12, 10) << 3) };
    case 'CIW': return {
      rd: creg(x, 2), rs1: 2, rs2: 0,
      imm: (bits(x, 10, 7) << 6) | (bits(x, 12, 11) << 4) | (bits(x, 5, 5) << 3) | (bits(x, 6, 6) << 2),
    };
    case 'CL_W': return { rd: creg(x, 2), rs1: creg(x, 7), rs2: 0, imm: (bits(x, 5, 5) << 6) | (bits(x, 12, 10) << 3) | (bits(x, 6, 6) << 2) };
    case 'CL_D': return { rd: creg(x, 2), rs1: creg(x, 7), rs2: 0, imm: (bits(x, 6, 5) << 6) | (bits(x, 12, 10) << 3) };
    case 'CS_W': return { rd: 0, rs1: creg(x, 7), rs2: creg(x, 2), imm: (bits(x, 5, 5) << 6) | (bits(x, 12, 10) << 3) | (bits(x, 6, 6) << 2) };
    case 'CS_D': return { rd: 0, rs1: creg(x, 7), rs2: creg(x, 2), imm: (bits(x, 6, 5) << 6) | (bits(x, 12, 10) << 3) };
    case 'CA': return { rd: creg(x, 7), rs1: creg(x, 7), rs2: creg(x, 2), imm: 0 };
    case 'CB': return { rd: 0, rs1: creg(x, 7), rs2: 0, imm: immCB(x) };
    case 'CB_SHIFT': return { rd: creg(x, 7), rs1: creg(x, 7), rs2: 0, imm: (bits(x, 12, 12) << 5) | bits(x, 6, 2) };
    case 'CB_ANDI': return { rd: creg(x, 7), rs1: creg(x, 7), rs2: 0, imm: immCI(x) };
    case 'CJ': return { rd: 0, rs1: 0, rs2: 0, imm: immCJ(x) };
    case 'CNONE': return { rd: 0, rs1: 0, rs2: 0, imm: 0 };
  }
}

const put = (v: number, hi: number, lo: number, at: number): number => ((v >>> lo) & ((1 << (hi - lo + 1)) - 1)) << at;
/** A compressed register field: x8..x15 as 0..7 (callers check the range by decoding the result back). */
const cr = (r: number, at: number): number => ((r - 8) & 7) << at;

/**
 * Packs operands into a format's fields: the inverse of decodeOperands, for the assembler. Fields a format
 * cannot hold are truncated, so the caller checks an encoding by decoding it back and comparing: that one test
 * covers every range, alignment and register-class rule of every format.
 */
export function encodeOperands(format: Format, o: Operands): number {
  const { rd, rs1, rs2, imm } = o;
  const r = (rd << 7) | (rs1 << 15) | (rs2 << 20);
  switch (format) {
    case 'R': case 'R4': case 'AMO': return r;
    case 'I': return (rd << 7) | (rs1 << 15) | ((imm & 0xfff) << 20);
    case 'S': return (rs1 << 15) | (rs2 << 20) | put(imm, 4, 0, 7) | put(imm, 11, 5, 25);
    case 'B': return (rs1 << 15) | (rs2 << 20) | put(imm, 11, 11, 7) | put(imm, 4, 1, 8) | put(imm, 10, 5, 25) | put(imm, 12, 12, 31);
    case 'U': return (rd << 7) | (imm & 0xfffff000);
    case 'J': return (rd << 7) | put(imm, 19, 12, 12) | put(imm, 11, 11, 20) | put(imm, 10, 1, 21) | put(imm, 20, 20, 31);
    case 'SHIFT64': return (rd << 7) | (rs1 << 15) | ((imm & 63) << 20);
    case 'SHIFT32': return (rd << 7) | (rs1 << 15) | ((imm & 31) << 20);
    case 'CSR': case 'CSRI': case 'FENCE': return (rd << 7) | (rs1 << 15) | ((imm & 0xfff) << 20);
    case 'NONE': case 'CNONE': return 0;
    case 'CR_JR': case 'CR_JALR': return rs1 << 7;
    case 'CR_MV': case 'CR_ADD': return (rd << 7) | (rs2 << 2);
    case 'CI': case 'CI_LI': case 'CI_SHIFT': return (rd << 7) | put(imm, 5, 5, 12) | put(imm, 4, 0, 2);
    case 'CI_LUI': return (rd << 7) | put(imm, 17, 17, 12) | put(imm, 16, 12, 2);
    case 'CI_SP16': return (2 << 7) | put(imm, 9, 9, 12) | put(imm, 4, 4, 6) | put(imm, 6, 6, 5) | put(imm, 8, 7, 3) | put(imm, 5, 5, 2);
    case 'CI_LWSP': return (rd << 7) | put(imm, 5, 5, 12) | put(imm, 4, 2, 4) | put(imm, 7, 6, 2);
    case 'CI_LDSP': return (rd << 7) | put(imm, 5, 5, 12) | put(imm, 4, 3, 5) | put(imm, 8, 6, 2);
    case 'CSS_SW': return (rs2 << 2) | put(imm, 5, 2, 9) | put(imm, 7, 6, 7);
    case 'CSS_SD': return (rs2 << 2) | put(imm, 5, 3, 10) | put(imm, 8, 6, 7);
    case 'CIW': return cr(rd, 2) | put(imm, 5, 4, 11) | put(imm, 9, 6, 7) | put(imm, 2, 2, 6) | put(imm, 3, 3, 5);
    case 'CL_W': return cr(rd, 2) | cr(rs1, 7) | put(imm, 5, 3, 10) | put(imm, 2, 2, 6) | put(imm, 6, 6, 5);
    case 'CL_D': return cr(rd, 2) | cr(rs1, 7) | put(imm, 5, 3, 10) | put(imm, 7, 6, 5);
    case 'CS_W': return cr(rs2, 2) | cr(rs1, 7) | put(imm, 5, 3, 10) | put(imm, 2, 2, 6) | put(imm, 6, 6, 5);
    case 'CS_D': return cr(rs2, 2) | cr(rs1, 7) | put(imm, 5, 3, 10) | put(imm, 7, 6, 5);
    case 'CA': return cr(rd, 7) | cr(rs2, 2);
    case 'CB': return cr(rs1, 7) | put(imm, 8, 8, 12) | put(imm, 4, 3, 10) | put(imm, 7, 6, 5) | put(imm, 2, 1, 3) | put(imm, 5, 5, 2);
    case 'CB_SHIFT': case 'CB_ANDI': return cr(rd, 7) | put(imm, 5, 5, 12) | put(imm, 4, 0, 2);
    case 'CJ': return put(imm, 11, 11, 12) | put(imm, 4, 4, 11) | put(imm, 9, 8, 9) | put(imm, 10, 10, 8) | put(imm, 6, 6, 7) |
      put(imm, 7, 7, 6) | put(imm, 3, 1, 3) | put(imm, 5, 5, 2);
  }
}
