// A C program under the debug adapter: gcc -g's line tables place a breakpoint in a .c file, the call stack is unwound
// through gcc's CFI to main, each frame on its source line, and a caller frame's registers are GDB's for that frame.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { ABI_NAMES } from '../../emulator/isa/disasm';
import { parseMemoryReference } from '../../debug-adapter/memory';
import { LINK_SCRIPT, RUNTIME_DIR, RUNTIME_SOURCES, buildC, tempDir } from '../support/toolchain';
import { gdbFrameRegisters, type GdbRegister } from '../support/gdb';
import { NO_LIMIT, repl, startAdapter, until, variablesOf } from './session';

const PROGRAM = path.resolve(__dirname, '../adapter-support/programs/unwind');
const CHAIN = path.join(PROGRAM, 'lib/chain.c');
const LEAF_LINE = fs.readFileSync(CHAIN, 'utf8').split('\n').findIndex((l) => l.includes('long leaf(long x)')) + 2;
/** The psABI's caller-saved registers: any call may change them, so no caller frame can know them. */
const CALLER_SAVED = ['t0', 't1', 't2', 'a0', 'a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7', 't3', 't4', 't5', 't6'];

describe('debug adapter: a C program built with gcc -g', () => {
  let dc: DebugClient;
  let elf: string;
  before(() => {
    elf = path.join(tempDir('adapter-c'), 'chain.elf');
    buildC([path.join(PROGRAM, 'main.c'), CHAIN], elf, { runtime: false, flags: [`-I${RUNTIME_DIR}`, `-I${PROGRAM}`, '-T', LINK_SCRIPT, ...RUNTIME_SOURCES, '-g', '-O0'] });
  });
  beforeEach(async () => { dc = await startAdapter(); });
  afterEach(async () => { await dc.stop(); });

  /** Launches, runs to the line in leaf and returns the call stack there. */
  async function stopInLeaf(): Promise<{ frames: DebugProtocol.StackFrame[]; line: number | undefined }> {
    const stopped = dc.waitForEvent('stopped', NO_LIMIT);
    await Promise.all([dc.configurationSequence(), dc.launch({ program: elf, stopOnEntry: true })]);
    await stopped;
    const set = await dc.setBreakpointsRequest({ source: { path: CHAIN }, breakpoints: [{ line: LEAF_LINE }] });
    assert.equal(set.body.breakpoints[0].verified, true, set.body.breakpoints[0].message);
    const e = await until(dc, dc.continueRequest({ threadId: 1 }));
    assert.equal(e.body.reason, 'breakpoint');
    return { frames: (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames, line: set.body.breakpoints[0].line };
  }

  it('stops at a line of chain.c and shows leaf ← recurse ×4 ← level2 ← level1 ← main with their source lines', async () => {
    const { frames, line } = await stopInLeaf();
    const names = frames.map((f) => f.name.replace(/\+0x[0-9a-f]+$/, ''));
    assert.deepEqual(names.slice(0, 8), ['leaf', 'recurse', 'recurse', 'recurse', 'recurse', 'level2', 'level1', 'main']);
    assert.equal(frames[0].source?.path, CHAIN);
    assert.equal(frames[0].line, line);
    assert.equal(path.basename(frames[7].source?.path ?? ''), 'main.c');
    assert.ok(BigInt(await repl(dc, 'sp')) > 0n);
  });

  it('shows a caller frame\'s registers as GDB does for that frame, and <not saved> for those no frame kept', async () => {
    const { frames } = await stopInLeaf();
    const gdb = gdbFrameRegisters(elf, `chain.c:${LEAF_LINE}`, frames.slice(0, 8).map((_, i) => i));
    const address = (ref: string | undefined): bigint => parseMemoryReference(ref ?? '').address;
    assert.equal(address(frames[0].instructionPointerReference), gdb.get(0)?.get('pc'), 'stopped where GDB stopped');

    for (let depth = 1; depth < 8; depth++) {
      const f = frames[depth], expected = gdb.get(depth)!;
      const scopes = (await dc.scopesRequest({ frameId: f.id })).body.scopes.map((s) => s.name);
      assert.deepEqual(scopes.slice(0, 3), [`Registers (frame ${depth})`, 'Privilege', 'CSRs']);
      const regs = new Map((await variablesOf(dc, f.id, `Registers (frame ${depth})`)).map((v) => [v.name, v.value]));
      assert.equal(BigInt(regs.get('pc')!), address(f.instructionPointerReference), `frame ${depth}: pc is the frame's`);
      const shown: Record<string, GdbRegister | string> = {}, gdbSays: Record<string, GdbRegister | string> = {};
      for (const name of ['pc', ...ABI_NAMES.slice(1)]) {
        const ours = regs.get(name)!;
        if (CALLER_SAVED.includes(name)) {
          assert.equal(ours, '<not saved>', `frame ${depth}: ${name}`);
          continue;
        }
        shown[name] = BigInt(ours);
        gdbSays[name] = expected.get(name)!;
      }
      assert.deepEqual(shown, gdbSays, `frame ${depth}: every register we claim to know is GDB's`);
    }

    const two = frames[2];
    const sp2 = gdb.get(2)!.get('sp');
    assert.equal(BigInt(await repl(dc, 'sp', two.id)), sp2, 'sp evaluated in frame 2');
    const hover = await dc.evaluateRequest({ expression: 'sp', context: 'hover', frameId: two.id });
    assert.equal(BigInt(hover.body.result), sp2);
    assert.notEqual(BigInt(await repl(dc, 'sp', frames[0].id)), sp2, 'frame 0 has its own sp');
    assert.equal(BigInt(await repl(dc, '*(u64*)(sp - 8)', two.id)), gdb.get(2)!.get('ra'), 'frame 1 saved its return address, frame 2\'s ra, just below frame 2\'s sp');
    const a0 = await dc.evaluateRequest({ expression: 'a0 + 1', context: 'hover', frameId: two.id }).catch((e: Error) => e);
    assert.ok(a0 instanceof Error);
    assert.match(a0.message, /a0 is <not saved> in frame 2: the callee may have changed it and saved it nowhere; select frame 0/);

    const scope = (await dc.scopesRequest({ frameId: two.id })).body.scopes[0];
    const set = await dc.setVariableRequest({ variablesReference: scope.variablesReference, name: 's1', value: '1' }).catch((e: Error) => e);
    assert.ok(set instanceof Error);
    assert.match(set.message, /cannot set s1 in frame 2: a caller's registers are what the unwinder recovered, not the hart's; select frame 0/);
    const live = (await dc.scopesRequest({ frameId: frames[0].id })).body.scopes[0];
    assert.equal(live.name, 'Registers');
    assert.equal((await dc.setVariableRequest({ variablesReference: live.variablesReference, name: 's1', value: '5' })).body.value, '0x5');
  });
});
