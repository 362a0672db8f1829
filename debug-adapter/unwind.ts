// Call-stack unwinding for the Call Stack view: DWARF CFI where it covers a pc, else the RISC-V frame-pointer chain,
// else (innermost frame only) ra. Reads guest memory only through the reader it is given, so it never disturbs the guest.
import type { ElfSymbol } from '../emulator/loader/elf';
import { CfiError, evaluateCfiExpression, type CallFrameInfo, type UnwindRow } from '../emulator/loader/dwarf-frame';

/** How a frame was found: 'top' is the stopped pc itself; the others name the rule that recovered it from its callee. */
export type UnwindMethod = 'top' | 'cfi' | 'frame-pointer' | 'ra';

export interface UnwoundFrame {
  /** The frame's pc: for callers, the return address (as GDB shows it); look lines up at pc - 1 (see lookupPc). */
  pc: bigint;
  /** The Canonical Frame Address (the caller's sp), when this frame's unwind rule computed one. */
  cfa?: bigint;
  /**
   * x0..x31 as they were in this frame. Registers the callee saved are recovered; the others (caller-saved ones
   * the rules do not mention) still hold the callee's values, which is all a debugger can know: see `known`.
   */
  regs: bigint[];
  /**
   * Per register, whether regs[n] is this frame's own value: everything in frame 0; in a caller, what a rule
   * recovered (sp from the CFA, saved registers, ra = the return address) and the callee-saved registers the callee
   * left alone. False where only the callee's value is there: a0–a7 and t0–t6, which every call may change.
   */
  known: boolean[];
  method: UnwindMethod;
  /** The function symbol that contains the frame's code, when there is one. */
  function?: string;
}

/** A caller frame as the Variables view and the evaluator use it: its depth in the Call Stack (> 0) and its registers. */
export interface CallerFrame {
  depth: number;
  frame: Pick<UnwoundFrame, 'pc' | 'regs' | 'known'>;
}

/** Reads 8 bytes of guest memory, little-endian; undefined when the address is unmapped. Must not have side effects. */
export type ReadU64 = (va: bigint) => bigint | undefined;

export interface UnwindInfo {
  cfi?: CallFrameInfo;
  symbols: ElfSymbol[];
}

const REG_RA = 1, REG_SP = 2, REG_FP = 8;
/** gp and tp: set once by the runtime, changed by no function, so a caller has the same values. */
const FIXED = [3, 4];
/** s0–s11: the psABI makes a callee restore them, so a callee that saved none of them changed none. */
const CALLEE_SAVED = [8, 9, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27];
/** A frame-pointer frame bigger than this is more likely s0 used as an ordinary register than a real frame. */
const MAX_FP_FRAME = 1n << 20n;
const MASK64 = 0xffff_ffff_ffff_ffffn;

/** The pc to look a frame's line, function and unwind row up at: a caller's pc is a return address, just past its call. */
export function lookupPc(frame: Pick<UnwoundFrame, 'pc' | 'method'>): bigint {
  return frame.method === 'top' ? frame.pc : frame.pc - 1n;
}

/**
 * Walks the stack from `start` (frame 0) outwards. Stops at pc 0, when a frame repeats or the stack stops growing
 * up, when memory cannot be read, when no rule finds a caller, or after maxFrames frames.
 */
export function unwind(start: { pc: bigint; regs: readonly bigint[] }, readU64: ReadU64, info: UnwindInfo, maxFrames = 64): UnwoundFrame[] {
  const functions = functionIndex(info.symbols);
  const top: UnwoundFrame = { pc: start.pc, regs: [...start.regs], known: start.regs.map(() => true), method: 'top' };
  const frames: UnwoundFrame[] = [];
  const seen = new Set<string>();
  for (let frame: UnwoundFrame | undefined = top; frame && frames.length < maxFrames;) {
    frame.function = functions.containing(lookupPc(frame))?.name;
    frames.push(frame);
    seen.add(`${frame.pc}:${frame.regs[REG_SP]}`);
    const caller = callerOf(frame, readU64, info, functions);
    if (!caller || caller.pc === 0n || seen.has(`${caller.pc}:${caller.regs[REG_SP]}`)) break;
    if (caller.regs[REG_SP] < frame.regs[REG_SP]) break; // the stack grows down: a caller's sp is never below its callee's
    frame = caller;
  }
  return frames;
}

