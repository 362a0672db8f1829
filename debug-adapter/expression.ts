// C-like expressions over machine state, for the Watch view, hovers, breakpoint conditions and the Debug Console:
// registers, CSRs, symbols, typed memory reads and 64-bit integer arithmetic. Knows nothing of the machine itself.
import { ABI_NAMES, FP_ABI_NAMES } from '../emulator/isa/disasm';
import { csrNumberByName } from '../emulator/csr/table';

/** Integer types by signedness and width. */
export type ScalarType = 'u8' | 'u16' | 'u32' | 'u64' | 'i8' | 'i16' | 'i32' | 'i64';
/** A value's type: an integer, or a pointer to one (which reads that many bytes). */
export type ValueType = ScalarType | `${ScalarType}*`;

export type UnaryOp = '-' | '+' | '~' | '!' | '*';
export type BinaryOp = '*' | '/' | '%' | '+' | '-' | '<<' | '>>' | '<' | '<=' | '>' | '>=' | '==' | '!=' | '&' | '^' | '|' | '&&' | '||';

/** A parsed expression; column is 1-based, for error messages. */
export type Expression = { column: number } & (
  | { kind: 'number'; value: bigint; type: ScalarType }
  /** A register, CSR or symbol; dollar: written `$name` (registers and CSRs only). */
  | { kind: 'name'; name: string; dollar: boolean }
  | { kind: 'unary'; op: UnaryOp; operand: Expression }
  | { kind: 'cast'; type: ValueType; operand: Expression }
  | { kind: 'binary'; op: BinaryOp; left: Expression; right: Expression }
  | { kind: 'index'; target: Expression; index: Expression }
  | { kind: 'conditional'; test: Expression; then: Expression; otherwise: Expression }
);

/**
 * What an expression may look at. Registers are asked for by canonical name: `x0`..`x31`, `f0`..`f31` (raw bits)
 * and `pc`; CSRs by name (`mstatus`); symbols by name. read returns the bytes at a virtual address as an
 * unsigned little-endian value, or undefined when they cannot be read; whyUnreadable then says why.
 */
export interface EvalContext {
  register(name: string): bigint | undefined;
  csr(name: string): bigint | undefined;
  symbol(name: string): bigint | undefined;
  read(va: bigint, bytes: 1 | 2 | 4 | 8): bigint | undefined;
  whyUnreadable?(va: bigint, bytes: number): string | undefined;
  /** Why register() has no value for a register (x10, pc) that exists, e.g. not saved in a caller frame. */
  whyNoRegister?(name: string): string | undefined;
}

export interface EvalResult {
  value: bigint;
  type: ValueType;
  /** Where the value was read from, when it came from memory. */
  address?: bigint;
}

export class ExpressionError extends Error {
  constructor(message: string, readonly column: number) {
    super(message);
  }
}

const SCALARS: readonly ScalarType[] = ['u8', 'u16', 'u32', 'u64', 'i8', 'i16', 'i32', 'i64'];
/** C's fixed-width names, as people write them in casts. */
const TYPE_ALIASES: Record<string, ScalarType> = {
  uint8_t: 'u8', uint16_t: 'u16', uint32_t: 'u32', uint64_t: 'u64', int8_t: 'i8', int16_t: 'i16', int32_t: 'i32', int64_t: 'i64',
  char: 'i8', short: 'i16', int: 'i32', long: 'i64', unsigned: 'u32',
};
const scalarNamed = (name: string): ScalarType | undefined =>
  (SCALARS as readonly string[]).includes(name) ? name as ScalarType : TYPE_ALIASES[name];

const width = (t: ScalarType): number => Number(t.slice(1));
const signed = (t: ScalarType): boolean => t[0] === 'i';
const isPointer = (t: ValueType): t is `${ScalarType}*` => t.endsWith('*');
const target = (t: `${ScalarType}*`): ScalarType => t.slice(0, -1) as ScalarType;
/** A value as its type holds it: wrapped to its width, negative for a signed type with the top bit set. */
const normalize = (v: bigint, t: ValueType): bigint =>
  isPointer(t) ? BigInt.asUintN(64, v) : signed(t) ? BigInt.asIntN(width(t), v) : BigInt.asUintN(width(t), v);

// ---- registers ----

const REGISTERS = new Map<string, string>([
  ...Array.from({ length: 32 }, (_, i): [string, string] => [`x${i}`, `x${i}`]),
  ...ABI_NAMES.map((n, i): [string, string] => [n, `x${i}`]),
  ['fp', 'x8'],
  ...Array.from({ length: 32 }, (_, i): [string, string] => [`f${i}`, `f${i}`]),
  ...FP_ABI_NAMES.map((n, i): [string, string] => [n, `f${i}`]),
  ['pc', 'pc'],
]);

