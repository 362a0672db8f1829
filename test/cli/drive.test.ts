// The CLI's disk images (cli/drive.ts) on real files: guest writes stay in the copy-on-write overlay until flush,
// reads see them at once, and flush writes exactly the written bytes into the file.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DriveError, FileDisk, openDrives } from '../../emulator/devices/file-disk';
import { Machine } from '../../emulator/machine';
import { VirtioBlk } from '../../emulator/devices/virtio-blk';
import { tempDir } from '../support/toolchain';
import { BUFS, Driver, S_OK, T_FLUSH, T_OUT } from '../support/virtio-driver';

function pattern(bytes: number): Uint8Array {
  return Uint8Array.from({ length: bytes }, (_, i) => (i * 13 + (i >> 9)) & 0xff);
}

describe('disk images (--drive): copy-on-write overlay', () => {
  let dir: string;
  beforeEach(() => { dir = tempDir('ringside-drive-'); });
  afterEach(() => { fs.rmSync(dir, { recursive: true, force: true }); });

  function image(bytes: Uint8Array, name = 'disk.img'): string {
    const f = path.join(dir, name);
    fs.writeFileSync(f, bytes);
    return f;
  }

  it('keeps writes (even unaligned ones across sectors) in memory until flush, then writes exactly them', () => {
    const original = pattern(8 * 512), file = image(original);
    const disk = FileDisk.open({ file, readOnly: false });
    assert.equal(disk.size, 4096);
    const data = new Uint8Array(700).fill(0x5a);
    disk.write(1000, data); // sectors 1..3, partly
    assert.equal(disk.dirtySectors, 3);
    const seen = new Uint8Array(4096);
    disk.read(0, seen);
    const expected = original.slice();
    expected.set(data, 1000);
    assert.deepEqual(seen, expected, 'reads see the overlay, and the file around it');
    const part = new Uint8Array(50);
    disk.read(1680, part);
    assert.deepEqual(part, expected.subarray(1680, 1730), 'an unaligned read across the edge of the written bytes');
    assert.deepEqual(new Uint8Array(fs.readFileSync(file)), original, 'the file is untouched before flush');
    disk.flush();
    assert.equal(disk.dirtySectors, 0);
    assert.deepEqual(new Uint8Array(fs.readFileSync(file)), expected, 'flush wrote exactly the written bytes');
    disk.close();
  });

  it('behind virtio-blk: a guest write reaches the file at the guest FLUSH, not before', () => {
    const original = pattern(16 * 512), file = image(original);
    const disk = FileDisk.open({ file, readOnly: false });
    const d = new Driver(new Machine({ memory: 4 << 20, virtio: [new VirtioBlk(disk)] })).start();
    d.fill(BUFS + 0x1000, new Uint8Array(1024).fill(0x3c));
    assert.equal(d.blk(T_OUT, 9, [{ addr: BUFS + 0x1000, len: 1024 }]).status, S_OK);
    assert.deepEqual(new Uint8Array(fs.readFileSync(file)), original, 'written, not flushed');
    assert.equal(d.blk(T_FLUSH, 0).status, S_OK);
    const expected = original.slice();
    expected.fill(0x3c, 9 * 512, 11 * 512);
    assert.deepEqual(new Uint8Array(fs.readFileSync(file)), expected, 'flushed');
    disk.close();
  });

  it('a read-only image refuses writes and flush never touches the file', () => {
    const original = pattern(2 * 512), file = image(original);
    const disk = FileDisk.open({ file, readOnly: true });
    assert.throws(() => disk.write(0, new Uint8Array(512)), DriveError);
    disk.flush();
    assert.deepEqual(new Uint8Array(fs.readFileSync(file)), original);
    disk.close();
  });

  it('refuses images that are not whole sectors, directories, devices, missing files, and one file twice', () => {
    assert.throws(() => FileDisk.open({ file: image(new Uint8Array(1000)), readOnly: false }), /1000 bytes, not a whole number of 512-byte sectors.*truncate -s 1024/);
    assert.throws(() => FileDisk.open({ file: dir, readOnly: false }), /is a directory/);
    assert.throws(() => FileDisk.open({ file: dir, readOnly: true }), /is a directory/);
    assert.throws(() => FileDisk.open({ file: '/dev/null', readOnly: true }), /not a regular file/);
    assert.throws(() => FileDisk.open({ file: path.join(dir, 'none.img'), readOnly: true }), /none\.img.*no such file/);
    const a = image(new Uint8Array(512), 'a.img');
    fs.symlinkSync(a, path.join(dir, 'b.img'));
    assert.throws(() => openDrives([{ file: a, readOnly: false }, { file: path.join(dir, 'b.img'), readOnly: true }]), /attached twice/);
  });
});
