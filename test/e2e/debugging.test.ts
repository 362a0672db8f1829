// UI test of debugging in the real workbench (code-server + Chromium), as a user does it: open hello.S, click the
// gutter to set a breakpoint, press F5 with no launch.json, read the Variables view and the Call Stack, step into
// the trap an ecall raises, and watch the status bar's privilege mode change. Screenshots go to test-results/e2e/.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { assemble } from '../../assembler/assemble';
import { preprocessFor } from '../../assembler/sources';
import { EXAMPLES, exampleLine, screenshot, workbenchForSuite } from './harness';
import { SELECTORS as S } from './workbench/selectors';

const HELLO = 'asm/hello.S';
const assembled = assemble({ files: [path.join(EXAMPLES, HELLO)] }, preprocessFor);
const symbol = (name: string): bigint => {
  const s = assembled.symbols.find((x) => x.name === name);
  if (s?.value === undefined) throw new Error(`${HELLO} has no symbol ${name}`);
  return s.value;
};
const lineOf = (needle: string): number => exampleLine(HELLO, needle);

describe('e2e: debugging hello.S in the workbench', () => {
  const suite = workbenchForSuite(HELLO);

  it('stops at a gutter breakpoint in U-mode, shows registers and the call stack, and steps into the trap', async () => {
    const ecall = lineOf('        ecall\n');
    await suite.ui().setBreakpointAtLine(ecall);
    await suite.ui().startDebugging();
    // F5 on a .S with no launch.json stops on entry first, then runs to the breakpoint.
    assert.match(await suite.ui().waitForStopped(), /entry/i);
    assert.deepEqual((await suite.ui().readCallStack())[0], '_start');
    await suite.ui().continue();
    await suite.workbench().page.locator(S.callStackState).filter({ hasText: /breakpoint/i }).first().waitFor();
    await suite.ui().waitForTopFrame('user_main+0xa');
    assert.match(await topFrameRow(), new RegExp(`hello\\.S\\s*${ecall}:1`), 'the frame is on the breakpoint\'s line');
    // The Registers scope shows the stopped pc (the view refreshes after the stop; wait for it, never for a clock).
    const pc = `0x${(symbol('user_main') + 0xan).toString(16)}`;
    const variables = await suite.ui().waitForVariable('pc', pc);
    assert.equal(variables.find((v) => v.name === 'pc')?.value, pc, `Variables view: ${JSON.stringify(variables.slice(0, 8))}`);
    assert.notEqual(variables.find((v) => v.name === 'sp')?.value, '0x0', 'sp was set up by _start');
    assert.match(await privilegeStatus(), /U-mode/);
    await screenshot(suite.workbench().page, 'hello-S-stopped-in-U-mode');

    await suite.ui().stepInto();
    await suite.ui().waitForTopFrame('trap_handler');
    assert.match(await topFrameRow(), new RegExp(`hello\\.S\\s*${lineOf('        csrr    t0, mcause')}:1`));
    assert.match(await privilegeStatus(), /M-mode/);
    const shot = await screenshot(suite.workbench().page, 'hello-S-stepped-into-trap');
    assert.ok(fs.statSync(shot).size > 0);
    await suite.ui().stopDebugging();
  });

  /** The Call Stack's top row as text: the frame's name, file and line:column. */
  async function topFrameRow(): Promise<string> {
    return suite.workbench().page.locator(S.callStackRow).first().innerText();
  }

  /** The status-bar item that shows the stopped hart's privilege mode. */
  async function privilegeStatus(): Promise<string> {
    const item = suite.workbench().page.locator('.statusbar-item').filter({ hasText: /-mode · ring/ }).first();
    await item.waitFor();
    return item.innerText();
  }
});
