// The debug adapter end to end over DAP (the built dist/debugAdapter.js under DebugClient): stepping across an
// ecall into an S-mode handler and back, trap filters, data breakpoints, memory, the console, pause and exit.
import assert from 'node:assert/strict';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import * as path from 'node:path';
import { launchStopped, lineOf, NO_LIMIT, PROGRAMS, repl, startAdapter, topFrame, until, variablesOf } from './session';

const KERNEL = path.join(PROGRAMS, 'kernel.S');
const line = (text: string): number => lineOf('kernel.S', text);

describe('debug adapter: a kernel with a U-mode task', () => {
  let dc: DebugClient;
  beforeEach(async () => { dc = await startAdapter(); });
  afterEach(async () => { await dc.stop(); });

  it('stops on entry at _start in M-mode, with one thread per hart', async () => {
    const e = await launchStopped(dc, 'kernel.S');
    assert.equal(e.body.reason, 'entry');
    const threads = (await dc.threadsRequest()).body.threads;
    assert.deepEqual(threads.map((t) => t.name), ['hart 0']);
    const f = await topFrame(dc);
    assert.equal(f.name, '_start');
    assert.equal(f.line, line('li t0, -1'));
    assert.equal(f.source?.path, KERNEL);
    const priv = await variablesOf(dc, f.id, 'Privilege');
    assert.match(priv[0].value, /^M \(machine, ring -1\)/);
  });

  it('steps from U-mode across ecall into the S-mode handler, and steps out back to the task', async () => {
    await launchStopped(dc, 'kernel.S');
    const ecall = line('system call 1');
    const set = await dc.setBreakpointsRequest({ source: { path: KERNEL }, breakpoints: [{ line: ecall }] });
    assert.equal(set.body.breakpoints[0].verified, true);
    let e = await until(dc, dc.continueRequest({ threadId: 1 }));
    assert.equal(e.body.reason, 'breakpoint');
    assert.equal((await topFrame(dc)).line, ecall);
    assert.match((await variablesOf(dc, (await topFrame(dc)).id, 'Privilege'))[0].value, /^U \(user, ring 3\)/);

    e = await until(dc, dc.stepInRequest({ threadId: 1 }));
    assert.equal(e.body.reason, 'step');
    let f = await topFrame(dc);
    assert.equal(f.line, line('csrr t0, scause'), 'in the handler');
    assert.match((await variablesOf(dc, f.id, 'Privilege'))[0].value, /^S \(supervisor, ring 0\)/);
    assert.equal(await repl(dc, 'scause'), '0x8');

    e = await until(dc, dc.stepOutRequest({ threadId: 1 }));
    assert.match(e.body.description ?? '', /sret/);
    f = await topFrame(dc);
    assert.equal(f.line, line('addi a1, a0, 1'), 'back after the ecall');
    assert.equal(await repl(dc, 'a0'), '0x2a', 'the system call doubled a0');
  });

  it('steps over a call by line, and out of a function to its caller', async () => {
    await launchStopped(dc, 'kernel.S');
    await dc.setBreakpointsRequest({ source: { path: KERNEL }, breakpoints: [{ line: line('call bump') }] });
    await until(dc, dc.continueRequest({ threadId: 1 }));
    assert.equal((await topFrame(dc)).line, line('call bump'));
    await until(dc, dc.nextRequest({ threadId: 1 }));
    assert.equal((await topFrame(dc)).line, line('call bump') + 1, 'over the first call');
    assert.equal(await repl(dc, '*(u64*)counter'), '0x2c');
    await until(dc, dc.stepInRequest({ threadId: 1 }));
    const frames = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames;
    assert.equal(frames[0].name, 'bump');
    assert.equal(frames[1].name, 'phase2+0x18', 'the caller (the second call), from ra');
    await until(dc, dc.stepOutRequest({ threadId: 1 }));
    assert.equal((await topFrame(dc)).line, line('la t0, root'));
    assert.equal(await repl(dc, '*(u64*)counter'), '0x2d');
  });

  it('a page-fault filter stops at the faulting load, before the trap, and says where it will go', async () => {
    await launchStopped(dc, 'kernel.S');
    await dc.setExceptionBreakpointsRequest({ filters: ['page-fault'] });
    const e = await until(dc, dc.continueRequest({ threadId: 1 }));
    assert.equal(e.body.reason, 'exception');
    const f = await topFrame(dc);
    assert.equal(f.line, line('ld t1, 0(t0)                    /* load page fault'));
    const pc = BigInt(await repl(dc, 'pc'));
    const stvec = BigInt(await repl(dc, 'stvec'));
    assert.equal(e.body.description, `load page fault at 0x${pc.toString(16)} (stval=0x40000000) — will trap to S-mode at stvec=0x${stvec.toString(16)}`);
    assert.equal(await repl(dc, 'scause'), '0x8', 'the trap has not been taken yet');
    const info = await dc.exceptionInfoRequest({ threadId: 1 });
    assert.equal(info.body.exceptionId, 'page-fault');
    await until(dc, dc.stepInRequest({ threadId: 1 }));
    assert.equal((await topFrame(dc)).line, line('csrr t0, scause'), 'stepping takes the trap');
    assert.equal(await repl(dc, 'scause'), '0xd');
  });

  it('a data breakpoint on a variable stops right after the store that writes it', async () => {
    await launchStopped(dc, 'kernel.S');
    const info = await dc.dataBreakpointInfoRequest({ name: 'counter' });
    assert.ok(info.body.dataId, info.body.description);
    const set = await dc.setDataBreakpointsRequest({ breakpoints: [{ dataId: info.body.dataId, accessType: 'write' }] });
    assert.equal(set.body.breakpoints[0].verified, true);
    const e = await until(dc, dc.continueRequest({ threadId: 1 }));
    assert.equal(e.body.reason, 'data breakpoint');
    assert.equal((await topFrame(dc)).line, line('counter = 43') + 1);
    assert.equal(await repl(dc, '*(u64*)counter'), '0x2b');
  });

  it('reads unmapped virtual memory as unreadable bytes, and mapped memory through the page tables', async () => {
    await launchStopped(dc, 'kernel.S');
    await dc.setBreakpointsRequest({ source: { path: KERNEL }, breakpoints: [{ line: line('li t0, 0x40000000') }] });
    await until(dc, dc.continueRequest({ threadId: 1 }));
    const unmapped = await dc.customRequest('readMemory', { memoryReference: 'v:0x40000000', count: 16 }) as DebugProtocol.ReadMemoryResponse;
    assert.equal(unmapped.body?.unreadableBytes, 16);
    assert.equal(unmapped.body?.data ?? '', '');
    const counter = BigInt(await repl(dc, 'counter'));
    const mapped = await dc.customRequest('readMemory', { memoryReference: `v:0x${counter.toString(16)}`, count: 8 }) as DebugProtocol.ReadMemoryResponse;
    assert.equal(Buffer.from(mapped.body!.data!, 'base64').readBigUInt64LE(0), 45n);
    const walk = await repl(dc, 'translate 0x40000000');
    assert.match(walk, /load page fault/);
    assert.match(await repl(dc, 'info tlb'), /0x/);
    assert.match(await repl(dc, 'x/2i $pc'), /lui|li/);
  });

  it('edits a register and a CSR field through setVariable', async () => {
    await launchStopped(dc, 'kernel.S');
    const f = await topFrame(dc);
    const scopes = (await dc.scopesRequest({ frameId: f.id })).body.scopes;
    const regs = scopes.find((s) => s.name === 'Registers')!;
    const r = await dc.setVariableRequest({ variablesReference: regs.variablesReference, name: 'a0', value: '0x1234' });
    assert.equal(r.body.value, '0x1234');
    assert.equal(await repl(dc, 'a0'), '0x1234');
  });

  it('sends the guest\'s UART output to the Debug Console', async () => {
    await dc.stop();
    dc = await startAdapter();
    const hello = path.resolve(PROGRAMS, '../../../examples/asm/hello.S');
    const out: string[] = [];
    dc.on('output', (e: DebugProtocol.OutputEvent) => { if (e.body.category === 'stdout') out.push(e.body.output); });
    const exited = dc.waitForEvent('exited', NO_LIMIT);
    await Promise.all([dc.configurationSequence(), dc.launch({ program: hello, stopOnEntry: false })]);
    assert.equal(((await exited) as DebugProtocol.ExitedEvent).body.exitCode, 0);
    assert.equal(out.join(''), 'Hello from M-mode!\nHello from U-mode, through an ecall!\n');
  });

  it('runs to the end and reports the exit code', async () => {
    await launchStopped(dc, 'kernel.S');
    const exited = dc.waitForEvent('exited', NO_LIMIT);
    await dc.continueRequest({ threadId: 1 });
    assert.equal(((await exited) as DebugProtocol.ExitedEvent).body.exitCode, 0);
  });
});

