// virtio-mmio transport, version 2 only (VIRTIO 1.1 §4.2 "Virtio Over MMIO", split virtqueues §2.6), as on QEMU's
// virt board: registers, feature negotiation, virtqueues in guest RAM and the interrupt line, for any VirtioDevice.
import type { MmioDevice } from '../memory/bus';
import { CHUNK_SHIFT, CHUNK_SIZE, type Ram } from '../memory/ram';

/** QEMU's virtio-mmio region is 0x200 bytes (the device tree says 0x1000): accesses beyond it fault there too. */
export const VIRTIO_MMIO_SIZE = 0x200;
const MAGIC = 0x74726976; // 'virt'
const VERSION = 2;
/** 'QEMU', the vendor QEMU's transports report; U-Boot prints it as the disk's vendor. */
export const VIRTIO_VENDOR_QEMU = 0x554d4551;
/** QueueNumMax, as QEMU's VIRTQUEUE_MAX_SIZE; also the most descriptors one chain may have. */
export const QUEUE_NUM_MAX = 1024;
const CONFIG = 0x100;

/** Device status bits (§2.1). */
export const enum Status { Acknowledge = 1, Driver = 2, DriverOk = 4, FeaturesOk = 8, NeedsReset = 64, Failed = 128 }

/** Reserved feature bits (§6) that the transport itself offers. */
export const VIRTIO_F_INDIRECT_DESC = 1n << 28n;
export const VIRTIO_F_VERSION_1 = 1n << 32n;
const TRANSPORT_FEATURES = VIRTIO_F_INDIRECT_DESC | VIRTIO_F_VERSION_1;

/** InterruptStatus bits. */
export const enum Isr { UsedBuffer = 1, ConfigChange = 2 }

const DESC_F_NEXT = 1, DESC_F_WRITE = 2, DESC_F_INDIRECT = 4;
const AVAIL_F_NO_INTERRUPT = 1;

/** The register offsets of §4.2.2. */
export const enum Reg {
  MagicValue = 0x000, Version = 0x004, DeviceId = 0x008, VendorId = 0x00c,
  DeviceFeatures = 0x010, DeviceFeaturesSel = 0x014, DriverFeatures = 0x020, DriverFeaturesSel = 0x024,
  QueueSel = 0x030, QueueNumMax = 0x034, QueueNum = 0x038, QueueReady = 0x044, QueueNotify = 0x050,
  InterruptStatus = 0x060, InterruptAck = 0x064, Status = 0x070,
  QueueDescLow = 0x080, QueueDescHigh = 0x084, QueueDriverLow = 0x090, QueueDriverHigh = 0x094,
  QueueDeviceLow = 0x0a0, QueueDeviceHigh = 0x0a4, ShmSel = 0x0ac, ShmLenLow = 0x0b0, ShmLenHigh = 0x0b4,
  ShmBaseLow = 0x0b8, ShmBaseHigh = 0x0bc, ConfigGeneration = 0x0fc,
}

/** What the transport needs of the machine: its RAM, and to be told of every write into it. */
export interface Dma {
  readonly ram: Ram;
  /** The device wrote RAM [off, off+len) (offsets from RAM's base): cached code there must be dropped. */
  written(off: number, len: number): void;
}

/**
 * A device behind the transport (block, console, net…). The transport owns the registers, the negotiation
 * and the rings; the device sees only its configuration bytes and the chains the driver makes available.
 */
export interface VirtioDevice {
  /** DeviceID (§5): 2 for a block device. */
  readonly deviceId: number;
  /** Device-specific feature bits offered (the transport adds VERSION_1 and INDIRECT_DESC). */
  readonly features: bigint;
  /** How many virtqueues the device has. */
  readonly queueCount: number;
  /** The device configuration space (little-endian), read at 0x100. */
  readonly config: Uint8Array;
  /** The driver wrote the configuration space (fields a device does not let the driver change may ignore it). */
  writeConfig?(offset: number, size: 1 | 2 | 4, value: number): void;
  /** The driver notified a queue: take its chains with queue.pop() and hand each back with queue.push(). */
  notify(queue: VirtQueue): void;
  /** The driver reset the device (wrote 0 to Status). */
  reset(): void;
}

/** Raised while walking a corrupt ring: the transport turns it into DEVICE_NEEDS_RESET. */
class RingError extends Error {}

/**
 * One descriptor chain as the device sees it: a device-readable byte stream followed by a device-writable one,
 * each scattered over guest RAM. Offsets are relative to RAM's base; every piece was checked to lie in RAM.
 */
