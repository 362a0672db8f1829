// Folding ranges: macro and repeat blocks, preprocessor conditionals, multi-line comments, and the code from
// one label to the next, all from the line scan.
import { FoldingRangeKind, type FoldingRange } from 'vscode-languageserver';
import { scanLines } from './outline';

export function foldingRanges(text: string): FoldingRange[] {
  const facts = scanLines(text);
  const lines = text.split(/\r?\n/);
  const blocks = facts.blocks.map((b): FoldingRange =>
    (b.kind === 'comment' ? { startLine: b.start, endLine: b.end, kind: FoldingRangeKind.Comment } : { startLine: b.start, endLine: b.end }));
  const boundaries = [...facts.labels.map((l) => l.line), ...facts.sections.map((s) => s.line)].sort((a, b) => a - b);
  const labels = facts.labels.map((l): FoldingRange => {
    const next = boundaries.find((b) => b > l.line) ?? lines.length;
    return { startLine: l.line, endLine: lastNonBlank(lines, l.line, next - 1) };
  }).filter((r) => r.endLine > r.startLine);
  return [...blocks, ...labels].sort((a, b) => a.startLine - b.startLine);
}

/** Trailing blank lines stay visible after a folded label block. */
function lastNonBlank(lines: string[], from: number, to: number): number {
  while (to > from && lines[to].trim() === '') to--;
  return to;
}
