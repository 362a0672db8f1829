// The pure parts of fetching Debian's Linux (test/support/debian.ts) and of the initramfs writer: reading apt
// sources in both formats, mapping suites to trixie, choosing the kernel package, recognising a kernel Image,
// and the cpio "newc" layout the kernel unpacks. (The fetch and the boot themselves are in test/cli/linux.test.ts.)
import assert from 'node:assert/strict';
import { gunzipSync, gzipSync } from 'node:zlib';
import {
  DebianLinuxError, deb822, flatKernelImage, newestKernelPackage, parseDeb822Sources, parseOneLineSources, trixieSources, trixieSuite,
} from '../support/debian';
import { INIT_SCRIPT, buildInitramfs, cpioNewc } from '../support/initramfs';

// Mirrors under the reserved .invalid domain: no real host name in the repository.
const DEB822 = `Types: deb
# a comment inside a stanza
URIs: http://mirror.invalid/debian
Suites: bookworm bookworm-updates
Components: main contrib
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb-src
URIs: http://mirror.invalid/debian
Suites: bookworm
Components: main

Types: deb
URIs: http://security.invalid/debian-security
Suites: bookworm-security
Components: main
Signed-By:
 -----BEGIN PGP PUBLIC KEY BLOCK-----
 .
 mQINBGPL0BUBEADmW5NdOOHwPIJlgPu6JDcKw/NZJPR8lsD3K87ZM18gzyQZJD+w
 -----END PGP PUBLIC KEY BLOCK-----

Types: deb
Enabled: no
URIs: http://disabled.invalid/debian
Suites: bookworm
Components: main
`;

describe('Debian Linux fetching: apt sources', () => {
  it('reads deb822 stanzas: deb only, enabled only, multi-line Signed-By kept', () => {
    const s = parseDeb822Sources(DEB822, 'debian.sources');
    assert.equal(s.length, 2);
    assert.deepEqual(s[0], {
      uris: ['http://mirror.invalid/debian'], suites: ['bookworm', 'bookworm-updates'], components: ['main', 'contrib'],
      signedBy: '/usr/share/keyrings/debian-archive-keyring.gpg', from: 'debian.sources',
    });
    assert.match(s[1].signedBy ?? '', /^\n -----BEGIN PGP PUBLIC KEY BLOCK-----\n \.\n mQINB.*\n -----END PGP PUBLIC KEY BLOCK-----$/);
  });

  it('reads one-line entries with options; deb-src and comments are skipped', () => {
    const s = parseOneLineSources([
      '# deb http://commented.invalid/debian bookworm main',
      'deb-src http://mirror.invalid/debian bookworm main',
      'deb [arch=amd64 signed-by=/etc/k.gpg] http://mirror.invalid/debian bookworm main non-free-firmware # tail',
      'deb http://security.invalid/debian-security bullseye/updates main',
    ].join('\n'), 'sources.list');
    assert.deepEqual(s.map((x) => [x.uris[0], x.suites, x.components, x.signedBy]), [
      ['http://mirror.invalid/debian', ['bookworm'], ['main', 'non-free-firmware'], '/etc/k.gpg'],
      ['http://security.invalid/debian-security', ['bullseye/updates'], ['main'], undefined],
    ]);
  });

  it('maps release suites to trixie, keeping -updates and -security; others have no counterpart', () => {
    const cases: [string, string | undefined][] = [
      ['bookworm', 'trixie'], ['bookworm-updates', 'trixie-updates'], ['bookworm-security', 'trixie-security'],
      ['bullseye/updates', 'trixie-security'], ['stable', 'trixie'], ['trixie', 'trixie'],
      ['bookworm-backports', undefined], ['nodistro', undefined], ['jammy', undefined],
    ];
    for (const [from, to] of cases) assert.equal(trixieSuite(from), to, from);
  });

  it('re-points the Debian sources at trixie, main only, and writes them as deb822 for riscv64', () => {
    const t = trixieSources([
      ...parseDeb822Sources(DEB822, 'debian.sources'),
      ...parseOneLineSources('deb http://other.invalid/apt nodistro main\ndeb http://mirror.invalid/debian bookworm contrib', 'x.list'),
    ]);
    assert.deepEqual(t.map((x) => [x.uris[0], x.suites, x.components]), [
      ['http://mirror.invalid/debian', ['trixie', 'trixie-updates'], ['main']],
      ['http://security.invalid/debian-security', ['trixie-security'], ['main']],
    ]);
    const text = deb822(t);
    assert.match(text, /^Suites: trixie trixie-updates$/m);
    assert.match(text, /^Architectures: riscv64$/m);
    assert.match(text, /^Signed-By: \/usr\/share\/keyrings\/debian-archive-keyring\.gpg$/m);
    assert.match(text, /^Signed-By: \n -----BEGIN PGP PUBLIC KEY BLOCK-----\n \.\n/m, 'an inline key stays a valid deb822 value');
    assert.doesNotMatch(text, /trusted/i);
  });
});

