// The assembler's entry point (see api.ts): reads and preprocesses each source, assembles it, links the
// files, and reports diagnostics, symbols and the line table; the ELF is written only when nothing failed.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { AssembleOptions, AssembleResult, Diagnostic, SymbolInfo } from './api';
import { link, type LinkResult } from './link';
import { EF_RISCV_FLOAT_ABI_DOUBLE, EF_RISCV_RVC, writeElf, type ElfImage } from './elf-writer';
import { writeDebugLine } from './dwarf-line';
import { assembleFile, type FileObject, type SourceLine } from './object';

export const DEFAULT_TEXT_BASE = 0x8000_0000n;

function defaultRead(path: string): string | undefined {
  try { return readFileSync(path, 'utf8'); } catch { return undefined; }
}

const toLines = (text: string, file: string): SourceLine[] => text.split(/\r?\n/).map((t, i) => ({ text: t, file, line: i + 1 }));

/** How a file's text becomes lines: `.S` files go through the C preprocessor. */
export type Preprocessor = (file: string, read: (path: string) => string | undefined, opts: AssembleOptions) => { lines: SourceLine[]; diagnostics: Diagnostic[] };

export const plainLines: Preprocessor = (file, read) => {
  const text = read(file);
  if (text === undefined) return { lines: [], diagnostics: [{ file, line: 1, column: 1, endColumn: 1, severity: 'error', message: `cannot read source file '${file}'` }] };
  return { lines: toLines(text, file), diagnostics: [] };
};

/** Resolves `.include "name"` against the including file's folder, then the include directories. */
function includeResolver(read: (p: string) => string | undefined, dirs: string[]) {
  return (name: string, from: string): { path: string; lines: SourceLine[] } | undefined => {
    for (const dir of [dirname(from), ...dirs]) {
      const path = resolve(dir, name), text = read(path);
      if (text !== undefined) return { path, lines: toLines(text, path) };
    }
    return undefined;
  };
}

export interface Assembled {
  objects: FileObject[];
  linked?: LinkResult;
  diagnostics: Diagnostic[];
}

/** Assembles and links; the ELF writing step is separate (see assembleToElf). */
export function assembleSources(opts: AssembleOptions, preprocess: Preprocessor = plainLines): Assembled {
  const read = opts.readFile ?? defaultRead;
  const include = includeResolver(read, opts.includeDirs ?? []);
  const diagnostics: Diagnostic[] = [];
  const objects: FileObject[] = [];
  for (const file of opts.files) {
    const pre = preprocess(file, read, opts);
    diagnostics.push(...pre.diagnostics);
    const obj = assembleFile(file, pre.lines, { include, rvc: true });
    diagnostics.push(...obj.diagnostics);
    objects.push(obj);
  }
  if (diagnostics.some((d) => d.severity === 'error')) return { objects, diagnostics };
  const linked = link(objects, opts.textBase ?? DEFAULT_TEXT_BASE);
  // One statement can yield several items naming the same undefined symbol (la: auipc and addi): say it once.
  const seen = new Set<string>();
  for (const d of linked.diagnostics) {
    const key = `${d.file}:${d.line}:${d.column}:${d.message}`;
    if (!seen.has(key)) { seen.add(key); diagnostics.push(d); }
  }
  return { objects, linked, diagnostics };
}

/** Symbol facts for editors: definitions, references and final values. */
export function symbolInfo(a: Assembled): SymbolInfo[] {
  const out: SymbolInfo[] = [];
  const linked = new Map((a.linked?.symbols ?? []).map((s) => [`${s.file}\0${s.name}`, s.value]));
  for (const obj of a.objects) {
    const value = (name: string): bigint | undefined => linked.get(`${obj.file}\0${name}`);
    // A global is referenced from every file that does not define the name itself.
    const refs = (name: string) => a.objects.filter((o) => o === obj || (obj.globals.has(name) && !o.labels.has(name) && !o.equs.has(name)))
      .flatMap((o) => o.references.get(name) ?? []);
    for (const [name, l] of obj.labels) {
      if (name.startsWith('.L')) continue;
      out.push({ name, kind: 'label', definition: l.origin, references: refs(name), value: value(name), section: l.section, global: obj.globals.has(name) });
    }
    for (const [name, q] of obj.equs) out.push({ name, kind: 'equ', definition: q.origin, references: refs(name), value: value(name), global: obj.globals.has(name) });
    for (const [name, m] of obj.macros) out.push({ name, kind: 'macro', definition: m.origin, references: obj.references.get(name) ?? [], global: false });
  }
  return out;
}


/** The ELF image of a successful link: sections, symbols (labels and constants), and the DWARF line table. */
function elfImage(objects: FileObject[], l: LinkResult): ElfImage {
  const sections = l.sections.map((s) => ({
    name: s.name, address: s.address, align: BigInt(s.align), flags: { write: s.flags.includes('w'), exec: s.flags.includes('x') },
    ...(s.nobits ? { nobits: BigInt(s.size) } : { bytes: s.bytes }),
  }));
  const symbols = l.symbols.map((s) => ({
    name: s.name, value: s.value, size: 0n, section: s.section ?? null,
    binding: s.global ? 'global' as const : 'local' as const, type: 'notype' as const,
  }));
  const code = l.sections.filter((s) => s.codeEnd !== undefined).map((s) => ({ start: s.address, end: s.codeEnd! }));
  const rows = [...l.lines].sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
  const dwarf = writeDebugLine(rows, code, { compDir: process.cwd() });
  const rvc = objects.some((o) => o.usedRvc);
  return {
    entry: l.entry ?? 0n, sections, symbols, flags: (rvc ? EF_RISCV_RVC : 0) | EF_RISCV_FLOAT_ABI_DOUBLE,
    nonAlloc: [{ name: '.debug_line', bytes: dwarf.debugLine }, { name: '.debug_line_str', bytes: dwarf.debugLineStr, strings: true }],
  };
}

/** The whole contract of api.ts: assemble, link, and write the ELF when there are no errors. */
export function assemble(opts: AssembleOptions, preprocess: Preprocessor = plainLines): AssembleResult {
  const a = assembleSources(opts, preprocess);
  const symbols = symbolInfo(a);
  const ok = a.linked !== undefined && !a.diagnostics.some((d) => d.severity === 'error');
  return {
    elf: ok ? writeElf(elfImage(a.objects, a.linked!)) : undefined,
    diagnostics: a.diagnostics, symbols, lines: a.linked?.lines ?? [], entry: a.linked?.entry,
  };
}