export class Chain {
  readonly outOff: number[] = [];
  readonly outLen: number[] = [];
  readonly inOff: number[] = [];
  readonly inLen: number[] = [];
  /** Bytes the device may read. */
  outLength = 0;
  /** Bytes the device may write. */
  inLength = 0;

  constructor(readonly head: number, private readonly dma: Dma) {}

  add(off: number, len: number, writable: boolean): void {
    if (writable) { this.inOff.push(off); this.inLen.push(len); this.inLength += len; }
    else { this.outOff.push(off); this.outLen.push(len); this.outLength += len; }
  }

  /** Lends the RAM behind readable bytes [pos, pos+len) to use, piece by piece, without copying. */
  readPieces(pos: number, len: number, use: (piece: Uint8Array, at: number) => void): void {
    const ram = this.dma.ram;
    this.pieces(this.outOff, this.outLen, pos, len, (off, n, at) => {
      use(ram.c8[off >>> CHUNK_SHIFT].subarray(off & (CHUNK_SIZE - 1), (off & (CHUNK_SIZE - 1)) + n), at);
    });
  }

  /** Lends the RAM behind writable bytes [pos, pos+len) to fill, piece by piece, and reports each piece as written. */
  writePieces(pos: number, len: number, fill: (piece: Uint8Array, at: number) => void): void {
    const ram = this.dma.ram;
    this.pieces(this.inOff, this.inLen, pos, len, (off, n, at) => {
      const c = off >>> CHUNK_SHIFT;
      ram.allocate(c);
      fill(ram.c8[c].subarray(off & (CHUNK_SIZE - 1), (off & (CHUNK_SIZE - 1)) + n), at);
      this.dma.written(off, n);
    });
  }

  /** Copies readable bytes from pos into dest (as many as there are). */
  read(pos: number, dest: Uint8Array): void {
    this.readPieces(pos, Math.min(dest.length, this.outLength - pos), (piece, at) => dest.set(piece, at));
  }

  /** Copies src into the writable bytes at pos (as many as fit). */
  write(pos: number, src: Uint8Array): void {
    this.writePieces(pos, Math.min(src.length, this.inLength - pos), (piece, at) => piece.set(src.subarray(at, at + piece.length)));
  }

  /** Calls each(ramOffset, length, streamOffset - pos) for the pieces of [pos, pos+len), split at RAM chunk edges. */
  private pieces(offs: number[], lens: number[], pos: number, len: number, each: (off: number, n: number, at: number) => void): void {
    let skip = pos, done = 0;
    for (let s = 0; s < offs.length && done < len; s++) {
      if (skip >= lens[s]) { skip -= lens[s]; continue; }
      let off = offs[s] + skip, left = Math.min(lens[s] - skip, len - done);
      skip = 0;
      while (left > 0) {
        const n = Math.min(left, CHUNK_SIZE - (off & (CHUNK_SIZE - 1)));
        each(off, n, done);
        off += n; left -= n; done += n;
      }
    }
  }
}

/** A split virtqueue (§2.6): the driver's descriptor table and available ring, the device's used ring. */
export class VirtQueue {
  num = 0;
  ready = false;
  /** Ring addresses as the driver wrote them, [low, high] words. */
  readonly desc = [0, 0];
  readonly driver = [0, 0];
  readonly device = [0, 0];
  /** The next available-ring entry to take, and the device's used index (both free-running mod 2^16). */
  private lastAvail = 0;
  private usedIdx = 0;

  constructor(readonly index: number, private readonly transport: VirtioMmio, private readonly dma: Dma) {}

  /** Queue setup becomes final: the rings are read from here on. */
  enable(): void {
    this.ready = true;
    this.lastAvail = 0;
    this.usedIdx = 0;
  }

  reset(): void {
    this.num = 0;
    this.ready = false;
    this.desc.fill(0); this.driver.fill(0); this.device.fill(0);
    this.lastAvail = 0;
    this.usedIdx = 0;
  }

  /**
   * The next chain the driver made available, or undefined when there is none. A corrupt ring (bad index, a
   * descriptor outside RAM, a loop) puts the device in DEVICE_NEEDS_RESET and yields nothing more.
   */
  pop(): Chain | undefined {
    return this.guarded(() => {
      const { avail } = this.rings();
      const availIdx = this.r16(avail + 2);
      if (availIdx === this.lastAvail) return undefined;
      if (((availIdx - this.lastAvail) & 0xffff) > this.num) {
        throw new RingError(`queue ${this.index}: the available index moved from ${this.lastAvail} to ${availIdx}, more than the queue size ${this.num}`);
      }
      const head = this.r16(avail + 4 + 2 * (this.lastAvail & (this.num - 1)));
      this.lastAvail = (this.lastAvail + 1) & 0xffff;
      return this.walk(head);
    });
  }

