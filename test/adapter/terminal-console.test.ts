// "console": "integratedTerminal" over DAP: the test client answers runInTerminal by running the relay it is given, and
// the guest's serial line works through it both ways; clients that cannot, or will not, get the Debug Console instead.
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as path from 'node:path';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { answerReverseRequests, initializeWithTerminal, NO_LIMIT, PROGRAMS, startAdapter, until } from './session';

const ECHO = path.join(PROGRAMS, 'echo.S');
const RELAY = path.resolve(__dirname, '../../dist/consoleRelay.js');

/** A promise with its resolve function outside, for answers that come later in the test. */
function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => { resolve = r; });
  return { promise, resolve };
}

/** What a process wrote to its stdout so far, and a wait for a text to appear in it. */
class Captured {
  text = '';
  private waiters: { text: string; done: () => void }[] = [];

  add(chunk: Buffer | string): void {
    this.text += chunk.toString();
    this.waiters = this.waiters.filter((w) => (this.text.includes(w.text) ? (w.done(), false) : true));
  }

  until(text: string): Promise<void> {
    return new Promise((done) => { if (this.text.includes(text)) done(); else this.waiters.push({ text, done }); });
  }
}

function collectOutput(dc: DebugClient): { stdout: Captured; console: Captured } {
  const out = { stdout: new Captured(), console: new Captured() };
  dc.on('output', (e: DebugProtocol.OutputEvent) => (e.body.category === 'stdout' ? out.stdout : out.console).add(e.body.output));
  return out;
}

/** Runs what runInTerminal asks for, as VS Code would but with pipes for a terminal (DAP: a null env value unsets). */
function runRelay(a: DebugProtocol.RunInTerminalRequestArguments): ChildProcessWithoutNullStreams {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const [k, v] of Object.entries(a.env ?? {})) {
    if (v === null || v === undefined) delete env[k];
    else env[k] = v;
  }
  return spawn(a.args[0], a.args.slice(1), { cwd: a.cwd, env, stdio: 'pipe' });
}

async function launchEcho(dc: DebugClient, extra: Record<string, unknown>): Promise<void> {
  const initialized = dc.waitForEvent('initialized', NO_LIMIT);
  await dc.launchRequest({ program: ECHO, cwd: PROGRAMS, console: 'integratedTerminal', ...extra } as DebugProtocol.LaunchRequestArguments);
  await initialized;
}

