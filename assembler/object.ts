// One source file → sections of items and a symbol table: directives, labels (named and numeric), .equ,
// .macro/.rept/.irp expansion, .include and .option. Errors are collected, never thrown, so all are reported.
import type { Diagnostic, SourcePos } from './api';
import { evaluate, ExprError, parseExpr, symbolsIn, toSigned, type Expr, type Scope, type Value } from './expr';
import { assembleInstruction, type InstructionContext } from './instruction';
import type { Item, Origin, Section } from './items';
import { closest, parseStatement, readString, splitArgs, splitLine, SyntaxError_, type Arg } from './syntax';

import type { SourceLine } from './preprocess';

export type { SourceLine };

export interface Macro { name: string; params: { name: string; def?: string }[]; body: SourceLine[]; origin: Origin }

export interface FileObject {
  file: string;
  sections: Section[];
  /** Labels: section and the label's name (its LabelMark locates it); constants: their expression. */
  labels: Map<string, { section: string; origin: Origin }>;
  equs: Map<string, { expr: Expr; origin: Origin }>;
  globals: Set<string>;
  references: Map<string, SourcePos[]>;
  macros: Map<string, Macro>;
  diagnostics: Diagnostic[];
  /** Compressed instructions were allowed somewhere (the ELF's RVC flag). */
  usedRvc: boolean;
}

export interface ObjectOptions {
  /** Reads an .include'd file (already resolved to a path); undefined when it cannot be read. */
  include(path: string, from: string): { path: string; lines: SourceLine[] } | undefined;
  rvc: boolean;
}

const DATA_SIZES: Record<string, 1 | 2 | 4 | 8> = {
  '.byte': 1, '.half': 2, '.short': 2, '.2byte': 2, '.word': 4, '.long': 4, '.4byte': 4, '.int': 4, '.dword': 8, '.quad': 8, '.8byte': 8,
};
/** Directives accepted for compatibility that change nothing in the output. */
const IGNORED = new Set(['.type', '.size', '.file', '.ident', '.attribute', '.loc', '.cfi_startproc', '.cfi_endproc', '.cfi_sections',
  '.cfi_def_cfa_offset', '.cfi_offset', '.cfi_restore', '.cfi_def_cfa', '.cfi_adjust_cfa_offset', '.cfi_remember_state', '.cfi_restore_state',
  '.addrsig', '.addrsig_sym', '.variant_cc', '.hidden', '.protected', '.internal', '.func', '.endfunc']);
const DIRECTIVES = ['.text', '.data', '.bss', '.rodata', '.section', '.globl', '.global', '.local', '.weak', '.align', '.p2align', '.balign',
  ...Object.keys(DATA_SIZES), '.zero', '.space', '.skip', '.fill', '.ascii', '.asciz', '.string', '.equ', '.set', '.equiv', '.option', '.macro', '.endm',
  '.exitm', '.rept', '.irp', '.irpc', '.endr', '.include', '.end', ...IGNORED];
export const KNOWN_DIRECTIVES: readonly string[] = DIRECTIVES;
/** The words `.option` takes (besides `arch, +ext` / `-ext`). */
export const OPTION_NAMES: readonly string[] = ['rvc', 'norvc', 'push', 'pop', 'arch', 'relax', 'norelax', 'pic', 'nopic', 'csr-check', 'no-csr-check'];

class Assembler {
  readonly obj: FileObject;
  private section!: Section;
  private readonly sectionsByName = new Map<string, Section>();
  private rvc: boolean;
  private readonly optionStack: boolean[] = [];
  private readonly localCount = new Map<string, number>();
  private hidden = 0;
  private macroCounter = 0;
  private ended = false;
  private origin: Origin = { file: '', line: 0, column: 1 };
  private depth = 0;
  /** The outermost macro call being expanded, if any. */
  private callSite?: { file: string; line: number };
  /** Per section, its size so far while every item in it has a known size (undefined after a relaxable branch). */
  private readonly fixedSize = new Map<Section, number | undefined>();
  /** Label offsets within their section, where known at definition (for label differences in constants). */
  private readonly labelOffset = new Map<string, number>();

