// The C preprocessor the assembler runs on `.S` files: the subset of GCC's cpp in assembler-with-cpp mode that RISC-V
// sources use. Every output line keeps the file and line it came from, so diagnostics and the line table point at the source.
import * as path from 'node:path';
import type { Diagnostic, SourcePos } from './api';

/** One line handed to the assembler, and where it came from (line is 1-based, in file). */
export interface SourceLine { text: string; file: string; line: number }

/** A #define the sources made (for go-to-definition and hover); params is undefined for an object-like macro. */
export interface MacroDef {
  name: string;
  /** Parameter names in order; a variadic one is spelled as in the source, `...` or `name...`. */
  params: string[] | undefined;
  /** The replacement list, with each run of whitespace written as one space. */
  body: string;
  /** Where the macro's name is written in its #define. */
  definition: SourcePos;
}

export interface PreprocessResult {
  lines: SourceLine[];
  diagnostics: Diagnostic[];
  /** Every file #included, as the path it was read from, once each, in the order first included. */
  includes: string[];
  /** Every #define met in an active region, in order (a name defined twice appears twice). */
  macros: MacroDef[];
}

export interface PreprocessOptions {
  readFile: (path: string) => string | undefined;
  includeDirs?: string[];
  /** As `-D NAME=VALUE`; a key may be `F(x)` for a function-like macro. */
  defines?: Record<string, string>;
}

/**
 * Macros GCC predefines for riscv64 assembly that .S files test; the rest of GCC's long list (compiler version,
 * ABI and extension macros, __linux__) is left out because Ringside's guests are not Linux programs.
 */
const PREDEFINED: Record<string, string> = { __ASSEMBLER__: '1', __riscv: '1', __riscv_xlen: '64' };

/** GCC's limit on #include nesting; it is what stops a file that includes itself without a guard. */
const MAX_INCLUDE_DEPTH = 200;
/** Bounds on work, so that no input (exponential macros, absurd nesting) can hang the editor or blow the stack. */
const MAX_EXPANSION_TOKENS = 250_000;
const MAX_NESTING = 400;

// ---------------------------------------------------------------------------------------------------------------
// Logical lines: physical lines joined by backslash-newline and by /* comments */ that span lines, comments removed.

/** Maps an offset in a logical line back to a physical line and column. */
interface Seg { at: number; line: number; col: number }

interface Logical {
  text: string;
  file: string;
  /** Physical line (1-based) the logical line starts on. */
  line: number;
  /** Present when the text does not map one-to-one onto its first physical line. */
  segs?: Seg[];
}

function posIn(lg: Logical, off: number): { line: number; column: number } {
  if (!lg.segs) return { line: lg.line, column: off + 1 };
  let s = lg.segs[0];
  for (const seg of lg.segs) {
    if (seg.at > off) break;
    s = seg;
  }
  return { line: s.line, column: s.col + off - s.at };
}

/** A backslash at i that ends the physical line, possibly followed by spaces (GCC accepts those with a warning). */
function isSplice(s: string, i: number): boolean {
  for (let j = i + 1; j < s.length; j++) if (s[j] !== ' ' && s[j] !== '\t' && s[j] !== '\r') return false;
  return true;
}

const enum Mode { Code, Dq, Sq, Block, LineComment }

/** Reads a file's logical lines; mark() and reset() let macro invocations look ahead over lines and back off. */
class LineSource {
  private readonly phys: string[];
  private idx = 0;

  private commentReported = false;

  constructor(private readonly file: string, text: string, private readonly onUnterminatedComment: (line: number, col: number) => void) {
    this.phys = text.split('\n');
    if (this.phys.length > 0 && this.phys[this.phys.length - 1] === '') this.phys.pop();
  }

  mark(): number { return this.idx; }
  reset(m: number): void { this.idx = m; }

  private physical(i: number): string {
    const s = this.phys[i];
    return s.endsWith('\r') ? s.slice(0, -1) : s;
  }

  next(): Logical | undefined {
    if (this.idx >= this.phys.length) return undefined;
    const first = this.physical(this.idx);
    if (first.indexOf('/') < 0 && first.indexOf('\\') < 0) return { text: first, file: this.file, line: ++this.idx };
    return this.slow();
  }

