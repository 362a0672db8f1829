// The interpreter: a dispatch loop compiled at start-up from the instruction table's `exec` snippets.
// One switch over predecoded slots, registers in typed arrays, RAM accessed inline; everything rare calls the hart.
import * as A from './isa/alu64';
import { opcodes, type Opcode } from './isa/decode';
import { Ram } from './memory/ram';
import { SLOT_WORDS, type Hart } from './hart';

/**
 * Runs until `budget` instructions have retired or trapped; returns how many retired (hart.sliceTraps holds
 * how many trapped). Stops early when an instruction ends the slice.
 */
export type RunFunction = (budget: number) => number;

/** Expands `NAME(args)` macros whose arguments may contain nested parentheses. */
function expandCalls(code: string, name: string, expand: (args: string[]) => string): string {
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

/** Effective address as exact 32-bit halves, and its RAM offset (meaningful when ahi is 0), in int32 arithmetic only. */
function address(): string {
  return `const _b = L[rs1], alo = (_b + imm) | 0, ahi = (H[rs1] + (imm >> 31) + ((alo >>> 0) < (_b >>> 0) ? 1 : 0)) | 0;
    const off = (alo - RBI) | 0;`;
}

function loadCode(bytes: number, signed: boolean): string {
  const fast: Record<number, string> = {
    1: `const v = M8[off >>> 16][off & 65535]; L[rd] = ${signed ? '(v << 24) >> 24' : 'v'};`,
    2: `const v = M16[off >>> 16][(off & 65535) >>> 1]; L[rd] = ${signed ? '(v << 16) >> 16' : 'v'};`,
    4: `L[rd] = M32[off >>> 16][(off & 65535) >>> 2];`,
    8: `const c = M32[off >>> 16], i = (off & 65535) >>> 2; L[rd] = c[i]; H[rd] = c[i + 1];`,
  };
  const high = bytes === 8 ? '' : signed ? 'H[rd] = L[rd] >> 31;' : 'H[rd] = 0;';
  return `{ ${address()}
    if (ahi === 0 && (off >>> 0) < RS && (off & ${bytes - 1}) === 0) { ${fast[bytes]} ${high} }
    else if (!m.loadSlow(alo, ahi, ${bytes}, ${signed}, rd)) TRAP(m.faultCause, m.faultLo, m.faultHi); }`;
}

function storeCode(bytes: number): string {
  const fast: Record<number, string> = {
    1: `M8[c][off & 65535] = L[rs2];`,
    2: `M16[c][(off & 65535) >>> 1] = L[rs2];`,
    4: `M32[c][(off & 65535) >>> 2] = L[rs2];`,
    8: `const ch = M32[c], i = (off & 65535) >>> 2; ch[i] = L[rs2]; ch[i + 1] = H[rs2];`,
  };
  return `{ ${address()}
    if (ahi === 0 && (off >>> 0) < RS && (off & ${bytes - 1}) === 0) {
      const c = off >>> 16; if (M8[c] === Z8) ram.allocate(c);
      ${fast[bytes]}
      if (PF[off >>> 12] !== 0 && m.storeNotify(off, ${bytes})) END;
    } else {
      const st = m.storeSlow(alo, ahi, ${bytes}, L[rs2], H[rs2]);
      if (st === 1) TRAP(m.faultCause, m.faultLo, m.faultHi);
      if (st === 2) END;
    } }`;
}

/**
 * Continue at an absolute address. o stays an int32: inside the current page it is the new offset; otherwise
 * pageBase moves so that pageBase + o is still the exact target and o = 8192 forces a page lookup.
 */
function jumpTo(target: string): string {
  return `{ const _t = ${target}, _d = _t - pageBase; if (_d >= 0 && _d < 4096) o = _d | 0; else { pageBase = _t - 8192; o = 8192; } }`;
}

/** The JavaScript for one opcode's case body. */
export function caseBody(op: Opcode): string {
  const sem = op.semantics, len = op.length;
  let code = sem.exec;
  code = expandCalls(code, 'LOAD', ([b, s]) => loadCode(Number(b), s === 'true'));
  code = expandCalls(code, 'STORE', ([b]) => storeCode(Number(b)));
  code = expandCalls(code, 'TRAP', ([c, lo, hi]) => `{ ${jumpTo(`m.exception(${c}, ${lo}, ${hi}, pageBase + o)`)} t++; continue outer; }`);
  code = expandCalls(code, 'JUMP_REL', ([d]) => `o += ${d};`);
  code = expandCalls(code, 'JUMP', ([a]) => jumpTo(a));
  code = code.replace(/\bPC\b/g, '(pageBase + o)');
  code = code.replace(/\bEND\b/g, sem.jumps ? '{ n++; break outer; }' : `{ o += ${len}; n++; break outer; }`);
  code = code.replace(/\bRETIRED\b/g, '(base + n)').replace(/\bLEN\b/g, String(len));
  const fields: string[] = [];
  if (/\brd\b/.test(code)) fields.push('rd = (w >>> 10) & 63');
  if (/\brs1\b/.test(code)) fields.push('rs1 = (w >>> 16) & 63');
  if (/\brs2\b/.test(code)) fields.push('rs2 = (w >>> 22) & 63');
  if (/\bimm\b/.test(code)) fields.push(`imm = P[si + 1]`);
  if (/\braw\b/.test(code)) fields.push(`raw = P[si + 2]`);
  const decl = fields.length ? `const ${fields.join(', ')};` : '';
  return `${decl}\n${code}\n${sem.jumps ? '' : `o += ${len};`}`;
}

function source(): string {
  const cases = opcodes.slice(1).map((op) => `case ${op.id}: { // ${op.name}\n${caseBody(op)}\nbreak; }`).join('\n');
  return `
  const L = m.L, H = m.H, ram = m.ram;
  const M8 = ram.c8, M16 = ram.c16, M32 = ram.c32, PF = ram.pageFlags, Z8 = Z8in;
  const RS = ram.size, RBI = ram.base | 0;
  const NO_PAGE = new Int32Array(${SLOT_WORDS});
  // The pc is pageBase (a number: any 64-bit address) + o (an int32 offset into the current page), so the
  // common case of straight-line code and in-page branches is integer arithmetic only.
  return function run(budget) {
    let n = 0, t = 0, P = NO_PAGE, pageBase = m.pc - 8192, pageOff = 0, o = 8192;
    const base = m.retired;
    outer: while (n + t < budget) {
      if ((o >>> 0) >= 4096) {
        const pc = pageBase + o;
        const page = m.fetchPage(pc);
        if (page === undefined) {
          ${jumpTo('m.exception(1, pc % 4294967296 | 0, Math.floor(pc / 4294967296) | 0, pc)')} t++; continue;
        }
        P = page; o = (pc % 4096) | 0; pageBase = pc - o; pageOff = pageBase - ram.base;
      }
      const si = (o >> 1) * ${SLOT_WORDS};
      const w = P[si];
      switch (w & 1023) {
        case 0:
          if (!m.decodeSlot(P, pageOff + o)) { ${jumpTo('m.exception(m.faultCause, m.faultLo, m.faultHi, pageBase + o)')} t++; }
          continue;
        ${cases}
      }
      n++;
    }
    m.pc = pageBase + o;
    m.retired = base + n;
    m.sliceTraps = t;
    return n;
  };
  //# sourceURL=ringside-interpreter.js`;
}

let factory: ((m: Hart, A: unknown, Z8in: Uint8Array) => RunFunction) | undefined;

/** Compiles (once per process) and binds the interpreter to a hart. */
export function compileInterpreter(hart: Hart): RunFunction {
  factory ??= new Function('m', 'A', 'Z8in', source()) as unknown as typeof factory;
  // A plain object, not the module namespace: its getters would keep V8 from inlining the helpers (measured: 65 → 102 MIPS on CRC).
  return factory!(hart, { ...A }, Ram.zero8);
}

/** The generated source, for inspection and tests. */
export function interpreterSource(): string {
  return source();
}
