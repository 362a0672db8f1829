// The instruction table: the single source of truth for every RISC-V instruction Ringside knows.
// Decode, the generated interpreter, disassembly, (later) assembly, hover text and Popek–Goldberg class all read it.
import type { Format } from './fields';
import { csrByName, MSTATUS_FS } from '../csr/table';

export type Extension = 'I' | 'M' | 'A' | 'F' | 'D' | 'C' | 'Zicsr' | 'Zifencei' | 'Priv' | 'H';

/**
 * Popek & Goldberg class. `privileged`: traps below its mode (and is sensitive);
 * `sensitive`: changes or reveals machine configuration without trapping (a virtualization hole);
 * `csr`: decided per CSR by the CSR table; `innocuous`: runs directly on the hardware.
 */
export type PgClass = 'innocuous' | 'privileged' | 'sensitive' | 'csr';

/**
 * `exec` is a JavaScript statement list compiled into the interpreter's dispatch switch. In scope:
 *   L, H     Int32Array low / high halves of x0..x31 (index 32 is a sink for writes to x0)
 *   rd, rs1, rs2, imm   decoded operands (compressed rows see their expansion's operands)
 *   PC       this instruction's address (a number)
 *   JUMP(a)  continue at address a; JUMP_REL(d): continue at PC + d (rows that jump set `jumps`)
 *   LEN      instruction length in bytes (2 or 4), a literal
 *   raw      the instruction's bits
 *   m        the hart (memory, CSRs, traps; slow paths return values in m.vlo / m.vhi)
 *   A, O     alu64 helpers, and O = A.out where they leave 64-bit results. Only snippets write L and H.
 *   LOAD(bytes, signed), STORE(bytes)   the RAM fast path with its slow path (see codegen.ts)
 *   EA       declares alo, ahi: rs1 + imm as exact 32-bit halves (for rows that access memory out of line)
 *   FL, FH   Int32Array low / high halves of f0..f31 (a single is NaN-boxed: FH = -1); f registers are
 *            indexed `rd & 31` (the decoder maps rd = 0 to the x0 sink 32)
 *   SF       the hart's SoftFloat (results in its return value and SF.hi, exceptions in SF.flags)
 *   C        low halves of the CSRs by number (mstatus.FS)
 *   TRAP(cause, tvalLo, tvalHi)  take an exception at this instruction and continue at the handler
 *   END      retire this instruction and end the current slice (state that gates interrupts changed)
 */
export interface InstructionRow {
  name: string;
  mask: number;
  match: number;
  format: Format;
  /** Operand syntax as objdump prints it with -M no-aliases, e.g. 'rd,rs1,imm'. */
  operands: string;
  ext: Extension;
  pg: PgClass;
  /** One line for hover text and docs. */
  summary: string;
  exec: string;
  jumps?: boolean;
  /** Extra conditions on operand fields; encodings failing it are reserved (illegal). */
  valid?: (raw: number) => boolean;
}

/** Compressed rows reuse a base row's semantics on the operands their format expands to. */
export interface CompressedRow extends Omit<InstructionRow, 'exec' | 'ext' | 'pg' | 'summary'> {
  expands: string;
}

// ---- semantics builders: families share one template ----

const addImm = `const a = L[rs1], r = (a + imm) | 0; H[rd] = (H[rs1] + (imm >> 31) + ((r >>> 0) < (a >>> 0) ? 1 : 0)) | 0; L[rd] = r;`;
const w32 = (expr: string): string => `const r = ${expr}; L[rd] = r; H[rd] = r >> 31;`;
const logic = (op: string): string => `L[rd] = L[rs1] ${op} L[rs2]; H[rd] = H[rs1] ${op} H[rs2];`;
const logicImm = (op: string): string => `L[rd] = L[rs1] ${op} imm; H[rd] = H[rs1] ${op} (imm >> 31);`;
/** Helpers leave 64-bit results in O ([lo, hi]); snippets alone write registers. */
const result = `L[rd] = O[0]; H[rd] = O[1];`;
const binop = (fn: string): string => `A.${fn}(L[rs1], H[rs1], L[rs2], H[rs2]); ${result}`;
const branch = (cond: string): string => `JUMP_REL((${cond}) ? imm : LEN);`;
const lt = (ah: string, al: string, bh: string, bl: string): string => `(${ah} < ${bh} || (${ah} === ${bh} && (${al} >>> 0) < (${bl} >>> 0)))`;
const ltu = (ah: string, al: string, bh: string, bl: string): string => `((${ah} >>> 0) < (${bh} >>> 0) || (${ah} === ${bh} && (${al} >>> 0) < (${bl} >>> 0)))`;
/** Loads and stores expand to the interpreter's RAM fast path with a slow path for MMIO, faults and misalignment. */
const load = (bytes: 1 | 2 | 4 | 8, signed: boolean): string => `LOAD(${bytes}, ${signed})`;
const store = (bytes: 1 | 2 | 4 | 8): string => `STORE(${bytes})`;
const csr = (kind: 0 | 1 | 2, immediate: boolean): string => {
  const v = immediate ? 'rs1, 0' : 'L[rs1], H[rs1]';
  const writes = kind === 0 ? 'true' : 'rs1 !== 0';
  return `m.retired = RETIRED; const st = m.csrAccess(imm, ${kind}, ${v}, ${writes}); if (st === 1) TRAP(2, raw, 0); L[rd] = m.vlo; H[rd] = m.vhi; if (st === 2) END;`;
};
const amo = (op: number, bytes: 4 | 8): string =>
  `const st = m.amo(${op}, ${bytes}, L[rs1], H[rs1], L[rs2], H[rs2]); if (st === 1) TRAP(m.faultCause, m.faultLo, m.faultHi); L[rd] = m.vlo; H[rd] = m.vhi; if (st === 2) END;`;

/** AMO operation codes understood by Hart.amo. */
export const AmoOp = { lr: 0, sc: 1, swap: 2, add: 3, xor: 4, and: 5, or: 6, min: 7, max: 8, minu: 9, maxu: 10 } as const;

const R = 0xfe00707f, I = 0x0000707f, SH64 = 0xfc00707f, SYS = 0xffffffff, AMO = 0xf800707f;

// ---- F and D: every instruction checks mstatus.FS, and marks it Dirty when it changes FP state ----
// The bookkeeping lives in small hart methods (fpRm, fpSetS/D, fpAccrue, fpLoad/fpStore): FP code is rare
// next to integer code, and keeping these cases short keeps the whole interpreter optimizable.

/** FP instructions are illegal while mstatus.FS is Off. */
const fpOn = `if ((C[${csrByName.get('mstatus')!.num}] & ${MSTATUS_FS}) === 0) TRAP(2, raw, 0);`;
/** The rounding mode (the instruction's, or frm for DYN); -1 when FS is Off or the mode is reserved. */
const withRm = `const rm = m.fpRm(raw); if (rm < 0) TRAP(2, raw, 0);`;
/** A single in f[r]: a NaN-boxed value is the low half; anything else reads as the canonical NaN. */
const sgl = (r: string): string => `m.single(${r})`;
const dbl = (r: string): string => `FL[${r}], FH[${r}]`;
const rs3 = '(raw >>> 27)';
/** fd = SoftFloat result (a single is NaN-boxed; a double's high half comes from SF.hi); flags accrue. */
const toF = (D: boolean, call: string, rounded: boolean): string =>
  `${rounded ? withRm : fpOn} m.fpSet${D ? 'D' : 'S'}(rd & 31, SF.${call});`;
