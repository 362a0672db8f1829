// The e2e tests' fixture: code-server with examples/ open and this repository loaded as the development extension,
// in headless Chromium, with the page's console collected. Both the suite launcher and the UI tests start from here.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ConsoleMessage, Page } from 'playwright-core';
import { isNoise, launchChromium, type RunningChromium } from '../../scripts/vscode/chromium';
import { REPO_ROOT, startCodeServer, type RunningCodeServer, type WorkbenchLaunch } from '../../scripts/vscode/server';

import { WorkbenchDriver } from './workbench/driver';

export const EXAMPLES = path.join(REPO_ROOT, 'examples');
/** The 1-based line of the first occurrence of `needle` in an example file (path relative to examples/). */
export function exampleLine(file: string, needle: string): number {
  const text = fs.readFileSync(path.join(EXAMPLES, file), 'utf8');
  const at = text.indexOf(needle);
  if (at < 0) throw new Error(`"${needle}" is not in ${file}`);
  return text.slice(0, at).split('\n').length;
}

/** Screenshots and logs of the e2e tests (gitignored). */
export const RESULTS_DIR = path.join(REPO_ROOT, 'test-results', 'e2e');

/** The built extension-host suite; fails with the build command when it is missing. */
export function suiteEntry(): string {
  const entry = path.join(REPO_ROOT, 'dist', 'e2e-suite', 'index.js');
  if (!fs.existsSync(entry)) throw new Error(`${entry} is missing: run \`npm run build\` first (\`npm test\` does)`);
  return entry;
}

export interface OpenWorkbench {
  readonly server: RunningCodeServer;
  readonly browser: RunningChromium;
  readonly page: Page;
  /** The page's console, which carries the extension host's output too. */
  readonly console: ConsoleLog;
  /** Stops the browser and the server; idempotent. */
  close(): Promise<void>;
}

export interface WorkbenchOptions extends WorkbenchLaunch {
  /** User settings over the server's quiet defaults. */
  settings?: Record<string, unknown>;
  /** Called with the exit code when the extension tests end (the workbench calls window.codeAutomationExit). */
  onTestsExit?: (code: number) => void;
}

/** Starts code-server and Chromium and opens the workbench; the caller awaits what it needs on the page. */
export async function openWorkbench(options: WorkbenchOptions = {}): Promise<OpenWorkbench> {
  const server = await startCodeServer({ workspace: EXAMPLES, settings: options.settings });
  let browser: RunningChromium | undefined;
  const close = async () => {
    await browser?.close();
    await server.stop();
  };
  try {
    browser = await launchChromium({ headless: true });
    const page = browser.context.pages()[0] ?? await browser.context.newPage();
    const log = new ConsoleLog();
    page.on('console', (m: ConsoleMessage) => log.add(m));
    page.on('pageerror', (e) => log.addError(e));
    const onExit = options.onTestsExit;
    if (onExit) await page.exposeFunction('codeAutomationExit', (code: number) => onExit(code));
    await page.goto(server.workbenchUrl(options));
    return { server, browser, page, console: log, close };
  } catch (e) {
    await close();
    throw e;
  }
}

/**
 * The page's console as the browser's devtools would show it: the workbench and mocha's spec reporter log
 * printf-style (`%s`, `%d`, `%c` for CSS), which ConsoleMessage.text() leaves unformatted. Each message takes its
 * slot at once, so the order stays the page's while its arguments are fetched.
 */
export class ConsoleLog {
  private readonly lines: string[] = [];
  private readonly pending = new Set<Promise<void>>();

  add(m: ConsoleMessage): void {
    const slot = this.lines.push('') - 1;
    const done: Promise<void> = Promise.all(m.args().map((a) => a.jsonValue().catch(() => '?')))
      .then((args: unknown[]) => formatConsole(args), () => m.text())
      .then((text) => { this.lines[slot] = isNoise(text) ? '' : text; })
      .finally(() => this.pending.delete(done));
    this.pending.add(done);
  }

  addError(e: Error): void {
    if (!isNoise(e.message)) this.lines.push(`page error: ${e.message}`);
  }

  /** Everything logged so far, once every message's arguments have arrived; known noise left out. */
  async text(): Promise<string> {
    await Promise.all([...this.pending]);
    return this.lines.filter((l) => l !== '').join('\n');
  }
}

/**
 * printf-style formatting as the console does it. The workbench forwards the extension host's console calls as
 * `('%c INFO', 'color: …', format, ...args)`, so a format string left over after the first one is applied in turn.
 */
export function formatConsole(args: readonly unknown[]): string {
  const [first, ...rest] = args;
  if (typeof first !== 'string') return args.map(show).join(' ');
  const text = first.replace(/%[sdifoOc%]/g, (spec) => {
    if (spec === '%%') return '%';
    const value = rest.shift();
    if (spec === '%c') return '';
    return show(value);
  });
  if (rest.length === 0) return text;
  return `${text} ${typeof rest[0] === 'string' ? formatConsole(rest) : rest.map(show).join(' ')}`;
}

const show = (value: unknown): string => typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);

/** Saves a full-page screenshot as RESULTS_DIR/NAME.png and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

/**
 * Mocha hooks for a UI suite: one workbench for the suite with `file` open, a screenshot and the page's console
 * printed for each failed test, and everything stopped at the end. The returned getters are valid inside tests.
 */
export function workbenchForSuite(file: string): { workbench: () => OpenWorkbench; ui: () => WorkbenchDriver } {
  let workbench: OpenWorkbench | undefined;
  let ui: WorkbenchDriver | undefined;
  before(async () => {
    workbench = await openWorkbench();
    ui = new WorkbenchDriver(workbench.page);
    await ui.ready();
    await ui.openFile(file);
  });
  afterEach(async function () {
    const test = this.currentTest;
    if (test?.state !== 'failed' || !workbench) return;
    const shot = await screenshot(workbench.page, `failed-${test.title.replace(/\W+/g, '-')}`);
    process.stderr.write(`screenshot: ${shot}\nthe page's console:\n${await workbench.console.text()}\n`);
  });
  after(async () => { await workbench?.close(); });
  return { workbench: () => workbench!, ui: () => ui! };
}
