// What the e2e suite's tests share inside the extension host: the examples/ workspace both launchers open, the
// extension under test, and waits on VS Code's events (never on a clock).
import * as vscode from 'vscode';

/** The extension's id: package.json's publisher.name. */
export const EXTENSION_ID = 'ringside.ringside';

/** A file of the workspace (examples/), which both launchers open. */
export function workspaceFile(relative: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('no workspace folder is open: the launcher must open examples/');
  return vscode.Uri.joinPath(folder.uri, relative);
}

/** Activates the extension under test (its language client is running once this resolves). */
export async function activateExtension(): Promise<void> {
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  if (!extension) throw new Error(`${EXTENSION_ID} is not loaded: the launcher must pass this repository as extensionDevelopmentPath`);
  await extension.activate();
}

/** The diagnostics of `uri` once `accept` holds for them, now or after a later change. */
export function diagnosticsWhen(uri: vscode.Uri, accept: (d: readonly vscode.Diagnostic[]) => boolean): Promise<vscode.Diagnostic[]> {
  return new Promise((resolve) => {
    const check = (): boolean => {
      const d = vscode.languages.getDiagnostics(uri);
      if (!accept(d)) return false;
      subscription.dispose();
      resolve(d);
      return true;
    };
    const subscription = vscode.languages.onDidChangeDiagnostics((e) => {
      if (e.uris.some((u) => u.toString() === uri.toString())) check();
    });
    check();
  });
}

/** The position of the `nth` occurrence of `needle` in the document, moved right by `offset` characters. */
export function positionOf(document: vscode.TextDocument, needle: string, offset = 0, nth = 0): vscode.Position {
  let at = -1;
  for (let i = 0; i <= nth; i++) {
    at = document.getText().indexOf(needle, at + 1);
    if (at < 0) throw new Error(`"${needle}" occurs fewer than ${nth + 1} time(s) in ${document.uri.fsPath}`);
  }
  return document.positionAt(at + offset);
}

/** Hover text as one string: every Markdown part of every hover. */
export const hoverText = (hovers: readonly vscode.Hover[]): string =>
  hovers.flatMap((h) => h.contents).map((c) => typeof c === 'string' ? c : c.value).join('\n');
