// Code generation shared by both engine tiers: expands an instruction's `exec` snippet into JavaScript.
// The interpreter and the block translator differ only in how control leaves an instruction (the Context).
import type { Opcode } from './isa/decode';
import { TLB_SIZE } from './mmu';

/** How one engine expresses leaving an instruction; see the macro list in isa/instructions.ts. */
export interface Context {
  /** Take an exception at this instruction: cause and the two halves of tval. */
  trap(cause: string, lo: string, hi: string): string;
  /** Continue at an absolute address. */
  jump(target: string): string;
  /** Continue at this instruction's address plus delta. */
  jumpRel(delta: string): string;
  /** This instruction's address. */
  pc: string;
  /** Retire this instruction and end the slice (jumps: the instruction has set the next pc itself). */
  end(jumps: boolean): string;
  /** Instructions retired before this one. */
  retired: string;
}

/**
 * The local constants generated code expects: registers, RAM views and the RAM window. Generated code also
 * needs `bare` in scope, true when data addresses are physical so the RAM fast path applies, and `DT` and `DS`,
 * the TLB's data tag and index salt (see Tlb) for the current context.
 */
export const PRELUDE = `
  const L = m.L, H = m.H, FL = m.fl, FH = m.fh, SF = m.sf, C = m.csr.lo, ram = m.ram;
  const M8 = ram.c8, M16 = ram.c16, M32 = ram.c32, PF = ram.pageFlags, Z8 = Z8in;
  const RS = ram.size, RBI = ram.base | 0, O = A.out;
  const TLK = m.tlb.loadKey, TLO = m.tlb.loadOff, TSK = m.tlb.storeKey, TSO = m.tlb.storeOff, TLB_MASK = ${TLB_SIZE - 1};`;

/** Expands `NAME(args)` macros whose arguments may contain nested parentheses. */
export function expandCalls(code: string, name: string, expand: (args: string[]) => string): string {
  let out = '', i = 0;
  const re = new RegExp(`\\b${name}\\(`, 'g');
  for (let m = re.exec(code); m; m = re.exec(code)) {
    let depth = 1, j = m.index + m[0].length;
    const args: string[] = [];
    let start = j;
    for (; depth > 0; j++) {
      const ch = code[j];
      if (ch === '(') depth++;
      else if (ch === ')') depth--;
      if ((ch === ',' && depth === 1) || depth === 0) { args.push(code.slice(start, j).trim()); start = j + 1; }
    }
    out += code.slice(i, m.index) + expand(args);
    i = j;
    re.lastIndex = j;
  }
  return out + code.slice(i);
}

/** rs1 + imm as exact 32-bit halves alo, ahi (the EA macro; loads and stores start with it). */
const EFFECTIVE_ADDRESS = 'const _b = L[rs1], alo = (_b + imm) | 0, ahi = (H[rs1] + (imm >> 31) + ((alo >>> 0) < (_b >>> 0) ? 1 : 0)) | 0;';

/**
 * Effective address as exact 32-bit halves, and its RAM offset: directly when untranslated, else through the
 * load or store TLB (-1 on a miss, or when the address is not RAM: the slow path then walks and refills).
 */
function address(store: boolean): string {
  const [key, ram] = store ? ['TSK', 'TSO'] : ['TLK', 'TLO'];
  return `${EFFECTIVE_ADDRESS}
    let off = -1;
    if (bare) { if (ahi === 0) off = (alo - RBI) | 0; }
    else { const _i = ((alo >>> 12) ^ DS) & TLB_MASK; if (${key}[_i] === ahi * 1048576 + (alo >>> 12) + DT) off = (${ram}[_i] + (alo & 4095)) | 0; }`;
}

function loadCode(bytes: number, signed: boolean): string {
  const fast: Record<number, string> = {
    1: `const v = M8[off >>> 16][off & 65535]; L[rd] = ${signed ? '(v << 24) >> 24' : 'v'};`,
    2: `const v = M16[off >>> 16][(off & 65535) >>> 1]; L[rd] = ${signed ? '(v << 16) >> 16' : 'v'};`,
    4: `L[rd] = M32[off >>> 16][(off & 65535) >>> 2];`,
    8: `const c = M32[off >>> 16], i = (off & 65535) >>> 2; L[rd] = c[i]; H[rd] = c[i + 1];`,
  };
  const high = bytes === 8 ? '' : signed ? 'H[rd] = L[rd] >> 31;' : 'H[rd] = 0;';
  return `{ ${address(false)}
    if ((off >>> 0) < RS && (off & ${bytes - 1}) === 0) { ${fast[bytes]} ${high} }
    else if (m.loadSlow(alo, ahi, ${bytes}, ${signed})) { L[rd] = m.vlo; H[rd] = m.vhi; }
    else TRAP(m.faultCause, m.faultLo, m.faultHi); }`;
}

function storeCode(bytes: number): string {
  const fast: Record<number, string> = {
    1: `M8[c][off & 65535] = L[rs2];`,
    2: `M16[c][(off & 65535) >>> 1] = L[rs2];`,
    4: `M32[c][(off & 65535) >>> 2] = L[rs2];`,
    8: `const ch = M32[c], i = (off & 65535) >>> 2; ch[i] = L[rs2]; ch[i + 1] = H[rs2];`,
  };
  return `{ ${address(true)}
    if ((off >>> 0) < RS && (off & ${bytes - 1}) === 0) {
      const c = off >>> 16; if (M8[c] === Z8) ram.allocate(c);
      ${fast[bytes]}
      if (PF[off >>> 12] !== 0 && m.storeNotify(off, ${bytes})) END;
    } else {
      const st = m.storeSlow(alo, ahi, ${bytes}, L[rs2], H[rs2]);
      if (st === 1) TRAP(m.faultCause, m.faultLo, m.faultHi);
      if (st === 2) END;
    } }`;
}


/** The instruction's semantics with every macro expanded for ctx (operands still named rd, rs1, rs2, imm, raw). */
export function expandSemantics(op: Opcode, ctx: Context): string {
  const sem = op.semantics, len = op.length;
  let code = sem.exec;
  code = expandCalls(code, 'LOAD', ([b, s]) => loadCode(Number(b), s === 'true'));
  code = expandCalls(code, 'STORE', ([b]) => storeCode(Number(b)));
  code = code.replace(/\bEA\b/g, EFFECTIVE_ADDRESS);
  code = expandCalls(code, 'TRAP', ([c, lo, hi]) => ctx.trap(c, lo, hi));
  code = expandCalls(code, 'JUMP_REL', ([d]) => ctx.jumpRel(d));
  code = expandCalls(code, 'JUMP', ([a]) => ctx.jump(a));
  code = code.replace(/\bPC\b/g, ctx.pc);
  code = code.replace(/\bEND\b/g, ctx.end(sem.jumps === true));
  return code.replace(/\bRETIRED\b/g, ctx.retired).replace(/\bLEN\b/g, String(len));
}