/** x[rd] = SoftFloat result (comparisons, fclass, conversions to integers). */
const toX = (call: string, rounded: boolean): string =>
  `${rounded ? withRm : fpOn} const r = SF.${call}; m.fpAccrue(); L[rd] = r; H[rd] = ${rounded ? 'SF.hi' : '0'};`;
/** Sign injection works on the sign bit alone: bit 31 of the value's high word. */
const sgnj = (D: boolean, sign: string): string => D
  ? `${fpOn} const a = FH[rs1], b = FH[rs2]; SF.hi = (a & 0x7fffffff) | (${sign}); m.fpSetD(rd & 31, FL[rs1]);`
  : `${fpOn} const a = ${sgl('rs1')}, b = ${sgl('rs2')}; m.fpSetS(rd & 31, (a & 0x7fffffff) | (${sign}));`;

const FP = 0xfe00707f, FP_RM = 0xfe00007f, FP_UNARY = 0xfff0007f, FP_UNARY_F3 = 0xfff0707f, FMA = 0x0600007f;
const INT_KINDS = ['w', 'wu', 'l', 'lu'] as const;
const INT_NAMES = ['int32', 'uint32', 'int64', 'uint64'];

/** The F (p = 's') or D (p = 'd') rows: the two share every encoding but the fmt field. */
function floatRows(p: 's' | 'd'): InstructionRow[] {
  const D = p === 'd', n = D ? '64' : '32', w = D ? 'double' : 'single';
  const x = (r: string): string => (D ? dbl(r) : sgl(r));
  // Conversions between the two formats belong to D, whichever way they go.
  const row = (name: string, mask: number, match: number, format: Format, operands: string, summary: string, exec: string): InstructionRow =>
    ({ name, mask, match: (match | (D ? 1 << 25 : 0)) >>> 0, format, operands, ext: D || /^fcvt\.[sd]\.[sd]$/.test(name) ? 'D' : 'F', pg: 'innocuous', summary, exec });
  const f3 = (v: number): number => v << 12, f5 = (v: number): number => 0x53 | (v << 27), r2 = (v: number): number => v << 20;
  const fma = (np: boolean, na: boolean): string => toF(D, `fma${n}(${x('rs1')}, ${x('rs2')}, ${x(rs3)}, rm, ${np}, ${na})`, true);
  const arith = (fn: string, ...ops: string[]): string => toF(D, `${fn}${n}(${ops.map(x).join(', ')}, rm)`, true);
  const other = D ? 's' : 'd';
  return [
    row(`fmadd.${p}`, FMA, 0x43, 'R4', 'fd,fs1,fs2,fs3,rm', `fd = fs1 × fs2 + fs3 (${w}, rounded once)`, fma(false, false)),
    row(`fmsub.${p}`, FMA, 0x47, 'R4', 'fd,fs1,fs2,fs3,rm', `fd = fs1 × fs2 − fs3 (${w}, rounded once)`, fma(false, true)),
    row(`fnmsub.${p}`, FMA, 0x4b, 'R4', 'fd,fs1,fs2,fs3,rm', `fd = −(fs1 × fs2) + fs3 (${w}, rounded once)`, fma(true, false)),
    row(`fnmadd.${p}`, FMA, 0x4f, 'R4', 'fd,fs1,fs2,fs3,rm', `fd = −(fs1 × fs2) − fs3 (${w}, rounded once)`, fma(true, true)),
    row(`fadd.${p}`, FP_RM, f5(0), 'R', 'fd,fs1,fs2,rm', `fd = fs1 + fs2 (${w})`, arith('add', 'rs1', 'rs2')),
    row(`fsub.${p}`, FP_RM, f5(1), 'R', 'fd,fs1,fs2,rm', `fd = fs1 − fs2 (${w})`, arith('sub', 'rs1', 'rs2')),
    row(`fmul.${p}`, FP_RM, f5(2), 'R', 'fd,fs1,fs2,rm', `fd = fs1 × fs2 (${w})`, arith('mul', 'rs1', 'rs2')),
    row(`fdiv.${p}`, FP_RM, f5(3), 'R', 'fd,fs1,fs2,rm', `fd = fs1 ÷ fs2 (${w})`, arith('div', 'rs1', 'rs2')),
    row(`fsqrt.${p}`, FP_UNARY, f5(11), 'R', 'fd,fs1,rm', `fd = √fs1 (${w})`, arith('sqrt', 'rs1')),
    row(`fsgnj.${p}`, FP, f5(4) | f3(0), 'R', 'fd,fs1,fs2', `fd = fs1 with the sign of fs2 (${w}; fmv when fs1 = fs2)`, sgnj(D, 'b & -2147483648')),
    row(`fsgnjn.${p}`, FP, f5(4) | f3(1), 'R', 'fd,fs1,fs2', `fd = fs1 with the opposite sign of fs2 (${w}; fneg when fs1 = fs2)`, sgnj(D, '~b & -2147483648')),
    row(`fsgnjx.${p}`, FP, f5(4) | f3(2), 'R', 'fd,fs1,fs2', `fd = fs1 with its sign xor the sign of fs2 (${w}; fabs when fs1 = fs2)`, sgnj(D, '(a ^ b) & -2147483648')),
    row(`fmin.${p}`, FP, f5(5) | f3(0), 'R', 'fd,fs1,fs2', `fd = the smaller of fs1, fs2 (${w}; a NaN operand loses, −0 < +0)`, toF(D, `min${n}(${x('rs1')}, ${x('rs2')})`, false)),
    row(`fmax.${p}`, FP, f5(5) | f3(1), 'R', 'fd,fs1,fs2', `fd = the larger of fs1, fs2 (${w}; a NaN operand loses, −0 < +0)`, toF(D, `max${n}(${x('rs1')}, ${x('rs2')})`, false)),
    row(`fcvt.${p}.${other}`, FP_UNARY, f5(8) | r2(D ? 0 : 1), 'R', D ? 'fd,fs1,rmx' : 'fd,fs1,rm', `fd = fs1 converted from ${D ? 'single' : 'double'} to ${w}`,
      D ? toF(true, `f32ToF64(${sgl('rs1')})`, true) : toF(false, `f64ToF32(${dbl('rs1')}, rm)`, true)),
    row(`feq.${p}`, FP, f5(20) | f3(2), 'R', 'rd,fs1,fs2', `rd = fs1 == fs2 (${w}; quiet: only a signaling NaN raises invalid)`, toX(`eq${n}(${x('rs1')}, ${x('rs2')})`, false)),
    row(`flt.${p}`, FP, f5(20) | f3(1), 'R', 'rd,fs1,fs2', `rd = fs1 < fs2 (${w}; any NaN raises invalid)`, toX(`lt${n}(${x('rs1')}, ${x('rs2')})`, false)),
    row(`fle.${p}`, FP, f5(20) | f3(0), 'R', 'rd,fs1,fs2', `rd = fs1 ≤ fs2 (${w}; any NaN raises invalid)`, toX(`le${n}(${x('rs1')}, ${x('rs2')})`, false)),
    ...INT_KINDS.map((k, kind) => row(`fcvt.${k}.${p}`, FP_UNARY, f5(24) | r2(kind), 'R', 'rd,fs1,rm',
      `rd = fs1 (${w}) converted to ${INT_NAMES[kind]}; out of range or NaN saturates and raises invalid`, toX(`f${n}ToInt(${x('rs1')}, ${kind}, rm)`, true))),
    ...INT_KINDS.map((k, kind) => row(`fcvt.${p}.${k}`, FP_UNARY, f5(26) | r2(kind), 'R', D && kind < 2 ? 'fd,rs1,rmx' : 'fd,rs1,rm',
      `fd = ${INT_NAMES[kind]} rs1 converted to ${w}`, toF(D, `intToF${n}(L[rs1], H[rs1], ${kind}, rm)`, true))),
    row(`fclass.${p}`, FP_UNARY_F3, f5(28) | f3(1), 'R', 'rd,fs1', `rd = one bit classifying fs1 (${w}): −∞, −normal, −subnormal, −0, +0, …, +∞, sNaN, qNaN`, toX(`class${n}(${x('rs1')})`, false)),
    row(D ? 'fmv.x.d' : 'fmv.x.w', FP_UNARY_F3, f5(28), 'R', 'rd,fs1', `rd = the bits of fs1 (${w}${D ? '' : ', sign-extended'})`,
      D ? `${fpOn} L[rd] = FL[rs1]; H[rd] = FH[rs1];` : `${fpOn} const v = FL[rs1]; L[rd] = v; H[rd] = v >> 31;`),
    row(D ? 'fmv.d.x' : 'fmv.w.x', FP_UNARY_F3, f5(30), 'R', 'fd,rs1', `fd = the bits of rs1 (${w}${D ? '' : ', NaN-boxed'})`,
      D ? `${fpOn} SF.hi = H[rs1]; m.fpSetD(rd & 31, L[rs1]);` : `${fpOn} m.fpSetS(rd & 31, L[rs1]);`),
  ];
}

