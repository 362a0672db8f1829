// UI test of the real workbench (code-server's VS Code 1.100 in headless Chromium), driven as a user would: open
// examples/asm/hello.S, see it coloured by our grammar, hover an instruction. Screenshots go to test-results/e2e/.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import { instructions } from '../../emulator/isa/instructions';
import { popekGoldberg } from '../../language-server/hover';
import { SCOPE_NAME } from '../../syntaxes/generate-grammar';
import { exampleLine, screenshot, workbenchForSuite } from './harness';

const HELLO = 'asm/hello.S';
const lineOf = (needle: string): number => exampleLine(HELLO, needle);

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe('e2e: the workbench in code-server + Chromium', () => {
  const suite = workbenchForSuite(HELLO);

  it('colours hello.S with the riscv-asm grammar and the theme', async () => {
    const mret = lineOf('        mret\n');
    const comment = lineOf('# mret to user_main');
    const instruction = await suite.ui().inspectToken(mret, 9);
    const remark = await suite.ui().inspectToken(comment, 12);
    for (const t of [instruction, remark]) {
      assert.equal(t.scopes.at(-1), SCOPE_NAME, `scopes: ${t.scopes.join(' ')}`);
      assert.match(t.scopes[0], /\.riscv-asm$/, `scopes: ${t.scopes.join(' ')}`);
    }
    assert.match(instruction.scopes[0], /^keyword\./);
    assert.match(remark.scopes[0], /^comment\./);
    assert.equal(await suite.ui().tokenColour(await suite.ui().token(mret, 'mret')), instruction.foreground, 'the editor paints mret in its scope\'s colour');
    assert.equal(await suite.ui().tokenColour(await suite.ui().token(comment, 'user_main in U-mode')), remark.foreground);
    assert.notEqual(instruction.foreground, remark.foreground, 'instructions and comments are told apart');
  });

  it('hovers mret with its Popek–Goldberg class from the instruction table', async () => {
    const mret = instructions.find((r) => r.name === 'mret')!;
    const text = await suite.ui().hover(await suite.ui().token(lineOf('        mret\n'), 'mret'));
    assert.ok(text.includes(popekGoldberg(mret)), `the hover said:\n${text}`);
    const shot = await screenshot(suite.workbench().page, 'hello-S-hover');
    assert.deepEqual(fs.readFileSync(shot).subarray(0, 8), PNG_SIGNATURE);
  });
});