/** The caller of `frame` by the first rule that applies; records the CFA on `frame` when one is computed. */
function callerOf(frame: UnwoundFrame, readU64: ReadU64, info: UnwindInfo, functions: FunctionIndex): UnwoundFrame | undefined {
  const row = info.cfi?.rowAt(lookupPc(frame));
  if (row) {
    try {
      return byCfi(frame, row, readU64);
    } catch (e) {
      if (!(e instanceof CfiError)) throw e;
      // An expression we cannot evaluate: the heuristics below may still find the caller.
    }
  }
  return byFramePointer(frame, readU64, functions) ?? (frame.method === 'top' ? byReturnAddress(frame, functions) : undefined);
}

/**
 * What a caller knows before its unwind rule adds to it: x0, gp and tp always; s0–s11 as the callee knew them when
 * the callee's record says it saved nothing else (CFI, or a leaf that never touched the stack).
 */
function inheritedKnown(callee: UnwoundFrame, calleeSavedKept: boolean): boolean[] {
  const known = callee.regs.map(() => false);
  known[0] = true;
  for (const n of FIXED) known[n] = callee.known[n];
  if (calleeSavedKept) for (const n of CALLEE_SAVED) known[n] = callee.known[n];
  return known;
}

/** A caller found at return address `pc`: its ra holds that address once the call returns (GDB shows the same). */
function caller(pc: bigint, regs: bigint[], known: boolean[], method: UnwindMethod): UnwoundFrame {
  regs[REG_RA] = pc;
  known[REG_RA] = true;
  return { pc, regs, known, method };
}

/** Applies an unwind row: the CFA, then every register's rule, all against the callee's registers. */
function byCfi(frame: UnwoundFrame, row: UnwindRow, readU64: ReadU64): UnwoundFrame | undefined {
  const ctx = { register: (n: number) => (n < 32 ? frame.regs[n] : undefined), readU64 };
  const cfa = row.cfa.kind === 'register'
    ? BigInt.asUintN(64, registerValue(frame, row.cfa.register) + row.cfa.offset)
    : evaluateCfiExpression(row.cfa.expression, ctx);
  frame.cfa = cfa;
  const regs = [...frame.regs];
  const known = inheritedKnown(frame, true);
  regs[REG_SP] = cfa;
  known[REG_SP] = row.cfa.kind !== 'register' || frame.known[row.cfa.register];
  for (const [n, rule] of row.registers) {
    if (n >= 32) continue;
    let v: bigint | undefined;
    switch (rule.kind) {
      case 'undefined': if (n === row.returnAddressRegister) return undefined; known[n] = false; continue; // no return address: the outermost frame
      case 'same-value': v = frame.regs[n]; known[n] = frame.known[n]; break;
      case 'offset': v = readU64((cfa + rule.offset) & MASK64); known[n] = true; break;
      case 'val-offset': v = (cfa + rule.offset) & MASK64; known[n] = true; break;
      case 'register': v = registerValue(frame, rule.register); known[n] = frame.known[rule.register]; break;
      case 'expression': v = readU64(evaluateCfiExpression(rule.expression, ctx, cfa)); known[n] = true; break;
      case 'val-expression': v = evaluateCfiExpression(rule.expression, ctx, cfa); known[n] = true; break;
    }
    if (v === undefined) return undefined; // a saved register in unreadable memory: the stack is not what CFI says
    regs[n] = v;
  }
  regs[0] = 0n;
  const pc = row.returnAddressRegister < 32 ? regs[row.returnAddressRegister] : undefined;
  return pc === undefined ? undefined : caller(pc, regs, known, 'cfi');
}

function registerValue(frame: UnwoundFrame, n: number): bigint {
  if (n >= 32) throw new CfiError(`the CFA is based on DWARF register ${n}, which is not an integer register`);
  return frame.regs[n];
}

/**
 * The frame-pointer chain as gcc -fno-omit-frame-pointer lays it out: s0 points just above the saved ra (s0-8) and
 * the caller's s0 (s0-16). A leaf that saves no ra keeps the caller's s0 at s0-8 and its return address in ra.
 */
