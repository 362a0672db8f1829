// The extension-host entry of the e2e suite: both launchers (code-server + Chromium, and @vscode/test-electron) pass
// dist/e2e-suite/index.js as extensionTestsPath, and VS Code calls run(). Mocha 11, because 12 is ESM-only.
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

/** Runs every *.test.js bundled next to this file; rejects when a test fails, which makes VS Code exit with 1. */
export function run(): Promise<void> {
  // No per-test time limit here: the launcher outside bounds the whole run and prints what the suite had said.
  const mocha = new Mocha({ ui: 'bdd', color: false, reporter: 'spec', timeout: 0 });
  for (const f of fs.readdirSync(__dirname).filter((f) => f.endsWith('.test.js')).sort()) mocha.addFile(path.join(__dirname, f));
  return new Promise((resolve, reject) => {
    mocha.run((failures) => failures === 0 ? resolve() : reject(new Error(`${failures} e2e test(s) failed`)));
  });
}
