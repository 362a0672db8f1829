// Debian's riscv64 Linux (trixie's 6.12 kernel) and an initramfs around trixie's busybox-static, for the Linux
// boot tests and the benchmark: fetched once with apt-get, then taken from the user's cache, offline.
//
// apt runs with a private configuration built at run time from this machine's own apt sources (so no mirror's
// host name is ever written in the repository): every Debian release suite becomes trixie (bookworm-updates
// becomes trixie-updates, and so on), the architecture is riscv64, and apt's lists, package cache and state
// live in the cache folder. The system's sources and state are only read, never written; no root is needed.
// Signatures stay checked: the sources' own Signed-By keyrings verify trixie's Release files (Debian's archive
// keyring holds the trixie keys; bookworm's debian-archive-keyring 2023.3+deb12u2, on this machine, has them).
// Nothing here ever marks a source trusted.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { INIT_SCRIPT, buildInitramfs } from './initramfs';

/** One source entry (a line of a .list file, or a stanza of a deb822 .sources file), reduced to what we use. */
export interface AptSource {
  uris: string[];
  suites: string[];
  components: string[];
  /** Signed-By: keyring file(s) or an inline key, as written (continuation lines kept). */
  signedBy?: string;
  /** Where it was read, for messages. */
  from: string;
}

export interface DebianPackage { name: string; version: string }

export interface DebianLinux {
  /** The kernel as a flat RISC-V Image, for -kernel / --kernel (loaded at 0x80200000). */
  kernel: string;
  /** The gzipped cpio initramfs (busybox, /dev/console, /init). */
  initrd: string;
  /** `uname -r` of the kernel, e.g. 6.12.107+deb13-riscv64. */
  release: string;
  kernelPackage: DebianPackage;
  busyboxPackage: DebianPackage;
  /** The cache folder everything above lives in. */
  dir: string;
}

/** Why Debian's Linux cannot be had: one message that names the problem and the fix. */
export class DebianLinuxError extends Error {}

const SUITE = 'trixie';
const ARCH = 'riscv64';
const KERNEL_SERIES = '6.12';
/** Debian's release code names and suite aliases whose sources we re-point at trixie. */
const DEBIAN_RELEASES = new Set([
  'stretch', 'buster', 'bullseye', 'bookworm', 'trixie', 'forky', 'sid',
  'oldoldstable', 'oldstable', 'stable', 'testing', 'unstable',
]);
/** Bump when the layout of the cache changes, so that old caches are not misread. */
const CACHE_LAYOUT = 1;

/** $XDG_CACHE_HOME/ringside, or ~/.cache/ringside. */
export function userCacheDir(): string {
  const xdg = process.env.XDG_CACHE_HOME;
  return path.join(xdg && path.isAbsolute(xdg) ? xdg : path.join(os.homedir(), '.cache'), 'ringside');
}

// ---- the machine's apt sources ----

/** One-line format (sources.list, *.list): `deb [opt=val ...] URI SUITE [COMPONENT...]`. */
export function parseOneLineSources(text: string, from: string): AptSource[] {
  const out: AptSource[] = [];
  for (const rawLine of text.split('\n')) {
    const line = rawLine.replace(/#.*$/, '').trim();
    const m = /^deb\s+(?:\[([^\]]*)\]\s+)?(\S+)\s+(\S+)(.*)$/.exec(line);
    if (!m) continue; // blank, comment, deb-src
    const options = new Map((m[1] ?? '').trim().split(/\s+/).filter(Boolean).map((o) => {
      const i = o.indexOf('=');
      return [o.slice(0, i).toLowerCase(), o.slice(i + 1)] as const;
    }));
    out.push({ uris: [m[2]], suites: [m[3]], components: m[4].trim().split(/\s+/).filter(Boolean), signedBy: options.get('signed-by'), from });
  }
  return out;
}