/** FP loads and stores take the hart's general path (translation, PMP, MMIO), not the inline RAM fast path. */
const fpLoad = (bytes: 4 | 8): string =>
  `${fpOn} EA if (!m.fpLoad(rd & 31, alo, ahi, ${bytes})) TRAP(m.faultCause, m.faultLo, m.faultHi);`;
const fpStore = (bytes: 4 | 8): string =>
  `${fpOn} EA const st = m.storeSlow(alo, ahi, ${bytes}, FL[rs2], FH[rs2]); if (st === 1) TRAP(m.faultCause, m.faultLo, m.faultHi); if (st === 2) END;`;

const floatInstructions: InstructionRow[] = [
  { name: 'flw', mask: I, match: 0x2007, format: 'I', operands: 'fd,imm(rs1)', ext: 'F', pg: 'innocuous', summary: 'fd = mem32[rs1 + offset] (NaN-boxed)', exec: fpLoad(4) },
  { name: 'fsw', mask: I, match: 0x2027, format: 'S', operands: 'fs2,imm(rs1)', ext: 'F', pg: 'innocuous', summary: 'mem32[rs1 + offset] = fs2[31:0]', exec: fpStore(4) },
  { name: 'fld', mask: I, match: 0x3007, format: 'I', operands: 'fd,imm(rs1)', ext: 'D', pg: 'innocuous', summary: 'fd = mem64[rs1 + offset]', exec: fpLoad(8) },
  { name: 'fsd', mask: I, match: 0x3027, format: 'S', operands: 'fs2,imm(rs1)', ext: 'D', pg: 'innocuous', summary: 'mem64[rs1 + offset] = fs2', exec: fpStore(8) },
  ...floatRows('s'),
  ...floatRows('d'),
];

// ---- H: the hypervisor extension's instructions. This machine does not implement H (misa.H = 0), so each one
// raises an illegal-instruction exception, exactly as an unknown encoding does; the rows exist for decode,
// disassembly, assembly and hover text. ----

/** An H row: privileged (it traps below HS-mode, and in VS/VU as a virtual instruction) and illegal here. */
const hRow = (name: string, mask: number, match: number, operands: string, summary: string): InstructionRow =>
  ({ name, mask, match, format: 'R', operands, ext: 'H', pg: 'privileged', summary, exec: `TRAP(2, raw, 0);` });
const HLV = 0xfff0707f, HSV = 0xfe007fff;
const hypervisorInstructions: InstructionRow[] = [
  hRow('hlv.b', HLV, 0x60004073, 'rd,(rs1)', 'rd = sext(mem8[rs1]) as VS/VU-mode would load it (two-stage translation)'),
  hRow('hlv.bu', HLV, 0x60104073, 'rd,(rs1)', 'rd = zext(mem8[rs1]) as VS/VU-mode would load it (two-stage translation)'),
  hRow('hlv.h', HLV, 0x64004073, 'rd,(rs1)', 'rd = sext(mem16[rs1]) as VS/VU-mode would load it (two-stage translation)'),
  hRow('hlv.hu', HLV, 0x64104073, 'rd,(rs1)', 'rd = zext(mem16[rs1]) as VS/VU-mode would load it (two-stage translation)'),
  hRow('hlvx.hu', HLV, 0x64304073, 'rd,(rs1)', 'rd = zext(mem16[rs1]) read from an executable guest page, as VS/VU-mode would fetch it'),
  hRow('hlv.w', HLV, 0x68004073, 'rd,(rs1)', 'rd = sext(mem32[rs1]) as VS/VU-mode would load it (two-stage translation)'),
  hRow('hlvx.wu', HLV, 0x68304073, 'rd,(rs1)', 'rd = zext(mem32[rs1]) read from an executable guest page, as VS/VU-mode would fetch it'),
  hRow('hlv.wu', HLV, 0x68104073, 'rd,(rs1)', 'rd = zext(mem32[rs1]) as VS/VU-mode would load it (two-stage translation)'),
  hRow('hlv.d', HLV, 0x6c004073, 'rd,(rs1)', 'rd = mem64[rs1] as VS/VU-mode would load it (two-stage translation)'),
  hRow('hsv.b', HSV, 0x62004073, 'rs2,(rs1)', 'mem8[rs1] = rs2 as VS/VU-mode would store it (two-stage translation)'),
  hRow('hsv.h', HSV, 0x66004073, 'rs2,(rs1)', 'mem16[rs1] = rs2 as VS/VU-mode would store it (two-stage translation)'),
  hRow('hsv.w', HSV, 0x6a004073, 'rs2,(rs1)', 'mem32[rs1] = rs2 as VS/VU-mode would store it (two-stage translation)'),
  hRow('hsv.d', HSV, 0x6e004073, 'rs2,(rs1)', 'mem64[rs1] = rs2 as VS/VU-mode would store it (two-stage translation)'),
  hRow('hfence.vvma', 0xfe007fff, 0x22000073, 'rs1,rs2', 'flush VS-stage TLB entries of the current VM (guest virtual address rs1, ASID rs2; x0 = all)'),
  hRow('hfence.gvma', 0xfe007fff, 0x62000073, 'rs1,rs2', 'flush G-stage TLB entries (guest physical address rs1 >> 2, VMID rs2; x0 = all)'),
];