function byFramePointer(frame: UnwoundFrame, readU64: ReadU64, functions: FunctionIndex): UnwoundFrame | undefined {
  const fp = frame.regs[REG_FP], sp = frame.regs[REG_SP];
  const isTop = frame.method === 'top';
  // At a function's first instruction nothing is saved yet and s0 is still the caller's: ra is the rule.
  if (isTop && functions.containing(frame.pc)?.value === frame.pc) return undefined;
  if (fp % 8n !== 0n || fp <= sp || fp - sp > MAX_FP_FRAME || fp < 16n) return undefined;
  const above = readU64(fp - 8n);
  if (above === undefined) return undefined;
  const withFp = (pc: bigint, callerFp: bigint): UnwoundFrame => {
    frame.cfa = fp; // gcc's s0 is the CFA: the sp the caller had at the call
    const regs = [...frame.regs];
    // Without a record of what the callee saved, only the chain's own registers are the caller's.
    const known = inheritedKnown(frame, false);
    regs[REG_SP] = fp;
    regs[REG_FP] = callerFp;
    known[REG_SP] = known[REG_FP] = true;
    return caller(pc, regs, known, 'frame-pointer');
  };
  if (functions.isCode(above)) {
    const savedFp = readU64(fp - 16n);
    return savedFp === undefined ? undefined : withFp(above, savedFp);
  }
  const looksLikeFp = above === 0n || (above > fp && above % 8n === 0n);
  if (isTop && looksLikeFp && functions.isCode(frame.regs[REG_RA])) return withFp(frame.regs[REG_RA], above);
  return undefined;
}

/** A leaf that has not touched the stack: its caller resumes at ra with the same sp. */
function byReturnAddress(frame: UnwoundFrame, functions: FunctionIndex): UnwoundFrame | undefined {
  const ra = frame.regs[REG_RA];
  if (ra === frame.pc || !functions.isCode(ra)) return undefined;
  // Nothing on the stack, so nothing saved: sp and s0–s11 are still the caller's.
  const known = inheritedKnown(frame, true);
  known[REG_SP] = frame.known[REG_SP];
  return caller(ra, [...frame.regs], known, 'ra');
}

// ---------------------------------------------------------------------------------------------------------
// Functions by address

interface FunctionIndex {
  /** The function symbol whose extent holds pc, else the nearest code label at or below it. */
  containing(pc: bigint): ElfSymbol | undefined;
  /** Whether pc may be a return address: inside a function symbol (or, with no sized functions, any even address). */
  isCode(pc: bigint): boolean;
}

const indexes = new WeakMap<readonly ElfSymbol[], FunctionIndex>();

/** Built once per symbol list: a stop in a big kernel must not sort 100k symbols again. */
function functionIndex(symbols: readonly ElfSymbol[]): FunctionIndex {
  let index = indexes.get(symbols);
  if (!index) {
    index = buildFunctionIndex(symbols);
    indexes.set(symbols, index);
  }
  return index;
}

/** RISC-V mapping symbols ($x, $d) mark code and data inside a section; they name nothing. */
const isMappingSymbol = (s: ElfSymbol): boolean => s.name.startsWith('$');

function buildFunctionIndex(symbols: readonly ElfSymbol[]): FunctionIndex {
  const byAddress = (a: ElfSymbol, b: ElfSymbol) => (a.value < b.value ? -1 : a.value > b.value ? 1 : 0);
  const sized = symbols.filter((s) => s.type === 'func' && s.size > 0n).sort(byAddress);
  const labels = symbols.filter((s) => (s.type === 'func' || s.type === 'notype') && s.section !== 0 && !isMappingSymbol(s)).sort(byAddress);
  const inside = (pc: bigint): ElfSymbol | undefined => {
    const s = lastAtOrBelow(sized, pc);
    return s && pc < s.value + s.size ? s : undefined;
  };
  return {
    containing: (pc) => inside(pc) ?? lastAtOrBelow(labels, pc),
    isCode: (pc) => pc !== 0n && (sized.length === 0 ? pc % 2n === 0n : inside(pc) !== undefined),
  };
}

/** Binary search over symbols sorted by value: the last one at or below pc. */
function lastAtOrBelow(sorted: readonly ElfSymbol[], pc: bigint): ElfSymbol | undefined {
  let lo = 0, hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid].value <= pc) lo = mid + 1; else hi = mid;
  }
  return lo > 0 ? sorted[lo - 1] : undefined;
}
