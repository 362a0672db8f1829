// Go to definition and find references: the symbol under the cursor is matched against the assembler's
// SymbolInfo (definition and every reference, across .include'd files), never guessed from the text.
import type { SourcePos, SymbolInfo } from '../assembler/api';

/** A symbol occurrence in 0-based editor terms: file path, line, start and end character. */
export interface Occurrence { file: string; line: number; start: number; end: number }

export const occurrence = (p: SourcePos, name: string): Occurrence =>
  ({ file: p.file, line: p.line - 1, start: p.column - 1, end: p.column - 1 + name.length });

const touches = (p: SourcePos, name: string, file: string, line: number, ch: number): boolean =>
  p.file === file && p.line - 1 === line && ch >= p.column - 1 && ch <= p.column - 1 + name.length;

/**
 * The symbol named `name` at file:line:ch. The one whose definition or a reference is exactly here wins (a name
 * can be defined in several separately assembled files); then one defined in the same file; then any.
 */
export function symbolAt(symbols: readonly SymbolInfo[], name: string, file: string, line: number, ch: number): SymbolInfo | undefined {
  const named = symbols.filter((s) => s.name === name);
  return named.find((s) => [s.definition, ...s.references].some((p) => touches(p, name, file, line, ch)))
    ?? named.find((s) => s.definition.file === file)
    ?? named[0];
}

export const definitionOf = (s: SymbolInfo): Occurrence => occurrence(s.definition, s.name);

/** Every use of the symbol, with its definition first when asked for (as the LSP's includeDeclaration says). */
export function referencesOf(s: SymbolInfo, includeDeclaration: boolean): Occurrence[] {
  const refs = s.references.map((p) => occurrence(p, s.name));
  return includeDeclaration ? [definitionOf(s), ...refs] : refs;
}
