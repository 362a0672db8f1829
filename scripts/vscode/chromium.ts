// Debian's Chromium, driven by playwright-core, for the web workbench: the flags that keep it off this machine's closed
// network, and the console messages that are known noise rather than failures.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

/** $RINGSIDE_CHROMIUM, or Debian's chromium package. */
export const chromiumPath = (): string => process.env.RINGSIDE_CHROMIUM ?? '/usr/bin/chromium';

/** Without the background-networking flags Chromium keeps dialling Google's services and logging refusals. */
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];

export class ChromiumError extends Error {}

export interface ChromiumOptions {
  headless: boolean;
  /** The browser profile; a fresh temporary folder when omitted (deleted on close). */
  profileDir?: string;
  /** The window and viewport size; screenshots have this size. */
  viewport?: { width: number; height: number };
}

export interface RunningChromium {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

export async function launchChromium(options: ChromiumOptions): Promise<RunningChromium> {
  const executablePath = chromiumPath();
  if (!fs.existsSync(executablePath)) {
    throw new ChromiumError(`${executablePath} is missing: run \`apt-get install -y chromium\` (.ci/run does), or set RINGSIDE_CHROMIUM to a Chromium binary`);
  }
  const ownProfile = options.profileDir === undefined;
  const profileDir = options.profileDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'ringside-chromium-'));
  const viewport = options.viewport ?? { width: 1280, height: 800 };
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath, headless: options.headless, args: [...ARGS, `--window-size=${viewport.width},${viewport.height}`], viewport,
  }).catch((e: unknown) => {
    if (ownProfile) fs.rmSync(profileDir, { recursive: true, force: true });
    throw e;
  });
  // No per-action time limit: the test runner's timeout bounds a test, and a screenshot shows where it stalled.
  context.setDefaultTimeout(0);
  let closed: Promise<void> | undefined;
  const close = () => closed ??= context.close().finally(() => {
    if (ownProfile) fs.rmSync(profileDir, { recursive: true, force: true });
  });
  return { context, close };
}

/** Console messages the workbench prints on a machine without the internet or VS Code's proprietary pieces. */
const NOISE = [/ENOTFOUND/, /open-vsx\.org/, /An unknown error occurred/, /vsda/, /service ?worker/i, /iframe/i,
  /Failed to load resource/, /marketplace/i, /gallery/i];

export const isNoise = (message: string): boolean => NOISE.some((re) => re.test(message));

/** True when the machine has a display a headed browser could open on. */
export const hasDisplay = (): boolean => Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