  /** Returns a chain to the driver with the number of bytes written into it, and interrupts unless suppressed. */
  push(chain: Chain, written: number): void {
    this.guarded(() => {
      const { avail, used } = this.rings();
      const entry = used + 4 + 8 * (this.usedIdx & (this.num - 1));
      this.w32(entry, chain.head);
      this.w32(entry + 4, Math.min(written, chain.inLength));
      this.usedIdx = (this.usedIdx + 1) & 0xffff;
      this.w16(used + 2, this.usedIdx);
      if (!(this.r16(avail) & AVAIL_F_NO_INTERRUPT)) this.transport.interrupt(Isr.UsedBuffer);
    });
  }

  /** Gives up on the device: a request it cannot even answer (e.g. no room for a status byte). */
  fail(reason: string): void {
    this.transport.fail(`queue ${this.index}: ${reason}`);
  }

  /** Runs a ring operation if the queue is live; a corrupt ring makes the device need a reset instead of throwing. */
  private guarded<T>(op: () => T): T | undefined {
    if (!this.ready || (this.transport.status & (Status.DriverOk | Status.NeedsReset)) !== Status.DriverOk) return undefined;
    try {
      return op();
    } catch (e) {
      if (!(e instanceof RingError)) throw e;
      this.transport.fail(e.message);
      return undefined;
    }
  }

  /** The rings' RAM offsets, checked against RAM and the alignments of §2.6. */
  private rings(): { desc: number; avail: number; used: number } {
    const n = this.num;
    if (n === 0 || n > QUEUE_NUM_MAX || (n & (n - 1)) !== 0) throw new RingError(`queue ${this.index}: size ${n} is not a power of two up to ${QUEUE_NUM_MAX}`);
    return {
      desc: this.area('descriptor table', this.desc, 16 * n, 16),
      avail: this.area('available ring', this.driver, 6 + 2 * n, 2),
      used: this.area('used ring', this.device, 6 + 8 * n, 4),
    };
  }

  private area(what: string, addr: number[], len: number, align: number): number {
    const off = this.ramOffset(addr[0], addr[1], len);
    if (off === undefined || (addr[0] & (align - 1)) !== 0) {
      throw new RingError(`queue ${this.index}: the ${what} at 0x${(addr[1] * 2 ** 32 + addr[0]).toString(16)} is not ${align}-byte aligned in RAM`);
    }
    return off;
  }

  /** RAM offset of guest-physical [hi:lo, +len), or undefined if it is not all RAM. */
  private ramOffset(lo: number, hi: number, len: number): number | undefined {
    const ram = this.dma.ram;
    return hi === 0 && ram.contains(lo, len) ? lo - ram.base : undefined;
  }

  /** Follows a chain from its head, through at most one indirect table (§2.6.5.3). */
  private walk(head: number): Chain {
    const chain = new Chain(head, this.dma);
    let table = this.rings().desc, size = this.num, i = head, indirect = false, steps = 0, segments = 0;
    for (;;) {
      if (i >= size) throw new RingError(`queue ${this.index}: descriptor index ${i} is outside a table of ${size}`);
      if (++steps > size) throw new RingError(`queue ${this.index}: the descriptor chain from ${head} loops`);
      const d = table + 16 * i;
      const lo = this.r32(d), hi = this.r32(d + 4), len = this.r32(d + 8), flags = this.r16(d + 12), next = this.r16(d + 14);
      if (flags & DESC_F_INDIRECT) {
        if (!(this.transport.driverFeatures & VIRTIO_F_INDIRECT_DESC)) throw new RingError(`queue ${this.index}: indirect descriptor without VIRTIO_F_INDIRECT_DESC`);
        if (indirect) throw new RingError(`queue ${this.index}: an indirect table inside an indirect table`);
        if (flags & DESC_F_NEXT) throw new RingError(`queue ${this.index}: an indirect descriptor with NEXT set`);
        const off = this.ramOffset(lo, hi, len);
        if (off === undefined || len === 0 || len % 16 !== 0) throw new RingError(`queue ${this.index}: indirect table of ${len} bytes at 0x${(hi * 2 ** 32 + lo).toString(16)} is not whole descriptors in RAM`);
        table = off; size = len / 16; i = 0; indirect = true; steps = 0;
        continue;
      }
      const off = this.ramOffset(lo, hi, len);
      if (off === undefined) throw new RingError(`queue ${this.index}: descriptor ${i} (${len} bytes at 0x${(hi * 2 ** 32 + lo).toString(16)}) is not in RAM`);
      const writable = (flags & DESC_F_WRITE) !== 0;
      if (!writable && chain.inLength > 0) throw new RingError(`queue ${this.index}: a device-readable descriptor follows a device-writable one`);
      if (++segments > QUEUE_NUM_MAX) throw new RingError(`queue ${this.index}: a chain of more than ${QUEUE_NUM_MAX} descriptors`);
      if (len > 0) chain.add(off, len, writable);
      if (!(flags & DESC_F_NEXT)) return chain;
      i = next;
    }
  }

