// Black-box tests of the built language server: JSON-RPC over the child's stdio, the real assembler behind it,
// fixtures on disk for .include. Every wait is on a message from the server, never on a clock.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type {
  CompletionItem, CompletionList, DocumentSymbol, FoldingRange, Hover, Location, MarkupContent,
} from 'vscode-languageserver';
import { assemble } from '../../assembler/assemble';
import { LspClient, positionOf } from './client';

const FIXTURES = resolve(__dirname, 'fixtures');
const fixture = (name: string): { path: string; uri: string; text: string } => {
  const path = resolve(FIXTURES, name);
  return { path, uri: pathToFileURL(path).href, text: readFileSync(path, 'utf8') };
};

const markdown = (h: Hover | null): string => {
  assert.ok(h, 'expected a hover');
  return (h.contents as MarkupContent).value;
};
const labels = (r: CompletionItem[] | CompletionList | null): string[] => (Array.isArray(r) ? r : r?.items ?? []).map((i) => i.label);

describe('language server (dist/languageServer.js over stdio)', () => {
  let client: LspClient;
  const main = fixture('main.S');

  before(async () => {
    client = await LspClient.start(pathToFileURL(FIXTURES).href);
    await client.open(main.uri, main.text);
    const d = await client.diagnostics(main.uri, 1);
    assert.deepEqual(d.diagnostics, [], 'the fixture assembles cleanly');
  });

  after(async () => {
    const code = await client.stop();
    assert.equal(code, 0, 'exit after shutdown ends the process with code 0');
  });

  afterEach(() => {
    assert.deepEqual(client.logs.filter((l) => /failed/.test(l.message)), [], 'no handler failed');
  });

  it('reports an assembler error with its range, and clears it when the line is fixed', async () => {
    const uri = pathToFileURL(resolve(FIXTURES, 'unsaved.S')).href;
    await client.open(uri, '        .text\n        addi a0, a0, 5000\n');
    const bad = await client.diagnostics(uri, 1);
    assert.equal(bad.diagnostics.length, 1);
    const [d] = bad.diagnostics;
    assert.equal(d.message, 'immediate 5000 does not fit in 12 bits (-2048..2047)');
    assert.deepEqual(d.range, { start: { line: 1, character: 21 }, end: { line: 1, character: 25 } });
    await client.change(uri, '        .text\n        addi a0, a0, 500\n', 2);
    assert.deepEqual((await client.diagnostics(uri, 2)).diagnostics, []);
  });

  it('publishes an included file\'s errors on that file, from its unsaved buffer, and clears them when fixed', async () => {
    const includer = fixture('uses-part.S'), part = fixture('part.inc');
    await client.open(includer.uri, includer.text);
    assert.deepEqual((await client.diagnostics(includer.uri, 1)).diagnostics, []);
    await client.open(part.uri, part.text.replace('addi    a0, a0, 1', 'addi    a0, a0, 9999'));
    const broken = await client.diagnostics(part.uri, 1);
    assert.deepEqual(broken.diagnostics.map((d) => [d.message, d.range.start.line]), [['immediate 9999 does not fit in 12 bits (-2048..2047)', 2]]);
    await client.change(part.uri, part.text, 2);
    assert.deepEqual((await client.diagnostics(part.uri, 2)).diagnostics, []);
  });

  it('hovers sret with its Popek–Goldberg class, syntax and encoding', async () => {
    const text = markdown(await client.request<Hover | null>('textDocument/hover', { textDocument: { uri: main.uri }, position: positionOf(main.text, 'sret', 0, 1) }));
    assert.match(text, /^\*\*sret\*\* — privileged: traps when executed below S-mode; sensitive/);
    assert.match(text, /return from an S-mode trap/);
    assert.match(text, /match `0x10200073`/);
    assert.match(text, /extension Priv/);
  });

  it('hovers a CSR with its number, privilege and fields', async () => {
    const text = markdown(await client.request<Hover | null>('textDocument/hover', { textDocument: { uri: main.uri }, position: positionOf(main.text, 'mstatus', 0, 2) }));
    assert.match(text, /^\*\*mstatus\*\* — CSR 0x300, M-level .*read\/write/);
    assert.match(text, /\| MPP \| 12:11 \| privilege mode before the last trap into M-mode/);
    assert.match(text, /\| TSR \| 22 \|/);
  });

  it('hovers a label from an included file with its linked address', async () => {
    const expected = assemble({ files: [main.path] }).symbols.find((s) => s.name === 'print')!.value!;
    const text = markdown(await client.request<Hover | null>('textDocument/hover', { textDocument: { uri: main.uri }, position: positionOf(main.text, 'call    print', 0, 9) }));
    assert.match(text, /^\*\*print\*\* — label in \.text/);
    assert.ok(text.includes(`Address: \`0x${expected.toString(16)}\``), text);
    assert.match(text, /Defined in helpers\.inc:2/);
  });

  it('hovers li with the instructions this line really assembles to', async () => {
    const text = markdown(await client.request<Hover | null>('textDocument/hover', { textDocument: { uri: main.uri }, position: positionOf(main.text, 'li      a0') }));
    assert.match(text, /pseudo-instruction/);
    assert.match(text, /```riscv-asm\naddi a0,zero,5\n```/);
  });

  it('completes mnemonics and directives at statement start, registers, CSRs and labels in operands', async () => {
    const uri = pathToFileURL(resolve(FIXTURES, 'completion.S')).href;
    const lines = ['        .include "helpers.inc"', '        ', '        .', '        csrr a0, ', '        call '];
    await client.open(uri, lines.join('\n'));
    await client.diagnostics(uri, 1);
    const at = (line: number) => client.request<CompletionItem[] | CompletionList | null>('textDocument/completion', { textDocument: { uri }, position: { line, character: lines[line].length } });
    const start = labels(await at(1));
    assert.ok(start.includes('addi') && start.includes('.macro') && start.includes('c.li') && start.includes('li'), 'mnemonics and directives');
    const directives = labels(await at(2));
    assert.ok(directives.includes('.macro') && !directives.includes('addi'), 'after a dot only directives');
    const csr = labels(await at(3));
    assert.ok(csr.includes('mstatus') && csr.includes('a0'), 'CSR instruction operands');
    const call = labels(await at(4));
    assert.ok(call.includes('a0') && call.includes('print') && !call.includes('mstatus'), 'operands: registers and labels, no CSRs');
  });

  it('goes to a label\'s definition in an included file and finds its references', async () => {
    const position = positionOf(main.text, 'call    print', 0, 10);
    const def = await client.request<Location | null>('textDocument/definition', { textDocument: { uri: main.uri }, position });
    const helpers = fixture('helpers.inc');
    assert.deepEqual(def, { uri: helpers.uri, range: { start: { line: 1, character: 0 }, end: { line: 1, character: 5 } } });
    const refs = await client.request<Location[]>('textDocument/references', { textDocument: { uri: main.uri }, position, context: { includeDeclaration: true } });
    assert.deepEqual(refs.map((r) => [r.uri, r.range.start.line, r.range.start.character]), [[helpers.uri, 1, 0], [main.uri, position.line, 16]]);
  });

  it('finds a macro\'s definition from its use', async () => {
    const def = await client.request<Location | null>('textDocument/definition', { textDocument: { uri: main.uri }, position: positionOf(main.text, 'push    a0') });
    const at = positionOf(main.text, 'push reg');
    assert.deepEqual(def?.range.start, at);
  });

  it('outlines sections, labels, constants and macros', async () => {
    const symbols = await client.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri: main.uri } });
    const shape = (s: DocumentSymbol): unknown => [s.name, s.kind, ...(s.children?.length ? [s.children.map(shape)] : [])];
    // SymbolKind: Namespace 3, Method 6, Field 8, Function 12, Constant 14.
    assert.deepEqual(symbols.map(shape), [
      ['COUNT', 14], ['push', 6], ['.text', 3, [['_start', 12], ['done', 12]]], ['.data', 3, [['message', 8]]],
    ]);
  });

  it('folds the macro, the repeat block and label bodies', async () => {
    const ranges = await client.request<FoldingRange[]>('textDocument/foldingRange', { textDocument: { uri: main.uri } });
    const span = (from: string, to: string): [number, number] => [positionOf(main.text, from).line, positionOf(main.text, to).line];
    const got = ranges.map((r) => [r.startLine, r.endLine]);
    for (const want of [span('.macro', '.endm'), span('.rept', '.endr'), span('_start:', 'sret')]) assert.ok(got.some((g) => g[0] === want[0] && g[1] === want[1]), `${want} in ${JSON.stringify(got)}`);
  });

  it('answers requests about unknown documents and positions with empty results', async () => {
    const nowhere = { textDocument: { uri: pathToFileURL(resolve(FIXTURES, 'not-open.S')).href }, position: { line: 0, character: 0 } };
    assert.equal(await client.request('textDocument/hover', nowhere), null);
    assert.deepEqual(await client.request('textDocument/completion', nowhere), []);
    assert.equal(await client.request('textDocument/hover', { textDocument: { uri: main.uri }, position: { line: 9999, character: 3 } }), null);
  });
});
