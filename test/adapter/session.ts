// Test support for the DAP tests: starts the built standalone adapter (dist/debugAdapter.js) under
// @vscode/debugadapter-testsupport's DebugClient and offers the few steps every test takes.
import * as fs from 'node:fs';
import * as path from 'node:path';
import assert from 'node:assert/strict';
import type { Writable } from 'node:stream';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';

export const ADAPTER = path.resolve(__dirname, '../../dist/debugAdapter.js');
export const PROGRAMS = path.resolve(__dirname, 'programs');
/** Mocha's timeout bounds each test; the client's own timeouts must never fire first (no wall-clock limits here). */
export const NO_LIMIT = 24 * 3600 * 1000;

/** The 1-based line of the first line in a program containing `text`. */
export function lineOf(program: string, text: string): number {
  const lines = fs.readFileSync(path.join(PROGRAMS, program), 'utf8').split('\n');
  const i = lines.findIndex((l) => l.includes(text));
  assert.ok(i >= 0, `${program} has a line with ${text}`);
  return i + 1;
}

export async function startAdapter(): Promise<DebugClient> {
  assert.ok(fs.existsSync(ADAPTER), `${ADAPTER} is missing: run npm run build first`);
  const dc = new DebugClient('node', ADAPTER, 'ringside');
  dc.defaultTimeout = NO_LIMIT;
  await dc.start();
  return dc;
}

/** Launches a program from test/adapter/programs and waits until it stops on entry. */
export async function launchStopped(dc: DebugClient, program: string, extra: Record<string, unknown> = {}): Promise<DebugProtocol.StoppedEvent> {
  const stopped = dc.waitForEvent('stopped', NO_LIMIT);
  await Promise.all([
    dc.configurationSequence(),
    dc.launch({ program: path.join(PROGRAMS, program), cwd: PROGRAMS, stopOnEntry: true, ...extra }),
  ]);
  return await stopped as DebugProtocol.StoppedEvent;
}

/** Sends a request that resumes the machine and returns the stopped event that follows. */
export async function until(dc: DebugClient, request: Promise<unknown>): Promise<DebugProtocol.StoppedEvent> {
  const stopped = dc.waitForEvent('stopped', NO_LIMIT);
  // A session that ends instead of stopping fails the test at once rather than leaving it waiting. A listener, not
  // waitForEvent: its timer would keep mocha's process alive after the tests.
  let onEnd = (): void => undefined;
  const ended = new Promise<never>((_, reject) => { onEnd = () => reject(new Error('the session ended instead of stopping')); });
  dc.once('terminated', onEnd);
  try {
    await request;
    return await Promise.race([stopped, ended]) as DebugProtocol.StoppedEvent;
  } finally {
    dc.removeListener('terminated', onEnd);
  }
}

export async function topFrame(dc: DebugClient, threadId = 1): Promise<DebugProtocol.StackFrame> {
  const r = await dc.stackTraceRequest({ threadId });
  assert.ok(r.body.stackFrames.length > 0, 'a stack frame');
  return r.body.stackFrames[0];
}

/** Evaluates in the Debug Console (repl context) and returns the result text. */
export async function repl(dc: DebugClient, expression: string, frameId?: number): Promise<string> {
  return (await dc.evaluateRequest({ expression, context: 'repl', frameId })).body.result;
}

export async function variablesOf(dc: DebugClient, frameId: number, scope: string): Promise<DebugProtocol.Variable[]> {
  const scopes = (await dc.scopesRequest({ frameId })).body.scopes;
  const s = scopes.find((x) => x.name === scope);
  assert.ok(s, `a scope named ${scope} among ${scopes.map((x) => x.name).join(', ')}`);
  return (await dc.variablesRequest({ variablesReference: s.variablesReference })).body.variables;
}

/** A client's answer to a reverse request: the response body, or a failure with its message. */
export type ReverseHandler = (args: unknown) => Promise<unknown>;

/**
 * The parts of DebugClient's ProtocolClient a reverse request needs. It has no hook for requests from the adapter: its
 * dispatch takes every non-event for a response and drops what matches no pending request.
 */
interface ProtocolInternals {
  dispatch(body: string): void;
  outputStream: Writable;
  sequence: number;
}

/**
 * Makes the client answer reverse requests (runInTerminal, startDebugging) with the given handlers, as VS Code
 * would; a request with no handler gets a failure response naming it, so the adapter never waits for nothing.
 */
export function answerReverseRequests(dc: DebugClient, handlers: Record<string, ReverseHandler>): void {
  const client = dc as unknown as ProtocolInternals;
  const dispatch = client.dispatch.bind(dc);
  const reply = (request: DebugProtocol.Request, result: { body: unknown } | { message: string }): void => {
    const response: DebugProtocol.Response = {
      seq: client.sequence++, type: 'response', request_seq: request.seq, command: request.command,
      success: 'body' in result, ...result,
    };
    const json = JSON.stringify(response);
    client.outputStream.write(`Content-Length: ${Buffer.byteLength(json, 'utf8')}\r\n\r\n${json}`, 'utf8');
  };
  client.dispatch = (body: string): void => {
    const message = JSON.parse(body) as DebugProtocol.ProtocolMessage;
    if (message.type !== 'request') { dispatch(body); return; }
    const request = message as DebugProtocol.Request;
    const handler = handlers[request.command];
    if (!handler) { reply(request, { message: `the test client does not answer '${request.command}'` }); return; }
    handler(request.arguments).then((b) => reply(request, { body: b }), (e: Error) => reply(request, { message: e.message }));
  };
}

/** Starts a session as a client would that says it supports runInTerminal (VS Code does). */
export async function initializeWithTerminal(dc: DebugClient): Promise<void> {
  await dc.initializeRequest({ adapterID: 'ringside', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path', supportsRunInTerminalRequest: true });
}
