// Starts code-server with everything private (user data, extensions, XDG folders) on a free port, and builds the
// workbench URLs that load this repository as the development extension, optionally with an extension test suite.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { INSTALL_COMMAND, installedCodeServer } from './install';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');

/**
 * User settings for a quiet, predictable workbench: a fixed theme (the UI tests read token colours), no welcome page,
 * no trust prompt, no update or gallery checks.
 */
const SETTINGS = {
  'workbench.colorTheme': 'Default Dark Modern',
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
  'git.enabled': false,
  'chat.disableAIFeatures': true,
  // The workspace is the repository's examples/: a stray keystroke must never be written back into them.
  'files.autoSave': 'off',
  'debug.saveBeforeStart': 'none',
};

export interface CodeServerOptions {
  /** The folder the workbench opens. */
  workspace: string;
  /** Where the server's private state goes; a fresh temporary folder when omitted (and deleted on stop). */
  stateDir?: string;
  /** User settings over the quiet defaults, e.g. `{ 'debug.allowBreakpointsEverywhere': true }`. */
  settings?: Record<string, unknown>;
  /** Called with each line the server logs. */
  onLog?: (line: string) => void;
}

/** What the workbench URL's payload asks of the extension host, as test-electron's command-line flags would. */
export interface WorkbenchLaunch {
  /** The extension folder to load as under development; this repository by default. */
  extensionDevelopmentPath?: string;
  /** A CommonJS module exporting `run(): Promise<void>`, run inside the extension host (test-electron's contract). */
  extensionTestsPath?: string;
}

export interface RunningCodeServer {
  readonly port: number;
  /** http://127.0.0.1:PORT */
  readonly origin: string;
  readonly stateDir: string;
  readonly workspace: string;
  /** The URL that opens the workspace with the extension loaded (and its tests run, when asked). */
  workbenchUrl(launch?: WorkbenchLaunch): string;
  /** Everything the server has logged so far. */
  log(): string;
  /** Stops the server and every process it started; idempotent. */
  stop(): Promise<void>;
}

export class CodeServerError extends Error {}

/** A port the kernel just handed out and released; code-server binds it a moment later. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

function prepareState(stateDir: string, settings: Record<string, unknown>): Record<string, string> {
  const dirs = {
    userData: path.join(stateDir, 'user-data'),
    extensions: path.join(stateDir, 'extensions'),
    XDG_CONFIG_HOME: path.join(stateDir, 'xdg-config'),
    XDG_DATA_HOME: path.join(stateDir, 'xdg-data'),
    XDG_CACHE_HOME: path.join(stateDir, 'xdg-cache'),
  };
  for (const d of Object.values(dirs)) fs.mkdirSync(d, { recursive: true });
  fs.mkdirSync(path.join(dirs.userData, 'User'), { recursive: true });
  fs.writeFileSync(path.join(dirs.userData, 'User', 'settings.json'), `${JSON.stringify({ ...SETTINGS, ...settings }, null, 2)}\n`);
  return dirs;
}

/** A path on the server machine as the web workbench names it: the remote authority is the server itself. */
const remoteUri = (origin: string, file: string): string => `vscode-remote://${new URL(origin).host}${path.resolve(file)}`;

export function workbenchUrl(origin: string, workspace: string, launch: WorkbenchLaunch): string {
  const payload: [string, string][] = [['extensionDevelopmentPath', remoteUri(origin, launch.extensionDevelopmentPath ?? REPO_ROOT)]];
  if (launch.extensionTestsPath) payload.push(['extensionTestsPath', remoteUri(origin, launch.extensionTestsPath)]);
  return `${origin}/?folder=${encodeURIComponent(path.resolve(workspace))}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

/** Polls /healthz until the server answers, or fails as soon as the process has exited. */
async function waitHealthy(origin: string, exited: () => boolean, log: () => string): Promise<void> {
  for (;;) {
    if (exited()) throw new CodeServerError(`code-server exited before it was ready; its log:\n${log()}`);
    const ok = await fetch(`${origin}/healthz`).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

function stopProcessGroup(child: ChildProcess, done: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return done;
  // code-server forks its extension host and pty host into the group we made it lead (detached: true).
  const signal = (s: NodeJS.Signals) => { try { process.kill(-child.pid!, s); } catch { /* already gone */ } };
  signal('SIGTERM');
  const force = setTimeout(() => signal('SIGKILL'), 3000);
  return done.finally(() => clearTimeout(force));
}

/** Starts code-server; fails with the install command when it is not installed. */
export async function startCodeServer(options: CodeServerOptions): Promise<RunningCodeServer> {
  const entry = installedCodeServer();
  if (!entry) throw new CodeServerError(`code-server is not installed: run \`${INSTALL_COMMAND}\` first (.ci/run does)`);
  const ownState = options.stateDir === undefined;
  const stateDir = options.stateDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'ringside-code-server-'));
  const dirs = prepareState(stateDir, options.settings ?? {});
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const args = [entry, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--user-data-dir', dirs.userData,
    '--extensions-dir', dirs.extensions, '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust',
    '--disable-getting-started-override', path.resolve(options.workspace)];
  const env = { ...process.env, XDG_CONFIG_HOME: dirs.XDG_CONFIG_HOME, XDG_DATA_HOME: dirs.XDG_DATA_HOME, XDG_CACHE_HOME: dirs.XDG_CACHE_HOME };
  const child = spawn(process.execPath, args, { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const chunks: string[] = [];
  const record = (data: Buffer) => {
    const text = data.toString();
    chunks.push(text);
    if (options.onLog) for (const line of text.split('\n')) if (line.trim()) options.onLog(line);
  };
  child.stdout!.on('data', record);
  child.stderr!.on('data', record);
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const log = () => chunks.join('');
  let stopped: Promise<void> | undefined;
  const stop = () => stopped ??= stopProcessGroup(child, exited).then(() => {
    if (ownState) fs.rmSync(stateDir, { recursive: true, force: true });
  });
  try {
    await waitHealthy(origin, () => child.exitCode !== null || child.signalCode !== null, log);
  } catch (e) {
    await stop();
    throw e;
  }
  return { port, origin, stateDir, workspace: path.resolve(options.workspace), workbenchUrl: (launch = {}) => workbenchUrl(origin, options.workspace, launch), log, stop };
}
