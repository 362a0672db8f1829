// A JSON-RPC client for the built language server (dist/languageServer.js --stdio), as VS Code's language client
// would speak to it: requests by LSP method name, and waits on published diagnostics instead of sleeping.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import type { LogMessageParams, PublishDiagnosticsParams } from 'vscode-languageserver';

export const SERVER = resolve(__dirname, '../../dist/languageServer.js');

interface Waiter { match: (p: PublishDiagnosticsParams) => boolean; resolve: (p: PublishDiagnosticsParams) => void }

export class LspClient {
  readonly connection: MessageConnection;
  /** Every window/logMessage the server sent (handler failures are logged there). */
  readonly logs: LogMessageParams[] = [];
  private readonly published: PublishDiagnosticsParams[] = [];
  private waiters: Waiter[] = [];
  private readonly exited: Promise<number | null>;

  private constructor(child: ChildProcess) {
    this.exited = new Promise((done) => child.on('exit', (code) => done(code)));
    this.connection = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    this.connection.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => this.receive(p));
    this.connection.onNotification('window/logMessage', (p: LogMessageParams) => { this.logs.push(p); });
    this.connection.listen();
  }

  /** Starts the server; fails with instructions when the bundle has not been built. */
  static async start(rootUri: string): Promise<LspClient> {
    if (!existsSync(SERVER)) throw new Error(`${SERVER} is missing: run \`npm run build\` first (\`npm test\` does)`);
    const client = new LspClient(spawn(process.execPath, [SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] }));
    await client.connection.sendRequest('initialize', { processId: process.pid, rootUri, capabilities: {} });
    await client.connection.sendNotification('initialized', {});
    return client;
  }

  request<R>(method: string, params: object): Promise<R> {
    return this.connection.sendRequest<R>(method, params);
  }

  open(uri: string, text: string, version = 1): Promise<void> {
    return this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'riscv-asm', version, text } });
  }

  change(uri: string, text: string, version: number): Promise<void> {
    return this.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] });
  }

  /** The first diagnostics published for `uri` at `version` (already received or still to come). */
  diagnostics(uri: string, version: number): Promise<PublishDiagnosticsParams> {
    const match = (p: PublishDiagnosticsParams): boolean => p.uri === uri && p.version === version;
    const seen = this.published.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.waiters.push({ match, resolve }));
  }

  private receive(p: PublishDiagnosticsParams): void {
    this.published.push(p);
    const ready = this.waiters.filter((w) => w.match(p));
    this.waiters = this.waiters.filter((w) => !w.match(p));
    for (const w of ready) w.resolve(p);
  }

  /** shutdown, then exit; resolves with the process's exit code. */
  async stop(): Promise<number | null> {
    await this.connection.sendRequest('shutdown');
    await this.connection.sendNotification('exit');
    const code = await this.exited;
    this.connection.dispose();
    return code;
  }
}

/** The 0-based position of the `nth` occurrence of `needle` in `text`, plus `offset` characters. */
export function positionOf(text: string, needle: string, nth = 0, offset = 0): { line: number; character: number } {
  let at = -1;
  for (let i = 0; i <= nth; i++) {
    at = text.indexOf(needle, at + 1);
    if (at < 0) throw new Error(`'${needle}' occurs fewer than ${nth + 1} times`);
  }
  const before = text.slice(0, at).split('\n');
  return { line: before.length - 1, character: before[before.length - 1].length + offset };
}
