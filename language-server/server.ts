// The language server process for guest assembly (language id riscv-asm): LSP over stdio or node IPC, as
// vscode-languageclient starts it. It only wires the protocol to the feature modules beside it.
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isAbsolute } from 'node:path';
import {
  createConnection, ProposedFeatures, TextDocuments, TextDocumentSyncKind, MarkupKind,
  type CompletionItem, type DocumentSymbol, type FoldingRange, type Hover, type InitializeResult, type Location,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { complete } from './completion';
import { AssemblyQueue, diagnosticsFor } from './diagnostics';
import { wordAt } from './document';
import { foldingRanges } from './folding';
import { hover } from './hover';
import { definitionOf, referencesOf, symbolAt, type Occurrence } from './navigation';
import { documentSymbols } from './symbols';
import { Workspace } from './workspace';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
const workspace = new Workspace();

/** The URI the client used for each path, so diagnostics go back under exactly that URI. */
const clientUris = new Map<string, string>();
const pathOf = (uri: string): string => (uri.startsWith('file:') ? fileURLToPath(uri) : uri);
const uriOf = (path: string): string => clientUris.get(path) ?? (isAbsolute(path) ? pathToFileURL(path).href : path);

function publish(files: Iterable<string>): void {
  const sets = workspace.diagnosticSets();
  for (const file of files) {
    connection.sendDiagnostics({ uri: uriOf(file), version: workspace.buffer(file)?.version, diagnostics: diagnosticsFor(file, sets) });
  }
}

const queue = new AssemblyQueue(guarded('assemble', undefined, (root: string) => {
  if (workspace.buffer(root)) publish(workspace.assemble(root));
}));

/** Runs a handler; a failure is logged to the client's output and answered with `empty`, never a crash. */
function guarded<P, R>(name: string, empty: R, handler: (params: P) => R): (params: P) => R {
  return (params) => {
    try {
      return handler(params);
    } catch (e) {
      connection.console.error(`${name} failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
      return empty;
    }
  };
}

/** A request handler: pending assemblies run first, so the answer reflects the newest text. */
const answer = <P, R>(name: string, empty: R, handler: (params: P) => R): ((params: P) => R) =>
  guarded(name, empty, (params: P) => { queue.flush(); return handler(params); });

/** The text of one line of an open document, without its line break. */
function lineText(uri: string, line: number): string | undefined {
  const doc = documents.get(uri);
  return doc?.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } }).replace(/\r?\n$/, '');
}

const location = (o: Occurrence): Location =>
  ({ uri: uriOf(o.file), range: { start: { line: o.line, character: o.start }, end: { line: o.line, character: o.end } } });

connection.onInitialize((): InitializeResult => ({
  capabilities: {
    textDocumentSync: TextDocumentSyncKind.Incremental,
    hoverProvider: true,
    completionProvider: { triggerCharacters: ['.', ','] },
    definitionProvider: true,
    referencesProvider: true,
    documentSymbolProvider: true,
    foldingRangeProvider: true,
  },
  serverInfo: { name: 'ringside-asm' },
}));

documents.onDidChangeContent(guarded('change', undefined, ({ document }) => {
  const path = pathOf(document.uri);
  clientUris.set(path, document.uri);
  queue.request(workspace.update(path, { text: document.getText(), version: document.version }));
}));

documents.onDidClose(guarded('close', undefined, ({ document }) => {
  const path = pathOf(document.uri);
  const { affected, roots } = workspace.close(path);
  publish(new Set([...affected, path]));
  clientUris.delete(path);
  queue.request(roots);
}));

connection.onHover(answer('hover', null, ({ textDocument, position }): Hover | null => {
  const text = lineText(textDocument.uri, position.line);
  if (text === undefined) return null;
  const file = pathOf(textDocument.uri);
  const h = hover({ text, line: position.line, character: position.character, file, symbols: workspace.symbolsFor(file) });
  if (!h) return null;
  return {
    contents: { kind: MarkupKind.Markdown, value: h.markdown },
    range: { start: { line: position.line, character: h.word.start }, end: { line: position.line, character: h.word.end } },
  };
}));

connection.onCompletion(answer('completion', [], ({ textDocument, position }): CompletionItem[] => {
  const text = lineText(textDocument.uri, position.line);
  if (text === undefined) return [];
  return complete({ text, line: position.line, character: position.character, symbols: workspace.symbolsFor(pathOf(textDocument.uri)) });
}));

/** The assembler's symbol under the cursor, if the cursor is on one. */
function symbolUnder(uri: string, line: number, character: number) {
  const text = lineText(uri, line);
  if (text === undefined) return undefined;
  const file = pathOf(uri), word = wordAt(text, character);
  return word.text === '' ? undefined : symbolAt(workspace.symbolsFor(file), word.text, file, line, character);
}

connection.onDefinition(answer('definition', null, ({ textDocument, position }): Location | null => {
  const s = symbolUnder(textDocument.uri, position.line, position.character);
  return s ? location(definitionOf(s)) : null;
}));

connection.onReferences(answer('references', [], ({ textDocument, position, context }): Location[] => {
  const s = symbolUnder(textDocument.uri, position.line, position.character);
  return s ? referencesOf(s, context.includeDeclaration).map(location) : [];
}));

connection.onDocumentSymbol(answer('documentSymbol', [], ({ textDocument }): DocumentSymbol[] => {
  const doc = documents.get(textDocument.uri);
  if (!doc) return [];
  const file = pathOf(textDocument.uri);
  return documentSymbols(doc.getText(), file, workspace.symbolsFor(file));
}));

connection.onFoldingRanges(answer('foldingRange', [], ({ textDocument }): FoldingRange[] => {
  const doc = documents.get(textDocument.uri);
  return doc ? foldingRanges(doc.getText()) : [];
}));

documents.listen(connection);
connection.listen();