/** The canonical name (`x10`, `f3`, `pc`) of a register written any way the ABI allows (`a0`, `fp`, `fa3`), or undefined. */
export function canonicalRegister(name: string): string | undefined {
  return REGISTERS.get(name);
}

// ---- lexer ----

type Token = { text: string; column: number; kind: 'number' | 'name' | 'op' | 'end' };

const TOKEN = /\s*(?:(0[xX][0-9a-fA-F]+|0[bB][01]+|\d+)|(\$?[A-Za-z_.][A-Za-z0-9_.$]*)|(<<|>>|<=|>=|==|!=|&&|\|\||[-+*/%<>&^|~!?:()[\]]))/y;

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  for (let at = text.search(/\S|$/); at < text.length; at = text.slice(TOKEN.lastIndex).search(/\S|$/) + TOKEN.lastIndex) {
    TOKEN.lastIndex = at;
    const m = TOKEN.exec(text);
    if (!m) throw new ExpressionError(`unexpected '${text[at]}' at column ${at + 1}`, at + 1);
    const lexeme = m[1] ?? m[2] ?? m[3];
    tokens.push({ text: lexeme, column: TOKEN.lastIndex - lexeme.length + 1, kind: m[1] ? 'number' : m[2] ? 'name' : 'op' });
  }
  tokens.push({ text: '', column: text.length + 1, kind: 'end' });
  return tokens;
}

// ---- parser ----

/** Binary operators by precedence level, loosest first (C's table, without assignment and comma). */
const LEVELS: readonly (readonly BinaryOp[])[] = [
  ['||'], ['&&'], ['|'], ['^'], ['&'], ['==', '!='], ['<', '<=', '>', '>='], ['<<', '>>'], ['+', '-'], ['*', '/', '%'],
];

class Parser {
  private i = 0;
  constructor(private readonly tokens: Token[]) {}

  parse(): Expression {
    if (this.peek().kind === 'end') throw new ExpressionError('empty expression: write a register, symbol, number or C expression', 1);
    const e = this.conditional();
    const t = this.peek();
    if (t.kind !== 'end') throw new ExpressionError(`unexpected '${t.text}' at column ${t.column}`, t.column);
    return e;
  }

  private peek(ahead = 0): Token { return this.tokens[Math.min(this.i + ahead, this.tokens.length - 1)]; }
  private next(): Token { return this.tokens[this.i++]; }
  private accept(text: string): Token | undefined {
    const t = this.peek();
    if (t.kind === 'op' && t.text === text) { this.i++; return t; }
    return undefined;
  }
  private expect(text: string, opened: Token): void {
    if (this.accept(text)) return;
    const t = this.peek();
    const found = t.kind === 'end' ? 'the end' : `'${t.text}'`;
    throw new ExpressionError(`expected '${text}' to close '${opened.text}' at column ${opened.column}, found ${found} at column ${t.column}`, t.column);
  }

  private conditional(): Expression {
    const test = this.binary(0);
    const q = this.accept('?');
    if (!q) return test;
    const then = this.conditional();
    this.expect(':', q);
    return { kind: 'conditional', test, then, otherwise: this.conditional(), column: q.column };
  }

  private binary(level: number): Expression {
    if (level === LEVELS.length) return this.unary();
    let left = this.binary(level + 1);
    for (;;) {
      const t = this.peek();
      if (t.kind !== 'op' || !(LEVELS[level] as readonly string[]).includes(t.text)) return left;
      this.next();
      left = { kind: 'binary', op: t.text as BinaryOp, left, right: this.binary(level + 1), column: t.column };
    }
  }

  private unary(): Expression {
    const t = this.peek();
    if (t.kind === 'op' && ['-', '+', '~', '!', '*'].includes(t.text)) {
      this.next();
      return { kind: 'unary', op: t.text as UnaryOp, operand: this.unary(), column: t.column };
    }
    const cast = this.castType();
    if (cast) return { kind: 'cast', type: cast, operand: this.unary(), column: t.column };
    return this.postfix();
  }

  /** `(type)` or `(type*)` ahead: consumes it and returns the type. */
  private castType(): ValueType | undefined {
    const [open, name, star] = [this.peek(), this.peek(1), this.peek(2)];
    if (open.text !== '(' || open.kind !== 'op' || name.kind !== 'name') return undefined;
    const scalar = scalarNamed(name.text);
    if (!scalar) return undefined;
    const pointer = star.kind === 'op' && star.text === '*';
    const close = this.peek(pointer ? 3 : 2);
    if (close.kind !== 'op' || close.text !== ')') return undefined;
    this.i += pointer ? 4 : 3;
    return pointer ? `${scalar}*` : scalar;
  }