/** deb822 format (*.sources): stanzas of `Field: value` separated by blank lines, values continued by indented lines. */
export function parseDeb822Sources(text: string, from: string): AptSource[] {
  const out: AptSource[] = [];
  for (const stanza of text.split(/\n[ \t]*\n/)) {
    const fields = new Map<string, string>();
    let last: string | undefined;
    for (const line of stanza.split('\n')) {
      if (line.startsWith('#')) continue;
      if (/^[ \t]/.test(line) && last !== undefined) { fields.set(last, `${fields.get(last)}\n${line}`); continue; }
      const m = /^([A-Za-z0-9-]+):(.*)$/.exec(line);
      if (!m) continue;
      last = m[1].toLowerCase();
      fields.set(last, m[2].trim());
    }
    const words = (f: string) => (fields.get(f) ?? '').split(/\s+/).filter(Boolean);
    if (!words('types').includes('deb') || /^(no|false)$/i.test(fields.get('enabled') ?? '')) continue;
    out.push({ uris: words('uris'), suites: words('suites'), components: words('components'), signedBy: fields.get('signed-by'), from });
  }
  return out;
}

/** Every `deb` source apt on this machine reads: /etc/apt/sources.list and sources.list.d/*.list, *.sources. */
export function readMachineSources(etc = '/etc/apt'): AptSource[] {
  const out: AptSource[] = [];
  const list = path.join(etc, 'sources.list');
  if (fs.existsSync(list)) out.push(...parseOneLineSources(fs.readFileSync(list, 'utf8'), list));
  const parts = path.join(etc, 'sources.list.d');
  const files = fs.existsSync(parts) ? fs.readdirSync(parts).sort() : [];
  for (const f of files) {
    const file = path.join(parts, f);
    // apt reads only these two extensions (other files, such as *.disabled, are ignored there too).
    if (f.endsWith('.list')) out.push(...parseOneLineSources(fs.readFileSync(file, 'utf8'), file));
    else if (f.endsWith('.sources')) out.push(...parseDeb822Sources(fs.readFileSync(file, 'utf8'), file));
  }
  return out;
}

/**
 * The trixie suite for one of this machine's suites: RELEASE → trixie, RELEASE-updates → trixie-updates,
 * RELEASE-security (or the old RELEASE/updates) → trixie-security. Anything else (backports, a third party's
 * suite) has no trixie counterpart we need: undefined.
 */
export function trixieSuite(suite: string): string | undefined {
  const m = /^([a-z]+)(-updates|-security|\/updates)?$/.exec(suite);
  if (!m || !DEBIAN_RELEASES.has(m[1])) return undefined;
  return SUITE + (m[2] === '/updates' ? '-security' : m[2] ?? '');
}

/**
 * The machine's Debian sources re-pointed at trixie, main only (the kernel and busybox are there): same
 * mirrors, same Signed-By.
 */
export function trixieSources(sources: AptSource[]): AptSource[] {
  const out: AptSource[] = [];
  for (const s of sources) {
    const suites = [...new Set(s.suites.map(trixieSuite).filter((x): x is string => x !== undefined))];
    if (suites.length === 0 || !s.components.includes('main')) continue;
    out.push({ ...s, suites, components: ['main'] });
  }
  return out;
}

/** The sources as one deb822 file (the format that can carry an inline Signed-By key). */
export function deb822(sources: AptSource[]): string {
  return sources.map((s) => [
    `# from ${s.from}`,
    'Types: deb',
    `URIs: ${s.uris.join(' ')}`,
    `Suites: ${s.suites.join(' ')}`,
    `Components: ${s.components.join(' ')}`,
    `Architectures: ${ARCH}`,
    ...(s.signedBy !== undefined ? [`Signed-By: ${s.signedBy}`] : []),
  ].join('\n')).join('\n\n') + '\n';
}

// ---- apt with a private configuration ----

/** How to call apt with the private configuration: `-c conf`. */
interface Apt { conf: string }