  /** The general case: splices, comments, and quotes that hide comment openers. */
  private slow(): Logical {
    const startLine = this.idx + 1;
    const segs: Seg[] = [{ at: 0, line: startLine, col: 1 }];
    let s = this.physical(this.idx);
    let out = '';
    let i = 0, mode = Mode.Code, commentLine = 0, commentCol = 0, quote = '';
    for (;;) {
      if (i >= s.length || (s.charCodeAt(i) === 92 && isSplice(s, i))) {
        const spliced = i < s.length;
        if ((spliced || mode === Mode.Block) && this.idx + 1 < this.phys.length) {
          s = this.physical(++this.idx);
          i = 0;
          if (mode !== Mode.Block) segs.push({ at: out.length, line: this.idx + 1, col: 1 });
          continue;
        }
        if (mode === Mode.Block && !this.commentReported) {
          this.commentReported = true;
          this.onUnterminatedComment(commentLine, commentCol);
        }
        break;
      }
      const c = s[i];
      switch (mode) {
        case Mode.Code:
          if (c === '/' && s[i + 1] === '*') {
            mode = Mode.Block; commentLine = this.idx + 1; commentCol = i + 1; i += 2;
            continue;
          }
          if (c === '/' && s[i + 1] === '/') { out += ' '; mode = Mode.LineComment; i += 2; continue; }
          if (c === '"' || c === "'") { mode = c === '"' ? Mode.Dq : Mode.Sq; quote = c; }
          out += c;
          break;
        case Mode.Dq: case Mode.Sq:
          if (c === '\\' && i + 1 < s.length) { out += c + s[i + 1]; i += 2; continue; }
          if (c === quote) mode = Mode.Code;
          out += c;
          break;
        case Mode.Block:
          if (c === '*' && s[i + 1] === '/') {
            i += 2; out += ' '; mode = Mode.Code;
            segs.push({ at: out.length, line: this.idx + 1, col: i + 1 });
            continue;
          }
          break;
        case Mode.LineComment:
          break;
      }
      i++;
    }
    this.idx++;
    const lg: Logical = { text: out, file: this.file, line: startLine };
    if (segs.length > 1) lg.segs = segs;
    return lg;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Tokens, lexed the way cpp does in assembler mode: `$` is not part of identifiers, and an unterminated quote is
// one token running to the end of the line (never an error, since `#` comments hold apostrophes).

const enum K { Ident, Number, Str, Chr, Punct, Other, Placemarker }

interface Tok {
  kind: K;
  text: string;
  /** The whitespace before the token; kept from the source so unexpanded text keeps its columns. */
  ws: string;
  /** Where the token (or the macro invocation that produced it) is, for diagnostics. */
  lg: Logical;
  off: number;
  /** Macros that must not expand this token again (Prosser's hide set); undefined when empty. */
  hide?: HideSet;
  /** Set on tokens a macro produced: only there can two tokens touch that the source kept apart. */
  expanded?: boolean;
  /** In a macro body: the index of the parameter this token names. */
  param?: number;
}

const PUNCT3 = new Set(['<<=', '>>=', '...']);
const PUNCT2 = new Set(['->', '++', '--', '<<', '>>', '<=', '>=', '==', '!=', '&&', '||', '*=', '/=', '%=', '+=', '-=',
  '&=', '^=', '|=', '##']);

function isIdStart(c: number): boolean { return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95; }
function isDigit(c: number): boolean { return c >= 48 && c <= 57; }
function isIdChar(c: number): boolean { return isIdStart(c) || isDigit(c); }
function isSpace(c: number): boolean { return c === 32 || c === 9 || c === 12 || c === 11 || c === 13; }

function lexQuoted(s: string, i: number, end: number): number {
  const q = s.charCodeAt(i);
  for (let j = i + 1; j < end; j++) {
    const c = s.charCodeAt(j);
    if (c === 92) j++;
    else if (c === q) return j + 1;
  }
  return -1;
}

function lexNumber(s: string, i: number, end: number): number {
  let j = i + 1;
  while (j < end) {
    const c = s.charCodeAt(j);
    if (isIdChar(c) || c === 46) j++;
    else if ((c === 43 || c === 45) && /[eEpP]/.test(s[j - 1])) j++;
    else break;
  }
  return j;
}

/** One token starting at i (not whitespace): its kind and end. */
function lexOne(s: string, i: number, end: number): [K, number] {
  const c = s.charCodeAt(i);
  if (isIdStart(c)) {
    let j = i + 1;
    while (j < end && isIdChar(s.charCodeAt(j))) j++;
    return [K.Ident, j];
  }
  if (isDigit(c) || (c === 46 && i + 1 < end && isDigit(s.charCodeAt(i + 1)))) return [K.Number, lexNumber(s, i, end)];
  if (c === 34 || c === 39) {
    const j = lexQuoted(s, i, end);
    return j < 0 ? [K.Other, end] : [c === 34 ? K.Str : K.Chr, j];
  }
  if (i + 3 <= end && PUNCT3.has(s.slice(i, i + 3))) return [K.Punct, i + 3];
  if (i + 2 <= end && PUNCT2.has(s.slice(i, i + 2))) return [K.Punct, i + 2];
  return ['()[]{},;:?.+-*/%<>=!&|^~#'.includes(s[i]) ? K.Punct : K.Other, i + 1];
}

function lex(lg: Logical, from = 0, end = lg.text.length): Tok[] {
  const s = lg.text;
  const toks: Tok[] = [];
  let i = from;
  while (i < end) {
    const ws0 = i;
    while (i < end && isSpace(s.charCodeAt(i))) i++;
    if (i >= end) break;
    const [kind, j] = lexOne(s, i, end);
    toks.push({ kind, text: s.slice(i, j), ws: s.slice(ws0, i), lg, off: i });
    i = j;
  }
  return toks;
}

const isP = (t: Tok | undefined, text: string): boolean => t !== undefined && t.kind === K.Punct && t.text === text;

/** Whether writing b straight after a would lex differently, so the output needs a space (GCC's cpp_avoid_paste). */
function wouldPaste(a: Tok, b: Tok): boolean {
  const word = (t: Tok): boolean => t.kind === K.Ident || t.kind === K.Number;
  if (word(a) && word(b)) return true;
  if (a.kind === K.Number && (b.text[0] === '.' || b.text[0] === '+' || b.text[0] === '-' || b.kind === K.Chr)) return true;
  if (a.text === '.' && b.kind === K.Number) return true;
  if (a.kind === K.Ident && (b.kind === K.Str || b.kind === K.Chr)) return true;
  if (a.kind !== K.Punct || b.kind !== K.Punct) return false;
  if (a.text === '/' && (b.text[0] === '/' || b.text[0] === '*')) return true;
  const joined = a.text + b.text;
  return lexOne(joined, 0, joined.length)[1] > a.text.length;
}

function spell(toks: Tok[]): string {
  let s = '';
  let prev: Tok | undefined;
  for (const t of toks) {
    let ws = t.ws;
    if (ws === '' && prev && (t.expanded || prev.expanded) && wouldPaste(prev, t)) ws = ' ';
    s += ws + t.text;
    prev = t;
  }
  return s;
}

// ---------------------------------------------------------------------------------------------------------------
// Macro expansion: Prosser's algorithm (the one the C standard describes), with hide sets on tokens.

/**
 * A hide set, interned: adding a name to a set always gives the same object, so the thousands of tokens an
 * expansion produces share a few sets instead of each copying one. The root (the empty set) lives as long as one run.
 */
class HideSet {
  private readonly grown = new Map<string, HideSet>();

  constructor(private readonly names: ReadonlySet<string>) {}

  has(name: string): boolean { return this.names.has(name); }

  with(name: string): HideSet {
    if (this.names.has(name)) return this;
    let h = this.grown.get(name);
    if (!h) this.grown.set(name, (h = new HideSet(new Set([...this.names, name]))));
    return h;
  }

  union(other: HideSet): HideSet {
    return other.addTo(this);
  }

  private addTo(h: HideSet): HideSet {
    for (const n of this.names) h = h.with(n);
    return h;
  }

  /** The names of this set that other also has, built up from root so that the result is interned too. */
  intersect(other: HideSet, root: HideSet): HideSet {
    let h = root;
    for (const n of this.names) if (other.has(n)) h = h.with(n);
    return h;
  }
}

interface Macro {
  name: string;
  /** Parameter names (a variadic one is __VA_ARGS__ or its own name); undefined for an object-like macro. */
  params?: string[];
  variadic: boolean;
  body: Tok[];
  /** The replacement list as written, for MacroDef and for telling a harmless redefinition from a real one. */
  spelling: string;
  def: MacroDef;
  /** __LINE__ and friends compute their token at the place they are used. */
  builtin?: (at: Tok) => Tok;
}

interface ExpandHost {
  readonly macros: Map<string, Macro>;
  report(t: Tok, message: string, severity?: 'error' | 'warning'): void;
  /** Tokens macro expansion may still produce for this line; below zero, expansion stops. */
  budget: number;
  /** The empty hide set of this run, root of all the others. */
  readonly noHide: HideSet;
}

/** How an invocation on an ordinary line reaches into the lines after it, as cpp's token stream does. */
interface MoreLines {
  /** If the next non-blank line starts with '(', consumes the lines up to it and returns its tokens. */
  parenAhead(): Tok[] | undefined;
  /** The next line's tokens (consumed), or undefined at a directive or the end of the file. */
  nextLine(): Tok[] | undefined;
}

/** MoreLines over the rest of a file; lines looked at but not used are given back. */
class FollowingLines implements MoreLines {
  constructor(private readonly src: LineSource) {}

  parenAhead(): Tok[] | undefined {
    const mark = this.src.mark();
    for (let lg = this.src.next(); lg && !startsWithHash(lg); lg = this.src.next()) {
      const toks = lex(lg);
      if (toks.length === 0) continue;
      if (isP(toks[0], '(')) return toks;
      break;
    }
    this.src.reset(mark);
    return undefined;
  }

  nextLine(): Tok[] | undefined {
    const mark = this.src.mark();
    const lg = this.src.next();
    if (lg && !startsWithHash(lg)) return lex(lg);
    this.src.reset(mark);
    return undefined;
  }
}

type Collected = { args: Tok[][]; rparen: Tok } | { taken: Tok[] };

/** The variable arguments of an invocation that gave none at all (not even an empty one after a comma). */
const ABSENT_VA_ARGS: readonly Tok[] = Object.freeze([]);

const withWs = (t: Tok, ws: string): Tok => (t.ws === ws ? t : { ...t, ws });
const plural = (n: number, what: string): string => `${n} ${what}${n === 1 ? '' : 's'}`;

function stringize(arg: Tok[], at: Tok): Tok {
  let s = '"';
  arg.forEach((a, i) => {
    if (i > 0 && a.ws) s += ' ';
    s += a.kind === K.Str || a.kind === K.Chr ? a.text.replace(/[\\"]/g, '\\$&') : a.text;
  });
  return { kind: K.Str, text: `${s}"`, ws: at.ws, lg: at.lg, off: at.off };
}

/** `a ## b`; in assembler mode a paste that does not form one token quietly leaves two (GCC does not complain). */
function paste(lhs: Tok, rhs: Tok): Tok[] {
  if (lhs.kind === K.Placemarker) return [withWs(rhs, lhs.ws)];
  if (rhs.kind === K.Placemarker) return [lhs];
  const text = lhs.text + rhs.text;
  const [kind, end] = lexOne(text, 0, text.length);
  if (end === text.length) return [{ kind, text, ws: lhs.ws, lg: lhs.lg, off: lhs.off }];
  return [lhs, withWs(rhs, '')];
}

class Expander {
  private nestingReported = false;

  constructor(private readonly host: ExpandHost, private readonly ifMode: boolean, private readonly more?: MoreLines) {}

  expand(toks: Tok[]): Tok[] {
    return this.scan(toks.slice().reverse(), 0, this.more);
  }

  /** input is a stack (next token last), so an expansion is pushed back for rescanning cheaply. */
  private scan(input: Tok[], depth: number, more: MoreLines | undefined): Tok[] {
    const out: Tok[] = [];
    while (input.length > 0) {
      const t = input.pop()!;
      if (t.kind === K.Ident) {
        if (this.ifMode && t.text === 'defined') {
          out.push(this.defined(t, input));
          continue;
        }
        const m = this.host.macros.get(t.text);
        if (m && !t.hide?.has(m.name) && this.expandOne(t, m, input, out, depth, more)) continue;
      }
      out.push(t);
    }
    return out;
  }

  /** Expands the macro t names onto input (or out); false when t is not an invocation after all. */
  private expandOne(t: Tok, m: Macro, input: Tok[], out: Tok[], depth: number, more: MoreLines | undefined): boolean {
    if (this.host.budget < 0) return false;
    if (m.builtin) {
      out.push(withWs(m.builtin(t), t.ws));
      return true;
    }
    if (!m.params) {
      this.pushResult(this.instantiate(m.body, t), (t.hide ?? this.host.noHide).with(m.name), t, input);
      return true;
    }
    if (!this.parenNext(input, more)) return false;
    if (depth >= MAX_NESTING) {
      if (!this.nestingReported) this.host.report(t, `macro arguments nested more than ${MAX_NESTING} deep; '${m.name}' is not expanded`);
      this.nestingReported = true;
      return false;
    }
    const lparen = input.pop()!;
    const got = this.collect(m, input, more);
    if ('taken' in got) {
      this.host.report(t, `unterminated argument list invoking macro '${m.name}': the ')' is missing`);
      for (let i = got.taken.length - 1; i >= 0; i--) input.push(got.taken[i]);
      input.push(lparen);
      return false;
    }
    const args = this.checkArgs(t, m, got.args);
    if (!args) {
      out.push(t);
      return true;
    }
    const both = t.hide && got.rparen.hide ? t.hide.intersect(got.rparen.hide, this.host.noHide) : this.host.noHide;
    const hs = both.with(m.name);
    this.pushResult(this.substitute(m, args, t, depth), hs, t, input);
    return true;
  }

  private pushResult(result: Tok[], hs: HideSet, at: Tok, input: Tok[]): void {
    const before = this.host.budget;
    this.host.budget -= result.length + 1;
    if (this.host.budget < 0) {
      if (before >= 0) this.host.report(at, `macro expansion grew past ${MAX_EXPANSION_TOKENS} tokens; expansion stops here (is a macro defined in terms of itself many times over?)`);
      return;
    }
    if (result.length === 0 && at.ws && input.length > 0 && input[input.length - 1].ws === '') {
      input[input.length - 1] = withWs(input[input.length - 1], at.ws);
    }
    for (let i = result.length - 1; i >= 0; i--) {
      const r = result[i];
      const hide = r.hide === undefined || r.hide === hs ? hs : r.hide.union(hs);
      input.push({ kind: r.kind, text: r.text, ws: i === 0 ? at.ws : r.ws, lg: r.lg, off: r.off, hide, expanded: true });
    }
  }

  private instantiate(body: Tok[], at: Tok): Tok[] {
    return body.map((b) => ({ kind: b.kind, text: b.text, ws: b.ws, lg: at.lg, off: at.off }));
  }

  private parenNext(input: Tok[], more: MoreLines | undefined): boolean {
    if (input.length > 0) return isP(input[input.length - 1], '(');
    const ahead = more?.parenAhead();
    if (!ahead) return false;
    for (let i = ahead.length - 1; i >= 0; i--) input.push(ahead[i]);
    return true;
  }

  private collect(m: Macro, input: Tok[], more: MoreLines | undefined): Collected {
    const args: Tok[][] = [[]];
    const taken: Tok[] = [];
    const nParams = m.params!.length;
    let depth = 0;
    for (;;) {
      if (input.length === 0) {
        const line = more?.nextLine();
        if (!line) return { taken };
        // A newline between arguments separates tokens like a space does.
        for (let i = line.length - 1; i >= 0; i--) input.push(i === 0 ? withWs(line[0], line[0].ws || ' ') : line[i]);
        continue;
      }
      const a = input.pop()!;
      taken.push(a);
      if (a.kind === K.Punct) {
        if (a.text === '(') depth++;
        else if (a.text === ')' && depth-- === 0) return { args, rparen: a };
        else if (a.text === ',' && depth === 0 && !(m.variadic && args.length === nParams)) {
          args.push([]);
          continue;
        }
      }
      args[args.length - 1].push(a);
    }
  }

  private checkArgs(t: Tok, m: Macro, args: Tok[][]): Tok[][] | undefined {
    const n = m.params!.length;
    if (n === 0 && args.length === 1 && args[0].length === 0) return [];
    if (args.length === n) return args;
    if (m.variadic && args.length === n - 1) return [...args, ABSENT_VA_ARGS as Tok[]];
    const takes = m.variadic ? `at least ${plural(n - 1, 'argument')}` : plural(n, 'argument');
    this.host.report(t, `macro '${m.name}' takes ${takes} but was given ${args.length}`);
    return undefined;
  }

  /** The replacement list with arguments put in: `#` stringizes, `##` pastes raw arguments, others are pre-expanded. */
  private substitute(m: Macro, args: Tok[][], at: Tok, depth: number): Tok[] {
    const body = m.body;
    const res: Tok[] = [];
    const expanded: (Tok[] | undefined)[] = [];
    for (let i = 0; i < body.length; i++) {
      const b = body[i];
      if (isP(b, '#') && body[i + 1]?.param !== undefined) {
        res.push(stringize(args[body[++i].param!], { ...b, lg: at.lg, off: at.off }));
      } else if (isP(b, '##') && res.length > 0 && i + 1 < body.length) {
        i = this.pasteNext(m, args, at, res, i);
      } else if (b.param !== undefined) {
        const raw = isP(body[i + 1], '##');
        const toks = raw ? args[b.param] : (expanded[b.param] ??= this.scan(args[b.param].slice().reverse(), depth + 1, undefined));
        if (toks.length === 0 && raw) res.push({ kind: K.Placemarker, text: '', ws: b.ws, lg: at.lg, off: at.off });
        toks.forEach((a, k) => res.push(k === 0 ? withWs(a, b.ws) : a));
      } else {
        res.push({ kind: b.kind, text: b.text, ws: b.ws, lg: at.lg, off: at.off });
      }
    }
    return res.filter((r) => r.kind !== K.Placemarker);
  }

  /** Pastes the last result token with what follows `##` at body[i]; returns the index of the last body token used. */
  private pasteNext(m: Macro, args: Tok[][], at: Tok, res: Tok[], i: number): number {
    const body = m.body;
    const lhs = res.pop()!;
    let next = body[++i];
    let rhs: Tok[];
    if (isP(next, '#') && body[i + 1]?.param !== undefined) {
      next = body[++i];
      rhs = [stringize(args[next.param!], { ...next, lg: at.lg, off: at.off })];
    } else if (next.param !== undefined) {
      rhs = args[next.param];
      // GNU: `, ## __VA_ARGS__` drops the comma when the variable arguments are left out (GCC keeps it for `F(a,)`).
      if (m.variadic && next.param === m.params!.length - 1 && isP(lhs, ',')) {
        if (rhs !== ABSENT_VA_ARGS) res.push(lhs, ...rhs);
        return i;
      }
    } else {
      rhs = [{ kind: next.kind, text: next.text, ws: next.ws, lg: at.lg, off: at.off }];
    }
    if (rhs.length === 0) {
      res.push(lhs);
      return i;
    }
    res.push(...paste(lhs, rhs[0]), ...rhs.slice(1));
    return i;
  }

  /** `defined NAME` or `defined(NAME)` in #if, wherever it turns up, even out of a macro (as GCC allows). */
  private defined(t: Tok, input: Tok[]): Tok {
    let n = input.pop();
    const paren = isP(n, '(');
    if (paren) n = input.pop();
    let ok = n !== undefined && n.kind === K.Ident;
    if (ok && paren) {
      const r = input.pop();
      if (!isP(r, ')')) {
        if (r) input.push(r);
        ok = false;
      }
    } else if (!ok && n) {
      input.push(n);
    }
    if (!ok) this.host.report(t, "'defined' needs a macro name: write defined NAME or defined(NAME)");
    const yes = ok && this.host.macros.has(n!.text);
    return { kind: K.Number, text: yes ? '1' : '0', ws: t.ws, lg: t.lg, off: t.off };
  }
}

// ---------------------------------------------------------------------------------------------------------------
// #if expressions: 64-bit integers, signed unless a constant or an operand is unsigned, as in GCC.

interface Val { v: bigint; u: boolean }

class IfError { constructor(readonly at: Tok | undefined, readonly message: string) {} }

const BINARY = new Map<string, number>([
  ['*', 10], ['/', 10], ['%', 10], ['+', 9], ['-', 9], ['<<', 8], ['>>', 8], ['<', 7], ['>', 7], ['<=', 7], ['>=', 7],
  ['==', 6], ['!=', 6], ['&', 5], ['^', 4], ['|', 3], ['&&', 2], ['||', 1],
]);

const wrap = (v: bigint, u: boolean): bigint => (u ? BigInt.asUintN(64, v) : BigInt.asIntN(64, v));
const bool = (b: boolean): Val => ({ v: b ? 1n : 0n, u: false });
const INT64_MAX = (1n << 63n) - 1n;

function parseInteger(t: Tok): Val {
  const m = /^(?:0[xX]([0-9a-fA-F]+)|0[bB]([01]+)|(0[0-7]*)|([1-9][0-9]*))((?:[uU](?:ll|LL|l|L)?)|(?:(?:ll|LL|l|L)[uU]?))?$/.exec(t.text);
  if (!m) {
    const float = /^(\d*\.|\d+[eE]|0[xX][0-9a-fA-F.]*[pP])/.test(t.text);
    throw new IfError(t, float ? `floating-point number '${t.text}' cannot be used in #if` : `'${t.text}' is not a valid integer`);
  }
  const v = m[1] !== undefined ? BigInt(`0x${m[1]}`) : m[2] !== undefined ? BigInt(`0b${m[2]}`)
    : m[3] !== undefined ? BigInt(`0o${m[3].slice(1) || '0'}`) : BigInt(m[4]);
  const u = /[uU]/.test(m[5] ?? '') || v > INT64_MAX;
  return { v: wrap(v, u), u };
}

const ESCAPES: Record<string, number> = { n: 10, t: 9, r: 13, a: 7, b: 8, f: 12, v: 11, e: 27, E: 27, '\\': 92, "'": 39, '"': 34, '?': 63 };

/** A character constant: one byte is an unsigned char on RISC-V; several make an int, first byte highest. */
function parseChar(t: Tok): Val {
  const body = t.text.slice(1, -1);
  const bytes: number[] = [];
  for (let i = 0; i < body.length; i++) {
    if (body[i] !== '\\') {
      const cp = body.codePointAt(i)!;
      if (cp > 0xffff) i++;
      bytes.push(...Buffer.from(String.fromCodePoint(cp), 'utf8'));
      continue;
    }
    const e = body[++i] ?? '';
    const oct = /^[0-7]{1,3}/.exec(body.slice(i));
    const hex = e === 'x' ? /^[0-9a-fA-F]+/.exec(body.slice(i + 1)) : null;
    if (oct) { bytes.push(parseInt(oct[0], 8) & 0xff); i += oct[0].length - 1; }
    else if (hex) { bytes.push(parseInt(hex[0].slice(-2), 16)); i += hex[0].length; }
    else if (e in ESCAPES) bytes.push(ESCAPES[e]);
    else throw new IfError(t, `unknown escape sequence '\\${e}' in character constant`);
  }
  if (bytes.length === 0) throw new IfError(t, 'empty character constant in #if');
  if (bytes.length === 1) return { v: BigInt(bytes[0]), u: false };
  let v = 0n;
  for (const b of bytes) v = BigInt.asIntN(32, (v << 8n) | BigInt(b));
  return { v, u: false };
}

/** A recursive-descent evaluator; `skip` counts enclosing operands that are not evaluated (0 && 1/0 is fine). */
class IfExpr {
  private i = 0;
  private skip = 0;
  private depth = 0;

  constructor(private readonly toks: Tok[]) {}

  evaluate(): Val | IfError {
    try {
      const v = this.comma();
      if (this.i < this.toks.length) {
        const t = this.toks[this.i];
        throw new IfError(t, `unexpected '${t.text}' in #if expression (missing operator?)`);
      }
      return v;
    } catch (e) {
      if (e instanceof IfError) return e;
      throw e;
    }
  }

  private peek(): Tok | undefined { return this.toks[this.i]; }

  private expect(text: string, what: string): void {
    if (isP(this.peek(), text)) this.i++;
    else throw new IfError(this.peek() ?? this.toks[this.i - 1], `missing '${text}' ${what}`);
  }

  private comma(): Val {
    let v = this.cond();
    while (isP(this.peek(), ',')) {
      this.i++;
      v = this.cond();
    }
    return v;
  }

  private cond(): Val {
    const c = this.binary(1);
    if (!isP(this.peek(), '?')) return c;
    if (++this.depth > MAX_NESTING) throw new IfError(this.peek(), '#if expression nested too deeply');
    this.i++;
    const yes = c.v !== 0n;
    if (!yes) this.skip++;
    const a = this.comma();
    if (!yes) this.skip--;
    this.expect(':', "in the '?:' of #if expression");
    if (yes) this.skip++;
    const b = this.cond();
    if (yes) this.skip--;
    this.depth--;
    const u = a.u || b.u;
    return { v: wrap(yes ? a.v : b.v, u), u };
  }

  private binary(min: number): Val {
    let l = this.unary();
    for (;;) {
      const t = this.peek();
      const p = t?.kind === K.Punct ? BINARY.get(t.text) : undefined;
      if (p === undefined || p < min) return l;
      this.i++;
      if (t!.text === '&&' || t!.text === '||') {
        const decided = t!.text === '&&' ? l.v === 0n : l.v !== 0n;
        if (decided) this.skip++;
        const r = this.binary(p + 1);
        if (decided) this.skip--;
        l = bool(t!.text === '&&' ? l.v !== 0n && r.v !== 0n : l.v !== 0n || r.v !== 0n);
      } else {
        l = this.apply(t!, l, this.binary(p + 1));
      }
    }
  }

  private apply(op: Tok, l: Val, r: Val): Val {
    if (op.text === '<<' || op.text === '>>') return this.shift(op.text, l, r);
    const u = l.u || r.u;
    const a = wrap(l.v, u), b = wrap(r.v, u);
    switch (op.text) {
      case '*': return { v: wrap(a * b, u), u };
      case '/': case '%':
        if (b === 0n) {
          if (this.skip === 0) throw new IfError(op, 'division by zero in #if');
          return { v: 0n, u };
        }
        return { v: wrap(op.text === '/' ? a / b : a % b, u), u };
      case '+': return { v: wrap(a + b, u), u };
      case '-': return { v: wrap(a - b, u), u };
      case '<': return bool(a < b);
      case '>': return bool(a > b);
      case '<=': return bool(a <= b);
      case '>=': return bool(a >= b);
      case '==': return bool(a === b);
      case '!=': return bool(a !== b);
      case '&': return { v: wrap(a & b, u), u };
      case '^': return { v: wrap(a ^ b, u), u };
      default: return { v: wrap(a | b, u), u };
    }
  }

  /** A negative count shifts the other way, and counts past 63 saturate, as GCC's preprocessor does. */
  private shift(op: string, l: Val, r: Val): Val {
    let n = r.u ? BigInt.asUintN(64, r.v) : r.v;
    let left = op === '<<';
    if (n < 0n) { n = -n; left = !left; }
    if (n > 64n) n = 64n;
    const v = left ? l.v << n : l.v >> n;
    return { v: wrap(v, l.u), u: l.u };
  }

  private unary(): Val {
    const t = this.peek();
    if (t?.kind !== K.Punct || !['+', '-', '~', '!'].includes(t.text)) return this.primary();
    if (++this.depth > MAX_NESTING) throw new IfError(t, '#if expression nested too deeply');
    this.i++;
    const v = this.unary();
    this.depth--;
    switch (t.text) {
      case '-': return { v: wrap(-v.v, v.u), u: v.u };
      case '~': return { v: wrap(~v.v, v.u), u: v.u };
      case '!': return bool(v.v === 0n);
      default: return v;
    }
  }

  private primary(): Val {
    const t = this.peek();
    if (!t) throw new IfError(this.toks[this.i - 1], '#if expression ends too early: an operand is missing');
    this.i++;
    switch (t.kind) {
      case K.Number: return parseInteger(t);
      case K.Chr: return parseChar(t);
      case K.Ident: return { v: 0n, u: false };
      case K.Punct:
        if (t.text === '(') {
          if (++this.depth > MAX_NESTING) throw new IfError(t, '#if expression nested too deeply');
          if (isP(this.peek(), ')')) throw new IfError(t, "missing expression between '(' and ')'");
          const v = this.comma();
          this.depth--;
          this.expect(')', "in #if expression: a '(' is not closed");
          return v;
        }
        break;
      case K.Str: throw new IfError(t, 'a string cannot be used in #if');
    }
    throw new IfError(t, `'${t.text}' cannot start an operand in #if`);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Directives and files.

/** GCC's directive names; after `#`, any other word is an assembly comment or operand and is passed through. */
const DIRECTIVES = new Set(['define', 'undef', 'include', 'include_next', 'import', 'if', 'ifdef', 'ifndef', 'elif',
  'elifdef', 'elifndef', 'else', 'endif', 'error', 'warning', 'line', 'pragma', 'ident', 'sccs', 'assert', 'unassert']);
const CONDITIONALS = new Set(['if', 'ifdef', 'ifndef', 'elif', 'elifdef', 'elifndef', 'else', 'endif']);

/** A directive line: its name token and where the text after the name starts. */
interface Directive { name: Tok; rest: number }

/** An open #if group. */
interface Cond {
  /** The group sits inside a skipped group: none of its branches is taken. */
  parentSkipping: boolean;
  skipping: boolean;
  /** A branch was taken already, so later #elif/#else are skipped. */
  taken: boolean;
  /** The line of this group's #else, once seen. */
  elseLine?: number;
  opener: Tok;
}

function skipSpaces(s: string, i: number): number {
  while (i < s.length && isSpace(s.charCodeAt(i))) i++;
  return i;
}

/** 'null' for a lone `#` (dropped), undefined for an ordinary line (including `# comment` in assembly). */
function directiveOf(lg: Logical): Directive | 'null' | undefined {
  const s = lg.text;
  let i = skipSpaces(s, 0);
  if (s.charCodeAt(i) !== 35) return undefined;
  i = skipSpaces(s, i + 1);
  if (i >= s.length) return 'null';
  if (!isIdStart(s.charCodeAt(i))) return undefined;
  let j = i + 1;
  while (j < s.length && isIdChar(s.charCodeAt(j))) j++;
  const name = s.slice(i, j);
  if (!DIRECTIVES.has(name)) return undefined;
  return { name: { kind: K.Ident, text: name, ws: '', lg, off: i }, rest: j };
}

const startsWithHash = (lg: Logical): boolean => lg.text.charCodeAt(skipSpaces(lg.text, 0)) === 35;

function safeRead(readFile: (p: string) => string | undefined, p: string): string | undefined {
  try {
    return readFile(p);
  } catch {
    return undefined;
  }
}

class Preprocessor implements ExpandHost {
  readonly macros = new Map<string, Macro>();
  readonly lines: SourceLine[] = [];
  readonly diagnostics: Diagnostic[] = [];
  readonly includes: string[] = [];
  readonly defs: MacroDef[] = [];
  budget = MAX_EXPANSION_TOKENS;
  readonly noHide = new HideSet(new Set());
  private readonly once = new Set<string>();
  /** The files being read, outermost first. */
  private readonly stack: string[] = [];
  private nestingReported = false;
  private counter = 0;

  constructor(private readonly opts: PreprocessOptions) {
    this.defineBuiltins();
    for (const [name, value] of Object.entries(PREDEFINED)) this.defineFrom('<built-in>', `${name} ${value}`);
    for (const [name, value] of Object.entries(opts.defines ?? {})) this.defineFrom('<command-line>', `${name} ${value}`);
  }

  report(t: Tok, message: string, severity: 'error' | 'warning' = 'error'): void {
    const p = posIn(t.lg, t.off);
    this.diagnostics.push({ file: t.lg.file, line: p.line, column: p.column, endColumn: p.column + Math.max(1, t.text.length), severity, message });
  }

  private defineBuiltins(): void {
    const builtin = (name: string, make: (at: Tok) => Tok): void => {
      this.macros.set(name, { name, variadic: false, body: [], spelling: '', builtin: make, def: { name, params: undefined, body: '', definition: { file: '<built-in>', line: 1, column: 1 } } });
    };
    const num = (at: Tok, n: number): Tok => ({ kind: K.Number, text: String(n), ws: at.ws, lg: at.lg, off: at.off });
    const str = (at: Tok, s: string): Tok => ({ kind: K.Str, text: `"${s.replace(/[\\"]/g, '\\$&')}"`, ws: at.ws, lg: at.lg, off: at.off });
    builtin('__LINE__', (at) => num(at, posIn(at.lg, at.off).line));
    builtin('__FILE__', (at) => str(at, at.lg.file));
    builtin('__BASE_FILE__', (at) => str(at, this.stack[0] ?? at.lg.file));
    builtin('__INCLUDE_LEVEL__', (at) => num(at, Math.max(0, this.stack.length - 1)));
    builtin('__COUNTER__', (at) => num(at, this.counter++));
  }

  private defineFrom(file: string, text: string): void {
    const lg: Logical = { text, file, line: 1 };
    const m = this.parseDefine(lex(lg), { kind: K.Ident, text: 'define', ws: '', lg, off: 0 });
    if (m) this.macros.set(m.name, m);
  }

  run(file: string): void {
    const text = safeRead(this.opts.readFile, file);
    if (text === undefined) {
      this.diagnostics.push({ file, line: 1, column: 1, endColumn: 1, severity: 'error', message: `cannot read '${file}'` });
      return;
    }
    this.runFile(file, text);
  }

  private runFile(file: string, text: string): void {
    this.stack.push(file);
    const src = new LineSource(file, text, (line, column) => this.diagnostics.push({
      file, line, column, endColumn: column + 2, severity: 'error', message: "unterminated comment: this '/*' has no '*/'",
    }));
    const conds: Cond[] = [];
    for (let lg = src.next(); lg; lg = src.next()) {
      const skipping = conds.length > 0 && conds[conds.length - 1].skipping;
      const d = directiveOf(lg);
      if (d === 'null') continue;
      if (d) this.directive(d, conds, skipping);
      else if (!skipping) this.ordinary(lg, src);
    }
    for (const c of conds) this.report(c.opener, `#${c.opener.text} without #endif: this conditional is still open at the end of '${file}'`);
    this.stack.pop();
  }

  private ordinary(lg: Logical, src: LineSource): void {
    if (!this.mentionsMacro(lg.text)) {
      this.lines.push({ text: lg.text, file: lg.file, line: lg.line });
      return;
    }
    this.budget = MAX_EXPANSION_TOKENS;
    const out = new Expander(this, false, new FollowingLines(src)).expand(lex(lg));
    this.lines.push({ text: spell(out), file: lg.file, line: lg.line });
  }

  /**
   * Whether a word of the line names a macro: most lines of assembly name none and are passed on without being
   * lexed. Words inside literals count too, which only costs a needless lex.
   */
  private mentionsMacro(s: string): boolean {
    for (let i = 0; i < s.length;) {
      const c = s.charCodeAt(i);
      if (isIdStart(c)) {
        const start = i;
        while (++i < s.length && isIdChar(s.charCodeAt(i)));
        if (this.macros.has(s.slice(start, i))) return true;
      } else if (isDigit(c)) {
        while (++i < s.length && isIdChar(s.charCodeAt(i)));
      } else {
        i++;
      }
    }
    return false;
  }

  private directive(d: Directive, conds: Cond[], skipping: boolean): void {
    const name = d.name.text;
    if (skipping && !CONDITIONALS.has(name)) return;
    const lg = d.name.lg;
    switch (name) {
      case 'define': {
        const m = this.parseDefine(lex(lg, d.rest), d.name);
        if (m) this.define(m);
        return;
      }
      case 'undef': return this.undef(d);
      case 'include': case 'include_next': case 'import': return this.include(d);
      case 'if': case 'ifdef': case 'ifndef': return this.openIf(d, conds, skipping);
      case 'elif': case 'elifdef': case 'elifndef': return this.elif(d, conds);
      case 'else': return this.else(d, conds);
      case 'endif': return this.endif(d, conds);
      case 'error': case 'warning': {
        const msg = lg.text.slice(d.rest).trim();
        return this.report(d.name, `#${name}${msg ? ` ${msg}` : ''}`, name === 'error' ? 'error' : 'warning');
      }
      case 'line': return this.report(d.name, '#line is ignored: Ringside keeps reporting the real file and line', 'warning');
      case 'pragma':
        if (lex(lg, d.rest).map((t) => t.text).join(' ') === 'once') this.once.add(lg.file);
        return;
      default: return; // #ident, #sccs, #assert, #unassert: nothing an assembler needs
    }
  }

  private extraTokens(d: Directive, toks: Tok[], from: number): void {
    if (toks.length > from) this.report(toks[from], `extra text after #${d.name.text} is ignored`, 'warning');
  }

  /** The macro name operand of #ifdef, #undef and friends, or undefined after reporting why not. */
  private macroName(d: Directive, toks: Tok[]): string | undefined {
    const t = toks[0];
    if (!t) this.report(d.name, `#${d.name.text} needs a macro name`);
    else if (t.kind !== K.Ident) this.report(t, `macro names must be identifiers, and '${t.text}' is not one`);
    else if (t.text === 'defined' && d.name.text !== 'ifdef' && d.name.text !== 'ifndef') this.report(t, "'defined' cannot be used as a macro name");
    else {
      this.extraTokens(d, toks, 1);
      return t.text;
    }
    return undefined;
  }

  private parseDefine(toks: Tok[], at: Tok): Macro | undefined {
    const name = this.macroName({ name: at, rest: 0 }, toks.slice(0, 1));
    if (name === undefined) return undefined;
    let i = 1;
    let params: string[] | undefined;
    let shown: string[] | undefined;
    let variadic = false;
    if (isP(toks[1], '(') && toks[1].ws === '') {
      const p = this.parseParams(name, toks);
      if (!p) return undefined;
      ({ params, shown, variadic } = p);
      i = p.end;
    }
    const body: Tok[] = toks.slice(i).map((t, k) => {
      const param = params?.indexOf(t.text) ?? -1;
      const b: Tok = { kind: t.kind, text: t.text, ws: k === 0 ? '' : t.ws, lg: t.lg, off: t.off };
      if (t.kind === K.Ident && param >= 0) b.param = param;
      return b;
    });
    if (!params && body.length > 0 && toks[1].ws === '') this.report(toks[1], `put a space between the macro name '${name}' and its body`, 'warning');
    if (isP(body[0], '##') || isP(body[body.length - 1], '##')) {
      this.report(isP(body[0], '##') ? body[0] : body[body.length - 1], "'##' cannot be at either end of a macro body");
      return undefined;
    }
    const spelling = body.map((t, k) => (k > 0 && t.ws ? ' ' : '') + t.text).join('');
    const p = posIn(toks[0].lg, toks[0].off);
    const def: MacroDef = { name, params: shown, body: spelling, definition: { file: toks[0].lg.file, line: p.line, column: p.column } };
    return { name, params, variadic, body, spelling, def };
  }

  private parseParams(name: string, toks: Tok[]): { params: string[]; shown: string[]; variadic: boolean; end: number } | undefined {
    const params: string[] = [], shown: string[] = [];
    let i = 2;
    if (isP(toks[i], ')')) return { params, shown, variadic: false, end: i + 1 };
    for (;;) {
      const t = toks[i];
      const dots = isP(t, '...');
      if (!dots && t?.kind !== K.Ident) {
        this.report(t ?? toks[i - 1], `expected a parameter name in the parameter list of macro '${name}'`);
        return undefined;
      }
      if (!dots && params.includes(t.text)) {
        this.report(t, `macro '${name}' has two parameters named '${t.text}'`);
        return undefined;
      }
      const variadic = dots || isP(toks[i + 1], '...');
      params.push(dots ? '__VA_ARGS__' : t.text);
      shown.push(dots ? '...' : variadic ? `${t.text}...` : t.text);
      i += dots || !variadic ? 1 : 2;
      if (isP(toks[i], ')')) return { params, shown, variadic, end: i + 1 };
      if (variadic || !isP(toks[i], ',')) {
        this.report(toks[i] ?? toks[i - 1], `expected ${variadic ? "')'" : "',' or ')'"} in the parameter list of macro '${name}'`);
        return undefined;
      }
      i++;
    }
  }

  private define(m: Macro): void {
    const old = this.macros.get(m.name);
    if (old && !old.builtin && (old.spelling !== m.spelling || old.params?.join() !== m.params?.join() || old.variadic !== m.variadic)) {
      const where = old.def.definition;
      const at = where.file.startsWith('<') ? 'on the command line' : `at ${where.file}:${where.line}`;
      const d = m.def.definition;
      this.diagnostics.push({ ...d, endColumn: d.column + m.name.length, severity: 'warning', message: `'${m.name}' redefined (the previous definition is ${at})` });
    }
    this.macros.set(m.name, m);
    this.defs.push(m.def);
  }

  private undef(d: Directive): void {
    const name = this.macroName(d, lex(d.name.lg, d.rest));
    if (name !== undefined) this.macros.delete(name);
  }

  private openIf(d: Directive, conds: Cond[], skipping: boolean): void {
    const taken = !skipping && this.test(d);
    conds.push({ parentSkipping: skipping, skipping: skipping || !taken, taken: skipping || taken, opener: d.name });
  }

  private elif(d: Directive, conds: Cond[]): void {
    const c = conds[conds.length - 1];
    if (!c) return this.report(d.name, `#${d.name.text} without a matching #if`);
    if (c.elseLine !== undefined) this.report(d.name, `#${d.name.text} after #else (the #else is at line ${c.elseLine})`);
    if (c.taken || c.elseLine !== undefined) {
      c.skipping = true;
      return;
    }
    c.taken = this.test(d);
    c.skipping = !c.taken;
  }

  private else(d: Directive, conds: Cond[]): void {
    const c = conds[conds.length - 1];
    if (!c) return this.report(d.name, '#else without a matching #if');
    this.extraTokens(d, lex(d.name.lg, d.rest), 0);
    if (c.elseLine !== undefined) this.report(d.name, `#else after #else (the first #else is at line ${c.elseLine})`);
    else c.elseLine = posIn(d.name.lg, d.name.off).line;
    c.skipping = c.taken;
    c.taken = true;
  }

  private endif(d: Directive, conds: Cond[]): void {
    if (conds.length === 0) return this.report(d.name, '#endif without a matching #if');
    this.extraTokens(d, lex(d.name.lg, d.rest), 0);
    conds.pop();
  }

  /** Evaluates the condition of #if, #ifdef, #elif... (an erroneous one counts as false, as in GCC). */
  private test(d: Directive): boolean {
    const toks = lex(d.name.lg, d.rest);
    const kind = d.name.text;
    if (kind.endsWith('def')) {
      const name = this.macroName(d, toks);
      return name !== undefined && this.macros.has(name) === !kind.endsWith('ndef');
    }
    if (toks.length === 0) {
      this.report(d.name, `#${kind} with no expression`);
      return false;
    }
    this.budget = MAX_EXPANSION_TOKENS;
    const r = new IfExpr(new Expander(this, true).expand(toks)).evaluate();
    if (r instanceof IfError) {
      this.report(r.at ?? d.name, r.message);
      return false;
    }
    return r.v !== 0n;
  }

  private include(d: Directive): void {
    const target = this.headerName(d);
    if (!target) return;
    const { name, angled, at } = target;
    const dirs = this.opts.includeDirs ?? [];
    const here = path.dirname(d.name.lg.file);
    const searched = path.isAbsolute(name) ? [] : angled ? dirs : [here, ...dirs];
    const candidates = path.isAbsolute(name) ? [name] : searched.map((dir) => path.join(dir, name));
    for (const file of candidates) {
      const text = safeRead(this.opts.readFile, file);
      if (text !== undefined) return this.enter(file, text, d, at);
    }
    const looked = searched.length > 0 ? `looked in: ${searched.join(', ')}` : angled ? 'no include directories were given' : 'no such file';
    this.report(at, `cannot find include file '${name}' (${looked})`);
  }

  private enter(file: string, text: string, d: Directive, at: Tok): void {
    if (this.once.has(file)) return;
    if (d.name.text === 'import') this.once.add(file);
    if (this.stack.length > MAX_INCLUDE_DEPTH) {
      if (!this.nestingReported) {
        this.report(at, `#include nested more than ${MAX_INCLUDE_DEPTH} deep: '${file}' probably includes itself; guard it with #ifndef/#define/#endif`);
      }
      this.nestingReported = true;
      return;
    }
    // After the depth report, re-entering an open file is refused, or a file including itself twice would take 2^200 steps.
    if (this.nestingReported && this.stack.includes(file)) return;
    if (!this.includes.includes(file)) this.includes.push(file);
    this.runFile(file, text);
  }

  /** The file an #include names: "file" or <file> as written, or as a macro expands to. */
  private headerName(d: Directive): { name: string; angled: boolean; at: Tok } | undefined {
    const lg = d.name.lg;
    const start = skipSpaces(lg.text, d.rest);
    const direct = /^(?:"([^"]*)"|<([^>]*)>)/.exec(lg.text.slice(start));
    let m = direct;
    let at: Tok = { kind: K.Str, text: direct?.[0] ?? lg.text.slice(start).trim(), ws: '', lg, off: start };
    let after: number;
    if (direct) {
      after = start + direct[0].length;
    } else {
      this.budget = MAX_EXPANSION_TOKENS;
      const expanded = new Expander(this, false).expand(lex(lg, d.rest));
      m = /^(?:"([^"]*)"|<([^>]*)>)/.exec(spell(expanded).trim());
      after = lg.text.length;
      if (expanded.length > 0) at = { ...expanded[0], text: at.text };
    }
    if (!m) {
      this.report(at.text ? at : d.name, `#${d.name.text} expects "FILE" or <FILE>`);
      return undefined;
    }
    this.extraTokens(d, lex(lg, after), 0);
    const name = m[1] ?? m[2];
    if (name === '') {
      this.report(at, `empty file name in #${d.name.text}`);
      return undefined;
    }
    return { name, angled: m[2] !== undefined, at };
  }
}

/** Runs the preprocessor over file and everything it includes; never throws, whatever the input. */
export function preprocess(file: string, opts: PreprocessOptions): PreprocessResult {
  const pp = new Preprocessor(opts);
  try {
    pp.run(file);
  } catch (e) {
    // A safety net for bugs, not a path any input is meant to take: the fuzz test fails if it is ever taken.
    pp.diagnostics.push({ file, line: 1, column: 1, endColumn: 1, severity: 'error', message: `internal error in the preprocessor: ${String(e)}` });
  }
  return { lines: pp.lines, diagnostics: pp.diagnostics, includes: pp.includes, macros: pp.defs };
}
