// Completion by position in the statement: mnemonics, directives and macros where an operation goes; registers,
// CSRs (for CSR instructions) and the sources' labels and constants in operand position.
import { CompletionItemKind, type CompletionItem } from 'vscode-languageserver';
import type { SymbolInfo } from '../assembler/api';
import { KNOWN_DIRECTIVES } from '../assembler/object';
import { csrTable } from '../emulator/csr/table';
import { lineContext, type Word } from './document';
import { allMnemonics, lookupMnemonic } from './mnemonics';
import { REGISTER_NAMES, registerInfo } from './registers';

export interface CompletionRequest {
  text: string;
  line: number;
  character: number;
  symbols: readonly SymbolInfo[];
}

export function complete(req: CompletionRequest): CompletionItem[] {
  const { word, slot } = lineContext(req.text, req.character);
  const typed: Word = { ...word, end: req.character, text: word.text.slice(0, req.character - word.start) };
  const items = slot.kind === 'operation' ? operationItems(typed, req.symbols)
    : slot.kind === 'operand' ? operandItems(slot.operation, req.symbols)
      : [];
  const range = { start: { line: req.line, character: typed.start }, end: { line: req.line, character: typed.end } };
  return items.map((i) => ({ ...i, textEdit: { range, newText: i.label } }));
}

function operationItems(typed: Word, symbols: readonly SymbolInfo[]): CompletionItem[] {
  const directives = KNOWN_DIRECTIVES.map((d): CompletionItem => ({ label: d, kind: CompletionItemKind.Keyword, detail: 'directive' }));
  if (typed.text.startsWith('.')) return directives;
  const macros = symbols.filter((s) => s.kind === 'macro')
    .map((s): CompletionItem => ({ label: s.name, kind: CompletionItemKind.Snippet, detail: 'macro' }));
  return [...allMnemonics().map(mnemonicItem), ...macros, ...directives];
}

function mnemonicItem(name: string): CompletionItem {
  const m = lookupMnemonic(name);
  const detail = m?.kind === 'base' ? m.row.summary
    : m?.kind === 'compressed' ? `compressed form of ${m.row.expands}${m.base ? `: ${m.base.summary}` : ''}`
      : 'pseudo-instruction';
  return { label: name, kind: CompletionItemKind.Function, detail };
}

const isCsrInstruction = (operation: string): boolean => /^csr/i.test(operation);

function operandItems(operation: string, symbols: readonly SymbolInfo[]): CompletionItem[] {
  const names = symbolItems(symbols);
  if (operation.startsWith('.')) return names;
  const csrs = isCsrInstruction(operation)
    ? csrTable.map((c): CompletionItem => ({ label: c.name, kind: CompletionItemKind.Property, detail: `CSR 0x${c.num.toString(16)}: ${c.desc}`, sortText: `0${c.name}` }))
    : [];
  const registers = REGISTER_NAMES.map((r): CompletionItem => {
    const info = registerInfo(r)!;
    return { label: r, kind: CompletionItemKind.Variable, detail: `${info.arch}: ${info.role}`, sortText: `1${r}` };
  });
  return [...csrs, ...registers, ...names];
}

/** Labels and constants, each name once; numeric local labels are not offered. */
function symbolItems(symbols: readonly SymbolInfo[]): CompletionItem[] {
  const seen = new Set<string>();
  return symbols.filter((s) => s.kind !== 'macro' && !seen.has(s.name) && seen.add(s.name)).map((s): CompletionItem => ({
    label: s.name,
    kind: s.kind === 'equ' ? CompletionItemKind.Constant : CompletionItemKind.Reference,
    detail: s.kind === 'equ' ? 'constant' : `label in ${s.section ?? 'no section'}`,
    sortText: `2${s.name}`,
  }));
}
