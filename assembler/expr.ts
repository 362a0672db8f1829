// Expressions in operands and directives, as GNU as reads them: numbers, symbols, `.`, operators with gas's
// precedence, and the relocation operators (%hi, %lo, %pcrel_hi, %pcrel_lo). Parsed once, evaluated at link time.

export type Expr =
  | { kind: 'num'; value: bigint }
  | { kind: 'sym'; name: string; column: number }
  | { kind: 'dot' }
  | { kind: 'unary'; op: string; arg: Expr }
  | { kind: 'binary'; op: string; left: Expr; right: Expr }
  | { kind: 'reloc'; op: RelocOp; arg: Expr; column: number };

export const RELOC_OPS = ['hi', 'lo', 'pcrel_hi', 'pcrel_lo'] as const;
/** GNU as's operators for thread-local storage and the GOT: valid syntax, which this linker has nothing to resolve with. */
export const UNSUPPORTED_RELOC_OPS = ['tprel_hi', 'tprel_lo', 'tprel_add', 'tls_ie_pcrel_hi', 'tls_gd_pcrel_hi', 'got_pcrel_hi'] as const;
export type RelocOp = typeof RELOC_OPS[number];

export class ExprError extends Error {
  constructor(message: string, readonly column: number) { super(message); }
}

/** gas's binary operator precedence: higher binds tighter (note `|`, `&`, `^` bind tighter than `+`). */
const PRECEDENCE: Record<string, number> = {
  '*': 4, '/': 4, '%': 4, '<<': 4, '>>': 4,
  '|': 3, '&': 3, '^': 3, '!': 3,
  '+': 2, '-': 2, '==': 2, '!=': 2, '<>': 2, '<': 2, '>': 2, '<=': 2, '>=': 2,
  '&&': 1, '||': 1,
};

const TOKEN = /\s*(0[xX][0-9a-fA-F]+|0[bB][01]+|[0-9]+[bf]\b|[0-9]+|'(?:\\.|[^\\'])'?|%[a-z_]+|[A-Za-z_.$][\w.$]*|<<|>>|<=|>=|==|!=|<>|&&|\|\||[-+*/%&|^~!()<>])/y;

interface Token { text: string; column: number }

function tokenize(text: string, column0: number): Token[] {
  const out: Token[] = [];
  TOKEN.lastIndex = 0;
  let i = 0;
  while (i < text.length) {
    if (/^\s*$/.test(text.slice(i))) break;
    TOKEN.lastIndex = i;
    const m = TOKEN.exec(text);
    if (!m) throw new ExprError(`unexpected '${text.slice(i).trim()[0]}' in expression`, column0 + i + (text.slice(i).length - text.slice(i).trimStart().length));
    out.push({ text: m[1], column: column0 + m.index + m[0].length - m[1].length });
    i = TOKEN.lastIndex;
  }
  return out;
}

/** The value of a character literal body such as `a`, `\n`, `\x41`, `\101`. */
function charValue(body: string): bigint {
  if (body[0] !== '\\') return BigInt(body.codePointAt(0) ?? 0);
  const e = body.slice(1);
  const simple: Record<string, number> = { n: 10, t: 9, r: 13, b: 8, f: 12, v: 11, a: 7, '0': 0, '\\': 92, "'": 39, '"': 34 };
  if (/^x[0-9a-fA-F]+$/.test(e)) return BigInt(parseInt(e.slice(1), 16));
  if (/^[0-7]{1,3}$/.test(e)) return BigInt(parseInt(e, 8));
  return BigInt(simple[e] ?? e.charCodeAt(0));
}

/**
 * Parses an expression. Numeric local label references (`1b`, `1f`) are resolved through `local`, which
 * returns the unique name of the label instance meant.
 */
