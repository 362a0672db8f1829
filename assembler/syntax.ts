// The lexical layer of GNU RISC-V assembly: splitting a line into labels, an operation and its operands, and
// reading the small operand kinds (registers, CSRs, rounding modes, fence sets, strings) with helpful errors.
import { ABI_NAMES, FP_ABI_NAMES, RM_NAMES } from '../emulator/isa/disasm';
import { csrNumberByName } from '../emulator/csr/table';

export class SyntaxError_ extends Error {
  constructor(message: string, readonly column: number, readonly endColumn?: number) { super(message); }
}

/** One operand's text and where it starts on the line (1-based column). */
export interface Arg { text: string; column: number }

export interface Statement {
  labels: Arg[];
  /** Mnemonic or directive, lower-cased only for lookup by the caller. */
  op?: Arg;
  args: Arg[];
}

const INT_REGS = new Map<string, number>();
const FP_REGS = new Map<string, number>();
for (let i = 0; i < 32; i++) {
  INT_REGS.set(`x${i}`, i); INT_REGS.set(ABI_NAMES[i], i);
  FP_REGS.set(`f${i}`, i); FP_REGS.set(FP_ABI_NAMES[i], i);
}
INT_REGS.set('fp', 8);

export const intRegister = (name: string): number | undefined => INT_REGS.get(name);
export const fpRegister = (name: string): number | undefined => FP_REGS.get(name);

/** Rounding-mode operands by name, from the disassembler's names for the rm field (the reserved 5 and 6 left out). */
export const ROUNDING_MODES: Readonly<Record<string, number>> = Object.fromEntries(
  RM_NAMES.map((name, rm): [string, number] => [name, rm]).filter(([name]) => name !== 'unknown'));

/**
 * The closest known name within edit distance 2, for "did you mean" hints. Ties go to a name the typed one
 * starts with (a doubled letter: 'addd' → 'add'), then to the alphabetically first.
 */
export function closest(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined, bestD = 3;
  const better = (c: string, d: number): boolean => {
    if (d !== bestD || best === undefined) return d < bestD;
    const cp = name.startsWith(c), bp = name.startsWith(best);
    return cp !== bp ? cp : c < best;
  };
  for (const c of candidates) {
    if (Math.abs(c.length - name.length) > bestD) continue;
    const d = editDistance(name, c, bestD + 1);
    if (d < 3 && better(c, d)) { best = c; bestD = d; }
  }
  return best;
}

function editDistance(a: string, b: string, limit: number): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      rowMin = Math.min(rowMin, cur[j]);
    }
    if (rowMin >= limit) return limit;
    prev = cur;
  }
  return prev[b.length];
}

const hint = (name: string, pool: Iterable<string>): string => {
  const c = closest(name, pool);
  return c ? ` — did you mean '${c}'?` : '';
};

const end = (a: Arg): number => a.column + a.text.length;

export function parseIntRegister(a: Arg): number {
  const r = INT_REGS.get(a.text);
  if (r !== undefined) return r;
  if (FP_REGS.has(a.text)) throw new SyntaxError_(`expected an integer register, got floating-point register '${a.text}'`, a.column, end(a));
  if (/^x\d+$/.test(a.text)) throw new SyntaxError_(`unknown register '${a.text}' (integer registers are x0..x31, or ABI names such as a0 and sp)`, a.column, end(a));
  throw new SyntaxError_(`'${a.text}' is not an integer register${hint(a.text, INT_REGS.keys())}`, a.column, end(a));
}

export function parseFpRegister(a: Arg): number {
  const r = FP_REGS.get(a.text);
  if (r !== undefined) return r;
  if (INT_REGS.has(a.text)) throw new SyntaxError_(`expected a floating-point register, got integer register '${a.text}'`, a.column, end(a));
  if (/^f\d+$/.test(a.text)) throw new SyntaxError_(`unknown register '${a.text}' (floating-point registers are f0..f31, or ABI names such as fa0 and ft0)`, a.column, end(a));
  throw new SyntaxError_(`'${a.text}' is not a floating-point register${hint(a.text, FP_REGS.keys())}`, a.column, end(a));
}

/** A CSR by name (any GNU as knows, implemented or not); numbers are left to the caller (they are expressions). */
export function csrNumber(a: Arg): number | undefined {
  return csrNumberByName.get(a.text);
}

export function unknownCsr(a: Arg): SyntaxError_ {
  return new SyntaxError_(`unknown CSR '${a.text}'${hint(a.text, csrNumberByName.keys())}`, a.column, a.column + a.text.length);
}

export function parseRoundingMode(a: Arg): number {
  const rm = ROUNDING_MODES[a.text];
  if (rm === undefined) throw new SyntaxError_(`'${a.text}' is not a rounding mode (${Object.keys(ROUNDING_MODES).join(', ')})`, a.column);
  return rm;
}