  private postfix(): Expression {
    let e = this.primary();
    for (let open = this.accept('['); open; open = this.accept('[')) {
      const index = this.conditional();
      this.expect(']', open);
      e = { kind: 'index', target: e, index, column: open.column };
    }
    return e;
  }

  private primary(): Expression {
    const t = this.next();
    if (t.kind === 'number') return number(t);
    if (t.kind === 'name') {
      const dollar = t.text.startsWith('$');
      return { kind: 'name', name: dollar ? t.text.slice(1) : t.text, dollar, column: t.column };
    }
    if (t.kind === 'op' && t.text === '(') {
      const e = this.conditional();
      this.expect(')', t);
      return e;
    }
    const what = t.kind === 'end' ? 'the expression ends too soon' : `unexpected '${t.text}' at column ${t.column}`;
    throw new ExpressionError(`${what}: expected a number, register, symbol or '('`, t.column);
  }
}

/** A literal: decimal is i64 (u64 when too big), hex, binary and C octal (leading 0) are u64. */
function number(t: Token): Expression {
  const text = t.text;
  const value = /^0[0-7]+$/.test(text) ? BigInt(`0o${text.slice(1)}`) : /^0\d/.test(text) ? undefined : BigInt(text);
  if (value === undefined) throw new ExpressionError(`${text} is not a number: octal digits are 0-7 (drop the leading 0 for decimal)`, t.column);
  if (value >= 1n << 64n) throw new ExpressionError(`${text} does not fit in 64 bits`, t.column);
  const type: ScalarType = /^[1-9]\d*$|^0$/.test(text) && value < 1n << 63n ? 'i64' : 'u64';
  return { kind: 'number', value, type, column: t.column };
}

/** Parses text; throws ExpressionError with the column of the problem. */
export function parseExpression(text: string): Expression {
  return new Parser(tokenize(text)).parse();
}

// ---- evaluation ----

/** C's integer promotion (to our 32-bit int) and usual arithmetic conversions, for two operands. */
function promote(t: ScalarType): ScalarType {
  return width(t) < 32 ? 'i32' : t;
}
function common(a: ScalarType, b: ScalarType): ScalarType {
  const [x, y] = [promote(a), promote(b)];
  if (signed(x) === signed(y)) return width(x) >= width(y) ? x : y;
  const [u, s] = signed(x) ? [y, x] : [x, y];
  return width(u) >= width(s) ? u : s;
}
const scalarOf = (t: ValueType): ScalarType => (isPointer(t) ? 'u64' : t);
const truth = (b: boolean): EvalResult => ({ value: b ? 1n : 0n, type: 'i32' });

class Evaluator {
  constructor(private readonly ctx: EvalContext) {}

  eval(e: Expression): EvalResult {
    switch (e.kind) {
      case 'number': return { value: e.value, type: e.type };
      case 'name': return this.name(e.name, e.dollar, e.column);
      case 'cast': {
        const v = this.eval(e.operand);
        return { value: normalize(v.value, e.type), type: e.type };
      }
      case 'unary': return this.unary(e.op, this.eval(e.operand), e.column);
      case 'index': {
        const p = this.eval(e.target), i = this.eval(e.index);
        if (!isPointer(p.type)) {
          throw new ExpressionError(`cannot index a ${p.type} at column ${e.column}: cast it to a pointer first, e.g. ((u32*)x)[i]`, e.column);
        }
        return this.read(this.offset(p, i.value), target(p.type), e.column);
      }
      case 'conditional': return this.eval(e.test).value !== 0n ? this.eval(e.then) : this.eval(e.otherwise);
      case 'binary': {
        if (e.op === '&&') return truth(this.eval(e.left).value !== 0n && this.eval(e.right).value !== 0n);
        if (e.op === '||') return truth(this.eval(e.left).value !== 0n || this.eval(e.right).value !== 0n);
        return this.binary(e.op, this.eval(e.left), this.eval(e.right), e.column);
      }
    }
  }

  private name(name: string, dollar: boolean, column: number): EvalResult {
    const reg = canonicalRegister(name);
    if (reg !== undefined) {
      const v = this.ctx.register(reg);
      if (v === undefined) throw new ExpressionError(this.ctx.whyNoRegister?.(reg) ?? `register ${name} is not available on this hart`, column);
      return { value: BigInt.asUintN(64, v), type: 'u64' };
    }
    if (!dollar) {
      const s = this.ctx.symbol(name);
      if (s !== undefined) return { value: BigInt.asUintN(64, s), type: 'u64' };
    }
    if (csrNumberByName.has(name)) {
      const v = this.ctx.csr(name);
      if (v === undefined) throw new ExpressionError(`CSR ${name} is not implemented by this machine`, column);
      return { value: BigInt.asUintN(64, v), type: 'u64' };
    }
    throw new ExpressionError(dollar
      ? `unknown register or CSR '$${name}' at column ${column}`
      : `unknown name '${name}' at column ${column}: not a register, CSR or symbol of the program`, column);
  }