  constructor(file: string, private readonly opts: ObjectOptions) {
    this.rvc = opts.rvc;
    this.obj = { file, sections: [], labels: new Map(), equs: new Map(), globals: new Set(), references: new Map(), macros: new Map(), diagnostics: [], usedRvc: opts.rvc };
    this.switchTo('.text');
  }

  run(lines: SourceLine[]): void {
    for (let i = 0; i < lines.length && !this.ended; i++) {
      const l = lines[i];
      const block = this.blockDirective(l);
      if (block) { i = this.collectBlock(lines, i, block); continue; }
      this.line(l);
    }
  }

  private error(message: string, column: number, endColumn?: number, at: Origin = this.origin): void {
    this.obj.diagnostics.push({ file: at.file, line: at.line, column, endColumn: endColumn ?? column + 1, severity: 'error', message });
  }

  private line(l: SourceLine): void {
    for (const piece of splitLine(l.text)) {
      this.origin = { file: l.file, line: l.line, column: piece.column, call: this.callSite };
      try {
        this.statement(piece);
      } catch (e) {
        if (e instanceof SyntaxError_ || e instanceof ExprError) this.error(e.message, e.column || piece.column, e instanceof SyntaxError_ ? e.endColumn : undefined);
        else throw e;
      }
    }
  }

  private statement(piece: Arg): void {
    // `name = expr` is .set
    const assign = /^\s*([A-Za-z_.$][\w.$]*)\s*=(?!=)(.*)$/.exec(piece.text);
    if (assign) {
      const col = piece.column + piece.text.indexOf('=') + 1;
      this.defineEqu({ text: assign[1], column: piece.column + piece.text.indexOf(assign[1]) }, { text: assign[2].trim(), column: col + assign[2].length - assign[2].trimStart().length }, true);
      return;
    }
    const st = parseStatement(piece);
    for (const l of st.labels) this.defineLabel(l);
    if (!st.op) return;
    const name = st.op.text;
    if (name.startsWith('.')) { this.directive(st.op, st.args, piece); return; }
    const macro = this.obj.macros.get(name);
    if (macro) { this.expandMacro(macro, st.op, st.args, piece); return; }
    const ctx = this.instructionContext();
    assembleInstruction(st.op, st.args, ctx, (item) => this.add(item));
  }

  /** One context object, brought up to date per statement (statements are many; closures per line cost). */
  private readonly ctx: InstructionContext = {
    rvc: true,
    origin: this.origin,
    expr: (a) => this.expr(a),
    constant: (e) => this.constant(e),
    hiddenLabel: () => `.Lpcrel_hi^${this.hidden++}`,
  };

  private instructionContext(): InstructionContext {
    this.ctx.rvc = this.rvc;
    this.ctx.origin = this.origin;
    return this.ctx;
  }

  private add(item: Item): void {
    if (this.section.nobits && item.kind !== 'label' && item.kind !== 'align' && !(item.kind === 'bytes' && item.bytes.every((b) => b === 0))) {
      throw new SyntaxError_(`${this.section.name} holds only zeros (it takes no space in the file): use .zero/.space, or put data in .data`, this.origin.column);
    }
    this.section.items.push(item);
    this.grow(item);
  }

  /** Tracks the section's size while it is known, so that label differences can be constants (as in gas). */
  private grow(item: Item): void {
    const size = this.fixedSize.get(this.section);
    if (size === undefined) return;
    let n: number | undefined;
    switch (item.kind) {
      case 'bytes': n = item.bytes.length; break;
      case 'fixup': n = item.length; break;
      case 'data': n = item.size; break;
      case 'label': n = 0; break;
      case 'align': { const pad = (item.bytes - (size % item.bytes)) % item.bytes; n = item.max !== undefined && pad > item.max ? 0 : pad; break; }
      case 'relax': n = undefined; break;
    }
    this.fixedSize.set(this.section, n === undefined ? undefined : size + n);
  }

