// UI test of the real workbench (code-server's VS Code 1.100 in headless Chromium), driven as a user would: open
// examples/asm/hello.S, see it coloured by our grammar, hover an instruction. Screenshots go to test-results/e2e/.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { instructions } from '../../emulator/isa/instructions';
import { popekGoldberg } from '../../language-server/hover';
import { SCOPE_NAME } from '../../syntaxes/generate-grammar';
import { EXAMPLES, openWorkbench, screenshot, type OpenWorkbench } from './harness';
import { WorkbenchDriver } from './workbench/driver';

const HELLO = 'asm/hello.S';
const helloText = fs.readFileSync(path.join(EXAMPLES, HELLO), 'utf8');

/** The 1-based line of the first occurrence of `needle` in hello.S. */
function lineOf(needle: string): number {
  const at = helloText.indexOf(needle);
  if (at < 0) throw new Error(`"${needle}" is not in ${HELLO}`);
  return helloText.slice(0, at).split('\n').length;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe('e2e: the workbench in code-server + Chromium', () => {
  let workbench: OpenWorkbench;
  let ui: WorkbenchDriver;

  before(async () => {
    workbench = await openWorkbench();
    ui = new WorkbenchDriver(workbench.page);
    await ui.ready();
    await ui.openFile(HELLO);
  });

  afterEach(async function () {
    const test = this.currentTest;
    if (test?.state !== 'failed' || !workbench) return;
    const shot = await screenshot(workbench.page, `failed-${test.title.replace(/\W+/g, '-')}`);
    process.stderr.write(`screenshot: ${shot}\nthe page's console:\n${await workbench.console.text()}\n`);
  });

  after(async () => { await workbench?.close(); });

  it('colours hello.S with the riscv-asm grammar and the theme', async () => {
    const mret = lineOf('        mret\n');
    const comment = lineOf('# mret to user_main');
    const instruction = await ui.inspectToken(mret, 9);
    const remark = await ui.inspectToken(comment, 12);
    for (const t of [instruction, remark]) {
      assert.equal(t.scopes.at(-1), SCOPE_NAME, `scopes: ${t.scopes.join(' ')}`);
      assert.match(t.scopes[0], /\.riscv-asm$/, `scopes: ${t.scopes.join(' ')}`);
    }
    assert.match(instruction.scopes[0], /^keyword\./);
    assert.match(remark.scopes[0], /^comment\./);
    assert.equal(await ui.tokenColour(await ui.token(mret, 'mret')), instruction.foreground, 'the editor paints mret in its scope\'s colour');
    assert.equal(await ui.tokenColour(await ui.token(comment, 'user_main in U-mode')), remark.foreground);
    assert.notEqual(instruction.foreground, remark.foreground, 'instructions and comments are told apart');
  });

  it('hovers mret with its Popek–Goldberg class from the instruction table', async () => {
    const mret = instructions.find((r) => r.name === 'mret')!;
    const text = await ui.hover(await ui.token(lineOf('        mret\n'), 'mret'));
    assert.ok(text.includes(popekGoldberg(mret)), `the hover said:\n${text}`);
    const shot = await screenshot(workbench.page, 'hello-S-hover');
    assert.deepEqual(fs.readFileSync(shot).subarray(0, 8), PNG_SIGNATURE);
  });
});
