// virtio-blk on Ringside against QEMU virt with the same raw images: a bare-metal driver that prints every register
// and request status (test/cli/programs/virtio-probe.c), and Debian's U-Boot reading, writing and powering off.
// QEMU's transport is made modern (version 2) with force-legacy=false, and its disks are virtio-mmio devices:
// on riscv virt, QEMU's `if=virtio` would make virtio-blk-pci instead.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FIRMWARE, QEMU, buildCCached, requireFirmware, requireTool, runCli, runQemu, runQemuConsole, tempDir } from '../support/toolchain';

const MODERN = ['-global', 'virtio-mmio.force-legacy=false'];

/** QEMU's spelling of `--drive FILE` / `--drive-readonly FILE`. */
function qemuDrive(file: string, id: string, readOnly: boolean): string[] {
  return ['-drive', `file=${file},format=raw,if=none,id=${id}${readOnly ? ',readonly=on' : ''}`, '-device', `virtio-blk-device,drive=${id}`];
}

/** An image whose every sector differs: byte i of it is (i * mul + sector) & 0xff. */
function image(file: string, sectors: number, mul: number): Uint8Array {
  const bytes = Uint8Array.from({ length: sectors * 512 }, (_, i) => (i * mul + (i >> 9)) & 0xff);
  fs.writeFileSync(file, bytes);
  return bytes;
}

describe('virtio-blk: Ringside and QEMU virt answer a driver alike', function () {
  this.timeout(300_000);
  let dir: string;
  beforeEach(() => { dir = tempDir('ringside-virtio-'); });
  afterEach(() => { fs.rmSync(dir, { recursive: true, force: true }); });

  it('a bare-metal driver sees the same registers, request statuses, data and interrupts, and leaves the same images', () => {
    requireTool(QEMU);
    const elf = buildCCached('virtio-probe', ['test/cli/programs/virtio-probe.c'], { flags: ['-march=rv64imac_zicsr'] });
    const run = (who: string) => {
      const rw = path.join(dir, `${who}-rw.img`), ro = path.join(dir, `${who}-ro.img`);
      image(rw, 2053, 7);
      image(ro, 100, 11);
      return { rw, ro };
    };
    const q = run('qemu'), r = run('ringside');
    const qemu = runQemu(elf, { machine: 'virt', extraArgs: [...MODERN, ...qemuDrive(q.rw, 'd0', false), ...qemuDrive(q.ro, 'd1', true)] });
    const ours = runCli(['run', '--max-instructions', '50000000', '--drive', r.rw, '--drive-readonly', r.ro, elf]);
    assert.equal(qemu.exitCode, 0, qemu.stdout + qemu.stderr);
    assert.match(qemu.stdout, /disk 1 requests:[^]*write sector 2: status = 0x0+1\n/, 'QEMU refused the write to the read-only disk');
    assert.match(qemu.stdout, /looping chain: status = 0x0+4f/, 'QEMU set DEVICE_NEEDS_RESET');
    assert.match(qemu.stdout, /external interrupt: PLIC source = 0x0+8\n[^]*external interrupt: PLIC source = 0x0+7\n/, 'slots 7 and 6 are PLIC sources 8 and 7');
    assert.equal(ours.stderr, '');
    assert.equal(ours.stdout, qemu.stdout);
    assert.equal(ours.exitCode, 0);
    assert.ok(fs.readFileSync(r.rw).equals(fs.readFileSync(q.rw)), 'the read-write image ends the same');
    assert.ok(fs.readFileSync(r.ro).equals(fs.readFileSync(q.ro)), 'the read-only image ends the same');
  });

  /** U-Boot commands, each after 32 spaces: U-Boot's Ctrl-C polls (md prints a line, then reads a key) eat typed-ahead characters. */
  const COMMANDS = [
    'virtio scan', 'virtio info', 'virtio read 0x84000000 2 1', 'md.b 0x84000000 0x40',
    'virtio read 0x84000000 0x804 2', // the last sector and one past the end
    'mw.b 0x84000000 0xa5 0x400', 'virtio write 0x84000000 5 2',
    'virtio read 0x85000000 4 4', 'md.b 0x850001f0 0x20', 'md.b 0x850005f0 0x20', 'poweroff',
  ];
  const INPUT = `x\n${COMMANDS.map((c) => `${' '.repeat(32)}${c}\n`).join('')}`;

  /** What U-Boot printed from its first prompt on, with the typed-ahead padding taken out of the echoed commands. */
  function afterAutoboot(out: string): string {
    const start = out.indexOf('\n', out.indexOf('Hit any key to stop autoboot'));
    return out.slice(start + 1).replace(/\r/g, '').replace(/^=>\s+/gm, '=> ').replace(/[ \t]+$/gm, '');
  }

  for (const readOnly of [false, true]) {
    it(`U-Boot reads and writes a ${readOnly ? 'read-only' : 'read-write'} disk as under QEMU; poweroff ${readOnly ? 'leaves it unchanged' : 'writes it back'}`, () => {
      requireTool(QEMU);
      const bios = requireFirmware(FIRMWARE.openSbiJump), uboot = requireFirmware(FIRMWARE.uBootSmode);
      const qImg = path.join(dir, 'qemu.img'), rImg = path.join(dir, 'ringside.img');
      const original = image(qImg, 2053, 7);
      image(rImg, 2053, 7);
      const qemu = runQemuConsole(['-M', 'virt', '-bios', bios, '-kernel', uboot, ...MODERN, ...qemuDrive(qImg, 'd0', readOnly)], INPUT);
      const ours = runCli(['run', '--bios', bios, '--max-instructions', '400000000', readOnly ? '--drive-readonly' : '--drive', rImg, uboot], INPUT);
      assert.equal(qemu.timedOut, false, `QEMU did not power off:\n${qemu.stdout}${qemu.stderr}`);
      const expected = afterAutoboot(qemu.stdout);
      assert.match(expected, /Device 0: QEMU VirtIO Block Device\n\s+Type: Hard Disk\n\s+Capacity: 1\.0 MB = 0\.0 GB \(2053 x 512\)/);
      assert.match(expected, /84000000: 02 09 10 17 1e 25 2c 33/, 'sector 2 as QEMU read it');
      assert.match(expected, readOnly ? /-5 blocks written: ERROR/ : / 2 blocks written: OK/); // U-Boot prints -EIO as a count
      assert.match(expected, /block # 2052, count 2 \.\.\. -5 blocks read: ERROR/, 'a read past the end fails');
      assert.match(expected, /poweroff \.\.\.\n$/);
      assert.equal(afterAutoboot(ours.stdout), expected);
      assert.equal(ours.exitCode, 0, `U-Boot's poweroff ends the run through OpenSBI and the test finisher:\n${ours.stderr}`);
      assert.equal(qemu.exitCode, 0);
      // The disk after the machine stopped: sectors 5 and 6 are 0xa5 if the disk was writable, and nothing else moved.
      const want = original.slice();
      if (!readOnly) want.fill(0xa5, 5 * 512, 7 * 512);
      assert.ok(fs.readFileSync(qImg).equals(want), 'QEMU left the image as expected');
      assert.ok(fs.readFileSync(rImg).equals(want), 'Ringside left the image as QEMU did');
    });
  }
});
