// The editor title's Run and Debug buttons on assembly files: start the open file (or the one the button was
// pressed for) without a launch.json, the way F5 would, so a student's first program is one click away.
import * as vscode from 'vscode';
import { COMMANDS } from './ids';
import { configurationForFile } from './launch-defaults';

async function start(resource: vscode.Uri | undefined, noDebug: boolean): Promise<void> {
  const uri = resource ?? vscode.window.activeTextEditor?.document.uri;
  const r = configurationForFile(uri?.scheme === 'file' ? uri.fsPath : undefined);
  if ('error' in r) {
    void vscode.window.showErrorMessage(r.error);
    return;
  }
  // The button may be pressed for a file that is not the active editor's, so name it rather than ${file}.
  const config = { ...r.config, program: uri?.fsPath ?? r.config.program };
  await vscode.debug.startDebugging(uri && vscode.workspace.getWorkspaceFolder(uri), config, { noDebug });
}

export function registerFileCommands(): vscode.Disposable {
  return vscode.Disposable.from(
    vscode.commands.registerCommand(COMMANDS.debugFile, (resource?: vscode.Uri) => start(resource, false)),
    vscode.commands.registerCommand(COMMANDS.runFile, (resource?: vscode.Uri) => start(resource, true)),
  );
}