  // ---- symbols ----

  private defineLabel(l: Arg): void {
    let name = l.text;
    if (/^\d+$/.test(name)) {
      const n = (this.localCount.get(name) ?? 0) + 1;
      this.localCount.set(name, n);
      name = `.L${l.text}^${n}`;
    } else if (this.obj.labels.has(name) || this.obj.equs.has(name)) {
      const prev = this.obj.labels.get(name)?.origin ?? this.obj.equs.get(name)!.origin;
      throw new SyntaxError_(`label '${name}' is already defined at line ${prev.line}`, l.column, l.column + l.text.length);
    }
    const origin = { ...this.origin, column: l.column };
    this.obj.labels.set(name, { section: this.section.name, origin });
    const at = this.fixedSize.get(this.section);
    if (at !== undefined) this.labelOffset.set(name, at);
    this.section.items.push({ kind: 'label', name, origin });
  }

  private defineEqu(nameArg: Arg, valueArg: Arg | undefined, redefinable: boolean): void {
    const name = nameArg.text;
    if (!/^[A-Za-z_.$][\w.$]*$/.test(name)) throw new SyntaxError_(`'${name}' is not a valid symbol name`, nameArg.column);
    if (!valueArg || valueArg.text === '') throw new SyntaxError_(`.equ ${name} needs a value`, nameArg.column);
    if (this.obj.labels.has(name) || (!redefinable && this.obj.equs.has(name))) {
      throw new SyntaxError_(`'${name}' is already defined`, nameArg.column);
    }
    let expr = this.expr(valueArg);
    const v = this.constant(expr);
    if (v !== undefined) expr = { kind: 'num', value: v };
    else if (symbolsIn(expr).some((s) => s.name === name)) throw new SyntaxError_(`'${name}' is defined in terms of itself`, valueArg.column);
    this.obj.equs.set(name, { expr, origin: { ...this.origin, column: nameArg.column } });
  }

  private expr(a: Arg): Expr {
    if (a.text === '') throw new SyntaxError_('an operand is missing', a.column);
    const e = parseExpr(a.text, a.column, (ref) => this.localRef(ref, a.column));
    for (const s of symbolsIn(e)) this.reference(s.name, s.column);
    return e;
  }

  private localRef(ref: string, column: number): string {
    const n = ref.slice(0, -1), count = this.localCount.get(n) ?? 0;
    if (ref.endsWith('b')) {
      if (count === 0) throw new SyntaxError_(`'${ref}' refers back to label '${n}:', but none comes before it`, column);
      return `.L${n}^${count}`;
    }
    return `.L${n}^${count + 1}`;
  }

  private reference(name: string, column: number): void {
    const list = this.obj.references.get(name) ?? [];
    list.push({ file: this.origin.file, line: this.origin.line, column });
    this.obj.references.set(name, list);
  }

  /** The value of e when it is a number now: plain numbers and constants defined before this line. */
  private constant(e: Expr): bigint | undefined {
    if (e.kind === 'num') return toSigned(e.value);
    // Most operands name a label not known yet: check before evaluating, so that no exception is thrown.
    if (!this.knowable(e)) return undefined;
    try {
      const v = evaluate(e, this.constantScope);
      return v.section === undefined ? v.offset : undefined;
    } catch {
      return undefined; // a division by zero and such: reported where the value is really needed
    }
  }

  /** Whether every symbol e names already has a value here (and it does not use `.` or %pcrel_lo). */
  private knowable(e: Expr): boolean {
    switch (e.kind) {
      case 'num': return true;
      case 'dot': return false;
      case 'sym': return this.symbolValue(e.name) !== undefined;
      case 'unary': return this.knowable(e.arg);
      case 'binary': return this.knowable(e.left) && this.knowable(e.right);
      case 'reloc': return e.op !== 'pcrel_lo' && e.op !== 'pcrel_hi' && this.knowable(e.arg);
    }
  }

