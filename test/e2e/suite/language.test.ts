// End-to-end checks of the assembly language features inside a real VS Code: the language id, and hover, outline,
// completion and diagnostics as the workbench's own providers return them. Expected text comes from the tables.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { csrByName } from '../../../emulator/csr/table';
import { instructions } from '../../../emulator/isa/instructions';
import { LANGUAGE_ID } from '../../../extension/ids';
import { csrHover, popekGoldberg } from '../../../language-server/hover';
import { activateExtension, diagnosticsWhen, hoverText, positionOf, workspaceFile } from './workspace';

const row = (name: string) => {
  const r = instructions.find((i) => i.name === name);
  if (!r) throw new Error(`${name} is not in the instruction table`);
  return r;
};

describe('the RISC-V assembly language in VS Code', () => {
  let hello: vscode.TextDocument;

  before(async () => {
    hello = await vscode.workspace.openTextDocument(workspaceFile('asm/hello.S'));
    await vscode.window.showTextDocument(hello);
    await activateExtension();
  });

  it('opens examples/asm/hello.S as riscv-asm', () => {
    assert.equal(hello.languageId, LANGUAGE_ID);
  });

  it('hovers mret with its Popek–Goldberg class from the instruction table', async () => {
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', hello.uri, positionOf(hello, '        mret\n', 9));
    assert.ok(hoverText(hovers).includes(popekGoldberg(row('mret'))), `hover text was:\n${hoverText(hovers)}`);
  });

  it('hovers the CSR mtvec with its description from the CSR table', async () => {
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', hello.uri, positionOf(hello, 'csrw    mtvec', 9));
    assert.ok(hoverText(hovers).includes(csrHover(csrByName.get('mtvec')!)), `hover text was:\n${hoverText(hovers)}`);
  });

  it('outlines the labels', async () => {
    const symbols = await vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', hello.uri);
    const names = (s: vscode.DocumentSymbol): string[] => [s.name, ...s.children.flatMap(names)];
    const all = symbols.flatMap(names);
    for (const label of ['_start', 'user_main', 'trap_handler', 'puts']) assert.ok(all.includes(label), `${label} missing from the outline: ${all.join(', ')}`);
  });

  describe('a file being edited', () => {
    let dir: string;
    let doc: vscode.TextDocument;

    before(async () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringside-e2e-'));
      const file = path.join(dir, 'broken.S');
      fs.writeFileSync(file, '        .text\n_start: addi    a0, a0, 5000\n');
      doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
      await vscode.window.showTextDocument(doc);
    });

    after(async () => {
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it('shows the assembler error as a diagnostic on its line', async () => {
      const [d, ...rest] = await diagnosticsWhen(doc.uri, (ds) => ds.length > 0);
      assert.deepEqual(rest, []);
      assert.equal(d.message, 'immediate 5000 does not fit in 12 bits (-2048..2047)');
      assert.equal(d.range.start.line, 1);
      assert.equal(d.severity, vscode.DiagnosticSeverity.Error);
    });

    it('clears it once the edit fixes the line', async () => {
      const edit = new vscode.WorkspaceEdit();
      const at = positionOf(doc, '5000');
      edit.replace(doc.uri, new vscode.Range(at, at.translate(0, 4)), '5');
      assert.ok(await vscode.workspace.applyEdit(edit));
      assert.deepEqual(await diagnosticsWhen(doc.uri, (ds) => ds.length === 0), []);
    });

    it('completes an instruction being typed from the table', async () => {
      const edit = new vscode.WorkspaceEdit();
      edit.insert(doc.uri, new vscode.Position(2, 0), '        csrr');
      assert.ok(await vscode.workspace.applyEdit(edit));
      const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', doc.uri, new vscode.Position(2, 12));
      const labels = list.items.map((i) => typeof i.label === 'string' ? i.label : i.label.label);
      for (const name of ['csrrw', 'csrrs', 'csrrc']) assert.ok(labels.includes(name), `${name} not offered: ${labels.slice(0, 20).join(', ')}…`);
    });
  });
});