  private r16(off: number): number {
    const ram = this.dma.ram;
    return ram.read8(off) | (ram.read8(off + 1) << 8);
  }

  private r32(off: number): number {
    return (this.r16(off) | (this.r16(off + 2) << 16)) >>> 0;
  }

  private w16(off: number, v: number): void {
    const ram = this.dma.ram;
    ram.write8(off, v & 0xff);
    ram.write8(off + 1, (v >>> 8) & 0xff);
    this.dma.written(off, 2);
  }

  private w32(off: number, v: number): void {
    this.w16(off, v & 0xffff);
    this.w16(off + 2, v >>> 16);
  }
}

/** One virtio-mmio slot. Without a device it reads as QEMU's empty transports do: magic, version, vendor, DeviceID 0. */
export class VirtioMmio implements MmioDevice {
  readonly name: string;
  status = 0;
  /** InterruptStatus: the line to the interrupt controller is high while it is not zero. */
  isr = 0;
  /** Features the driver accepted (only meaningful once FEATURES_OK is set). */
  driverFeatures = 0n;
  /** Why the device set DEVICE_NEEDS_RESET, for debuggers and tests. */
  failure: string | undefined;
  readonly queues: VirtQueue[];
  private configGeneration = 0;
  private deviceFeaturesSel = 0;
  private driverFeaturesSel = 0;
  private queueSel = 0;

  constructor(name: string, dma: Dma, readonly device?: VirtioDevice) {
    this.name = `${name} (virtio-mmio${device ? `, device ${device.deviceId}` : ', empty'})`;
    this.queues = Array.from({ length: device?.queueCount ?? 0 }, (_, i) => new VirtQueue(i, this, dma));
  }

  get irq(): boolean {
    return this.isr !== 0;
  }

  /** Every feature bit offered: the device's and the transport's. */
  get offeredFeatures(): bigint {
    return this.device ? this.device.features | TRANSPORT_FEATURES : 0n;
  }

  interrupt(bits: Isr): void {
    this.isr |= bits;
  }

  /**
   * The device cannot go on (§2.1.2): DEVICE_NEEDS_RESET, told to a running driver by a configuration interrupt.
   * (QEMU 7.2 also sets the used-buffer bit and bumps ConfigGeneration here; neither says anything true.)
   */
  fail(reason: string): void {
    if (this.status & Status.NeedsReset) return;
    this.failure = reason;
    this.status |= Status.NeedsReset;
    if (this.status & Status.DriverOk) this.interrupt(Isr.ConfigChange);
  }

  private get queue(): VirtQueue | undefined {
    return this.queues[this.queueSel];
  }

  read(offset: number, size: 1 | 2 | 4): number {
    if (offset >= CONFIG) return this.readConfig(offset - CONFIG, size);
    if (!this.device) return this.readEmpty(offset, size);
    if (size !== 4) return 0; // as QEMU: registers are 32-bit only
    switch (offset) {
      case Reg.MagicValue: return MAGIC;
      case Reg.Version: return VERSION;
      case Reg.VendorId: return VIRTIO_VENDOR_QEMU;
      case Reg.DeviceId: return this.device.deviceId;
      case Reg.DeviceFeatures: return this.deviceFeaturesSel > 1 ? 0 : Number((this.offeredFeatures >> BigInt(32 * this.deviceFeaturesSel)) & 0xffffffffn) | 0;
      case Reg.QueueNumMax: return this.queue ? QUEUE_NUM_MAX : 0;
      case Reg.QueueReady: return this.queue?.ready ? 1 : 0;
      case Reg.InterruptStatus: return this.isr;
      case Reg.Status: return this.status;
      // No shared memory regions: the spec's answer for a region that does not exist is a length of -1.
      case Reg.ShmLenLow: case Reg.ShmLenHigh: case Reg.ShmBaseLow: case Reg.ShmBaseHigh: return -1;
      case Reg.ConfigGeneration: return this.configGeneration;
      default: return 0;
    }
  }