/** Writes the private apt configuration and empty state under root; returns how to call apt with it. */
function privateApt(root: string): Apt {
  const sources = trixieSources(readMachineSources());
  if (sources.length === 0) {
    throw new DebianLinuxError(
      'no Debian source to fetch trixie from: /etc/apt/sources.list and /etc/apt/sources.list.d/*.{list,sources} name no ' +
      'Debian release suite (such as bookworm) with the main component. Add this machine\'s Debian mirror to its apt sources.');
  }
  const dirs = ['etc/sources.list.d', 'etc/preferences.d', 'state/lists/partial', 'cache/archives/partial'];
  for (const d of dirs) fs.mkdirSync(path.join(root, d), { recursive: true });
  fs.writeFileSync(path.join(root, 'etc/sources.list'), '');
  fs.writeFileSync(path.join(root, 'etc/sources.list.d/trixie.sources'), deb822(sources));
  fs.writeFileSync(path.join(root, 'state/status'), ''); // nothing "installed": the host's dpkg state stays out of it
  const q = (v: string) => JSON.stringify(v);
  const lines = [
    `APT::Architecture ${q(ARCH)};`,
    `APT::Architectures { ${q(ARCH)}; };`,
    `Dir::Etc::SourceList ${q(path.join(root, 'etc/sources.list'))};`,
    `Dir::Etc::SourceParts ${q(path.join(root, 'etc/sources.list.d'))};`,
    // The host's pins name its own suites; they must not steer trixie's candidates.
    `Dir::Etc::Preferences ${q(path.join(root, 'etc/preferences'))};`,
    `Dir::Etc::PreferencesParts ${q(path.join(root, 'etc/preferences.d'))};`,
    `Dir::State ${q(path.join(root, 'state'))};`,
    'Dir::State::Lists "lists";',
    `Dir::State::status ${q(path.join(root, 'state/status'))};`,
    `Dir::Cache ${q(path.join(root, 'cache'))};`,
    'Acquire::Languages "none";',
    // The lock files are ours alone; without this apt wants root to take them.
    'Debug::NoLocking "true";',
    // As root, apt would download as the _apt user, who cannot write into root's home folder.
    ...(process.getuid?.() === 0 ? ['APT::Sandbox::User "root";'] : []),
  ];
  const conf = path.join(root, 'apt.conf');
  fs.writeFileSync(conf, `// Written by test/support/debian.ts from this machine's apt sources; regenerated on every fetch.\n${lines.join('\n')}\n`);
  return { conf };
}

interface AptRun { status: number | null; stdout: string; stderr: string }

