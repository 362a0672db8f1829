// Starts the ringside debug adapter for each session: its own Node process by default, or inline in the
// extension host when the ringside.debugAdapter setting says "inline".
import * as vscode from 'vscode';
import { RingsideDebugSession } from '../debug-adapter/session';
import { adapterMode, adapterProcess } from './adapter-options';
import { SETTINGS, SETTINGS_SECTION } from './ids';

export class RingsideAdapterFactory implements vscode.DebugAdapterDescriptorFactory {
  constructor(private readonly extensionPath: string) {}

  createDebugAdapterDescriptor(): vscode.DebugAdapterDescriptor {
    const mode = adapterMode(vscode.workspace.getConfiguration(SETTINGS_SECTION).get(SETTINGS.debugAdapter));
    if (mode === 'inline') return new vscode.DebugAdapterInlineImplementation(new RingsideDebugSession());
    const p = adapterProcess(this.extensionPath, process.execPath);
    return new vscode.DebugAdapterExecutable(p.command, p.args, { env: p.env });
  }
}
