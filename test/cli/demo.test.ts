// `npm run demo` (scripts/demo.mjs) runs the committed traps demo and ends with the statistics.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { CLI, REPO_ROOT } from '../support/toolchain';
import * as fs from 'node:fs';

describe('npm run demo', () => {
  it('runs the traps demo and ends with instructions, traps by cause and privilege changes', () => {
    assert.ok(fs.existsSync(CLI), 'dist/cli.js is missing: run `npm run build` first (npm test does)');
    const r = spawnSync(process.execPath, [path.join(REPO_ROOT, 'scripts', 'demo.mjs')], { cwd: REPO_ROOT, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /Ringside traps demo/);
    assert.match(r.stdout, /ecall from U-mode/);
    assert.match(r.stdout, /Goodbye\.\n/);
    assert.match(r.stderr, /instructions: \d+\n/);
    assert.match(r.stderr, /traps: \d+ \(.*breakpoint: 1.*ecall from U-mode: 3.*\)\n/);
    assert.match(r.stderr, /privilege changes: 12\n/);
    assert.doesNotMatch(r.stderr, /error|^\s+at /m);
  });
});
