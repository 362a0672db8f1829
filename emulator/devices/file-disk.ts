// Disk images for `--drive FILE` / `--drive-readonly FILE`: a raw image file behind a copy-on-write overlay.
// Guest writes stay in memory and reach the file only on a guest FLUSH or when the machine stops (writeBack).
import * as fs from 'node:fs';
import { SECTOR, type BlockBackend } from './virtio-blk';

/** A drive that cannot be attached or written back: reported as one `ringside: error:` line. */
export class DriveError extends Error {}

export interface DriveSpec {
  file: string;
  readOnly: boolean;
}

function why(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  return code === 'ENOENT' ? 'no such file' : code === 'EACCES' || code === 'EPERM' ? 'permission denied'
    : code === 'EROFS' ? 'read-only file system' : code === 'ENOSPC' ? 'no space left on the device' : (e as Error).message;
}

/**
 * A raw image file, read where the guest has not written, with the guest's writes kept per sector in memory until
 * flush() writes them into the file. So a run the guest never flushes leaves the image as it was until the
 * machine stops, and a killed ringside leaves it untouched.
 */
export class FileDisk implements BlockBackend {
  readonly size: number;
  /** Written sectors not yet in the file, by sector number. */
  private readonly overlay = new Map<number, Uint8Array>();

  private constructor(readonly file: string, private readonly fd: number, size: number, readonly readOnly: boolean) {
    this.size = size;
  }

  static open(spec: DriveSpec): FileDisk {
    const { file, readOnly } = spec;
    let fd: number;
    try {
      fd = fs.openSync(file, readOnly ? 'r' : 'r+');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EISDIR') throw new DriveError(`'${file}' is a directory, not a disk image`);
      if (!readOnly && (code === 'EACCES' || code === 'EPERM' || code === 'EROFS')) {
        throw new DriveError(`cannot open disk image '${file}' for writing: ${why(e)}; to attach it read-only, use --drive-readonly`);
      }
      throw new DriveError(`cannot open disk image '${file}': ${why(e)}`);
    }
    const st = fs.fstatSync(fd);
    const fail = (message: string): never => { fs.closeSync(fd); throw new DriveError(message); };
    if (st.isDirectory()) fail(`'${file}' is a directory, not a disk image`);
    if (!st.isFile()) fail(`'${file}' is not a regular file; give a raw disk image file`);
    if (st.size % SECTOR !== 0) {
      fail(`disk image '${file}' is ${st.size} bytes, not a whole number of 512-byte sectors; ` +
        `pad it (truncate -s ${Math.ceil(st.size / SECTOR) * SECTOR} '${file}')`);
    }
    return new FileDisk(file, fd, st.size, readOnly);
  }

  /** Sectors written by the guest and not yet in the file. */
  get dirtySectors(): number {
    return this.overlay.size;
  }

  read(offset: number, dest: Uint8Array): void {
    // Runs of sectors the guest has not written come from the file in one read each.
    let runAt = 0, runLength = 0;
    const readRun = () => {
      if (runLength > 0) this.readFile(offset + runAt, dest.subarray(runAt, runAt + runLength));
      runLength = 0;
    };
    this.sectors(offset, dest.length, (sector, from, at, n) => {
      const own = this.overlay.get(sector);
      if (own) { readRun(); dest.set(own.subarray(from, from + n), at); }
      else { if (runLength === 0) runAt = at; runLength += n; }
    });
    readRun();
  }

  write(offset: number, src: Uint8Array): void {
    if (this.readOnly) throw new DriveError(`disk image '${this.file}' is read-only`);
    this.sectors(offset, src.length, (sector, from, at, n) => {
      let own = this.overlay.get(sector);
      if (!own) {
        own = new Uint8Array(SECTOR);
        if (n < SECTOR) this.readFile(sector * SECTOR, own);
        this.overlay.set(sector, own);
      }
      own.set(src.subarray(at, at + n), from);
    });
  }

  /** Writes the overlay into the file, runs of adjacent sectors at a time, and empties it. */
  flush(): void {
    if (this.readOnly || this.overlay.size === 0) return;
    const sectors = [...this.overlay.keys()].sort((a, b) => a - b);
    try {
      for (let i = 0; i < sectors.length;) {
        let j = i + 1;
        while (j < sectors.length && sectors[j] === sectors[j - 1] + 1 && j - i < 2048) j++;
        const run = new Uint8Array((j - i) * SECTOR);
        for (let k = i; k < j; k++) run.set(this.overlay.get(sectors[k])!, (k - i) * SECTOR);
        for (let done = 0; done < run.length;) done += fs.writeSync(this.fd, run, done, run.length - done, sectors[i] * SECTOR + done);
        i = j;
      }
      fs.fsyncSync(this.fd);
    } catch (e) {
      throw new DriveError(`cannot write the guest's changes back to disk image '${this.file}': ${why(e)}`);
    }
    this.overlay.clear();
  }

  close(): void {
    fs.closeSync(this.fd);
  }

  /** Splits [offset, offset+len) at sector edges: each(sector, offset in sector, offset in the request, bytes). */
  private sectors(offset: number, len: number, each: (sector: number, from: number, at: number, n: number) => void): void {
    for (let at = 0; at < len;) {
      const pos = offset + at, sector = Math.floor(pos / SECTOR), from = pos % SECTOR, n = Math.min(SECTOR - from, len - at);
      each(sector, from, at, n);
      at += n;
    }
  }

  private readFile(position: number, dest: Uint8Array): void {
    let done = 0;
    try {
      while (done < dest.length) {
        const n = fs.readSync(this.fd, dest, done, dest.length - done, position + done);
        if (n === 0) break;
        done += n;
      }
    } catch (e) {
      throw new DriveError(`cannot read disk image '${this.file}': ${why(e)}`);
    }
    dest.fill(0, done); // the file shrank under us: what is gone reads as zeros
  }
}

/** Opens every drive, refusing one file given twice (two overlays of one file would overwrite each other). */
export function openDrives(specs: DriveSpec[]): FileDisk[] {
  const seen = new Map<string, string>();
  const disks: FileDisk[] = [];
  try {
    for (const spec of specs) {
      const disk = FileDisk.open(spec);
      disks.push(disk);
      const real = fs.realpathSync(spec.file);
      const before = seen.get(real);
      if (before !== undefined) throw new DriveError(`disk image '${spec.file}' is attached twice (also as '${before}'); give each image once`);
      seen.set(real, spec.file);
    }
  } catch (e) {
    disks.forEach((d) => d.close());
    throw e;
  }
  return disks;
}
