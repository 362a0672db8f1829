// DAP breakpoints beyond source lines, over the built adapter: functions, instructions from the disassembly,
// conditions, hit counts, logpoints, the privilege-change filter and conditions on trap filters, and restart.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { launchStopped, lineOf, NO_LIMIT, PROGRAMS, repl, startAdapter, topFrame, until } from './session';

const KERNEL = path.join(PROGRAMS, 'kernel.S');
const line = (text: string): number => lineOf('kernel.S', text);

describe('debug adapter: breakpoints of every kind', () => {
  let dc: DebugClient;
  beforeEach(async () => { dc = await startAdapter(); await launchStopped(dc, 'kernel.S'); });
  afterEach(async () => { await dc.stop(); });

  it('a function breakpoint stops at the function, and an unknown name is refused with the reason', async () => {
    const r = await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'bump' }, { name: 'nosuch' }] });
    assert.equal(r.body.breakpoints[0].verified, true);
    assert.equal(r.body.breakpoints[1].verified, false);
    assert.match(r.body.breakpoints[1].message ?? '', /no function named 'nosuch'/);
    const e = await until(dc, dc.continueRequest({ threadId: 1 }));
    assert.equal(e.body.reason, 'function breakpoint');
    assert.equal((await topFrame(dc)).name, 'bump');
  });

  it('disassembles around the pc with symbols and lines, and an instruction breakpoint from it stops there', async () => {
    const pc = (await topFrame(dc)).instructionPointerReference!;
    const d = await dc.disassembleRequest({ memoryReference: pc, instructionOffset: 0, instructionCount: 40, resolveSymbols: true });
    const list = d.body!.instructions;
    assert.equal(list.length, 40);
    assert.equal(list[0].symbol, '_start');
    assert.equal(list[0].line, line('li t0, -1'));
    const mret = list.find((i) => i.instruction === 'mret');
    assert.ok(mret, list.map((i) => i.instruction).join('\n'));
    const r = await dc.customRequest('setInstructionBreakpoints', { breakpoints: [{ instructionReference: mret.address }] }) as DebugProtocol.SetInstructionBreakpointsResponse;
    assert.equal(r.body.breakpoints[0].verified, true);
    const e = await until(dc, dc.continueRequest({ threadId: 1 }));
    assert.equal(e.body.reason, 'instruction breakpoint');
    assert.equal(BigInt(await repl(dc, 'pc')), BigInt(mret.address));
    const back = await dc.disassembleRequest({ memoryReference: mret.address, instructionOffset: -3, instructionCount: 4 });
    assert.equal(back.body!.instructions[3].address, mret.address, 'three instructions before, then mret');
  });

  it('conditions, hit counts and logpoints decide whether a reached breakpoint stops', async () => {
    const bump = line('addi t1, t1, 1');
    const logged: string[] = [];
    dc.on('output', (e: DebugProtocol.OutputEvent) => { if (e.body.category === 'console') logged.push(e.body.output); });
    await dc.setBreakpointsRequest({
      source: { path: KERNEL }, breakpoints: [
        { line: bump, condition: 't1 == 44' },
        { line: line('ld t1, 0(t0)                    /* load page fault'), hitCondition: '1' },
        { line: line('sd ra, 8(sp)'), logMessage: 'bump called with counter at {*(u64*)counter}' },
      ],
    });
    const e = await until(dc, dc.continueRequest({ threadId: 1 }));
    assert.equal(e.body.reason, 'breakpoint');
    assert.equal((await topFrame(dc)).line, bump);
    assert.equal(await repl(dc, 't1'), '0x2c', 'the first bump (t1 = 43) did not stop; the second did');
    assert.ok(logged.some((l) => l.includes('bump called with counter at 0x2b')), logged.join(''));
    await until(dc, dc.continueRequest({ threadId: 1 }));
    assert.equal((await topFrame(dc)).line, line('ld t1, 0(t0)                    /* load page fault'));
  });

  it('the privilege-change filter stops after each change of mode, and a trap filter\'s condition selects traps', async () => {
    await dc.setExceptionBreakpointsRequest({ filters: ['privilege'] });
    let e = await until(dc, dc.continueRequest({ threadId: 1 }));
    assert.equal(e.body.description, 'privilege change: M-mode → S-mode');
    assert.equal((await topFrame(dc)).name, 's_main');
    e = await until(dc, dc.continueRequest({ threadId: 1 }));
    assert.equal(e.body.description, 'privilege change: S-mode → U-mode');
    await dc.setExceptionBreakpointsRequest({ filters: [], filterOptions: [{ filterId: 'any', condition: 'cause == 8 && a7 == 2' }] });
    e = await until(dc, dc.continueRequest({ threadId: 1 }));
    assert.match(e.body.description ?? '', /^ecall from U-mode at 0x[0-9a-f]+ \(stval=0x0\) — will trap to S-mode at stvec=0x/);
    assert.equal(await repl(dc, 'a7'), '0x2', 'the first ecall (a7 = 1) was not held');
  });

  it('restart reloads the program and keeps the breakpoints', async () => {
    await dc.setBreakpointsRequest({ source: { path: KERNEL }, breakpoints: [{ line: line('system call 1') }] });
    await until(dc, dc.continueRequest({ threadId: 1 }));
    const stopped = dc.waitForEvent('stopped', NO_LIMIT);
    await dc.restartRequest({});
    assert.equal(((await stopped) as DebugProtocol.StoppedEvent).body.reason, 'entry');
    assert.equal((await topFrame(dc)).name, '_start');
    const e = await until(dc, dc.continueRequest({ threadId: 1 }));
    assert.equal(e.body.reason, 'breakpoint');
    assert.equal((await topFrame(dc)).line, line('system call 1'));
  });
});
