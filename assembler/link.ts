// The linker: places every file's sections in the fixed layout (.text, .rodata, .data, .bss from a base
// address), relaxes branches to their shortest form, then fills every field and data value with final addresses.
import type { Diagnostic, LineRow } from './api';
import { encodeOperands } from '../emulator/isa/fields';
import { displayName, evaluate, ExprError, lo12, type Expr, type Scope, type Value } from './expr';
import { rowByName } from './encode';
import type { Align, Fixup, Item, Relaxable, Section } from './items';
import type { FileObject } from './object';

/** Output sections in layout order; an input section joins the first whose prefix its name has. */
export const OUTPUT_SECTIONS = [
  { name: '.text', prefixes: ['.text'], flags: 'ax' },
  { name: '.rodata', prefixes: ['.rodata', '.srodata'], flags: 'a' },
  { name: '.data', prefixes: ['.data', '.sdata'], flags: 'aw' },
  { name: '.bss', prefixes: ['.bss', '.sbss'], flags: 'aw' },
] as const;

export interface OutputSection {
  name: string;
  address: bigint;
  align: number;
  /** Contents (empty for .bss, whose size is `size`). */
  bytes: Uint8Array;
  size: number;
  flags: string;
  nobits: boolean;
  /** End of the last instruction (the line table stops there: alignment padding after it has no line). */
  codeEnd?: bigint;
}

export interface LinkedSymbol { name: string; value: bigint; section?: string; global: boolean; file: string }

export interface LinkResult {
  sections: OutputSection[];
  symbols: LinkedSymbol[];
  lines: LineRow[];
  diagnostics: Diagnostic[];
  entry?: bigint;
}

interface Placed {
  file: FileObject;
  section: Section;
  output: number;
  /** Offset of each item within the input section, and the section's address once placed. */
  offsets: number[];
  size: number;
  address: bigint;
}

const C_NOP = 0x0001, NOP = 0x00000013;

function outputIndex(name: string): number {
  return OUTPUT_SECTIONS.findIndex((o) => o.prefixes.some((p) => name === p || name.startsWith(`${p}.`)));
}

/** Size of an item at a given offset (alignment depends on it). */
function itemSize(item: Item, offset: number): number {
  switch (item.kind) {
    case 'bytes': return item.bytes.length;
    case 'fixup': return item.length;
    case 'relax': return item.size;
    case 'data': return item.size;
    case 'label': return 0;
    case 'align': {
      const pad = (item.bytes - (offset % item.bytes)) % item.bytes;
      return item.max !== undefined && pad > item.max ? 0 : pad;
    }
  }
}

/** Offsets of items given the current sizes; returns the section size. */
function layOut(p: Placed): void {
  let off = 0;
  p.offsets.length = 0;
  for (const item of p.section.items) { p.offsets.push(off); off += itemSize(item, off); }
  p.size = off;
}

const fits = (d: number, bits: number): boolean => d >= -(2 ** (bits - 1)) && d < 2 ** (bits - 1) && d % 2 === 0;

/**
 * Grows branches that do not reach until nothing changes (sizes only grow, so this ends). Only offsets within
 * the input section matter: a branch to a label elsewhere keeps its 4-byte form, as in GNU as.
 */
function relax(p: Placed): void {
  const labels = new Map<string, number>();
  for (let pass = 0; pass < 100; pass++) {
    layOut(p);
    labels.clear();
    p.section.items.forEach((it, i) => { if (it.kind === 'label') labels.set(it.name, p.offsets[i]); });
    let changed = false;
    p.section.items.forEach((item, i) => {
      if (item.kind !== 'relax') return;
      const target = sectionOffset(item.target, labels, p.offsets[i]);
      // GNU as: a jump elsewhere is assumed to reach; a branch elsewhere gets the long form.
      const want = target === undefined ? (item.name === 'jal' ? 4 : 8) : relaxedSize(item, target - p.offsets[i]);
      if (want > item.size) { item.size = want; changed = true; }
    });
    if (!changed) return;
  }
}

/** The offset a branch target names in this section: a label or `.`, plus or minus a number. */
function sectionOffset(e: Expr, labels: Map<string, number>, here: number): number | undefined {
  if (e.kind === 'sym') return labels.get(e.name);
  if (e.kind === 'dot') return here;
  if (e.kind === 'binary' && (e.op === '+' || e.op === '-') && e.right.kind === 'num') {
    const base = sectionOffset(e.left, labels, here);
    return base === undefined ? undefined : base + Number(e.op === '+' ? e.right.value : -e.right.value);
  }
  return undefined;
}