  private symbolValue(n: string): Value | undefined {
    const q = this.obj.equs.get(n);
    if (q) return q.expr.kind === 'num' ? { offset: q.expr.value } : undefined;
    const at = this.labelOffset.get(n);
    return at === undefined ? undefined : { section: this.obj.labels.get(n)!.section, offset: BigInt(at) };
  }

  private readonly constantScope: Scope = {
    symbol: (n) => this.symbolValue(n),
    dot: () => { throw new ExprError('', 0); },
  };

  private requireConstant(a: Arg, what: string): bigint {
    const v = this.constant(this.expr(a));
    if (v === undefined) throw new SyntaxError_(`${what} must be a constant known at this point, not '${a.text}'`, a.column);
    return v;
  }

  // ---- sections ----

  private switchTo(name: string, flags?: string): void {
    let s = this.sectionsByName.get(name);
    if (!s) {
      s = { name, items: [], align: 1, nobits: name === '.bss' || name.startsWith('.bss.') || name.startsWith('.sbss') || (flags !== undefined && name.startsWith('.tbss')) };
      this.sectionsByName.set(name, s);
      this.obj.sections.push(s);
      this.fixedSize.set(s, 0);
    }
    this.section = s;
  }

  private isCode(): boolean {
    return this.section.name === '.text' || this.section.name.startsWith('.text.');
  }

  // ---- directives ----

  private directive(op: Arg, args: Arg[], piece: Arg): void {
    const d = op.text.toLowerCase();
    if (IGNORED.has(d)) return;
    const size = DATA_SIZES[d];
    if (size) { this.data(size, args); return; }
    switch (d) {
      case '.text': case '.data': case '.bss': case '.rodata': this.switchTo(d); return;
      case '.section': {
        if (!args[0] || !args[0].text) throw new SyntaxError_('.section needs a name', op.column);
        this.switchTo(args[0].text.replace(/^"|"$/g, ''), args[1]?.text);
        return;
      }
      case '.globl': case '.global': case '.weak':
        for (const a of args) { this.obj.globals.add(a.text); this.reference(a.text, a.column); }
        return;
      case '.local': return;
      case '.align': case '.p2align': this.align(args, true, op); return;
      case '.balign': this.align(args, false, op); return;
      case '.fill': { // .fill repeat[, size[, value]]
        if (!args[0]) throw new SyntaxError_('.fill needs a repeat count', op.column);
        const n = this.requireConstant(args[0], 'the .fill count');
        const size = args[1] ? Number(this.requireConstant(args[1], 'the .fill size')) : 1;
        const value = args[2] ? this.requireConstant(args[2], 'the .fill value') : 0n;
        if (n < 0n || n > 1n << 24n || size < 0 || size > 8) throw new SyntaxError_('.fill count or size out of range (count 0..2^24, size 0..8)', args[0].column);
        const bytes = new Uint8Array(Number(n) * size);
        // gas stores the value in at most 4 bytes of each element, the rest zero.
        for (let k = 0; k < Number(n); k++) for (let b = 0; b < Math.min(size, 4); b++) bytes[k * size + b] = Number((value >> BigInt(8 * b)) & 0xffn);
        this.add({ kind: 'bytes', bytes, origin: this.origin, code: false });
        return;
      }
      case '.zero': case '.space': case '.skip': {
        if (!args[0]) throw new SyntaxError_(`${d} needs a size`, op.column);
        const n = this.requireConstant(args[0], `the size of ${d}`);
        if (n < 0n || n > 1n << 30n) throw new SyntaxError_(`size ${n} of ${d} is out of range (0..2^30)`, args[0].column);
        const fill = args[1] ? Number(this.requireConstant(args[1], 'the fill value') & 0xffn) : 0;
        this.add({ kind: 'bytes', bytes: new Uint8Array(Number(n)).fill(fill), origin: this.origin, code: false });
        return;
      }
      case '.ascii': case '.asciz': case '.string': this.strings(piece, op, d !== '.ascii'); return;
      case '.equ': case '.set': case '.equiv':
        this.defineEqu(args[0] ?? { text: '', column: op.column }, args[1], d === '.set'); return;
      case '.option': this.option(args, op); return;
      case '.include': this.includeFile(args, op); return;
      case '.end': this.ended = true; return;
      case '.endm': case '.endr': case '.exitm':
        throw new SyntaxError_(`'${d}' without a matching ${d === '.endr' ? "'.rept' or '.irp'" : "'.macro'"}`, op.column);
    }
    const guess = closest(d, DIRECTIVES);
    throw new SyntaxError_(`unknown directive '${op.text}'${guess ? ` — did you mean '${guess}'?` : ''}`, op.column, op.column + op.text.length);
  }

