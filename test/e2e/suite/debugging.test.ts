// The debugger inside a real VS Code, through the `vscode` API: a session on examples/asm/hello.S started as the
// extension starts it (its own adapter process), stopped on entry, stepped across an ecall, and inspected over DAP.
import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import { DEBUG_TYPE, REQUESTS } from '../../../extension/ids';
import type { TranslateResponseBody } from '../../../debug-adapter/protocol';
import { activateExtension, workspaceFile } from './workspace';

interface StoppedBody { reason: string; description?: string }

/**
 * Watches every `stopped` event the adapter sends to VS Code for sessions of ours (a tracker factory applies to
 * sessions that start after it is registered, so one is registered before the session starts).
 */
class Stops implements vscode.Disposable {
  private readonly seen: { session: vscode.DebugSession; body: StoppedBody }[] = [];
  private waiting: ((s: { session: vscode.DebugSession; body: StoppedBody }) => void) | undefined;
  private readonly registration = vscode.debug.registerDebugAdapterTrackerFactory(DEBUG_TYPE, {
    createDebugAdapterTracker: (session) => ({
      onDidSendMessage: (m: { type: string; event?: string; body?: StoppedBody }) => {
        if (m.type !== 'event' || m.event !== 'stopped' || !m.body) return;
        this.seen.push({ session, body: m.body });
        this.deliver();
      },
    }),
  });

  /** The next stop not yet taken. */
  next(): Promise<{ session: vscode.DebugSession; body: StoppedBody }> {
    return new Promise((resolve) => { this.waiting = resolve; this.deliver(); });
  }

  private deliver(): void {
    if (!this.waiting || this.seen.length === 0) return;
    const w = this.waiting;
    this.waiting = undefined;
    w(this.seen.shift()!);
  }

  dispose(): void {
    this.registration.dispose();
  }
}

function ended(session: vscode.DebugSession): Promise<void> {
  return new Promise((resolve) => {
    const s = vscode.debug.onDidTerminateDebugSession((t) => { if (t.id === session.id) { s.dispose(); resolve(); } });
  });
}

describe('debugging hello.S in VS Code', () => {
  before(activateExtension);

  it('stops on entry, steps by instruction, and answers stackTrace, evaluate and ringside/translate', async () => {
    const folder = vscode.workspace.workspaceFolders![0];
    const stops = new Stops();
    const stop = stops.next();
    const started = await vscode.debug.startDebugging(folder, {
      type: DEBUG_TYPE, request: 'launch', name: 'hello.S (e2e)', program: workspaceFile('asm/hello.S').fsPath, stopOnEntry: true,
    });
    assert.equal(started, true);
    const { session, body } = await stop;
    assert.equal(body.reason, 'entry');
    const trace = await session.customRequest('stackTrace', { threadId: 1 }) as { stackFrames: { name: string; line: number }[] };
    assert.equal(trace.stackFrames[0].name, '_start');
    const pc = await session.customRequest('evaluate', { expression: 'pc', context: 'watch' }) as { result: string };
    assert.equal(pc.result, '0x80000000');
    const stepped = stops.next();
    await session.customRequest('stepIn', { threadId: 1, granularity: 'instruction' });
    assert.equal((await stepped).body.reason, 'step');
    const walk = await session.customRequest(REQUESTS.translate, { address: 'pc' }) as TranslateResponseBody;
    assert.equal(walk.mode, 'Bare');
    assert.equal(walk.physical, (await session.customRequest('evaluate', { expression: 'pc', context: 'watch' }) as { result: string }).result);
    const done = ended(session);
    await vscode.debug.stopDebugging(session);
    await done;
    stops.dispose();
  });
});