/** binutils' relaxed_branch_length: the compressed form, the 4-byte form, or an inverted branch over a jal. */
function relaxedSize(item: Relaxable, d: number): 2 | 4 | 6 | 8 {
  const c = item.explicit ? d + 2 : d;
  if (item.name === 'jal') return item.compressible && fits(c, 12) ? 2 : 4;
  if (item.compressible && fits(c, 9)) return 2;
  return fits(d, 13) ? 4 : item.compressible ? 6 : 8;
}

export function link(files: FileObject[], base: bigint): LinkResult {
  const diagnostics: Diagnostic[] = [];
  const placed: Placed[] = [];
  for (const file of files) {
    for (const section of file.sections) {
      if (section.items.length === 0) continue;
      const output = outputIndex(section.name);
      if (output < 0) {
        const at = section.items[0].origin;
        diagnostics.push({ ...at, endColumn: at.column + 1, severity: 'error', message: `section '${section.name}' has no place in the layout: name it .text, .rodata, .data or .bss (or .text.NAME and so on)` });
        continue;
      }
      // GNU as pads the end of a code section to its alignment with nops.
      if (output === 0 && section.align > 1) {
        const last = section.items[section.items.length - 1];
        section.items.push({ kind: 'align', bytes: section.align, fill: 0, code: true, origin: last.origin });
      }
      placed.push({ file, section, output, offsets: [], size: 0, address: 0n });
    }
  }
  for (const p of placed) relax(p);
  // Place: output sections in order, input sections in file order, each aligned to its own alignment.
  let addr = base;
  const outputs: OutputSection[] = [];
  OUTPUT_SECTIONS.forEach((o, oi) => {
    const members = placed.filter((p) => p.output === oi);
    if (members.length === 0) return;
    const align = Math.max(...members.map((p) => p.section.align));
    addr = alignUp(addr, align);
    const start = addr;
    for (const p of members) { addr = alignUp(addr, p.section.align); p.address = addr; addr += BigInt(p.size); }
    outputs.push({ name: o.name, address: start, align, bytes: new Uint8Array(Number(addr - start)), size: Number(addr - start), flags: o.flags, nobits: o.name === '.bss' });
  });

  const symbols = symbolTable(files, placed, diagnostics);
  const lines: LineRow[] = [];
  for (const p of placed) emit(p, outputs, symbols, lines, diagnostics);
  for (const o of outputs) if (o.nobits) o.bytes = new Uint8Array(0);
  const list: LinkedSymbol[] = [];
  for (const [file, table] of symbols.perFile) {
    for (const [name, v] of table) if (!name.startsWith('.L') && (file.labels.has(name) || file.equs.has(name))) list.push({ name, value: v.value, section: v.section, global: file.globals.has(name), file: file.file });
  }
  const start = symbols.globals.get('_start');
  return { sections: outputs, symbols: list, lines, diagnostics, entry: start?.value ?? outputs.find((o) => o.name === '.text')?.address };
}

const alignUp = (a: bigint, n: number): bigint => (a + BigInt(n) - 1n) / BigInt(n) * BigInt(n);

interface SymValue { value: bigint; section?: string }
interface Symbols { perFile: Map<FileObject, Map<string, SymValue>>; globals: Map<string, SymValue & { file: FileObject }> }

function symbolTable(files: FileObject[], placed: Placed[], diagnostics: Diagnostic[]): Symbols {
  const perFile = new Map<FileObject, Map<string, SymValue>>();
  const globals = new Map<string, SymValue & { file: FileObject }>();
  for (const f of files) perFile.set(f, new Map());
  for (const p of placed) {
    const table = perFile.get(p.file)!;
    p.section.items.forEach((it, i) => {
      if (it.kind === 'label') table.set(it.name, { value: p.address + BigInt(p.offsets[i]), section: OUTPUT_SECTIONS[p.output].name });
    });
  }
  // Constants may name labels and each other: evaluate until no more resolve.
  for (const f of files) {
    const table = perFile.get(f)!;
    let pending = [...f.equs];
    for (let round = 0; round < 50 && pending.length > 0; round++) {
      pending = pending.filter(([name, q]) => {
        try {
          table.set(name, { value: evaluate(q.expr, fileScope(table, undefined, () => 0n)).offset });
          return false;
        } catch { return true; }
      });
    }
    for (const [name, q] of pending) {
      try { evaluate(q.expr, fileScope(table, undefined, () => 0n)); } catch (e) {
        diagnostics.push({ ...q.origin, endColumn: q.origin.column + name.length, severity: 'error', message: `.equ ${name}: ${(e as Error).message}` });
      }
    }
  }
  for (const f of files) {
    const table = perFile.get(f)!;
    for (const name of f.globals) {
      const v = table.get(name);
      if (!v) continue;
      const prev = globals.get(name);
      if (prev && prev.file !== f) {
        const at = f.labels.get(name)?.origin ?? f.equs.get(name)?.origin;
        if (at) diagnostics.push({ ...at, endColumn: at.column + name.length, severity: 'error', message: `global symbol '${name}' is also defined in ${prev.file.file}` });
        continue;
      }
      globals.set(name, { ...v, file: f });
    }
  }
  // Undefined symbols resolve to another file's global.
  for (const f of files) {
    const table = perFile.get(f)!;
    for (const [name] of f.references) {
      if (!table.has(name) && globals.has(name)) table.set(name, globals.get(name)!);
    }
  }
  return { perFile, globals };
}