  private data(size: 1 | 2 | 4 | 8, args: Arg[]): void {
    for (const a of args) {
      const e = this.expr(a), v = this.constant(e);
      if (v === undefined) { this.add({ kind: 'data', size, expr: e, origin: { ...this.origin, column: a.column } }); continue; }
      const lim = 1n << BigInt(8 * size);
      if (size < 8 && (v >= lim || v < -(lim >> 1n))) throw new SyntaxError_(`value ${v} does not fit in ${size} byte${size > 1 ? 's' : ''}`, a.column);
      const bytes = new Uint8Array(size);
      let x = BigInt.asUintN(8 * size, v);
      for (let i = 0; i < size; i++) { bytes[i] = Number(x & 0xffn); x >>= 8n; }
      this.add({ kind: 'bytes', bytes, origin: this.origin, code: false });
    }
  }

  private align(args: Arg[], power: boolean, op: Arg): void {
    if (!args[0]) throw new SyntaxError_(`${op.text} needs an alignment`, op.column);
    const n = this.requireConstant(args[0], 'the alignment');
    if (power && (n < 0n || n > 16n)) throw new SyntaxError_(`alignment exponent ${n} is too large (at most 16)`, args[0].column);
    if (!power && (n < 1n || (n & (n - 1n)) !== 0n)) throw new SyntaxError_(`alignment ${n} is not a power of two`, args[0].column);
    if (!power && n > 65536n) throw new SyntaxError_(`alignment ${n} is too large (at most 65536)`, args[0].column);
    const bytes = power ? 1 << Number(n) : Number(n);
    const fill = args[1] && args[1].text !== '' ? Number(this.requireConstant(args[1], 'the fill value') & 0xffn) : 0;
    const max = args[2] ? Number(this.requireConstant(args[2], 'the maximum padding')) : undefined;
    this.section.align = Math.max(this.section.align, bytes);
    const code = this.isCode() && !(args[1] && args[1].text !== '');
    this.add({ kind: 'align', bytes, fill, max, code, origin: this.origin });
  }

  private strings(piece: Arg, op: Arg, zero: boolean): void {
    const text = piece.text, start = text.indexOf(op.text) + op.text.length;
    let i = start;
    const out: number[] = [];
    let any = false;
    for (;;) {
      while (i < text.length && /\s/.test(text[i])) i++;
      if (i >= text.length) break;
      if (text[i] !== '"') throw new SyntaxError_(`${op.text} expects strings in double quotes`, piece.column + i);
      const s = readString(text, i, piece.column);
      out.push(...s.bytes);
      if (zero) out.push(0);
      any = true;
      i = s.end;
      while (i < text.length && /\s/.test(text[i])) i++;
      if (i < text.length) {
        if (text[i] !== ',') throw new SyntaxError_(`',' expected between strings`, piece.column + i);
        i++;
      }
    }
    if (!any) throw new SyntaxError_(`${op.text} needs a string`, op.column);
    this.add({ kind: 'bytes', bytes: Uint8Array.from(out), origin: this.origin, code: false });
  }