export function parseExpr(text: string, column0: number, local: (ref: string) => string): Expr {
  const toks = tokenize(text, column0);
  let p = 0;
  const end = column0 + text.length;
  const peek = (): Token | undefined => toks[p];
  const fail = (msg: string, t = peek()): never => { throw new ExprError(msg, t ? t.column : end); };

  function primary(): Expr {
    const t = toks[p++];
    if (!t) return fail('expression expected', undefined);
    const s = t.text;
    if (s === '(') {
      const e = binary(0);
      if (peek()?.text !== ')') fail(`')' expected`);
      p++;
      return e;
    }
    if (s === '-' || s === '~' || s === '!' || s === '+') return { kind: 'unary', op: s, arg: primary() };
    if (/^[0-9]+[bf]$/.test(s)) return { kind: 'sym', name: local(s), column: t.column };
    if (/^0[xX][0-9a-fA-F]+$|^0[bB][01]+$/.test(s)) return { kind: 'num', value: BigInt(s) };
    if (/^0[0-7]+$/.test(s)) return { kind: 'num', value: BigInt(`0o${s.slice(1)}`) };
    if (/^[0-9]+$/.test(s)) return { kind: 'num', value: BigInt(s) };
    if (s[0] === "'") return { kind: 'num', value: charValue(s.slice(1).replace(/'$/, '')) };
    if (s[0] === '%') {
      const op = s.slice(1) as RelocOp;
      const known = RELOC_OPS.map((o) => `%${o}`).join(', ');
      if ((UNSUPPORTED_RELOC_OPS as readonly string[]).includes(op)) fail(`${s} needs thread-local storage or a GOT, which Ringside's static linker does not have (use ${known})`, t);
      if (!RELOC_OPS.includes(op)) fail(`unknown relocation operator '${s}' (known: ${known})`, t);
      if (peek()?.text !== '(') fail(`'(' expected after ${s}`);
      p++;
      const arg = binary(0);
      if (peek()?.text !== ')') fail(`')' expected`);
      p++;
      return { kind: 'reloc', op, arg, column: t.column };
    }
    if (s === '.') return { kind: 'dot' };
    if (/^[A-Za-z_.$]/.test(s)) return { kind: 'sym', name: s, column: t.column };
    return fail(`unexpected '${s}' in expression`, t);
  }

  function binary(min: number): Expr {
    let left = primary();
    for (;;) {
      const t = peek();
      const prec = t ? PRECEDENCE[t.text] : undefined;
      if (prec === undefined || prec < min) break;
      p++;
      const right = binary(prec + 1);
      left = { kind: 'binary', op: t!.text, left, right };
    }
    return left;
  }

  const e = binary(0);
  if (p < toks.length) fail(`unexpected '${toks[p].text}' in expression`);
  return e;
}

/** The symbols an expression names (for references and undefined-symbol checks). */
export function symbolsIn(e: Expr, out: { name: string; column: number }[] = []): { name: string; column: number }[] {
  switch (e.kind) {
    case 'sym': out.push({ name: e.name, column: e.column }); break;
    case 'unary': symbolsIn(e.arg, out); break;
    case 'binary': symbolsIn(e.left, out); symbolsIn(e.right, out); break;
    case 'reloc': symbolsIn(e.arg, out); break;
  }
  return out;
}

/**
 * A value during evaluation: a constant, or an offset in a section (so that differences become constants).
 * Once sections are placed, the linker's scope gives every address as a constant.
 */
export interface Value {
  /** Section the value is relative to; undefined for a constant. */
  section?: string;
  offset: bigint;
}

export interface Scope {
  /** A symbol's value, or undefined when it is not (yet) known. */
  symbol(name: string): Value | undefined;
  /** The location counter. */
  dot(): Value;
  /** %pcrel_lo(label): the low part that goes with the %pcrel_hi at that label. */
  pcrelLo?(label: string, column: number): bigint;
}

const MASK64 = (1n << 64n) - 1n;
export const toSigned = (v: bigint): bigint => BigInt.asIntN(64, v);

/** Evaluates to a Value; throws ExprError for unknown symbols or operations on addresses that make no sense. */
export function evaluate(e: Expr, scope: Scope, column = 0): Value {
  switch (e.kind) {
    case 'num': return { offset: toSigned(e.value & MASK64) };
    case 'dot': return scope.dot();
    case 'sym': {
      const v = scope.symbol(e.name);
      if (!v) throw new ExprError(`undefined symbol '${displayName(e.name)}'`, e.column);
      return v;
    }
    case 'unary': {
      const a = evaluate(e.arg, scope, column);
      if (e.op === '+') return a;
      const c = constant(a, e.op, column);
      return { offset: toSigned(e.op === '-' ? -c : e.op === '~' ? ~c : c === 0n ? 1n : 0n) };
    }
    case 'binary': return binaryValue(e.op, evaluate(e.left, scope, column), evaluate(e.right, scope, column), column);
    case 'reloc': {
      if (e.op === 'pcrel_lo') {
        if (e.arg.kind !== 'sym' || !scope.pcrelLo) throw new ExprError('%pcrel_lo needs the label of an auipc with %pcrel_hi', e.column);
        return { offset: scope.pcrelLo(e.arg.name, e.column) };
      }
      const v = evaluate(e.arg, scope, column);
      if (e.op === 'pcrel_hi') {
        const here = scope.dot();
        if (v.section !== here.section) throw new ExprError('%pcrel_hi needs an address', e.column);
        return { offset: hi20(v.offset - here.offset) };
      }
      if (v.section !== undefined) throw new ExprError(`%${e.op} needs a placed address`, e.column);
      return { offset: e.op === 'hi' ? hi20(v.offset) : lo12(v.offset) };
    }
  }
}

export const hi20 = (v: bigint): bigint => BigInt.asIntN(20, (v + 0x800n) >> 12n);
export const lo12 = (v: bigint): bigint => BigInt.asIntN(12, v);

function constant(v: Value, op: string, column: number): bigint {
  if (v.section !== undefined) throw new ExprError(`operator '${op}' needs constants, not an address`, column);
  return v.offset;
}

function binaryValue(op: string, a: Value, b: Value, column: number): Value {
  if (op === '+') {
    if (a.section && b.section) throw new ExprError('cannot add two addresses', column);
    return { section: a.section ?? b.section, offset: toSigned(a.offset + b.offset) };
  }
  if (op === '-') {
    if (b.section && a.section !== b.section) throw new ExprError('cannot subtract an address in another section', column);
    return { section: b.section ? undefined : a.section, offset: toSigned(a.offset - b.offset) };
  }
  if (a.section !== undefined && a.section === b.section) {
    // Comparisons of two addresses in one section compare their offsets.
    a = { offset: a.offset }; b = { offset: b.offset };
  }
  const x = constant(a, op, column), y = constant(b, op, column);
  const bool = (c: boolean): bigint => (c ? -1n : 0n); // gas: true is all ones
  switch (op) {
    case '*': return { offset: toSigned(x * y) };
    case '/': case '%':
      if (y === 0n) throw new ExprError('division by zero', column);
      return { offset: toSigned(op === '/' ? x / y : x % y) };
    case '<<': return { offset: toSigned(y >= 64n ? 0n : x << y) };
    // gas shifts right logically, on the 64-bit value.
    case '>>': return { offset: y >= 64n ? 0n : toSigned(BigInt.asUintN(64, x) >> y) };
    case '|': return { offset: x | y };
    case '&': return { offset: x & y };
    case '^': return { offset: x ^ y };
    case '!': return { offset: x | ~y };
    case '==': return { offset: bool(x === y) };
    case '!=': case '<>': return { offset: bool(x !== y) };
    case '<': return { offset: bool(x < y) };
    case '>': return { offset: bool(x > y) };
    case '<=': return { offset: bool(x <= y) };
    case '>=': return { offset: bool(x >= y) };
    case '&&': return { offset: x !== 0n && y !== 0n ? 1n : 0n };
    case '||': return { offset: x !== 0n || y !== 0n ? 1n : 0n };
  }
  throw new ExprError(`unknown operator '${op}'`, column);
}

/** Local numeric label instances are named `.L<n>^<k>`; users see `<n>`. */
export function displayName(name: string): string {
  const m = /^\.L(\d+)\^\d+$/.exec(name);
  return m ? `${m[1]}` : name;
}
