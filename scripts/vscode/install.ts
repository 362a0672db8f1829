// Installs code-server (VS Code's server and web workbench, from npm) into the user's cache, once, for `npm start` and
// the e2e tests. Offline apart from the npm registry: ripgrep comes from Debian instead of the GitHub download.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { userCacheDir } from '../../test/support/debian';

/** The newest code-server that still runs on Node 20 (it bundles VS Code 1.100.3); see shared/notes/vscode-e2e.md. */
export const CODE_SERVER_VERSION = '4.100.3';
/** What code-server 4.100.3's @vscode/ripgrep (1.15.11) would download from GitHub, and where it looks for it first. */
const VSCODE_RIPGREP_VERSION = '1.15.11';
const RIPGREP_RELEASE = 'v13.0.0-10';
/** Written last, so a folder without it is an interrupted install and is never used. */
const MARKER = '.ringside-installed';

export class CodeServerInstallError extends Error {}

/** $RINGSIDE_CODE_SERVER_DIR, or code-server-VERSION in the user's ringside cache. */
export function codeServerDir(): string {
  const own = process.env.RINGSIDE_CODE_SERVER_DIR;
  return own && path.isAbsolute(own) ? own : path.join(userCacheDir(), `code-server-${CODE_SERVER_VERSION}`);
}

/** The server's Node entry point inside an install folder. */
export const codeServerEntry = (dir = codeServerDir()): string =>
  path.join(dir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');

/** The entry point when a complete install is there, otherwise undefined. */
export function installedCodeServer(dir = codeServerDir()): string | undefined {
  const entry = codeServerEntry(dir);
  return fs.existsSync(path.join(dir, MARKER)) && fs.existsSync(entry) ? entry : undefined;
}

/** The command that installs it, for messages that tell the user what to run. */
export const INSTALL_COMMAND = 'npm run vscode:install';

interface Prerequisite { debianPackage: string; present: () => boolean }

const onPath = (command: string): boolean => spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;

/** Native modules (kerberos, node-pty, argon2) build from source because their prebuilt binaries come from GitHub. */
const PREREQUISITES: Prerequisite[] = [
  { debianPackage: 'ripgrep', present: () => onPath('rg') },
  { debianPackage: 'libkrb5-dev', present: () => fs.existsSync('/usr/include/krb5.h') || fs.existsSync('/usr/include/krb5/krb5.h') },
  { debianPackage: 'g++', present: () => onPath('g++') },
  { debianPackage: 'make', present: () => onPath('make') },
  { debianPackage: 'python3', present: () => onPath('python3') },
];

function checkPrerequisites(): void {
  const missing = PREREQUISITES.filter((p) => !p.present()).map((p) => p.debianPackage);
  if (missing.length > 0) {
    throw new CodeServerInstallError(`installing code-server ${CODE_SERVER_VERSION} needs the Debian package(s) ${missing.join(', ')}: ` +
      `run \`apt-get install -y ${missing.join(' ')}\` (.ci/run does), then ${INSTALL_COMMAND}`);
  }
}

/** The ripgrep target @vscode/ripgrep would download for this machine. */
function ripgrepTarget(): string {
  if (process.platform !== 'linux') throw new CodeServerInstallError(`the code-server install supports Linux only, not ${process.platform}`);
  const cpus: Record<string, string> = { x64: 'x86_64', arm64: 'aarch64' };
  const cpu = cpus[process.arch];
  if (!cpu) throw new CodeServerInstallError(`the code-server install supports x64 and arm64 Linux only, not ${process.arch}`);
  return `${cpu}-unknown-linux-musl`;
}

/** Packs the machine's rg where @vscode/ripgrep's postinstall looks before downloading: $TMPDIR/vscode-ripgrep-cache-VERSION/. */
function seedRipgrepCache(tmpDir: string): void {
  const cache = path.join(tmpDir, `vscode-ripgrep-cache-${VSCODE_RIPGREP_VERSION}`);
  fs.mkdirSync(cache, { recursive: true });
  const rg = spawnSync('sh', ['-c', 'command -v rg'], { encoding: 'utf8' }).stdout.trim();
  const tarball = path.join(cache, `ripgrep-${RIPGREP_RELEASE}-${ripgrepTarget()}.tar.gz`);
  const packed = spawnSync('tar', ['czf', tarball, '-C', path.dirname(fs.realpathSync(rg)), path.basename(fs.realpathSync(rg))]);
  if (packed.status !== 0) throw new CodeServerInstallError(`could not pack ${rg} into ${tarball}: ${packed.stderr}`);
}

function npmInstall(stage: string, tmpDir: string, logFile: string): Promise<number | null> {
  const env = {
    ...process.env,
    TMPDIR: tmpDir,
    // npm runs no install scripts as root without this, and node-pty's script runs `npx node-gyp`, which must not prompt.
    npm_config_unsafe_perm: 'true',
    npm_config_yes: 'true',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
  };
  const out = fs.openSync(logFile, 'a');
  const child = spawn('npm', ['install', '--prefix', stage, '--no-save', '--omit=dev', `code-server@${CODE_SERVER_VERSION}`], {
    env, stdio: ['ignore', out, out],
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => { fs.closeSync(out); resolve(code); });
  });
}

const tail = (file: string, lines: number): string => fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');

/**
 * Returns the entry point of an installed code-server, installing it first when needed (about a minute).
 * It installs into a private staging folder and renames it into place, so concurrent or interrupted installs never
 * leave a half-installed folder where the tests look.
 */
export async function ensureCodeServer(log: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): Promise<string> {
  const dir = codeServerDir();
  const ready = installedCodeServer(dir);
  if (ready) return ready;
  checkPrerequisites();
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  const stage = fs.mkdtempSync(`${dir}.partial-`);
  const tmpDir = path.join(stage, 'tmp');
  const logFile = path.join(stage, 'install.log');
  fs.mkdirSync(tmpDir);
  seedRipgrepCache(tmpDir);
  log(`installing code-server ${CODE_SERVER_VERSION} into ${dir} (about a minute; log: ${logFile})`);
  const code = await npmInstall(stage, tmpDir, logFile);
  if (code !== 0 || !fs.existsSync(codeServerEntry(stage))) {
    throw new CodeServerInstallError(`npm could not install code-server ${CODE_SERVER_VERSION} (exit ${code}); the end of ${logFile}:\n${tail(logFile, 30)}`);
  }
  fs.rmSync(tmpDir, { recursive: true, force: true });
  fs.writeFileSync(path.join(stage, MARKER), `${CODE_SERVER_VERSION}\n`);
  publish(stage, dir);
  return codeServerEntry(dir);
}

/** Moves the finished stage into place; when another install won the race, keeps that one. */
function publish(stage: string, dir: string): void {
  if (fs.existsSync(dir) && !installedCodeServer(dir)) fs.rmSync(dir, { recursive: true, force: true });
  try {
    fs.renameSync(stage, dir);
  } catch (e) {
    if (!installedCodeServer(dir)) throw e;
    fs.rmSync(stage, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const started = Date.now();
  const had = installedCodeServer();
  const entry = await ensureCodeServer();
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  process.stdout.write(`${had ? 'code-server is already installed' : `installed code-server in ${seconds} s`}: ${entry}\n`);
}

if (require.main === module) {
  main().catch((e: unknown) => {
    process.stderr.write(`${e instanceof CodeServerInstallError ? e.message : String(e)}\n`);
    process.exit(1);
  });
}
