// The interpreter: a dispatch loop compiled at start-up from the instruction table's `exec` snippets.
// One switch over predecoded slots, registers in typed arrays, RAM accessed inline; everything rare calls the hart.
import * as A from './isa/alu64';
import { opcodes, type Opcode } from './isa/decode';
import { expandSemantics, PRELUDE, type Context } from './codegen';
import { Ram } from './memory/ram';
import { SLOT_WORDS, type Hart } from './hart';
import { BREAKPOINT_FILTER_SIZE, type BreakpointSet } from './breakpoints';

/**
 * Runs until `budget` instructions have retired or trapped; returns how many retired (hart.sliceTraps holds
 * how many trapped). Stops early when an instruction ends the slice (hart.endSlice is then set), and with
 * toBlockEnd, after the first jump or branch.
 */
export type RunFunction = (budget: number, toBlockEnd?: boolean) => number;

/**
 * Continue at an absolute address. o stays an int32: inside the current page it is the new offset; otherwise
 * pageBase moves so that pageBase + o is still the exact target and o = 8192 forces a page lookup.
 */
function jumpTo(target: string): string {
  return `{ const _t = ${target}, _d = _t - pageBase; if (_d >= 0 && _d < 4096) o = _d | 0; else { pageBase = _t - 8192; o = 8192; } }`;
}

/**
 * Takes an exception at pc and continues at its handler. The trap may change the privilege mode and so the
 * translation: the page is looked up again, and bareness and the TLB's tag and salt are re-read.
 */
function takeTrap(cause: string, lo: string, hi: string, pc: string): string {
  return `pageBase = m.exception(${cause}, ${lo}, ${hi}, ${pc}) - 8192; o = 8192; bare = m.dataBare; DT = m.tlb.dataTag; DS = m.tlb.dataSalt; ` +
    // A trap the debugger held did not happen; one it stops after (privilege change) did. A held trap, a debugger's
    // stop and a trap handled by firmware outside the machine (the VMM) all end the slice.
    `t += 1 - m.trapHeld; if (m.endSlice) break outer;`;
}

const interpreterContext: Context = {
  trap: (c, lo, hi) => `{ ${takeTrap(c, lo, hi, 'pageBase + o')} continue outer; }`,
  jump: (a) => jumpTo(a),
  jumpRel: (d) => `o += ${d};`,
  pc: '(pageBase + o)',
  end: () => '',
  retired: '(base + n)',
};

/** The JavaScript for one opcode's case body. */
function caseBody(op: Opcode): string {
  const sem = op.semantics, len = op.length;
  const ctx = { ...interpreterContext, end: (jumps: boolean) => `{ ${jumps ? '' : `o += ${len};`} m.endSlice = true; n++; break outer; }` };
  const code = expandSemantics(op, ctx);
  const decl = fieldDecls(code, true);
  // A jump ends a basic block: in block mode the interpreter returns there so translated blocks can take over.
  return `${decl}\n${code}\n${sem.jumps ? 'if (toBlockEnd) { n++; break outer; }' : `o += ${len};`}`;
}

/**
 * Rows that run out of line, in a second function: V8 optimizes no function beyond about 60 KB of bytecode, and
 * the main loop must stay under that. F and D qualify (rare next to integer code, and they never jump), and so do
 * H's rows, which only raise illegal-instruction here.
 */
const outOfLine = (op: Opcode): boolean => op.semantics.ext === 'F' || op.semantics.ext === 'D' || op.semantics.ext === 'H';

/**
 * The out-of-line function: runs one instruction; returns its length, plus 8 when it ends the slice, or 0 when it
 * trapped (the cause and tval are then in m.faultCause, m.faultLo, m.faultHi).
 */
const sideContext: Context = {
  trap: (c, lo, hi) => `{ m.faultCause = ${c}; m.faultLo = ${lo}; m.faultHi = ${hi}; return 0; }`,
  jump: () => { throw new Error('out-of-line instructions do not jump'); },
  jumpRel: () => { throw new Error('out-of-line instructions do not jump'); },
  pc: 'pc',
  end: () => { throw new Error('set per opcode'); },
  retired: 'm.retired',
};

function sideCase(op: Opcode): string {
  const len = op.length;
  const code = expandSemantics(op, { ...sideContext, end: () => `return ${len + 8};` });
  return `case ${op.id}: { // ${op.name}\n${fieldDecls(code, false)}\n${code}\nreturn ${len}; }`;
}

function sideSource(): string {
  return `${PRELUDE}
  return function side(w, imm, raw, pc) {
    switch (w & 1023) {
      ${opcodes.slice(2).filter(outOfLine).map(sideCase).join('\n')}
    }
    throw new Error('not an out-of-line opcode: ' + (w & 1023));
  };
  //# sourceURL=ringside-interpreter-side.js`;
}