describe('Debian Linux fetching: packages and images', () => {
  it('picks the newest 6.12 riscv64 kernel by number, not by spelling, and no -dbg or -unsigned package', () => {
    assert.equal(newestKernelPackage([
      'linux-image-6.12.94+deb13-riscv64', 'linux-image-6.12.107+deb13-riscv64', 'linux-image-6.12.107+deb13-riscv64-dbg',
      'linux-image-6.12.200+deb13-riscv64-unsigned', 'linux-image-6.13.1+deb13-riscv64', 'linux-image-6.12.9+deb13-amd64',
    ]), 'linux-image-6.12.107+deb13-riscv64');
    assert.equal(newestKernelPackage(['linux-image-riscv64']), undefined);
  });

  it('takes a flat Image as it is, decompresses a gzipped one, and rejects anything else', () => {
    const image = new Uint8Array(4096);
    image.set([0x4d, 0x5a], 0); // "MZ": the EFI stub header Debian's Image starts with
    image.set([0x52, 0x53, 0x43, 0x05], 0x38); // "RSC\x05"
    assert.equal(flatKernelImage(image, 'vmlinux'), image);
    assert.ok(Buffer.from(flatKernelImage(gzipSync(image), 'vmlinuz')).equals(image), 'the gzipped Image, decompressed');
    assert.throws(() => flatKernelImage(new Uint8Array(4096), 'vmlinux'), DebianLinuxError);
  });
});

/** The entries of a newc archive: name, mode, size, rdev; checks the magic and the 4-byte alignment. */
function readNewc(a: Buffer): { name: string; mode: number; data: Buffer; rdev: [number, number] }[] {
  const out = [];
  let at = 0;
  for (;;) {
    assert.equal(at % 4, 0, 'each header starts 4-aligned');
    assert.equal(a.toString('ascii', at, at + 6), '070701');
    const field = (i: number) => parseInt(a.toString('ascii', at + 6 + 8 * i, at + 14 + 8 * i), 16);
    const mode = field(1), size = field(6), rdev: [number, number] = [field(9), field(10)], nameSize = field(11);
    const name = a.toString('utf8', at + 110, at + 110 + nameSize - 1);
    assert.equal(a[at + 110 + nameSize - 1], 0, 'names end in NUL');
    const dataAt = Math.ceil((at + 110 + nameSize) / 4) * 4;
    if (name === 'TRAILER!!!') { assert.equal(a.length % 4, 0); return out; }
    out.push({ name, mode, data: a.subarray(dataAt, dataAt + size), rdev });
    at = Math.ceil((dataAt + size) / 4) * 4;
  }
}

describe('initramfs (cpio newc)', () => {
  it('holds regular files, symlinks and device nodes with their modes, aligned as the kernel expects', () => {
    const entries = readNewc(cpioNewc([
      { kind: 'dir', path: '/dev' },
      { kind: 'char', path: 'dev/console', major: 5, minor: 1 },
      { kind: 'file', path: 'a', data: Buffer.from('xyz'), mode: 0o755 },
      { kind: 'symlink', path: 'bin/sh', target: 'busybox' },
    ]));
    assert.deepEqual(entries.map((e) => [e.name, e.mode.toString(8), e.data.toString(), e.rdev]), [
      ['dev', '40755', '', [0, 0]],
      ['dev/console', '20600', '', [5, 1]],
      ['a', '100755', 'xyz', [0, 0]],
      ['bin/sh', '120777', 'busybox', [0, 0]],
    ]);
  });

  it('the initramfs has busybox, /bin/sh, /dev/console and an executable /init, and is the same every time', () => {
    const busybox = Buffer.from('\x7fELF not really busybox');
    const gz = buildInitramfs(busybox);
    assert.deepEqual(buildInitramfs(busybox), gz, 'reproducible: no time stamps');
    const byName = new Map(readNewc(gunzipSync(gz)).map((e) => [e.name, e]));
    assert.deepEqual(byName.get('bin/busybox')?.data, busybox);
    assert.equal(byName.get('bin/sh')?.data.toString(), 'busybox');
    assert.deepEqual(byName.get('dev/console')?.rdev, [5, 1]);
    assert.equal(byName.get('init')?.mode, 0o100755);
    assert.equal(byName.get('init')?.data.toString(), INIT_SCRIPT);
    for (const d of ['proc', 'sys', 'usr/bin', 'usr/sbin', 'sbin']) assert.equal(byName.get(d)?.mode, 0o40755, d);
  });
});
