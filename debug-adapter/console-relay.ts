// The console relay (dist/consoleRelay.js): the tiny program the client runs in its integrated terminal
// (runInTerminal) to be the guest's serial line. Its own process, so it imports nothing of the emulator.
import * as net from 'node:net';

const ENDED = '\r\n[ringside: session ended]\r\n';

function fail(message: string, code: number): never {
  process.stderr.write(`ringside console relay: ${message}\n`);
  process.exit(code);
}

const port = Number(process.argv[2]);
if (!Number.isInteger(port) || port < 1 || port > 65535) {
  fail('usage: consoleRelay.js PORT, where PORT is the one the Ringside debug adapter listens on (it starts this relay itself)', 2);
}

const stdin = process.stdin;
const socket = net.connect(port, '127.0.0.1');
socket.setNoDelay(true);

// Raw mode, as QEMU's -serial stdio: every key goes to the guest at once and unchanged (Enter is '\r', Ctrl-C is 0x03),
// and the guest echoes. Output post-processing stays on (libuv's raw mode keeps OPOST), so the guest's '\n' starts a
// new line at column 0, as on QEMU's console.
const raw = stdin.isTTY;
if (raw) stdin.setRawMode(true);

socket.on('connect', () => {
  stdin.on('data', (b: Buffer) => socket.write(b));
});
socket.on('data', (b: Buffer) => process.stdout.write(b));
socket.on('error', (e) => fail(`cannot reach the debug adapter on 127.0.0.1:${port}: ${e.message}`, 1));
socket.on('close', () => {
  if (raw) stdin.setRawMode(false);
  process.stdout.write(ENDED, () => process.exit(0));
});
