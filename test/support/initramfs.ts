// The initramfs the Linux boot tests and the benchmark start: busybox, /dev/console and an /init that
// mounts the pseudo file systems and starts a shell on the console, as a gzipped cpio "newc" archive.
import { gzipSync } from 'node:zlib';

/** What /init prints just before it starts the shell: proof that user space runs. */
export const INIT_MARKER = 'ringside-initramfs: starting a busybox shell';
/** The shell's prompt (PS1), distinctive so that a reader can wait for it on the console. */
export const SHELL_PROMPT = '(initramfs) # ';

const S_IFDIR = 0o040000, S_IFREG = 0o100000, S_IFLNK = 0o120000, S_IFCHR = 0o020000;

export type CpioEntry =
  | { kind: 'dir'; path: string; mode?: number }
  | { kind: 'file'; path: string; data: Uint8Array; mode?: number }
  | { kind: 'symlink'; path: string; target: string }
  | { kind: 'char'; path: string; major: number; minor: number; mode?: number };

const pad4 = (n: number): number => (4 - (n % 4)) % 4;
const hex8 = (v: number): string => (v >>> 0).toString(16).padStart(8, '0');

/** One newc header + name (NUL-terminated, padded to 4) + data (padded to 4). */
function record(ino: number, mode: number, nlink: number, data: Uint8Array, name: string, rdev: [number, number] = [0, 0]): Buffer {
  const nameBytes = Buffer.from(`${name}\0`, 'utf8');
  // Fields in order: ino mode uid gid nlink mtime filesize devmajor devminor rdevmajor rdevminor namesize check.
  // uid/gid 0 (root) and mtime 0 keep the archive byte-for-byte reproducible.
  const fields = [ino, mode, 0, 0, nlink, 0, data.length, 0, 0, rdev[0], rdev[1], nameBytes.length, 0];
  const header = Buffer.from(`070701${fields.map(hex8).join('')}`, 'ascii');
  return Buffer.concat([
    header, nameBytes, Buffer.alloc(pad4(header.length + nameBytes.length)),
    data, Buffer.alloc(pad4(data.length)),
  ]);
}

/** A cpio archive in the "newc" format that the kernel's initramfs unpacker reads (no compression). */
export function cpioNewc(entries: CpioEntry[]): Buffer {
  const parts: Buffer[] = [];
  entries.forEach((e, i) => {
    const ino = i + 1, name = e.path.replace(/^\/+/, '');
    switch (e.kind) {
      case 'dir': parts.push(record(ino, S_IFDIR | (e.mode ?? 0o755), 2, new Uint8Array(0), name)); break;
      case 'file': parts.push(record(ino, S_IFREG | (e.mode ?? 0o644), 1, e.data, name)); break;
      case 'symlink': parts.push(record(ino, S_IFLNK | 0o777, 1, Buffer.from(e.target, 'utf8'), name)); break;
      case 'char': parts.push(record(ino, S_IFCHR | (e.mode ?? 0o600), 1, new Uint8Array(0), name, [e.major, e.minor])); break;
    }
  });
  parts.push(record(0, 0, 1, new Uint8Array(0), 'TRAILER!!!'));
  return Buffer.concat(parts);
}

/**
 * /init: busybox creates its applet links (so the archive needs no applet list, which only a riscv64 busybox
 * could print), the pseudo file systems are mounted, and the shell gets the console as its controlling
 * terminal (cttyhack) so that it is interactive, with job control.
 */
export const INIT_SCRIPT = `#!/bin/sh
/bin/busybox --install -s
mount -t devtmpfs devtmpfs /dev
mount -t proc proc /proc
mount -t sysfs sysfs /sys
echo "${INIT_MARKER}"
export PS1='${SHELL_PROMPT}'
exec setsid cttyhack sh
`;

/** The gzipped initramfs around a static busybox binary. */
export function buildInitramfs(busybox: Uint8Array): Buffer {
  const dirs = ['bin', 'sbin', 'usr', 'usr/bin', 'usr/sbin', 'dev', 'proc', 'sys', 'tmp', 'root', 'etc'];
  const entries: CpioEntry[] = [
    ...dirs.map((path): CpioEntry => ({ kind: 'dir', path, mode: path === 'tmp' ? 0o1777 : 0o755 })),
    // The kernel opens /dev/console for init's stdin/stdout before /init could mount devtmpfs.
    { kind: 'char', path: 'dev/console', major: 5, minor: 1, mode: 0o600 },
    { kind: 'file', path: 'bin/busybox', data: busybox, mode: 0o755 },
    { kind: 'symlink', path: 'bin/sh', target: 'busybox' },
    { kind: 'file', path: 'init', data: Buffer.from(INIT_SCRIPT, 'utf8'), mode: 0o755 },
  ];
  return gzipSync(cpioNewc(entries), { level: 9 });
}
