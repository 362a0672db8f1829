// `npm start`: a real VS Code with this extension loaded and examples/ open. A desktop `code` on PATH is used as is;
// otherwise code-server (installed on first use) serves the workbench, and Chromium opens it when there is a display.
import { spawn, spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { ChromiumError, hasDisplay, launchChromium, type RunningChromium } from './vscode/chromium';
import { CodeServerInstallError, ensureCodeServer } from './vscode/install';
import { CodeServerError, REPO_ROOT, startCodeServer } from './vscode/server';

const USAGE = `usage: npm start [-- --web] [-- --open | --no-open]
  --web       use code-server even when a desktop \`code\` is on PATH
  --open      open the workbench in Chromium (the default when a display exists)
  --no-open   only print the workbench URL`;

interface StartOptions { web: boolean; open: boolean }

function parseArgs(argv: string[]): StartOptions {
  const options: StartOptions = { web: false, open: hasDisplay() };
  for (const arg of argv) {
    if (arg === '--web') options.web = true;
    else if (arg === '--open') options.open = true;
    else if (arg === '--no-open') options.open = false;
    else throw new CodeServerError(`unknown option ${arg}\n${USAGE}`);
  }
  return options;
}

const EXAMPLES = path.join(REPO_ROOT, 'examples');

const desktopCodeOnPath = (): boolean => spawnSync('sh', ['-c', 'command -v code'], { stdio: 'ignore' }).status === 0;

/** The desktop editor runs the extension from source itself; we only wait for it. */
function startDesktop(): void {
  process.stdout.write(`starting: code --extensionDevelopmentPath=${REPO_ROOT} ${EXAMPLES}\n`);
  const child = spawn('code', [`--extensionDevelopmentPath=${REPO_ROOT}`, EXAMPLES], { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
}

async function startWeb(options: StartOptions): Promise<void> {
  await ensureCodeServer();
  const server = await startCodeServer({ workspace: EXAMPLES });
  // Filled in once Chromium is up; the signal handlers must be in place before, or Ctrl-C would orphan the server.
  const session: { browser?: RunningChromium } = {};
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    await session.browser?.close().catch(() => undefined);
    await server.stop();
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  const url = server.workbenchUrl();
  process.stdout.write(`VS Code (code-server) with Ringside loaded: ${url}\nCtrl-C stops it.\n`);
  if (!options.open) return;
  const browser = session.browser = await launchChromium({ headless: false }).catch(async (e: unknown) => {
    await server.stop();
    const first = (e instanceof Error ? e.message : String(e)).split('\n')[0];
    throw new ChromiumError(`Chromium could not open a window (${first}); with no display, use \`npm start -- --no-open\` and open the URL elsewhere`);
  });
  const page = browser.context.pages()[0] ?? await browser.context.newPage();
  // Closing the browser window ends the session, as closing a desktop window would.
  browser.context.on('close', () => void stop(0));
  await page.goto(url);
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  if (!options.web && desktopCodeOnPath()) startDesktop();
  else await startWeb(options);
}

main().catch((e: unknown) => {
  const known = e instanceof CodeServerError || e instanceof CodeServerInstallError || e instanceof ChromiumError;
  process.stderr.write(`${known ? (e as Error).message : String(e)}\n`);
  process.exit(1);
});