  private option(args: Arg[], op: Arg): void {
    const a = args.map((x) => x.text.replace(/\s+/g, ''));
    switch (a[0]) {
      case 'rvc': this.rvc = true; this.obj.usedRvc = true; return;
      case 'norvc': this.rvc = false; return;
      case 'push': this.optionStack.push(this.rvc); return;
      case 'pop':
        if (this.optionStack.length === 0) throw new SyntaxError_('.option pop without .option push', op.column);
        this.rvc = this.optionStack.pop()!;
        return;
      case 'arch': {
        for (const part of a.slice(1)) {
          if (/^\+c$|^\+.*\bc\b/.test(part) || part === '+c') { this.rvc = true; this.obj.usedRvc = true; }
          else if (part === '-c') this.rvc = false;
          else if (/^rv64/.test(part)) { this.rvc = /^rv64[a-z]*c/.test(part.split('_')[0]) || /^rv64g[a-z]*c/.test(part); if (this.rvc) this.obj.usedRvc = true; }
        }
        return;
      }
      case 'relax': case 'norelax': case 'pic': case 'nopic': case 'csr-check': case 'no-csr-check': return;
    }
    throw new SyntaxError_(`unknown .option '${args[0]?.text ?? ''}' (${OPTION_NAMES.join(', ')})`, args[0]?.column ?? op.column);
  }

  private includeFile(args: Arg[], op: Arg): void {
    const a = args[0];
    if (!a || !/^".*"$/.test(a.text)) throw new SyntaxError_('.include needs a file name in double quotes', a?.column ?? op.column);
    if (this.depth > 100) throw new SyntaxError_('.include nested more than 100 deep (does a file include itself?)', a.column);
    const got = this.opts.include(a.text.slice(1, -1), this.origin.file);
    if (!got) throw new SyntaxError_(`cannot open include file '${a.text.slice(1, -1)}'`, a.column, a.column + a.text.length);
    this.nested(() => this.run(got.lines));
  }

  private nested(fn: () => void): void {
    this.depth++;
    const saved = this.origin;
    try { fn(); } finally { this.depth--; this.origin = saved; }
  }

  // ---- macros and repetition ----

  /** `.macro`, `.rept`, `.irp` and `.irpc` open a block that runs to its `.endm` / `.endr`. */
  private blockDirective(l: SourceLine): string | undefined {
    const m = /^\s*(?:[A-Za-z_.$][\w.$]*:\s*)*(\.macro|\.rept|\.irpc?)\b/i.exec(l.text);
    return m ? m[1].toLowerCase() : undefined;
  }

  /** Collects a block's body and runs its directive; returns the index of the closing line. */
  private collectBlock(lines: SourceLine[], start: number, kind: string): number {
    const close = kind === '.macro' ? /^\s*\.endm\b/i : /^\s*\.endr\b/i;
    const open = kind === '.macro' ? /^\s*\.macro\b/i : /^\s*(?:[A-Za-z_.$][\w.$]*:\s*)*\.(rept|irpc?)\b/i;
    let depth = 1, i = start + 1;
    for (; i < lines.length; i++) {
      if (open.test(lines[i].text)) depth++;
      else if (close.test(lines[i].text) && --depth === 0) break;
    }
    const head = lines[start];
    this.origin = { file: head.file, line: head.line, column: 1 };
    if (i >= lines.length) {
      this.error(`${kind} without a closing ${kind === '.macro' ? '.endm' : '.endr'} before the end of the file`, head.text.indexOf(kind) + 1);
      return lines.length;
    }
    const body = lines.slice(start + 1, i);
    try {
      this.runBlock(kind, head, body);
    } catch (e) {
      if (e instanceof SyntaxError_ || e instanceof ExprError) this.error(e.message, e.column || 1);
      else throw e;
    }
    return i;
  }

