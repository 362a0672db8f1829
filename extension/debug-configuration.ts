// The ringside DebugConfigurationProviders: F5 without launch.json debugs the open .S or ELF file, and a
// configuration that cannot run is stopped before a session starts, with the validator's one message.
import * as vscode from 'vscode';
import { checkConfiguration, completeConfiguration, configurationForFile, type RingsideConfiguration } from './launch-defaults';

const OPEN_LAUNCH_JSON = 'Open launch.json';

/** The file in the active editor tab, text or binary (an ELF opens in a binary editor, not a text one). */
function activeFilePath(): string | undefined {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  const uri = input instanceof vscode.TabInputText || input instanceof vscode.TabInputCustom ? input.uri : vscode.window.activeTextEditor?.document.uri;
  return uri?.scheme === 'file' ? uri.fsPath : undefined;
}

function report(error: string): void {
  void vscode.window.showErrorMessage(error, OPEN_LAUNCH_JSON).then((choice) => {
    if (choice === OPEN_LAUNCH_JSON) void vscode.commands.executeCommand('workbench.action.debug.configure');
  });
}

/** Completes and checks configurations; returning undefined stops the session from starting. */
export class RingsideConfigurationResolver implements vscode.DebugConfigurationProvider {
  resolveDebugConfiguration(folder: vscode.WorkspaceFolder | undefined, config: vscode.DebugConfiguration): vscode.DebugConfiguration | undefined {
    const r = completeConfiguration(config as RingsideConfiguration, activeFilePath(), folder?.uri.fsPath);
    if ('config' in r) return r.config;
    report(r.error);
    return undefined;
  }

  resolveDebugConfigurationWithSubstitutedVariables(folder: vscode.WorkspaceFolder | undefined, config: vscode.DebugConfiguration): vscode.DebugConfiguration | undefined {
    const error = checkConfiguration(config as RingsideConfiguration, folder?.uri.fsPath);
    if (error === undefined) return config;
    report(error);
    return undefined;
  }
}

/** Offers "Debug <file>" for the open file in the Run and Debug view's list of dynamic configurations. */
export class RingsideDynamicConfigurations implements vscode.DebugConfigurationProvider {
  provideDebugConfigurations(): vscode.DebugConfiguration[] {
    const r = configurationForFile(activeFilePath());
    return 'config' in r ? [r.config] : [];
  }
}