describe('debug adapter: the guest console in an integrated terminal', () => {
  let dc: DebugClient;
  beforeEach(async () => { dc = await startAdapter(); });
  afterEach(async () => { await dc.stop(); });

  it('asks the client to run the relay, keeps output until it connects, and passes bytes raw both ways', async () => {
    const requested = deferred<DebugProtocol.RunInTerminalRequestArguments>();
    const spawned = deferred<DebugProtocol.RunInTerminalResponse['body']>();
    answerReverseRequests(dc, {
      runInTerminal: (a) => { requested.resolve(a as DebugProtocol.RunInTerminalRequestArguments); return spawned.promise; },
    });
    const dap = collectOutput(dc);
    await initializeWithTerminal(dc);
    const entry = dc.waitForEvent('stopped', NO_LIMIT);
    await launchEcho(dc, { stopOnEntry: true });
    await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'echo_loop' }] });
    await dc.configurationDoneRequest();
    await entry;

    // The banner is printed before the relay exists: the adapter must keep it.
    const atLoop = await until(dc, dc.continueRequest({ threadId: 1 }));
    assert.equal(atLoop.body.reason, 'function breakpoint');
    const a = await requested.promise;
    assert.equal(a.kind, 'integrated');
    assert.equal(a.title, 'Ringside: echo.S');
    assert.equal(a.cwd, PROGRAMS);
    assert.equal(a.args.length, 3);
    assert.equal(a.args[1], RELAY);
    assert.match(a.args[2], /^\d+$/);
    assert.equal(a.env?.ELECTRON_RUN_AS_NODE, '1');

    // Pipes, not a TTY: the relay skips raw mode, and the bytes are exactly what crossed the line.
    const relay = runRelay(a);
    const relayExit = new Promise<number | null>((r) => relay.on('exit', (code) => r(code)));
    const terminal = new Captured();
    relay.stdout.on('data', (b: Buffer) => terminal.add(b));
    spawned.resolve({ processId: relay.pid });
    await terminal.until('echo ready\n');

    await dc.setFunctionBreakpointsRequest({ breakpoints: [] });
    await dc.continueRequest({ threadId: 1 });
    relay.stdin.write('hi\r');
    await terminal.until('echo ready\nhi\r');
    const exited = dc.waitForEvent('exited', NO_LIMIT);
    relay.stdin.write('q');
    assert.equal(((await exited) as DebugProtocol.ExitedEvent).body.exitCode, 0);

    await dc.disconnectRequest({});
    assert.equal(await relayExit, 0, 'the relay exits when the session closes the line');
    assert.equal(terminal.text, 'echo ready\nhi\rq\r\n[ringside: session ended]\r\n');
    assert.equal(dap.stdout.text, '', 'nothing of the guest in the Debug Console');
  });

  it('falls back to the Debug Console, saying why, when the client cannot run a terminal', async () => {
    let asked = false;
    answerReverseRequests(dc, { runInTerminal: async () => { asked = true; return {}; } });
    const dap = collectOutput(dc);
    const exited = dc.waitForEvent('exited', NO_LIMIT);
    await Promise.all([dc.configurationSequence(), dc.launch({ program: ECHO, cwd: PROGRAMS, stopOnEntry: false, console: 'integratedTerminal' } as DebugProtocol.LaunchRequestArguments)]);
    await dap.stdout.until('echo ready\n');
    await dc.evaluateRequest({ expression: 'q', context: 'repl' });
    assert.equal(((await exited) as DebugProtocol.ExitedEvent).body.exitCode, 0);
    assert.equal(asked, false, 'no runInTerminal to a client that did not offer it');
    assert.equal(dap.stdout.text, 'echo ready\nq');
    const notes = dap.console.text.split('\n').filter((l) => l.includes('integratedTerminal'));
    assert.deepEqual(notes, ['ringside: "console": "integratedTerminal" needs a client that can run programs in a terminal (runInTerminal), and this one cannot; the guest\'s console is in the Debug Console']);
  });

  it('falls back to the Debug Console, with the output kept so far, when the client fails to open the terminal', async () => {
    const refuse = deferred<void>();
    answerReverseRequests(dc, { runInTerminal: async () => { await refuse.promise; throw new Error('no terminal here'); } });
    const dap = collectOutput(dc);
    await initializeWithTerminal(dc);
    await launchEcho(dc, { stopOnEntry: false });
    await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'echo_loop' }] });
    await until(dc, dc.configurationDoneRequest());
    assert.equal(dap.stdout.text, '', 'kept for the terminal');
    refuse.resolve();
    await dap.stdout.until('echo ready\n');
    assert.match(dap.console.text, /ringside: the client could not open a terminal \(no terminal here\); the guest's console is in the Debug Console\n/);
  });

  it('falls back to the Debug Console when the user closes the terminal', async () => {
    const spawned = deferred<ChildProcessWithoutNullStreams>();
    answerReverseRequests(dc, {
      runInTerminal: async (args) => {
        const relay = runRelay(args as DebugProtocol.RunInTerminalRequestArguments);
        spawned.resolve(relay);
        return { processId: relay.pid };
      },
    });
    const dap = collectOutput(dc);
    await initializeWithTerminal(dc);
    await launchEcho(dc, { stopOnEntry: false });
    await dc.configurationDoneRequest();
    const relay = await spawned.promise;
    const terminal = new Captured();
    relay.stdout.on('data', (b: Buffer) => terminal.add(b));
    await terminal.until('echo ready\n');
    relay.kill();
    await dap.console.until('the guest\'s terminal was closed; its console continues in the Debug Console');
    const exited = dc.waitForEvent('exited', NO_LIMIT);
    await dc.evaluateRequest({ expression: 'q', context: 'repl' });
    assert.equal(((await exited) as DebugProtocol.ExitedEvent).body.exitCode, 0);
    assert.equal(dap.stdout.text, 'q', 'the echo comes back in the Debug Console');
  });
});
