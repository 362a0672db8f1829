// A C program under the debug adapter: gcc -g's line tables place a breakpoint in a .c file, and the call stack is
// unwound through gcc's CFI to main, each frame on its source line (the same program the unwinder checks against GDB).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import { LINK_SCRIPT, RUNTIME_DIR, RUNTIME_SOURCES, buildC, tempDir } from '../support/toolchain';
import { NO_LIMIT, repl, startAdapter, until } from './session';

const PROGRAM = path.resolve(__dirname, '../adapter-support/programs/unwind');
const CHAIN = path.join(PROGRAM, 'lib/chain.c');

describe('debug adapter: a C program built with gcc -g', () => {
  let dc: DebugClient;
  let elf: string;
  before(() => {
    elf = path.join(tempDir('adapter-c'), 'chain.elf');
    buildC([path.join(PROGRAM, 'main.c'), CHAIN], elf, { runtime: false, flags: [`-I${RUNTIME_DIR}`, `-I${PROGRAM}`, '-T', LINK_SCRIPT, ...RUNTIME_SOURCES, '-g', '-O0'] });
  });
  beforeEach(async () => { dc = await startAdapter(); });
  afterEach(async () => { await dc.stop(); });

  it('stops at a line of chain.c and shows leaf ← recurse ×4 ← level2 ← level1 ← main with their source lines', async () => {
    const leafLine = fs.readFileSync(CHAIN, 'utf8').split('\n').findIndex((l) => l.includes('long leaf(long x)')) + 2;
    const stopped = dc.waitForEvent('stopped', NO_LIMIT);
    await Promise.all([dc.configurationSequence(), dc.launch({ program: elf, stopOnEntry: true })]);
    await stopped;
    const set = await dc.setBreakpointsRequest({ source: { path: CHAIN }, breakpoints: [{ line: leafLine }] });
    assert.equal(set.body.breakpoints[0].verified, true, set.body.breakpoints[0].message);
    const e = await until(dc, dc.continueRequest({ threadId: 1 }));
    assert.equal(e.body.reason, 'breakpoint');
    const frames = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames;
    const names = frames.map((f) => f.name.replace(/\+0x[0-9a-f]+$/, ''));
    assert.deepEqual(names.slice(0, 8), ['leaf', 'recurse', 'recurse', 'recurse', 'recurse', 'level2', 'level1', 'main']);
    assert.equal(frames[0].source?.path, CHAIN);
    assert.equal(frames[0].line, set.body.breakpoints[0].line);
    assert.equal(path.basename(frames[7].source?.path ?? ''), 'main.c');
    assert.ok(BigInt(await repl(dc, 'sp')) > 0n);
  });
});