function runApt(a: Apt, tool: 'apt-get' | 'apt-cache', args: string[], what: string, cwd?: string): AptRun {
  const r = spawnSync(tool, ['-c', a.conf, ...args], { cwd, encoding: 'utf8', maxBuffer: 64 << 20, env: { ...process.env, LC_ALL: 'C' } });
  if (r.error) throw new DebianLinuxError(`${what}: cannot run ${tool} (${r.error.message}); it comes with Debian's apt package`);
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function aptFailure(r: AptRun, cmd: string, what: string): DebianLinuxError {
  const hint = /NO_PUBKEY|not signed|GPG error/.test(r.stderr)
    ? ' The keyring cannot verify trixie: install a debian-archive-keyring that has the trixie keys (bookworm\'s 2023.3+deb12u2 has them).'
    : /Temporary failure|Could not resolve|Could not connect|Unable to connect|Failed to fetch/.test(r.stderr)
      ? ' The first run needs the network (this machine\'s Debian mirror); later runs use the cache.'
      : '';
  const tail = r.stderr.trim().split('\n').filter((l) => /^[EW]:/.test(l)).slice(-6).join('\n');
  return new DebianLinuxError(`${what} failed (${cmd}, exit ${r.status}).${hint}\n${tail}`);
}

/** Runs apt; any error (or, for apt-get, a warning that a download failed) is a DebianLinuxError. */
function apt(a: Apt, tool: 'apt-get' | 'apt-cache', args: string[], what: string, cwd?: string): string {
  const r = runApt(a, tool, args, what, cwd);
  if (r.status !== 0 || /^(E:|W: Failed to fetch|W: Some index files failed|W: GPG error)/m.test(r.stderr)) {
    throw aptFailure(r, `${tool} ${args.join(' ')}`, what);
  }
  return r.stdout;
}

/**
 * apt-get update. The release suite's lists must all arrive, verified. The -updates and -security suites only
 * add newer versions: when their lists cannot be had (seen here: a mirror whose Packages files disagree with
 * its InRelease, "File has unexpected size ... Mirror sync in progress?"), the fetch goes on without them and
 * says so; the packages then come from the release suite, still verified.
 */
function aptUpdate(a: Apt, log: (s: string) => void): void {
  const what = `apt-get update for ${SUITE}/${ARCH}`;
  const r = runApt(a, 'apt-get', ['update'], what);
  const failed = [...r.stderr.matchAll(/^[EW]: Failed to fetch (\S+)(.*)$/gm)];
  const essential = failed.filter((f) => !new RegExp(`/dists/${SUITE}-(updates|security)/`).test(f[1]));
  const otherTrouble = /^(W: GPG error|E: (?!Failed to fetch|Some index files failed))/m.test(r.stderr);
  if (essential.length > 0 || otherTrouble || (r.status !== 0 && failed.length === 0)) throw aptFailure(r, 'apt-get update', what);
  for (const f of failed) log(`note: ${SUITE}'s supplementary lists are left out: ${f[1]}:${f[2]}\n`);
}

/** The newest linux-image-6.12.N+debM-riscv64 in the package lists (not -dbg, not -unsigned). */
export function newestKernelPackage(names: string[]): string | undefined {
  const re = new RegExp(`^linux-image-${KERNEL_SERIES.replace('.', '\\.')}\\.(\\d+)\\+deb(\\d+)-${ARCH}$`);
  const key = (n: string) => { const m = re.exec(n)!; return Number(m[1]) * 1000 + Number(m[2]); };
  return names.filter((n) => re.test(n)).sort((a, b) => key(b) - key(a))[0];
}

function candidateVersion(a: Apt, name: string): string {
  const m = /^Version: (\S+)$/m.exec(apt(a, 'apt-cache', ['show', '--no-all-versions', name], `looking up ${name}`));
  if (!m) throw new DebianLinuxError(`apt-cache show ${name} gave no version`);
  return m[1];
}

// ---- unpacking ----

function unpack(deb: string, into: string): void {
  const r = spawnSync('dpkg-deb', ['-x', deb, into], { encoding: 'utf8' });
  if (r.error || r.status !== 0) throw new DebianLinuxError(`dpkg-deb -x ${deb} failed: ${r.error?.message ?? r.stderr.trim()}`);
}

/** RISC-V Image header magic ("RSC\x05" at 0x38): a flat kernel that runs where it is loaded. */
function isFlatImage(b: Uint8Array): boolean {
  return b.length > 64 && b[0x38] === 0x52 && b[0x39] === 0x53 && b[0x3a] === 0x43 && b[0x3b] === 0x05;
}

/**
 * The flat Image to load at 0x80200000. Debian's riscv64 /boot/vmlinux-* is one already (an Image with an
 * EFI stub header: "MZ", then the RISC-V magic); a gzipped one is decompressed here.
 */
export function flatKernelImage(file: Uint8Array, name: string): Uint8Array {
  if (isFlatImage(file)) return file;
  if (file[0] === 0x1f && file[1] === 0x8b) {
    const inner = gunzipSync(file);
    if (isFlatImage(inner)) return inner;
  }
  throw new DebianLinuxError(`${name} is not a RISC-V kernel Image (no "RSC\\x05" magic at 0x38, plain or gzipped): Debian's package layout changed?`);
}

function debFile(dir: string, p: DebianPackage): string {
  // apt-get download names files NAME_VERSION_ARCH.deb, with the epoch's ':' written as %3a.
  const f = path.join(dir, `${p.name}_${p.version.replace(/:/g, '%3a')}_${ARCH}.deb`);
  if (!fs.existsSync(f)) throw new DebianLinuxError(`apt-get download left no ${path.basename(f)} in ${dir}`);
  return f;
}

function writeAtomically(file: string, data: Uint8Array | string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, file);
}

// ---- the cache ----

interface Manifest {
  layout: number;
  kernelPackage: DebianPackage;
  busyboxPackage: DebianPackage;
  release: string;
  /** Relative to the cache folder. */
  kernelDeb: string;
  busyboxDeb: string;
  kernelImage: string;
  busybox: string;
}

function readManifest(dir: string): Manifest | undefined {
  try {
    const m = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as Manifest;
    if (m.layout !== CACHE_LAYOUT) return undefined;
    const files = [m.kernelDeb, m.busyboxDeb, m.kernelImage, m.busybox];
    return files.every((f) => typeof f === 'string' && fs.existsSync(path.join(dir, f))) ? m : undefined;
  } catch {
    return undefined; // no cache yet (or a broken one): fetch
  }
}

