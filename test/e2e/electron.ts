// The suite's other launcher (DESIGN.md §6): @vscode/test-electron downloads a desktop VS Code and runs
// test/e2e/suite in it. For machines that can reach VS Code's downloads; this sandbox cannot, so CI uses
// code-server.test.ts instead. Run with `npm run test:e2e:electron` (VSCODE_VERSION picks a version; default 1.100.3).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { REPO_ROOT } from '../../scripts/vscode/server';
import { EXAMPLES, suiteEntry } from './harness';

/** The same VS Code as code-server 4.100.3 bundles, so both launchers test against one workbench. */
const DEFAULT_VERSION = '1.100.3';

async function main(): Promise<void> {
  const userData = fs.mkdtempSync(path.join(os.tmpdir(), 'ringside-vscode-'));
  try {
    await runTests({
      version: process.env.VSCODE_VERSION ?? DEFAULT_VERSION,
      extensionDevelopmentPath: REPO_ROOT,
      extensionTestsPath: suiteEntry(),
      launchArgs: [EXAMPLES, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes',
        `--user-data-dir=${userData}`],
    });
  } finally {
    fs.rmSync(userData, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`the e2e suite failed under @vscode/test-electron: ${e instanceof Error ? e.message : String(e)}\n` +
    'If VS Code could not be downloaded (ENOTFOUND), this machine cannot use this launcher: run test/e2e/code-server.test.ts.\n');
  process.exit(1);
});