  private runBlock(kind: string, head: SourceLine, body: SourceLine[]): void {
    const idx = head.text.toLowerCase().indexOf(kind);
    const labels = head.text.slice(0, idx);
    if (labels.trim()) this.line({ ...head, text: labels });
    const rest = head.text.slice(idx + kind.length), col = idx + kind.length + 1;
    if (kind === '.macro') { this.defineMacro(rest, col, body, head); return; }
    if (kind === '.rept') {
      const n = this.requireConstant({ text: rest.replace(/#.*$/, '').trim(), column: col + rest.length - rest.trimStart().length }, 'the .rept count');
      if (n < 0n || n > 100000n) throw new SyntaxError_(`.rept count ${n} is out of range (0..100000)`, col);
      for (let k = 0; k < Number(n); k++) this.nested(() => this.run(body));
      return;
    }
    const args = splitArgs(rest.replace(/#.*$/, ''), col);
    const sym = args[0]?.text;
    if (!sym) throw new SyntaxError_(`${kind} needs a symbol name`, col);
    const values = kind === '.irpc' ? [...(args[1]?.text ?? '')] : args.slice(1).map((a) => a.text);
    for (const v of values) this.nested(() => this.run(substitute(body, new Map([[sym, v]]), undefined)));
  }

  private defineMacro(rest: string, col: number, body: SourceLine[], head: SourceLine): void {
    const m = /^\s*([A-Za-z_.$][\w.$]*)\s*,?\s*(.*)$/.exec(rest.replace(/#.*$/, ''));
    if (!m) throw new SyntaxError_('.macro needs a name', col);
    const params = m[2].split(/\s*,\s*|\s+/).filter((p) => p !== '').map((p) => {
      const [name, def] = p.split('=');
      return { name: name.replace(/:(req|vararg)$/, ''), def };
    });
    if (this.obj.macros.has(m[1])) throw new SyntaxError_(`macro '${m[1]}' is already defined`, col);
    this.obj.macros.set(m[1], { name: m[1], params, body, origin: { file: head.file, line: head.line, column: col + rest.indexOf(m[1]) } });
  }

  private expandMacro(macro: Macro, call: Arg, args: Arg[], piece: Arg): void {
    if (this.depth > 100) throw new SyntaxError_(`macro '${macro.name}' expands more than 100 levels deep (does it call itself?)`, piece.column);
    this.reference(macro.name, call.column);
    // GNU as also separates macro arguments by spaces.
    const values = args.length === 1 && macro.params.length > 1 ? args[0].text.split(/\s+/) : args.map((a) => a.text);
    if (values.length > macro.params.length && macro.params.length > 0) {
      throw new SyntaxError_(`macro '${macro.name}' takes ${macro.params.length} argument${macro.params.length === 1 ? '' : 's'}, not ${values.length}`, args[0]?.column ?? piece.column);
    }
    // Arguments bind by position, or by name as `param=value`.
    const given = new Map<string, string>();
    values.forEach((v, i) => {
      const kw = /^([A-Za-z_][\w]*)\s*=(.*)$/.exec(v);
      if (kw && macro.params.some((p) => p.name === kw[1])) given.set(kw[1], kw[2].trim());
      else if (macro.params[i]) given.set(macro.params[i].name, v);
    });
    const map = new Map(macro.params.map((p) => [p.name, given.get(p.name) || (p.def ?? '')]));
    const counter = this.macroCounter++;
    const callOrigin = this.origin, outer = this.callSite;
    this.callSite ??= { file: callOrigin.file, line: callOrigin.line };
    const body = substitute(macro.body, map, counter);
    const exit = body.findIndex((l) => /^\s*\.exitm\b/i.test(l.text));
    try {
      this.nested(() => this.run(exit >= 0 ? body.slice(0, exit) : body));
    } finally {
      this.callSite = outer;
      this.origin = callOrigin;
    }
  }
}

/** Replaces `\name` parameters (and `\@`, the expansion counter) in a block body; `\()` joins text. */
function substitute(body: SourceLine[], values: Map<string, string>, counter: number | undefined): SourceLine[] {
  return body.map((l) => ({
    ...l,
    text: l.text.replace(/\\([A-Za-z_][\w]*|@|\(\))/g, (all, name: string) => {
      if (name === '@') return counter === undefined ? all : String(counter);
      if (name === '()') return '';
      const v = values.get(name);
      return v === undefined ? all : v;
    }),
  }));
}

/** Assembles one file's lines. */
export function assembleFile(file: string, lines: SourceLine[], opts: ObjectOptions): FileObject {
  const a = new Assembler(file, opts);
  a.run(lines);
  return a.obj;
}