/** Downloads both packages with apt and extracts the kernel Image and busybox into dir. */
function fetchIntoCache(dir: string, log: (s: string) => void): Manifest {
  log(`fetching Debian ${SUITE}'s ${ARCH} linux-image-${KERNEL_SERIES} and busybox-static with apt-get (once; cached in ${dir})\n`);
  const a = privateApt(path.join(dir, 'apt'));
  aptUpdate(a, log);
  const names = apt(a, 'apt-cache', ['pkgnames', `linux-image-${KERNEL_SERIES}.`], 'listing kernel packages').split('\n');
  const kernelName = newestKernelPackage(names);
  if (!kernelName) throw new DebianLinuxError(`${SUITE}'s ${ARCH} package lists have no linux-image-${KERNEL_SERIES}.N+debM-${ARCH}`);
  const kernelPackage = { name: kernelName, version: candidateVersion(a, kernelName) };
  const busyboxPackage = { name: 'busybox-static', version: candidateVersion(a, 'busybox-static') };
  const debs = path.join(dir, 'debs');
  fs.mkdirSync(debs, { recursive: true });
  apt(a, 'apt-get', ['download', `${kernelPackage.name}=${kernelPackage.version}`, `${busyboxPackage.name}=${busyboxPackage.version}`], 'apt-get download', debs);
  const kernelDeb = debFile(debs, kernelPackage), busyboxDeb = debFile(debs, busyboxPackage);

  const release = kernelName.slice('linux-image-'.length);
  const tmp = fs.mkdtempSync(path.join(dir, 'unpack-'));
  try {
    unpack(kernelDeb, path.join(tmp, 'kernel'));
    const boot = path.join(tmp, 'kernel', 'boot');
    const found = ['vmlinux', 'vmlinuz'].map((n) => path.join(boot, `${n}-${release}`)).find((f) => fs.existsSync(f));
    if (!found) throw new DebianLinuxError(`${path.basename(kernelDeb)} has no /boot/vmlinux-${release} or /boot/vmlinuz-${release}`);
    const kernelImage = `Image-${release}`;
    writeAtomically(path.join(dir, kernelImage), flatKernelImage(fs.readFileSync(found), path.basename(found)));
    unpack(busyboxDeb, path.join(tmp, 'busybox'));
    const bin = ['usr/bin/busybox', 'bin/busybox'].map((f) => path.join(tmp, 'busybox', f)).find((f) => fs.existsSync(f));
    if (!bin) throw new DebianLinuxError(`${path.basename(busyboxDeb)} has no busybox binary`);
    const busybox = `busybox-${busyboxPackage.version.replace(/:/g, '%3a')}`;
    writeAtomically(path.join(dir, busybox), fs.readFileSync(bin));
    const rel = (f: string) => path.relative(dir, f);
    const m: Manifest = {
      layout: CACHE_LAYOUT, kernelPackage, busyboxPackage, release,
      kernelDeb: rel(kernelDeb), busyboxDeb: rel(busyboxDeb), kernelImage, busybox,
    };
    writeAtomically(path.join(dir, 'manifest.json'), `${JSON.stringify(m, null, 2)}\n`);
    return m;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** The initramfs for this busybox and this /init, built once and kept next to them. */
function cachedInitramfs(dir: string, m: Manifest): string {
  const busybox = fs.readFileSync(path.join(dir, m.busybox));
  const key = createHash('sha256').update(INIT_SCRIPT).update(busybox).update(fs.readFileSync(path.join(__dirname, 'initramfs.ts')))
    .digest('hex').slice(0, 16);
  const file = path.join(dir, `initramfs-${key}.cpio.gz`);
  if (fs.existsSync(file)) return file;
  writeAtomically(file, buildInitramfs(busybox));
  for (const f of fs.readdirSync(dir)) {
    if (/^initramfs-[0-9a-f]+\.cpio\.gz$/.test(f) && f !== path.basename(file)) fs.rmSync(path.join(dir, f), { force: true });
  }
  return file;
}

/**
 * Debian trixie's riscv64 kernel and an initramfs around its busybox-static, from the cache when it has them
 * (no apt, no network), else fetched first. Throws DebianLinuxError, with one clear message, when neither works.
 */
export function debianLinux(log: (s: string) => void = (s) => { process.stderr.write(s); }): DebianLinux {
  const dir = path.join(userCacheDir(), `debian-${SUITE}-${ARCH}`);
  try {
    fs.mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new DebianLinuxError(`cannot create the cache folder ${dir}: ${(e as Error).message}; set XDG_CACHE_HOME to a writable folder`);
  }
  const m = readManifest(dir) ?? fetchIntoCache(dir, log);
  return {
    kernel: path.join(dir, m.kernelImage),
    initrd: cachedInitramfs(dir, m),
    release: m.release,
    kernelPackage: m.kernelPackage,
    busyboxPackage: m.busyboxPackage,
    dir,
  };
}
