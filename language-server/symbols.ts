// The outline of one file: sections holding their labels (code labels as functions, data labels as fields),
// .equ constants and macros. Names and kinds come from the assembler's SymbolInfo; extents from the line scan.
import { SymbolKind, type DocumentSymbol, type Range } from 'vscode-languageserver';
import type { SymbolInfo } from '../assembler/api';
import { scanLines } from './outline';

export function documentSymbols(text: string, file: string, symbols: readonly SymbolInfo[]): DocumentSymbol[] {
  const lines = text.split(/\r?\n/);
  const facts = scanLines(text);
  const last = lines.length - 1;
  const span = (start: number, end: number): Range => ({ start: { line: start, character: 0 }, end: { line: end, character: lines[end]?.length ?? 0 } });
  const mine = symbols.filter((s) => s.definition.file === file && s.definition.line - 1 <= last);
  // A label's block ends where the next label or section starts.
  const boundaries = [...facts.labels.map((l) => l.line), ...facts.sections.map((s) => s.line)].sort((a, b) => a - b);
  const blockEnd = (line: number): number => Math.max(line, (boundaries.find((b) => b > line) ?? last + 1) - 1);

  const toSymbol = (s: SymbolInfo): DocumentSymbol => {
    const line = s.definition.line - 1, start = s.definition.column - 1;
    const end = s.kind === 'macro' ? facts.blocks.find((b) => b.kind === 'macro' && b.start === line)?.end ?? line
      : s.kind === 'label' ? blockEnd(line) : line;
    return {
      name: s.name,
      detail: s.kind === 'equ' ? 'constant' : s.kind === 'macro' ? 'macro' : s.section,
      kind: kindOf(s),
      range: span(line, end),
      selectionRange: { start: { line, character: start }, end: { line, character: start + s.name.length } },
    };
  };

  const sections = facts.sections.map((sec, i): DocumentSymbol => {
    const end = Math.max(sec.line, (facts.sections[i + 1]?.line ?? last + 1) - 1);
    const range = span(sec.line, end);
    const children = mine.filter((s) => s.kind === 'label' && s.definition.line - 1 >= sec.line && s.definition.line - 1 <= end).map(toSymbol);
    return { name: sec.name, kind: SymbolKind.Namespace, range, selectionRange: span(sec.line, sec.line), children };
  });
  const firstSection = facts.sections[0]?.line ?? last + 1;
  const outside = mine.filter((s) => s.kind !== 'label' || s.definition.line - 1 < firstSection).map(toSymbol);
  return [...outside, ...sections].sort((a, b) => a.range.start.line - b.range.start.line);
}

function kindOf(s: SymbolInfo): SymbolKind {
  if (s.kind === 'equ') return SymbolKind.Constant;
  if (s.kind === 'macro') return SymbolKind.Method;
  return s.section === undefined || s.section.startsWith('.text') ? SymbolKind.Function : SymbolKind.Field;
}