  /**
   * An empty slot answers only what tells a driver to leave it alone (QEMU's behaviour, not the spec's). QEMU does
   * not check the access size here, so a byte read of MagicValue gives its low byte (0x76) there too.
   */
  private readEmpty(offset: number, size: 1 | 2 | 4): number {
    const v = offset === Reg.MagicValue ? MAGIC : offset === Reg.Version ? VERSION : offset === Reg.VendorId ? VIRTIO_VENDOR_QEMU : 0;
    return size === 4 ? v : v & ((1 << (8 * size)) - 1);
  }

  /** As QEMU: an access reaching past the configuration space reads all ones. */
  private readConfig(offset: number, size: 1 | 2 | 4): number {
    const config = this.device?.config;
    if (!config) return 0;
    if (offset + size > config.length) return size === 4 ? -1 : (1 << (8 * size)) - 1;
    let v = 0;
    for (let i = size - 1; i >= 0; i--) v = (v << 8) | config[offset + i];
    return v;
  }

  write(offset: number, size: 1 | 2 | 4, value: number): void {
    const device = this.device;
    if (!device) return;
    if (offset >= CONFIG) {
      if (offset - CONFIG + size <= device.config.length) device.writeConfig?.(offset - CONFIG, size, value);
      return;
    }
    if (size !== 4) return;
    const v = value >>> 0, q = this.queue;
    switch (offset) {
      case Reg.DeviceFeaturesSel: this.deviceFeaturesSel = v; break;
      case Reg.DriverFeaturesSel: this.driverFeaturesSel = v; break;
      case Reg.DriverFeatures: this.setDriverFeatures(v); break;
      case Reg.QueueSel: this.queueSel = v; break;
      case Reg.QueueNum: if (q && !q.ready) q.num = v; break;
      case Reg.QueueReady: if (q) { if (v & 1) { if (!q.ready) q.enable(); } else q.ready = false; } break;
      case Reg.QueueDescLow: case Reg.QueueDescHigh: if (q && !q.ready) q.desc[(offset >>> 2) & 1] = v; break;
      case Reg.QueueDriverLow: case Reg.QueueDriverHigh: if (q && !q.ready) q.driver[(offset >>> 2) & 1] = v; break;
      case Reg.QueueDeviceLow: case Reg.QueueDeviceHigh: if (q && !q.ready) q.device[(offset >>> 2) & 1] = v; break;
      case Reg.QueueNotify: if (v < this.queues.length && this.queues[v].ready && (this.status & (Status.DriverOk | Status.NeedsReset)) === Status.DriverOk) device.notify(this.queues[v]); break;
      case Reg.InterruptAck: this.isr &= ~v; break;
      case Reg.Status: this.setStatus(v & 0xff); break;
    }
  }

  /** Features can change only until FEATURES_OK (§3.1.1); only words 0 and 1 exist. */
  private setDriverFeatures(v: number): void {
    if (this.status & Status.FeaturesOk || this.driverFeaturesSel > 1) return;
    const shift = BigInt(32 * this.driverFeaturesSel);
    this.driverFeatures = (this.driverFeatures & ~(0xffffffffn << shift)) | (BigInt(v) << shift);
  }

  /**
   * Writing 0 resets. FEATURES_OK sticks only if the driver accepted a subset of what was offered, including
   * VIRTIO_F_VERSION_1 (a version 2 transport has no legacy interface); the driver reads Status back to learn it.
   * (QEMU 7.2 keeps FEATURES_OK without VERSION_1; §6.1 lets a device refuse to go on.)
   */
  private setStatus(v: number): void {
    if (v === 0) { this.reset(); return; }
    if (v & ~this.status & Status.FeaturesOk) {
      const ok = (this.driverFeatures & ~this.offeredFeatures) === 0n && (this.driverFeatures & VIRTIO_F_VERSION_1) !== 0n;
      if (!ok) v &= ~Status.FeaturesOk;
    }
    this.status = (v & ~Status.NeedsReset) | (this.status & Status.NeedsReset);
  }

  private reset(): void {
    this.status = 0;
    this.isr = 0;
    this.driverFeatures = 0n;
    this.failure = undefined;
    this.deviceFeaturesSel = this.driverFeaturesSel = this.queueSel = 0;
    for (const q of this.queues) q.reset();
    this.device?.reset();
  }
}
