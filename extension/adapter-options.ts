// How the debug adapter is started, decided without `vscode`: in its own Node process (the default, so a busy
// guest never slows the editor) or inline in the extension host (what extension tests use).
import * as path from 'node:path';
import { ADAPTER_BUNDLE, ADAPTER_MODES, type AdapterMode } from './ids';

/** The ringside.debugAdapter setting as a mode; anything unrecognised means the default, a separate process. */
export function adapterMode(setting: unknown): AdapterMode {
  return ADAPTER_MODES.find((m) => m === setting) ?? 'process';
}

export interface AdapterProcess {
  command: string;
  args: string[];
  env: Record<string, string>;
}

/**
 * The adapter process: the bundle run by the editor's own executable, which in desktop VS Code is Electron and
 * behaves as plain Node only with ELECTRON_RUN_AS_NODE (code-server's is Node, which ignores the variable).
 */
export function adapterProcess(extensionPath: string, execPath: string): AdapterProcess {
  return { command: execPath, args: [path.join(extensionPath, ADAPTER_BUNDLE)], env: { ELECTRON_RUN_AS_NODE: '1' } };
}