export const instructions: InstructionRow[] = [
  // RV64I
  { name: 'lui', mask: 0x7f, match: 0x37, format: 'U', operands: 'rd,uimm20', ext: 'I', pg: 'innocuous', summary: 'rd = imm << 12 (sign-extended)', exec: `L[rd] = imm; H[rd] = imm >> 31;` },
  { name: 'auipc', mask: 0x7f, match: 0x17, format: 'U', operands: 'rd,uimm20', ext: 'I', pg: 'innocuous', summary: 'rd = pc + (imm << 12)', exec: `A.split(PC + imm); ${result}` },
  { name: 'jal', mask: 0x7f, match: 0x6f, format: 'J', operands: 'rd,target', ext: 'I', pg: 'innocuous', summary: 'rd = pc + 4; pc += offset', jumps: true, exec: `A.split(PC + LEN); ${result} JUMP_REL(imm);` },
  {
    name: 'jalr', mask: I, match: 0x67, format: 'I', operands: 'rd,imm(rs1)', ext: 'I', pg: 'innocuous', summary: 'rd = pc + 4; pc = (rs1 + offset) & ~1', jumps: true,
    exec: `const a = L[rs1], s = (a + imm) | 0, thi = (H[rs1] + (imm >> 31) + ((s >>> 0) < (a >>> 0) ? 1 : 0)) | 0, tlo = s & ~1;
      A.split(PC + LEN); ${result}
      if (!A.isSmall(thi)) { JUMP(m.farJump(tlo, thi)); END; }
      JUMP(A.toNumber(tlo, thi));`,
  },
  { name: 'beq', mask: I, match: 0x63, format: 'B', operands: 'rs1,rs2,target', ext: 'I', pg: 'innocuous', summary: 'branch if rs1 == rs2', jumps: true, exec: branch('L[rs1] === L[rs2] && H[rs1] === H[rs2]') },
  { name: 'bne', mask: I, match: 0x1063, format: 'B', operands: 'rs1,rs2,target', ext: 'I', pg: 'innocuous', summary: 'branch if rs1 != rs2', jumps: true, exec: branch('L[rs1] !== L[rs2] || H[rs1] !== H[rs2]') },
  { name: 'blt', mask: I, match: 0x4063, format: 'B', operands: 'rs1,rs2,target', ext: 'I', pg: 'innocuous', summary: 'branch if rs1 < rs2 (signed)', jumps: true, exec: branch(lt('H[rs1]', 'L[rs1]', 'H[rs2]', 'L[rs2]')) },
  { name: 'bge', mask: I, match: 0x5063, format: 'B', operands: 'rs1,rs2,target', ext: 'I', pg: 'innocuous', summary: 'branch if rs1 >= rs2 (signed)', jumps: true, exec: branch('!' + lt('H[rs1]', 'L[rs1]', 'H[rs2]', 'L[rs2]')) },
  { name: 'bltu', mask: I, match: 0x6063, format: 'B', operands: 'rs1,rs2,target', ext: 'I', pg: 'innocuous', summary: 'branch if rs1 < rs2 (unsigned)', jumps: true, exec: branch(ltu('H[rs1]', 'L[rs1]', 'H[rs2]', 'L[rs2]')) },
  { name: 'bgeu', mask: I, match: 0x7063, format: 'B', operands: 'rs1,rs2,target', ext: 'I', pg: 'innocuous', summary: 'branch if rs1 >= rs2 (unsigned)', jumps: true, exec: branch('!' + ltu('H[rs1]', 'L[rs1]', 'H[rs2]', 'L[rs2]')) },
  { name: 'lb', mask: I, match: 0x03, format: 'I', operands: 'rd,imm(rs1)', ext: 'I', pg: 'innocuous', summary: 'rd = sext(mem8[rs1 + offset])', exec: load(1, true) },
  { name: 'lh', mask: I, match: 0x1003, format: 'I', operands: 'rd,imm(rs1)', ext: 'I', pg: 'innocuous', summary: 'rd = sext(mem16[rs1 + offset])', exec: load(2, true) },
  { name: 'lw', mask: I, match: 0x2003, format: 'I', operands: 'rd,imm(rs1)', ext: 'I', pg: 'innocuous', summary: 'rd = sext(mem32[rs1 + offset])', exec: load(4, true) },
  { name: 'ld', mask: I, match: 0x3003, format: 'I', operands: 'rd,imm(rs1)', ext: 'I', pg: 'innocuous', summary: 'rd = mem64[rs1 + offset]', exec: load(8, true) },
  { name: 'lbu', mask: I, match: 0x4003, format: 'I', operands: 'rd,imm(rs1)', ext: 'I', pg: 'innocuous', summary: 'rd = zext(mem8[rs1 + offset])', exec: load(1, false) },
  { name: 'lhu', mask: I, match: 0x5003, format: 'I', operands: 'rd,imm(rs1)', ext: 'I', pg: 'innocuous', summary: 'rd = zext(mem16[rs1 + offset])', exec: load(2, false) },
  { name: 'lwu', mask: I, match: 0x6003, format: 'I', operands: 'rd,imm(rs1)', ext: 'I', pg: 'innocuous', summary: 'rd = zext(mem32[rs1 + offset])', exec: load(4, false) },
  { name: 'sb', mask: I, match: 0x23, format: 'S', operands: 'rs2,imm(rs1)', ext: 'I', pg: 'innocuous', summary: 'mem8[rs1 + offset] = rs2', exec: store(1) },
  { name: 'sh', mask: I, match: 0x1023, format: 'S', operands: 'rs2,imm(rs1)', ext: 'I', pg: 'innocuous', summary: 'mem16[rs1 + offset] = rs2', exec: store(2) },
  { name: 'sw', mask: I, match: 0x2023, format: 'S', operands: 'rs2,imm(rs1)', ext: 'I', pg: 'innocuous', summary: 'mem32[rs1 + offset] = rs2', exec: store(4) },
  { name: 'sd', mask: I, match: 0x3023, format: 'S', operands: 'rs2,imm(rs1)', ext: 'I', pg: 'innocuous', summary: 'mem64[rs1 + offset] = rs2', exec: store(8) },
  { name: 'addi', mask: I, match: 0x13, format: 'I', operands: 'rd,rs1,imm', ext: 'I', pg: 'innocuous', summary: 'rd = rs1 + imm', exec: addImm },
  { name: 'slti', mask: I, match: 0x2013, format: 'I', operands: 'rd,rs1,imm', ext: 'I', pg: 'innocuous', summary: 'rd = rs1 < imm (signed)', exec: `const r = ${lt('H[rs1]', 'L[rs1]', '(imm >> 31)', 'imm')} ? 1 : 0; L[rd] = r; H[rd] = 0;` },
  { name: 'sltiu', mask: I, match: 0x3013, format: 'I', operands: 'rd,rs1,imm', ext: 'I', pg: 'innocuous', summary: 'rd = rs1 < imm (unsigned, imm sign-extended)', exec: `const r = ${ltu('H[rs1]', 'L[rs1]', '(imm >> 31)', 'imm')} ? 1 : 0; L[rd] = r; H[rd] = 0;` },
  { name: 'xori', mask: I, match: 0x4013, format: 'I', operands: 'rd,rs1,imm', ext: 'I', pg: 'innocuous', summary: 'rd = rs1 ^ imm', exec: logicImm('^') },
  { name: 'ori', mask: I, match: 0x6013, format: 'I', operands: 'rd,rs1,imm', ext: 'I', pg: 'innocuous', summary: 'rd = rs1 | imm', exec: logicImm('|') },
  { name: 'andi', mask: I, match: 0x7013, format: 'I', operands: 'rd,rs1,imm', ext: 'I', pg: 'innocuous', summary: 'rd = rs1 & imm', exec: logicImm('&') },
  { name: 'slli', mask: SH64, match: 0x1013, format: 'SHIFT64', operands: 'rd,rs1,shamt', ext: 'I', pg: 'innocuous', summary: 'rd = rs1 << shamt', exec: `A.sll(L[rs1], H[rs1], imm); ${result}` },
  { name: 'srli', mask: SH64, match: 0x5013, format: 'SHIFT64', operands: 'rd,rs1,shamt', ext: 'I', pg: 'innocuous', summary: 'rd = rs1 >> shamt (logical)', exec: `A.srl(L[rs1], H[rs1], imm); ${result}` },
  { name: 'srai', mask: SH64, match: 0x40005013, format: 'SHIFT64', operands: 'rd,rs1,shamt', ext: 'I', pg: 'innocuous', summary: 'rd = rs1 >> shamt (arithmetic)', exec: `A.sra(L[rs1], H[rs1], imm); ${result}` },
  { name: 'add', mask: R, match: 0x33, format: 'R', operands: 'rd,rs1,rs2', ext: 'I', pg: 'innocuous', summary: 'rd = rs1 + rs2', exec: `const a = L[rs1], r = (a + L[rs2]) | 0; H[rd] = (H[rs1] + H[rs2] + ((r >>> 0) < (a >>> 0) ? 1 : 0)) | 0; L[rd] = r;` },
  { name: 'sub', mask: R, match: 0x40000033, format: 'R', operands: 'rd,rs1,rs2', ext: 'I', pg: 'innocuous', summary: 'rd = rs1 - rs2', exec: `const a = L[rs1], b = L[rs2]; H[rd] = (H[rs1] - H[rs2] - ((a >>> 0) < (b >>> 0) ? 1 : 0)) | 0; L[rd] = (a - b) | 0;` },
  { name: 'sll', mask: R, match: 0x1033, format: 'R', operands: 'rd,rs1,rs2', ext: 'I', pg: 'innocuous', summary: 'rd = rs1 << (rs2 & 63)', exec: `A.sll(L[rs1], H[rs1], L[rs2] & 63); ${result}` },
  { name: 'slt', mask: R, match: 0x2033, format: 'R', operands: 'rd,rs1,rs2', ext: 'I', pg: 'innocuous', summary: 'rd = rs1 < rs2 (signed)', exec: `const r = ${lt('H[rs1]', 'L[rs1]', 'H[rs2]', 'L[rs2]')} ? 1 : 0; L[rd] = r; H[rd] = 0;` },
  { name: 'sltu', mask: R, match: 0x3033, format: 'R', operands: 'rd,rs1,rs2', ext: 'I', pg: 'innocuous', summary: 'rd = rs1 < rs2 (unsigned)', exec: `const r = ${ltu('H[rs1]', 'L[rs1]', 'H[rs2]', 'L[rs2]')} ? 1 : 0; L[rd] = r; H[rd] = 0;` },
  { name: 'xor', mask: R, match: 0x4033, format: 'R', operands: 'rd,rs1,rs2', ext: 'I', pg: 'innocuous', summary: 'rd = rs1 ^ rs2', exec: logic('^') },
  { name: 'srl', mask: R, match: 0x5033, format: 'R', operands: 'rd,rs1,rs2', ext: 'I', pg: 'innocuous', summary: 'rd = rs1 >> (rs2 & 63) (logical)', exec: `A.srl(L[rs1], H[rs1], L[rs2] & 63); ${result}` },
  { name: 'sra', mask: R, match: 0x40005033, format: 'R', operands: 'rd,rs1,rs2', ext: 'I', pg: 'innocuous', summary: 'rd = rs1 >> (rs2 & 63) (arithmetic)', exec: `A.sra(L[rs1], H[rs1], L[rs2] & 63); ${result}` },
  { name: 'or', mask: R, match: 0x6033, format: 'R', operands: 'rd,rs1,rs2', ext: 'I', pg: 'innocuous', summary: 'rd = rs1 | rs2', exec: logic('|') },
  { name: 'and', mask: R, match: 0x7033, format: 'R', operands: 'rd,rs1,rs2', ext: 'I', pg: 'innocuous', summary: 'rd = rs1 & rs2', exec: logic('&') },
  { name: 'addiw', mask: I, match: 0x1b, format: 'I', operands: 'rd,rs1,imm', ext: 'I', pg: 'innocuous', summary: 'rd = sext32(rs1 + imm)', exec: w32('(L[rs1] + imm) | 0') },
  { name: 'slliw', mask: R, match: 0x101b, format: 'SHIFT32', operands: 'rd,rs1,shamt', ext: 'I', pg: 'innocuous', summary: 'rd = sext32(rs1 << shamt)', exec: w32('L[rs1] << imm') },
  { name: 'srliw', mask: R, match: 0x501b, format: 'SHIFT32', operands: 'rd,rs1,shamt', ext: 'I', pg: 'innocuous', summary: 'rd = sext32(rs1[31:0] >> shamt) (logical)', exec: w32('(L[rs1] >>> imm) | 0') },
  { name: 'sraiw', mask: R, match: 0x4000501b, format: 'SHIFT32', operands: 'rd,rs1,shamt', ext: 'I', pg: 'innocuous', summary: 'rd = sext32(rs1[31:0] >> shamt) (arithmetic)', exec: w32('L[rs1] >> imm') },
  { name: 'addw', mask: R, match: 0x3b, format: 'R', operands: 'rd,rs1,rs2', ext: 'I', pg: 'innocuous', summary: 'rd = sext32(rs1 + rs2)', exec: w32('(L[rs1] + L[rs2]) | 0') },
  { name: 'subw', mask: R, match: 0x4000003b, format: 'R', operands: 'rd,rs1,rs2', ext: 'I', pg: 'innocuous', summary: 'rd = sext32(rs1 - rs2)', exec: w32('(L[rs1] - L[rs2]) | 0') },
  { name: 'sllw', mask: R, match: 0x103b, format: 'R', operands: 'rd,rs1,rs2', ext: 'I', pg: 'innocuous', summary: 'rd = sext32(rs1 << (rs2 & 31))', exec: w32('L[rs1] << (L[rs2] & 31)') },
  { name: 'srlw', mask: R, match: 0x503b, format: 'R', operands: 'rd,rs1,rs2', ext: 'I', pg: 'innocuous', summary: 'rd = sext32(rs1[31:0] >> (rs2 & 31)) (logical)', exec: w32('(L[rs1] >>> (L[rs2] & 31)) | 0') },
  { name: 'sraw', mask: R, match: 0x4000503b, format: 'R', operands: 'rd,rs1,rs2', ext: 'I', pg: 'innocuous', summary: 'rd = sext32(rs1[31:0] >> (rs2 & 31)) (arithmetic)', exec: w32('L[rs1] >> (L[rs2] & 31)') },
  { name: 'fence.tso', mask: 0xfff0707f, match: 0x8330000f, format: 'NONE', operands: '', ext: 'I', pg: 'innocuous', summary: 'order loads/stores (TSO)', exec: `` },
  { name: 'fence', mask: I, match: 0x0f, format: 'FENCE', operands: 'pred,succ', ext: 'I', pg: 'innocuous', summary: 'order memory accesses (a no-op on one in-order hart)', exec: `` },
  { name: 'ecall', mask: SYS, match: 0x73, format: 'NONE', operands: '', ext: 'I', pg: 'innocuous', summary: 'environment call: traps to a more privileged mode by design', exec: `TRAP(8 + m.priv, 0, 0);` },
  { name: 'ebreak', mask: SYS, match: 0x100073, format: 'NONE', operands: '', ext: 'I', pg: 'innocuous', summary: 'breakpoint exception (mtval = 0, as QEMU reports it)', exec: `TRAP(3, 0, 0);` },
  // Zifencei
  { name: 'fence.i', mask: I, match: 0x100f, format: 'NONE', operands: '', ext: 'Zifencei', pg: 'innocuous', summary: 'synchronise instruction fetch with earlier stores', exec: `m.fenceI(); END;` },
  // Zicsr
  { name: 'csrrw', mask: I, match: 0x1073, format: 'CSR', operands: 'rd,csr,rs1', ext: 'Zicsr', pg: 'csr', summary: 'rd = csr; csr = rs1', exec: csr(0, false) },
  { name: 'csrrs', mask: I, match: 0x2073, format: 'CSR', operands: 'rd,csr,rs1', ext: 'Zicsr', pg: 'csr', summary: 'rd = csr; csr |= rs1', exec: csr(1, false) },
  { name: 'csrrc', mask: I, match: 0x3073, format: 'CSR', operands: 'rd,csr,rs1', ext: 'Zicsr', pg: 'csr', summary: 'rd = csr; csr &= ~rs1', exec: csr(2, false) },
  { name: 'csrrwi', mask: I, match: 0x5073, format: 'CSRI', operands: 'rd,csr,zimm', ext: 'Zicsr', pg: 'csr', summary: 'rd = csr; csr = zimm', exec: csr(0, true) },
  { name: 'csrrsi', mask: I, match: 0x6073, format: 'CSRI', operands: 'rd,csr,zimm', ext: 'Zicsr', pg: 'csr', summary: 'rd = csr; csr |= zimm', exec: csr(1, true) },
  { name: 'csrrci', mask: I, match: 0x7073, format: 'CSRI', operands: 'rd,csr,zimm', ext: 'Zicsr', pg: 'csr', summary: 'rd = csr; csr &= ~zimm', exec: csr(2, true) },
  // Privileged
  { name: 'mret', mask: SYS, match: 0x30200073, format: 'NONE', operands: '', ext: 'Priv', pg: 'privileged', summary: 'return from an M-mode trap: pc = mepc, mode = MPP, MIE = MPIE', jumps: true, exec: `if (m.priv !== 3) TRAP(2, raw, 0); JUMP(m.mret()); END;` },
  { name: 'sret', mask: SYS, match: 0x10200073, format: 'NONE', operands: '', ext: 'Priv', pg: 'privileged', summary: 'return from an S-mode trap: pc = sepc, mode = SPP, SIE = SPIE', jumps: true, exec: `if (m.sretTraps()) TRAP(2, raw, 0); JUMP(m.sret()); END;` },
  { name: 'sfence.vma', mask: 0xfe007fff, match: 0x12000073, format: 'R', operands: 'rs1,rs2', ext: 'Priv', pg: 'privileged', summary: 'order page-table writes before later translations (flush TLB entries)', exec: `if (m.sfenceTraps()) TRAP(2, raw, 0); m.sfenceVma(rs1 === 0, L[rs1], H[rs1], rs2 === 0, L[rs2]); END;` },
  { name: 'wfi', mask: SYS, match: 0x10500073, format: 'NONE', operands: '', ext: 'Priv', pg: 'privileged', summary: 'wait for interrupt', exec: `if (m.wfiTraps()) TRAP(2, raw, 0); if (!m.interruptPending()) m.waitForInterrupt = true; END;` },
  // M
  { name: 'mul', mask: R, match: 0x2000033, format: 'R', operands: 'rd,rs1,rs2', ext: 'M', pg: 'innocuous', summary: 'rd = (rs1 * rs2)[63:0]', exec: binop('mul') },
  { name: 'mulh', mask: R, match: 0x2001033, format: 'R', operands: 'rd,rs1,rs2', ext: 'M', pg: 'innocuous', summary: 'rd = (rs1 * rs2)[127:64] (signed × signed)', exec: binop('mulh') },
  { name: 'mulhsu', mask: R, match: 0x2002033, format: 'R', operands: 'rd,rs1,rs2', ext: 'M', pg: 'innocuous', summary: 'rd = (rs1 * rs2)[127:64] (signed × unsigned)', exec: binop('mulhsu') },
  { name: 'mulhu', mask: R, match: 0x2003033, format: 'R', operands: 'rd,rs1,rs2', ext: 'M', pg: 'innocuous', summary: 'rd = (rs1 * rs2)[127:64] (unsigned × unsigned)', exec: binop('mulhu') },
  { name: 'div', mask: R, match: 0x2004033, format: 'R', operands: 'rd,rs1,rs2', ext: 'M', pg: 'innocuous', summary: 'rd = rs1 / rs2 (signed)', exec: binop('div') },
  { name: 'divu', mask: R, match: 0x2005033, format: 'R', operands: 'rd,rs1,rs2', ext: 'M', pg: 'innocuous', summary: 'rd = rs1 / rs2 (unsigned)', exec: binop('divu') },
  { name: 'rem', mask: R, match: 0x2006033, format: 'R', operands: 'rd,rs1,rs2', ext: 'M', pg: 'innocuous', summary: 'rd = rs1 % rs2 (signed)', exec: binop('rem') },
  { name: 'remu', mask: R, match: 0x2007033, format: 'R', operands: 'rd,rs1,rs2', ext: 'M', pg: 'innocuous', summary: 'rd = rs1 % rs2 (unsigned)', exec: binop('remu') },
  { name: 'mulw', mask: R, match: 0x200003b, format: 'R', operands: 'rd,rs1,rs2', ext: 'M', pg: 'innocuous', summary: 'rd = sext32(rs1 * rs2)', exec: w32('Math.imul(L[rs1], L[rs2])') },
  { name: 'divw', mask: R, match: 0x200403b, format: 'R', operands: 'rd,rs1,rs2', ext: 'M', pg: 'innocuous', summary: 'rd = sext32(rs1 / rs2) (signed)', exec: w32('A.divw(L[rs1], L[rs2])') },
  { name: 'divuw', mask: R, match: 0x200503b, format: 'R', operands: 'rd,rs1,rs2', ext: 'M', pg: 'innocuous', summary: 'rd = sext32(rs1 / rs2) (unsigned)', exec: w32('A.divuw(L[rs1], L[rs2])') },
  { name: 'remw', mask: R, match: 0x200603b, format: 'R', operands: 'rd,rs1,rs2', ext: 'M', pg: 'innocuous', summary: 'rd = sext32(rs1 % rs2) (signed)', exec: w32('A.remw(L[rs1], L[rs2])') },
  { name: 'remuw', mask: R, match: 0x200703b, format: 'R', operands: 'rd,rs1,rs2', ext: 'M', pg: 'innocuous', summary: 'rd = sext32(rs1 % rs2) (unsigned)', exec: w32('A.remuw(L[rs1], L[rs2])') },
  // A
  { name: 'lr.w', mask: 0xf9f0707f, match: 0x1000202f, format: 'AMO', operands: 'rd,(rs1)', ext: 'A', pg: 'innocuous', summary: 'load-reserved word', exec: amo(AmoOp.lr, 4) },
  { name: 'sc.w', mask: AMO, match: 0x1800202f, format: 'AMO', operands: 'rd,rs2,(rs1)', ext: 'A', pg: 'innocuous', summary: 'store-conditional word: rd = 0 on success', exec: amo(AmoOp.sc, 4) },
  { name: 'amoswap.w', mask: AMO, match: 0x0800202f, format: 'AMO', operands: 'rd,rs2,(rs1)', ext: 'A', pg: 'innocuous', summary: 'atomically swap word', exec: amo(AmoOp.swap, 4) },
  { name: 'amoadd.w', mask: AMO, match: 0x0000202f, format: 'AMO', operands: 'rd,rs2,(rs1)', ext: 'A', pg: 'innocuous', summary: 'atomic add word', exec: amo(AmoOp.add, 4) },
  { name: 'amoxor.w', mask: AMO, match: 0x2000202f, format: 'AMO', operands: 'rd,rs2,(rs1)', ext: 'A', pg: 'innocuous', summary: 'atomic xor word', exec: amo(AmoOp.xor, 4) },
  { name: 'amoand.w', mask: AMO, match: 0x6000202f, format: 'AMO', operands: 'rd,rs2,(rs1)', ext: 'A', pg: 'innocuous', summary: 'atomic and word', exec: amo(AmoOp.and, 4) },
  { name: 'amoor.w', mask: AMO, match: 0x4000202f, format: 'AMO', operands: 'rd,rs2,(rs1)', ext: 'A', pg: 'innocuous', summary: 'atomic or word', exec: amo(AmoOp.or, 4) },
  { name: 'amomin.w', mask: AMO, match: 0x8000202f, format: 'AMO', operands: 'rd,rs2,(rs1)', ext: 'A', pg: 'innocuous', summary: 'atomic signed min word', exec: amo(AmoOp.min, 4) },
  { name: 'amomax.w', mask: AMO, match: 0xa000202f, format: 'AMO', operands: 'rd,rs2,(rs1)', ext: 'A', pg: 'innocuous', summary: 'atomic signed max word', exec: amo(AmoOp.max, 4) },
  { name: 'amominu.w', mask: AMO, match: 0xc000202f, format: 'AMO', operands: 'rd,rs2,(rs1)', ext: 'A', pg: 'innocuous', summary: 'atomic unsigned min word', exec: amo(AmoOp.minu, 4) },
  { name: 'amomaxu.w', mask: AMO, match: 0xe000202f, format: 'AMO', operands: 'rd,rs2,(rs1)', ext: 'A', pg: 'innocuous', summary: 'atomic unsigned max word', exec: amo(AmoOp.maxu, 4) },
  { name: 'lr.d', mask: 0xf9f0707f, match: 0x1000302f, format: 'AMO', operands: 'rd,(rs1)', ext: 'A', pg: 'innocuous', summary: 'load-reserved doubleword', exec: amo(AmoOp.lr, 8) },
  { name: 'sc.d', mask: AMO, match: 0x1800302f, format: 'AMO', operands: 'rd,rs2,(rs1)', ext: 'A', pg: 'innocuous', summary: 'store-conditional doubleword: rd = 0 on success', exec: amo(AmoOp.sc, 8) },
  { name: 'amoswap.d', mask: AMO, match: 0x0800302f, format: 'AMO', operands: 'rd,rs2,(rs1)', ext: 'A', pg: 'innocuous', summary: 'atomically swap doubleword', exec: amo(AmoOp.swap, 8) },
  { name: 'amoadd.d', mask: AMO, match: 0x0000302f, format: 'AMO', operands: 'rd,rs2,(rs1)', ext: 'A', pg: 'innocuous', summary: 'atomic add doubleword', exec: amo(AmoOp.add, 8) },
  { name: 'amoxor.d', mask: AMO, match: 0x2000302f, format: 'AMO', operands: 'rd,rs2,(rs1)', ext: 'A', pg: 'innocuous', summary: 'atomic xor doubleword', exec: amo(AmoOp.xor, 8) },
  { name: 'amoand.d', mask: AMO, match: 0x6000302f, format: 'AMO', operands: 'rd,rs2,(rs1)', ext: 'A', pg: 'innocuous', summary: 'atomic and doubleword', exec: amo(AmoOp.and, 8) },
  { name: 'amoor.d', mask: AMO, match: 0x4000302f, format: 'AMO', operands: 'rd,rs2,(rs1)', ext: 'A', pg: 'innocuous', summary: 'atomic or doubleword', exec: amo(AmoOp.or, 8) },
  { name: 'amomin.d', mask: AMO, match: 0x8000302f, format: 'AMO', operands: 'rd,rs2,(rs1)', ext: 'A', pg: 'innocuous', summary: 'atomic signed min doubleword', exec: amo(AmoOp.min, 8) },
  { name: 'amomax.d', mask: AMO, match: 0xa000302f, format: 'AMO', operands: 'rd,rs2,(rs1)', ext: 'A', pg: 'innocuous', summary: 'atomic signed max doubleword', exec: amo(AmoOp.max, 8) },
  { name: 'amominu.d', mask: AMO, match: 0xc000302f, format: 'AMO', operands: 'rd,rs2,(rs1)', ext: 'A', pg: 'innocuous', summary: 'atomic unsigned min doubleword', exec: amo(AmoOp.minu, 8) },
  { name: 'amomaxu.d', mask: AMO, match: 0xe000302f, format: 'AMO', operands: 'rd,rs2,(rs1)', ext: 'A', pg: 'innocuous', summary: 'atomic unsigned max doubleword', exec: amo(AmoOp.maxu, 8) },
  ...floatInstructions,
  ...hypervisorInstructions,
];

