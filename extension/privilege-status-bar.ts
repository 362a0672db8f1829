// The status-bar item showing the stopped hart's privilege mode: a DebugAdapterTracker feeds each ringside
// session's messages to the model, and the item shows the active session's mode, hidden while it runs.
import * as vscode from 'vscode';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { DEBUG_TYPE, PRIVILEGE_STATUS_ID } from './ids';
import { PrivilegeStatusModel, privilegeStatusText, privilegeStatusTooltip } from './privilege-status';

/** Creates the item and its listeners; dispose the result to remove them all. */
export function registerPrivilegeStatus(): vscode.Disposable {
  const item = vscode.window.createStatusBarItem(PRIVILEGE_STATUS_ID, vscode.StatusBarAlignment.Left, 50);
  item.name = 'Ringside privilege mode';
  const render = (): void => {
    const p = model.privilegeOf(vscode.debug.activeDebugSession?.id);
    if (p === undefined) {
      item.hide();
      return;
    }
    item.text = privilegeStatusText(p);
    item.tooltip = privilegeStatusTooltip(p);
    item.show();
  };
  const model = new PrivilegeStatusModel(render);
  const tracker = (session: vscode.DebugSession): vscode.DebugAdapterTracker => ({
    onDidSendMessage: (m: DebugProtocol.ProtocolMessage) => model.fromAdapter(session.id, m),
    onWillReceiveMessage: (m: DebugProtocol.ProtocolMessage) => model.toAdapter(session.id, m),
    onExit: () => model.ended(session.id),
  });
  return vscode.Disposable.from(
    item,
    vscode.debug.registerDebugAdapterTrackerFactory(DEBUG_TYPE, { createDebugAdapterTracker: tracker }),
    vscode.debug.onDidTerminateDebugSession((s) => model.ended(s.id)),
    vscode.debug.onDidChangeActiveDebugSession(render),
  );
}