/** A fence predecessor/successor set such as `rw` or `iorw` (bits i=8, o=4, r=2, w=1). */
export function parseFenceSet(a: Arg): number {
  if (a.text === '0') return 0;
  if (!/^i?o?r?w?$/.test(a.text) || a.text === '') throw new SyntaxError_(`'${a.text}' is not a fence set (letters from i, o, r, w in that order)`, a.column);
  return [...a.text].reduce((v, c) => v | ({ i: 8, o: 4, r: 2, w: 1 }[c] ?? 0), 0);
}

/** Splits `offset(reg)` into the offset text (may be empty) and the register. */
export function splitMemory(a: Arg): { offset: Arg; base: Arg } | undefined {
  const m = /^(.*)\(\s*([\w.$]+)\s*\)\s*$/.exec(a.text);
  if (!m) return undefined;
  const baseStart = a.text.lastIndexOf(m[2]);
  return { offset: { text: m[1].trim(), column: a.column }, base: { text: m[2], column: a.column + baseStart } };
}

/** Reads a double-quoted string with GNU as escapes; returns its bytes and the index after the closing quote. */
export function readString(text: string, start: number, column: number): { bytes: number[]; end: number } {
  const bytes: number[] = [];
  let i = start + 1;
  while (i < text.length && text[i] !== '"') {
    let c = text[i++];
    if (c !== '\\') { for (const b of Buffer.from(c, 'utf8')) bytes.push(b); continue; }
    c = text[i++];
    if (c === undefined) break;
    const simple: Record<string, number> = { n: 10, t: 9, r: 13, b: 8, f: 12, v: 11, a: 7, '\\': 92, '"': 34, "'": 39 };
    if (c in simple) bytes.push(simple[c]);
    else if (c === 'x' || c === 'X') {
      const m = /^[0-9a-fA-F]+/.exec(text.slice(i));
      if (!m) throw new SyntaxError_('\\x needs hex digits', column + i);
      bytes.push(parseInt(m[0], 16) & 0xff); i += m[0].length;
    } else if (/[0-7]/.test(c)) {
      const m = /^[0-7]{0,2}/.exec(text.slice(i))!;
      bytes.push(parseInt(c + m[0], 8) & 0xff); i += m[0].length;
    } else bytes.push(c.charCodeAt(0));
  }
  if (text[i] !== '"') throw new SyntaxError_('unterminated string (missing closing ")', column + start);
  return { bytes, end: i + 1 };
}

/** Splits operand text at top-level commas (not inside parentheses, strings or character literals). */
export function splitArgs(text: string, column: number): Arg[] {
  const out: Arg[] = [];
  let depth = 0, start = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = text[i];
    if (c === '"') { i = skipString(text, i); continue; }
    if (c === "'") { i += text[i + 1] === '\\' ? 2 : 1; if (text[i + 1] === "'") i++; continue; }
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if ((c === ',' && depth === 0) || i === text.length) {
      const raw = text.slice(start, i), lead = raw.length - raw.trimStart().length;
      if (raw.trim() !== '' || c === ',' || out.length > 0) out.push({ text: raw.trim(), column: column + start + lead });
      start = i + 1;
    }
  }
  return out;
}

function skipString(text: string, i: number): number {
  for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
  return i;
}

/**
 * Removes a `#` comment (outside strings and character literals) and splits the line into statements at `;`.
 * Each piece keeps its starting column.
 */
export function splitLine(line: string): Arg[] {
  const out: Arg[] = [];
  let start = 0, i = 0;
  for (; i < line.length; i++) {
    const c = line[i];
    if (c === '"') { i = skipString(line, i); continue; }
    if (c === "'" && i + 1 < line.length) { i += line[i + 1] === '\\' ? 2 : 1; if (line[i + 1] === "'") i++; continue; }
    if (c === '#') break;
    if (c === ';') { out.push({ text: line.slice(start, i), column: start + 1 }); start = i + 1; }
  }
  out.push({ text: line.slice(start, i), column: start + 1 });
  return out;
}

const LABEL = /^\s*([A-Za-z_.$][\w.$]*|\d+)\s*:/;
const OP = /^\s*([A-Za-z_.$][\w.$]*)/;

/** Parses one statement: any labels, then the operation and its comma-separated operands. */
export function parseStatement(piece: Arg): Statement {
  let text = piece.text, col = piece.column;
  const labels: Arg[] = [];
  for (let m = LABEL.exec(text); m; m = LABEL.exec(text)) {
    labels.push({ text: m[1], column: col + m[0].indexOf(m[1]) });
    col += m[0].length;
    text = text.slice(m[0].length);
  }
  const m = OP.exec(text);
  if (!m) {
    if (text.trim() !== '') throw new SyntaxError_(`expected an instruction or directive, found '${text.trim()}'`, col + text.length - text.trimStart().length);
    return { labels, args: [] };
  }
  const opCol = col + m[0].length - m[1].length;
  const rest = text.slice(m[0].length);
  return { labels, op: { text: m[1], column: opCol }, args: splitArgs(rest, opCol + m[1].length) };
}