const C3 = 0xe003, CI_RD0 = 0xef83, CR = 0xf003;
const nonzero = (v: number): boolean => v !== 0;
const rdField = (x: number): number => (x >>> 7) & 31;
const rs2Field = (x: number): number => (x >>> 2) & 31;
const ciImm = (x: number): number => ((x >>> 7) & 0x20) | ((x >>> 2) & 31);

/** RV64C. Order matters where encodings overlap: the more specific row comes first. */
export const compressed: CompressedRow[] = [
  { name: 'c.addi4spn', mask: C3, match: 0x0000, format: 'CIW', operands: 'rd,sp,uimm', expands: 'addi', valid: (x) => nonzero((x >>> 5) & 0xff) },
  { name: 'c.lw', mask: C3, match: 0x4000, format: 'CL_W', operands: 'rd,imm(rs1)', expands: 'lw' },
  { name: 'c.fld', mask: C3, match: 0x2000, format: 'CL_D', operands: 'fd,imm(rs1)', expands: 'fld' },
  { name: 'c.ld', mask: C3, match: 0x6000, format: 'CL_D', operands: 'rd,imm(rs1)', expands: 'ld' },
  { name: 'c.sw', mask: C3, match: 0xc000, format: 'CS_W', operands: 'rs2,imm(rs1)', expands: 'sw' },
  { name: 'c.fsd', mask: C3, match: 0xa000, format: 'CS_D', operands: 'fs2,imm(rs1)', expands: 'fsd' },
  { name: 'c.sd', mask: C3, match: 0xe000, format: 'CS_D', operands: 'rs2,imm(rs1)', expands: 'sd' },
  { name: 'c.nop', mask: 0xffff, match: 0x0001, format: 'CNONE', operands: '', expands: 'addi' },
  { name: 'c.addi', mask: C3, match: 0x0001, format: 'CI', operands: 'rd,imm', expands: 'addi' },
  { name: 'c.addiw', mask: C3, match: 0x2001, format: 'CI', operands: 'rd,imm', expands: 'addiw', valid: (x) => rdField(x) !== 0 },
  { name: 'c.li', mask: C3, match: 0x4001, format: 'CI_LI', operands: 'rd,imm', expands: 'addi' },
  { name: 'c.addi16sp', mask: CI_RD0, match: 0x6101, format: 'CI_SP16', operands: 'sp,imm', expands: 'addi', valid: (x) => ciImm(x) !== 0 },
  { name: 'c.lui', mask: C3, match: 0x6001, format: 'CI_LUI', operands: 'rd,uimm6', expands: 'lui', valid: (x) => ciImm(x) !== 0 },
  { name: 'c.srli', mask: 0xec03, match: 0x8001, format: 'CB_SHIFT', operands: 'rd,shamt', expands: 'srli' },
  { name: 'c.srai', mask: 0xec03, match: 0x8401, format: 'CB_SHIFT', operands: 'rd,shamt', expands: 'srai' },
  { name: 'c.andi', mask: 0xec03, match: 0x8801, format: 'CB_ANDI', operands: 'rd,imm', expands: 'andi' },
  { name: 'c.sub', mask: 0xfc63, match: 0x8c01, format: 'CA', operands: 'rd,rs2', expands: 'sub' },
  { name: 'c.xor', mask: 0xfc63, match: 0x8c21, format: 'CA', operands: 'rd,rs2', expands: 'xor' },
  { name: 'c.or', mask: 0xfc63, match: 0x8c41, format: 'CA', operands: 'rd,rs2', expands: 'or' },
  { name: 'c.and', mask: 0xfc63, match: 0x8c61, format: 'CA', operands: 'rd,rs2', expands: 'and' },
  { name: 'c.subw', mask: 0xfc63, match: 0x9c01, format: 'CA', operands: 'rd,rs2', expands: 'subw' },
  { name: 'c.addw', mask: 0xfc63, match: 0x9c21, format: 'CA', operands: 'rd,rs2', expands: 'addw' },
  { name: 'c.j', mask: C3, match: 0xa001, format: 'CJ', operands: 'target', expands: 'jal' },
  { name: 'c.beqz', mask: C3, match: 0xc001, format: 'CB', operands: 'rs1,target', expands: 'beq' },
  { name: 'c.bnez', mask: C3, match: 0xe001, format: 'CB', operands: 'rs1,target', expands: 'bne' },
  { name: 'c.slli', mask: C3, match: 0x0002, format: 'CI_SHIFT', operands: 'rd,shamt', expands: 'slli' },
  { name: 'c.fldsp', mask: C3, match: 0x2002, format: 'CI_LDSP', operands: 'fd,imm(sp)', expands: 'fld' },
  { name: 'c.lwsp', mask: C3, match: 0x4002, format: 'CI_LWSP', operands: 'rd,imm(sp)', expands: 'lw', valid: (x) => rdField(x) !== 0 },
  { name: 'c.ldsp', mask: C3, match: 0x6002, format: 'CI_LDSP', operands: 'rd,imm(sp)', expands: 'ld', valid: (x) => rdField(x) !== 0 },
  { name: 'c.jr', mask: 0xf07f, match: 0x8002, format: 'CR_JR', operands: 'rs1', expands: 'jalr', valid: (x) => rdField(x) !== 0 },
  { name: 'c.mv', mask: CR, match: 0x8002, format: 'CR_MV', operands: 'rd,rs2', expands: 'add', valid: (x) => rs2Field(x) !== 0 },
  { name: 'c.ebreak', mask: 0xffff, match: 0x9002, format: 'CNONE', operands: '', expands: 'ebreak' },
  { name: 'c.jalr', mask: 0xf07f, match: 0x9002, format: 'CR_JALR', operands: 'rs1', expands: 'jalr', valid: (x) => rdField(x) !== 0 },
  { name: 'c.add', mask: CR, match: 0x9002, format: 'CR_ADD', operands: 'rd,rs2', expands: 'add', valid: (x) => rs2Field(x) !== 0 },
  { name: 'c.swsp', mask: C3, match: 0xc002, format: 'CSS_SW', operands: 'rs2,imm(sp)', expands: 'sw' },
  { name: 'c.fsdsp', mask: C3, match: 0xa002, format: 'CSS_SD', operands: 'fs2,imm(sp)', expands: 'fsd' },
  { name: 'c.sdsp', mask: C3, match: 0xe002, format: 'CSS_SD', operands: 'rs2,imm(sp)', expands: 'sd' },
];