  private unary(op: UnaryOp, v: EvalResult, column: number): EvalResult {
    if (op === '!') return truth(v.value === 0n);
    if (op === '*') return this.read(v.value, isPointer(v.type) ? target(v.type) : 'u64', column);
    const t = promote(scalarOf(v.type));
    const value = op === '-' ? -v.value : op === '~' ? ~v.value : v.value;
    return { value: normalize(value, t), type: t };
  }

  /** Pointer arithmetic: p + i advances by i elements. */
  private offset(p: EvalResult, i: bigint): bigint {
    const size = BigInt(width(target(p.type as `${ScalarType}*`)) / 8);
    return BigInt.asUintN(64, p.value + i * size);
  }

  private binary(op: BinaryOp, l: EvalResult, r: EvalResult, column: number): EvalResult {
    if (op === '+' || op === '-') {
      if (isPointer(l.type) && isPointer(r.type) && op === '-') {
        const size = BigInt(width(target(l.type)) / 8);
        return { value: BigInt.asIntN(64, l.value - r.value) / size, type: 'i64' };
      }
      if (isPointer(l.type) && !isPointer(r.type)) return { value: this.offset(l, op === '+' ? r.value : -r.value), type: l.type };
      if (isPointer(r.type) && !isPointer(l.type) && op === '+') return { value: this.offset(r, l.value), type: r.type };
    }
    const t = common(scalarOf(l.type), scalarOf(r.type));
    const [a, b] = [normalize(l.value, t), normalize(r.value, t)];
    switch (op) {
      case '<': return truth(a < b);
      case '<=': return truth(a <= b);
      case '>': return truth(a > b);
      case '>=': return truth(a >= b);
      case '==': return truth(a === b);
      case '!=': return truth(a !== b);
      default: break;
    }
    if ((op === '/' || op === '%') && b === 0n) throw new ExpressionError(`division by zero at column ${column}`, column);
    // Shifts take the left operand's (promoted) type; the count is taken modulo the width, as RISC-V shifts do.
    const st = promote(scalarOf(l.type)), count = BigInt.asUintN(64, r.value) % BigInt(width(st));
    switch (op) {
      case '<<': return { value: normalize(normalize(l.value, st) << count, st), type: st };
      case '>>': return { value: normalize(l.value, st) >> count, type: st };
      default: return { value: normalize(arithmetic(op, a, b), t), type: t };
    }
  }

  private read(address: bigint, t: ScalarType, column: number): EvalResult {
    const bytes = (width(t) / 8) as 1 | 2 | 4 | 8;
    const va = BigInt.asUintN(64, address);
    const raw = this.ctx.read(va, bytes);
    if (raw === undefined) {
      const why = this.ctx.whyUnreadable?.(va, bytes) ?? 'not readable';
      throw new ExpressionError(`cannot read ${bytes} byte${bytes === 1 ? '' : 's'} at 0x${va.toString(16)}: ${why}`, column);
    }
    return { value: normalize(raw, t), type: t, address: va };
  }
}

/** The exact result of an arithmetic or bitwise operator, before wrapping to the result type. */
function arithmetic(op: BinaryOp, a: bigint, b: bigint): bigint {
  switch (op) {
    case '*': return a * b;
    case '/': return a / b;
    case '%': return a % b;
    case '+': return a + b;
    case '-': return a - b;
    case '&': return a & b;
    case '^': return a ^ b;
    case '|': return a | b;
    default: throw new Error(`${op} is not an arithmetic operator`);
  }
}

/** Evaluates a parsed expression; throws ExpressionError (unknown names, unreadable memory, division by zero). */
export function evaluate(e: Expression, ctx: EvalContext): EvalResult {
  return new Evaluator(ctx).eval(e);
}

/** Parses and evaluates text in one go. */
export function evaluateExpression(text: string, ctx: EvalContext): EvalResult {
  return evaluate(parseExpression(text), ctx);
}

/** A value as the Watch view shows it: decimal (signed for signed types) or hex (two's complement); pointers in hex. */
export function formatValue(v: bigint, type: ValueType, hex: boolean): string {
  if (isPointer(type)) return `0x${BigInt.asUintN(64, v).toString(16)}`;
  if (hex) return `0x${BigInt.asUintN(width(type), v).toString(16)}`;
  return normalize(v, type).toString();
}
