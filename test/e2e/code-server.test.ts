// Runs the extension-host suite (test/e2e/suite) inside a real VS Code 1.100 — code-server's web workbench in headless
// Chromium — the way @vscode/test-electron would: extensionTestsPath in the URL's payload, the exit code through
// codeAutomationExit. It fails with the suite's own output when a test in there fails.
import { strict as assert } from 'node:assert';
import { openWorkbench, suiteEntry, type OpenWorkbench } from './harness';

describe('e2e: the extension-host suite in code-server + Chromium', () => {
  let workbench: OpenWorkbench | undefined;

  afterEach(async function () {
    // A hang ends in mocha's timeout, which says nothing of the suite: show what it had printed by then.
    if (this.currentTest?.state === 'failed' && workbench) process.stderr.write(`the suite's output so far:\n${await workbench.console.text()}\n`);
  });

  after(async () => { await workbench?.close(); });

  it('passes', async () => {
    let exited!: (code: number) => void;
    const exitCode = new Promise<number>((resolve) => { exited = resolve; });
    workbench = await openWorkbench({ extensionTestsPath: suiteEntry(), onTestsExit: (code) => exited(code) });
    const code = await exitCode;
    const output = await workbench.console.text();
    assert.equal(code, 0, `the suite failed (exit code ${code}); its output:\n${output}`);
    assert.match(output, /\d+ passing/, `the suite printed no mocha summary; its output:\n${output}`);
  });
});