/** Operand extraction for a case body: only the fields its code uses (imm and raw from the slot, or parameters). */
function fieldDecls(code: string, fromSlot: boolean): string {
  const fields: string[] = [];
  if (/\brd\b/.test(code)) fields.push('rd = (w >>> 10) & 63');
  if (/\brs1\b/.test(code)) fields.push('rs1 = (w >>> 16) & 63');
  if (/\brs2\b/.test(code)) fields.push('rs2 = (w >>> 22) & 63');
  if (fromSlot && /\bimm\b/.test(code)) fields.push(`imm = P[si + 1]`);
  if (fromSlot && /\braw\b/.test(code)) fields.push(`raw = P[si + 2]`);
  return fields.length ? `const ${fields.join(', ')};` : '';
}

/**
 * The debugging variant checks, before each instruction, for a breakpoint at pc and for a stop a hook requested
 * (a watchpoint hit by the previous load). The plain variant has no such check, so breakpoints cost nothing
 * when none are set.
 */
const BREAKPOINT_CHECK = `if (BPF[((pageBase + o) >>> 1) & ${BREAKPOINT_FILTER_SIZE - 1}] !== 0 && BP.has(pageBase + o)) { m.requestStop({ kind: 'breakpoint', pc: pageBase + o }); break outer; }
      if (m.debugStop !== undefined) break outer;`;

function source(debugging: boolean): string {
  const cases = opcodes.slice(1).filter((op) => !outOfLine(op)).map((op) => `case ${op.id}: { // ${op.name}\n${caseBody(op)}\nbreak; }`).join('\n');
  return `${PRELUDE}
  const NO_PAGE = new Int32Array(${SLOT_WORDS});
  // The pc is pageBase (a number: any 64-bit address) + o (an int32 offset into the current page), so the
  // common case of straight-line code and in-page branches is integer arithmetic only.
  const BP = breakpoints, BPF = breakpoints ? breakpoints.filter : undefined;
  return function run(budget, toBlockEnd) {
    let n = 0, t = 0, P = NO_PAGE, pageBase = m.pc - 8192, pageOff = 0, o = 8192, bare = m.dataBare, DT = m.tlb.dataTag, DS = m.tlb.dataSalt;
    const base = m.retired;
    m.endSlice = false;
    outer: while (n + t < budget) {
      if ((o >>> 0) >= 4096) {
        const pc = pageBase + o;
        const pa = m.fetchAddress(pc);
        const page = pa < 0 ? undefined : m.fetchPage(pa);
        if (page === undefined) {
          if (pa >= 0) { m.faultCause = 1; m.faultLo = pc % 4294967296 | 0; m.faultHi = Math.floor(pc / 4294967296) | 0; }
          ${takeTrap('m.faultCause', 'm.faultLo', 'm.faultHi', 'pc')} continue;
        }
        // & not %: an upper-half pc (Linux's 0xffff...) is a negative number, and % would give a negative offset.
        P = page; o = pc & 4095; pageBase = pc - o; pageOff = pa - o - ram.base;
      }
      ${debugging ? BREAKPOINT_CHECK : ''}
      const si = o << 1; // (o / 2) * SLOT_WORDS
      const w = P[si];
      switch (w & 1023) {
        case 0:
          if (!m.decodeSlot(P, pageOff + o, pageBase + o)) { ${takeTrap('m.faultCause', 'm.faultLo', 'm.faultHi', 'pageBase + o')} }
          continue;
        ${cases}
        default: {
          const r = side(w, P[si + 1], P[si + 2], pageBase + o);
          if (r === 0) { ${takeTrap('m.faultCause', 'm.faultLo', 'm.faultHi', 'pageBase + o')} continue outer; }
          o += r & 7;
          if (r > 8) { m.endSlice = true; n++; break outer; }
        }
      }
      n++;
    }
    m.pc = pageBase + o;
    m.retired = base + n;
    m.sliceTraps = t;
    return n;
  };
  //# sourceURL=ringside-interpreter${debugging ? '-debug' : ''}.js`;
}

type Factory<F> = (m: Hart, A: unknown, Z8in: Uint8Array, side: unknown, breakpoints: BreakpointSet | undefined) => F;
const factories: { plain?: Factory<RunFunction>; debugging?: Factory<RunFunction> } = {};
let sideFactory: ((m: Hart, A: unknown, Z8in: Uint8Array) => (w: number, imm: number, raw: number, pc: number) => number) | undefined;

/**
 * Compiles (once per process) and binds the interpreter to a hart. With breakpoints, the debugging variant: it stops
 * before any instruction at a breakpoint (a debugger resumes from one by stepping it first) and after any
 * instruction that made a debugger hook request a stop.
 */
export function compileInterpreter(hart: Hart, breakpoints?: BreakpointSet): RunFunction {
  const debugging = breakpoints !== undefined;
  const factory = (factories[debugging ? 'debugging' : 'plain'] ??= new Function('m', 'A', 'Z8in', 'side', 'breakpoints', source(debugging)) as unknown as Factory<RunFunction>);
  sideFactory ??= new Function('m', 'A', 'Z8in', sideSource()) as unknown as typeof sideFactory;
  // A plain object, not the module namespace: its getters would keep V8 from inlining the helpers (measured: 65 → 102 MIPS on CRC).
  const helpers = { ...A };
  return factory(hart, helpers, Ram.zero8, sideFactory!(hart, helpers, Ram.zero8), breakpoints);
}

/** The generated source, for inspection and tests. */
export function interpreterSource(debugging = false): string {
  return source(debugging);
}
