// The promise a new user meets first: examples/asm/hello.S assembles with `ringside asm` (to the same
// image GNU as and ld make of it) and runs with `ringside run`, printing from M-mode and from U-mode.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { REPO_ROOT, runCli, tempDir } from '../support/toolchain';
import { buildGnu, buildOurs, compareImages } from '../asm/harness';

const HELLO = path.join(REPO_ROOT, 'examples', 'asm', 'hello.S');

describe('examples/asm/hello.S', () => {
  const dir = tempDir('ringside-asm-example-');
  const elf = path.join(dir, 'hello.elf');

  it('assembles with ringside asm into the image GNU as + ld make of it', () => {
    const ours = buildOurs([HELLO], elf);
    assert.equal(ours.exitCode, 0, ours.stderr);
    const gnu = buildGnu([HELLO], path.join(dir, 'gnu'));
    assert.ok(gnu.elf, gnu.log);
    assert.deepEqual(compareImages(gnu.elf, elf), []);
  });

  it('runs with ringside run: both lines, then exit code 0 through the test finisher', () => {
    const r = runCli(['run', '--max-instructions', '100000', elf]);
    assert.equal(r.exitCode, 0, r.stderr);
    assert.equal(r.stdout, 'Hello from M-mode!\nHello from U-mode, through an ecall!\n');
  });
});
