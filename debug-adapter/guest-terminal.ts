// The adapter's end of the guest's serial line in an integrated terminal: a TCP server on 127.0.0.1 that one console
// relay (console-relay.ts, started by the client through runInTerminal) connects to. Bytes pass raw both ways.
import * as net from 'node:net';
import { Emitter } from '../emulator/events';

export interface GuestTerminalEvents {
  /** Bytes typed in the terminal, for the UART's receive queue. */
  input: Uint8Array;
  /** The relay went away (the user closed the terminal) before the session closed it. */
  lost: undefined;
}

/**
 * One serial line to one relay. Output written before the relay connects is kept and sent when it does, so nothing the
 * guest prints at boot is lost; the server stops listening once the relay is in, so no second program can take over.
 */
export class GuestTerminal {
  readonly events = new Emitter<GuestTerminalEvents>();
  /** The port the relay must connect to, once the server listens. */
  readonly listening: Promise<number>;
  private readonly server: net.Server;
  private socket: net.Socket | undefined;
  private pending: Uint8Array[] = [];
  private closed = false;

  constructor() {
    this.server = net.createServer((s) => this.accept(s));
    this.listening = new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => resolve((this.server.address() as net.AddressInfo).port));
    });
  }

  /** Whether a relay is connected (before that, output is kept). */
  get connected(): boolean {
    return this.socket !== undefined;
  }

  /** Sends guest output as it is: no line buffering, no newline translation (the terminal's own tty does that). */
  write(bytes: Uint8Array): void {
    if (this.closed) return;
    if (this.socket) this.socket.write(bytes);
    else this.pending.push(bytes);
  }

  /** The output kept for a relay that never came, handed back (e.g. to show it in the Debug Console instead). */
  takePending(): Uint8Array {
    const all = Buffer.concat(this.pending);
    this.pending = [];
    return all;
  }

  /** Ends the line: the relay prints that the session ended and exits. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.server.close();
    this.socket?.end();
  }

  private accept(socket: net.Socket): void {
    if (this.socket || this.closed) { socket.destroy(); return; }
    this.socket = socket;
    this.server.close(); // one relay per session
    socket.setNoDelay(true); // keystrokes and echoes are single bytes
    socket.on('data', (b: Buffer) => this.events.emit('input', b));
    socket.on('error', () => socket.destroy());
    socket.on('close', () => { if (!this.closed) { this.closed = true; this.events.emit('lost', undefined); } });
    for (const b of this.pending) socket.write(b);
    this.pending = [];
  }
}