describe('debug adapter: pause and bad input', () => {
  let dc: DebugClient;
  beforeEach(async () => { dc = await startAdapter(); });
  afterEach(async () => { await dc.stop(); });

  it('pauses a guest spinning at full speed', async () => {
    await launchStopped(dc, 'spin.S');
    await dc.continueRequest({ threadId: 1 });
    await new Promise((r) => setTimeout(r, 200));
    const e = await until(dc, dc.pauseRequest({ threadId: 1 }));
    assert.equal(e.body.reason, 'pause');
    assert.ok(BigInt(await repl(dc, 'a0')) > 1000n, 'the guest ran');
    assert.equal((await topFrame(dc)).name.startsWith('spin'), true);
  });

  it('answers malformed, out-of-order and unknown requests with errors, and keeps serving', async () => {
    const early = await dc.customRequest('stackTrace', { threadId: 1 }).catch((e: Error) => e);
    assert.ok(early instanceof Error);
    assert.match(early.message, /needs a running program: send 'launch' first/);
    const unknown = await dc.customRequest('frobnicate', {}).catch((e: Error) => e);
    assert.ok(unknown instanceof Error);
    const bad = await dc.launch({ program: path.join(PROGRAMS, 'missing.S'), cwd: PROGRAMS }).catch((e: Error) => e);
    assert.ok(bad instanceof Error);
    assert.match(bad.message, /program/);
    await launchStopped(dc, 'kernel.S');
    for (const [command, args] of [
      ['stackTrace', { threadId: 99 }], ['stackTrace', 'not an object'], ['variables', { variablesReference: 12345 }],
      ['readMemory', { memoryReference: 'nonsense', count: 4 }], ['evaluate', { expression: '1 +', context: 'repl' }],
      ['setBreakpoints', {}], ['disassemble', { memoryReference: 'v:0x80000000', instructionCount: -1 }],
    ] as const) {
      const r = await dc.customRequest(command, args).catch((e: Error) => e);
      assert.ok(r instanceof Error, `${command} fails`);
      assert.doesNotMatch(r.message, /\bat .*\.js:\d+/, 'no stack trace');
    }
    assert.equal((await topFrame(dc)).name, '_start', 'still serving');
  });
});
