// virtio-blk (VIRTIO 1.1 §5.2), DeviceID 2: a disk behind a virtio-mmio transport, serving IN, OUT, FLUSH and
// GET_ID synchronously when the driver notifies. The bytes live in a BlockBackend; emulator/ does no file I/O.
import type { Chain, VirtQueue, VirtioDevice } from './virtio-mmio';

export const VIRTIO_ID_BLOCK = 2;
export const SECTOR = 512;
export const VIRTIO_BLK_F_RO = 1n << 5n;
export const VIRTIO_BLK_F_FLUSH = 1n << 9n;

export const enum BlkType { In = 0, Out = 1, Flush = 4, GetId = 8 }
export const enum BlkStatus { Ok = 0, IoErr = 1, Unsupp = 2 }

/** The ID a GET_ID request returns is at most 20 bytes, NUL-terminated when shorter (§5.2.6). */
const ID_BYTES = 20;
/** struct virtio_blk_outhdr: type, reserved, sector. */
const HEADER = 16;
/** The configuration QEMU 7.2 exposes (up to write_zeroes_may_unmap); fields past capacity read 0 here. */
const CONFIG_SIZE = 0x39;

/** Where a disk's bytes live: a file (the CLI), memory, or a hypervisor's backend. Offsets and lengths are any bytes. */
export interface BlockBackend {
  /** Bytes; a multiple of 512. */
  readonly size: number;
  readonly readOnly: boolean;
  read(offset: number, dest: Uint8Array): void;
  write(offset: number, src: Uint8Array): void;
  /** Makes every completed write durable. */
  flush(): void;
}

/** A disk held in memory: for tests, and for hosts that keep images themselves. */
export class MemoryDisk implements BlockBackend {
  constructor(readonly bytes: Uint8Array, readonly readOnly = false) {
    if (bytes.length % SECTOR !== 0) throw new RangeError(`a disk is whole 512-byte sectors, not ${bytes.length} bytes`);
  }

  get size(): number { return this.bytes.length; }
  read(offset: number, dest: Uint8Array): void { dest.set(this.bytes.subarray(offset, offset + dest.length)); }
  write(offset: number, src: Uint8Array): void { this.bytes.set(src, offset); }
  flush(): void { /* memory is as durable as it gets */ }
}

export interface VirtioBlkOptions {
  /** What GET_ID answers (QEMU's default is empty). At most 20 bytes are returned. */
  serial?: string;
}

export class VirtioBlk implements VirtioDevice {
  readonly deviceId = VIRTIO_ID_BLOCK;
  readonly queueCount = 1;
  readonly features: bigint;
  readonly config = new Uint8Array(CONFIG_SIZE);
  private readonly id: Uint8Array;

  constructor(readonly backend: BlockBackend, options: VirtioBlkOptions = {}) {
    this.features = VIRTIO_BLK_F_FLUSH | (backend.readOnly ? VIRTIO_BLK_F_RO : 0n);
    new DataView(this.config.buffer).setBigUint64(0, BigInt(Math.floor(backend.size / SECTOR)), true); // capacity
    // As QEMU: the serial and its NUL, cut at 20 bytes (and the bytes after the NUL left alone).
    const serial = new TextEncoder().encode(options.serial ?? '').subarray(0, ID_BYTES);
    this.id = serial.length < ID_BYTES ? Uint8Array.of(...serial, 0) : serial;
  }

  reset(): void { /* requests complete at once: nothing is in flight */ }

  notify(queue: VirtQueue): void {
    for (let chain = queue.pop(); chain; chain = queue.pop()) {
      // A request with no room for its header or status cannot even be answered with an error.
      if (chain.outLength < HEADER || chain.inLength < 1) {
        queue.fail(`a block request needs a ${HEADER}-byte header and a status byte, got ${chain.outLength} readable and ${chain.inLength} writable bytes`);
        return;
      }
      const { status, data } = this.execute(chain);
      chain.write(chain.inLength - 1, Uint8Array.of(status));
      // The used length promises that many bytes were written from the start of the writable part (§2.6.8.2):
      // everything when the data filled it up to the status byte, else only the data. (QEMU always reports the
      // whole writable size, even for requests that failed without writing their data.)
      queue.push(chain, data === chain.inLength - 1 ? chain.inLength : data);
    }
  }

  /** Runs one request; data is the number of bytes written before the status byte. */
  private execute(chain: Chain): { status: BlkStatus; data: number } {
    const header = new Uint8Array(HEADER);
    chain.read(0, header);
    const view = new DataView(header.buffer);
    const type = view.getUint32(0, true), sectorLo = view.getUint32(8, true), sectorHi = view.getUint32(12, true);
    const dataIn = chain.inLength - 1, dataOut = chain.outLength - HEADER;
    try {
      switch (type) {
        case BlkType.In: {
          const at = this.range(sectorLo, sectorHi, dataIn);
          if (at === undefined) return { status: BlkStatus.IoErr, data: 0 };
          chain.writePieces(0, dataIn, (piece, pos) => this.backend.read(at + pos, piece));
          return { status: BlkStatus.Ok, data: dataIn };
        }
        case BlkType.Out: {
          const at = this.range(sectorLo, sectorHi, dataOut);
          if (at === undefined || this.backend.readOnly) return { status: BlkStatus.IoErr, data: 0 };
          chain.readPieces(HEADER, dataOut, (piece, pos) => this.backend.write(at + pos, piece));
          return { status: BlkStatus.Ok, data: 0 };
        }
        case BlkType.Flush:
          if (!this.backend.readOnly) this.backend.flush();
          return { status: BlkStatus.Ok, data: 0 };
        case BlkType.GetId: {
          const id = this.id.subarray(0, dataIn);
          chain.write(0, id);
          return { status: BlkStatus.Ok, data: id.length };
        }
        default:
          return { status: BlkStatus.Unsupp, data: 0 };
      }
    } catch {
      // The backend could not do it (a host I/O error): the guest hears IOERR, as from a failing disk.
      return { status: BlkStatus.IoErr, data: 0 };
    }
  }

  /** The byte offset of a transfer of len bytes at sector, if it is whole sectors inside the disk. */
  private range(sectorLo: number, sectorHi: number, len: number): number | undefined {
    const at = (sectorHi * 2 ** 32 + sectorLo) * SECTOR; // inexact only far beyond any disk's size
    return len % SECTOR === 0 && at + len <= this.backend.size ? at : undefined;
  }
}