function fileScope(table: Map<string, SymValue>, pcrelLo: Scope['pcrelLo'], dot: () => bigint): Scope {
  return {
    symbol: (name) => { const v = table.get(name); return v ? { offset: v.value } : undefined; },
    dot: (): Value => ({ offset: dot() }),
    pcrelLo,
  };
}

function emit(p: Placed, outputs: OutputSection[], symbols: Symbols, lines: LineRow[], diagnostics: Diagnostic[]): void {
  const out = outputs.find((o) => o.name === OUTPUT_SECTIONS[p.output].name)!;
  const table = symbols.perFile.get(p.file)!;
  const labelItem = new Map<string, number>();
  p.section.items.forEach((it, i) => { if (it.kind === 'label') labelItem.set(it.name, i); });
  let pc = 0n;
  const pcrelLo = (label: string, column: number): bigint => {
    let i = labelItem.get(label);
    if (i === undefined) throw new ExprError(`%pcrel_lo(${label}): no label '${label}' in this section`, column);
    while (i < p.section.items.length && p.section.items[i].kind === 'label') i++;
    const hi = p.section.items[i];
    if (!hi || hi.kind !== 'fixup' || !hi.pcrelHi || hi.expr.kind !== 'reloc') {
      throw new ExprError(`%pcrel_lo(${label}) needs '${label}' to label an auipc with %pcrel_hi`, column);
    }
    const at = p.address + BigInt(p.offsets[i]);
    const target = evaluate(hi.expr.arg, fileScope(table, undefined, () => at)).offset;
    return lo12(target - at);
  };
  const scope = fileScope(table, pcrelLo, () => pc);
  const write = (off: number, v: number, n: number): void => {
    const at = Number(p.address - out.address) + off;
    for (let k = 0; k < n; k++) out.bytes[at + k] = Number((BigInt(v) >> BigInt(8 * k)) & 0xffn);
  };
  p.section.items.forEach((item, i) => {
    const off = p.offsets[i];
    pc = p.address + BigInt(off);
    try {
      const code = emitItem(item, pc, scope, (v, n, at = 0) => write(off + at, v, n), out.bytes, Number(p.address - out.address) + off);
      if (code) {
        const end = pc + BigInt((p.offsets[i + 1] ?? p.size) - off);
        if (out.codeEnd === undefined || end > out.codeEnd) out.codeEnd = end;
      }
      if (code) lines.push({ address: pc, file: item.origin.call?.file ?? item.origin.file, line: item.origin.call?.line ?? item.origin.line });
    } catch (e) {
      if (!(e instanceof ExprError)) throw e;
      const col = e.column || item.origin.column;
      diagnostics.push({ file: item.origin.file, line: item.origin.line, column: col, endColumn: col + 1, severity: 'error', message: e.message });
    }
  });
}

/** Writes one item's bytes; returns true when it is code (it gets a line-table row). */
function emitItem(item: Item, pc: bigint, scope: Scope, write: (v: number, n: number, at?: number) => void, bytes: Uint8Array, at: number): boolean {
  switch (item.kind) {
    case 'label': return false;
    case 'bytes':
      if (!item.code && bytes.length === 0) return false;
      bytes.set(item.bytes, at);
      return item.code;
    case 'align': padding(item, itemSize(item, Number(pc % BigInt(item.bytes))), write); return false;
    case 'data': {
      const v = evaluate(item.expr, scope).offset;
      for (let k = 0; k < item.size; k += 4) write(Number(BigInt.asIntN(32, v >> BigInt(8 * k))), Math.min(4, item.size - k), k);
      return false;
    }
    case 'fixup': write(fixupWord(item, pc, scope), item.length); return true;
    case 'relax': relaxedCode(item, pc, scope, write); return true;
  }
}

function padding(a: Align, n: number, write: (v: number, n: number, at?: number) => void): void {
  if (!a.code) { for (let k = 0; k < n; k++) write(a.fill, 1, k); return; }
  // GNU as: a zero byte for an odd count, at most one c.nop, then 4-byte nops.
  let k = 0;
  if (n % 2 === 1) write(0, 1, k++);
  if ((n - k) % 4 === 2) { write(C_NOP, 2, k); k += 2; }
  for (; k < n; k += 4) write(NOP, 4, k);
}

function rangeError(what: string, d: bigint, range: string, column: number): ExprError {
  return new ExprError(`${what} is ${d} bytes away, ${range}`, column);
}

const targetName = (e: Expr): string => (e.kind === 'sym' ? ` '${displayName(e.name)}'` : '');

function fixupWord(f: Fixup, pc: bigint, scope: Scope): number {
  let v = evaluate(f.expr, scope).offset;
  if (f.pcRelative) v -= pc;
  const col = f.origin.column;
  switch (f.format) {
    case 'U': {
      // %hi and %pcrel_hi already give 20 bits; a plain constant must fit.
      if (v < -(1n << 19n) || v >= 1n << 20n) throw new ExprError(`upper immediate 0x${v.toString(16)} does not fit in 20 bits (0..0xfffff)`, col);
      return (f.word | encodeOperands('U', { rd: 0, rs1: 0, rs2: 0, imm: Number(BigInt.asIntN(32, v << 12n)) })) >>> 0;
    }
    case 'I': case 'S':
      if (v < -2048n || v > 2047n) throw new ExprError(`offset ${v} does not fit in 12 bits (-2048..2047)`, col);
      return (f.word | encodeOperands(f.format, { rd: 0, rs1: 0, rs2: 0, imm: Number(v) })) >>> 0;
    case 'CJ':
      if (v < -2048n || v > 2046n || v % 2n !== 0n) throw rangeError(`jump target${targetName(f.expr)}`, v, 'out of range for c.j (-2048..2046)', col);
      return (f.word | encodeOperands('CJ', { rd: 0, rs1: 0, rs2: 0, imm: Number(v) })) & 0xffff;
    case 'CB':
      if (v < -256n || v > 254n || v % 2n !== 0n) throw rangeError(`branch target${targetName(f.expr)}`, v, 'out of range for a compressed branch (-256..254)', col);
      return (f.word | encodeOperands('CB', { rd: 0, rs1: 8, rs2: 0, imm: Number(v) })) & 0xffff;
  }
  throw new ExprError(`cannot fill a ${f.format} field with an address`, col);
}

function relaxedCode(r: Relaxable, pc: bigint, scope: Scope, write: (v: number, n: number, at?: number) => void): void {
  const target = evaluate(r.target, scope).offset;
  const d = target - pc;
  const col = r.origin.column;
  const bits = (name: string, rd: number, rs1: number, rs2: number, imm: number): number => {
    const row = rowByName.get(name)!;
    return (row.match | encodeOperands(row.format, { rd, rs1, rs2, imm })) >>> 0;
  };
  if (r.size === 2) {
    const c = r.name === 'jal' ? 0xa001 | encodeOperands('CJ', { rd: 0, rs1: 0, rs2: 0, imm: Number(d) })
      : (r.name === 'beq' ? 0xc001 : 0xe001) | encodeOperands('CB', { rd: 0, rs1: r.rs1, rs2: 0, imm: Number(d) });
    write(c & 0xffff, 2);
    return;
  }
  if (r.name === 'jal') {
    if (d < -(1n << 20n) || d >= 1n << 20n || d % 2n !== 0n) throw rangeError(`jump target${targetName(r.target)}`, d, 'out of range for jal (-1048576..1048574)', col);
    write(bits('jal', r.rd, 0, 0, Number(d)), 4);
    return;
  }
  if (r.size === 4) {
    if (d < -4096n || d > 4094n || d % 2n !== 0n) throw rangeError(`branch target${targetName(r.target)}`, d, `out of range for ${r.name} (-4096..4094)`, col);
    write(bits(r.name, 0, r.rs1, r.rs2, Number(d)), 4);
    return;
  }
  // Out of a branch's reach: the inverted branch (compressed when it can be) skips a jal to the target.
  const inverse: Record<string, string> = { beq: 'bne', bne: 'beq', blt: 'bge', bge: 'blt', bltu: 'bgeu', bgeu: 'bltu' };
  const skip = r.size - 4, jd = d - BigInt(skip);
  if (jd < -(1n << 20n) || jd >= 1n << 20n) throw rangeError(`branch target${targetName(r.target)}`, d, `beyond ${r.name}'s reach even widened to ${inverse[r.name]} over jal (-1048576..1048574)`, col);
  if (skip === 2) write(((r.name === 'beq' ? 0xe001 : 0xc001) | encodeOperands('CB', { rd: 0, rs1: r.rs1, rs2: 0, imm: 6 })) & 0xffff, 2);
  else write(bits(inverse[r.name], 0, r.rs1, r.rs2, 8), 4);
  write(bits('jal', 0, 0, 0, Number(jd)), 4, skip);
}
