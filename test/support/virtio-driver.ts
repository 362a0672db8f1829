// A minimal virtio-mmio driver for tests, written in TypeScript: what Linux or U-Boot does through the registers
// and split rings in machine RAM, nothing more, so tests can drive the real transport and devices.
import assert from 'node:assert/strict';
import { RAM_BASE, VIRTIO_BASE, VIRTIO_STRIDE, type Machine } from '../../emulator/machine';
import { Reg, Status, VIRTIO_F_INDIRECT_DESC, VIRTIO_F_VERSION_1, type VirtioMmio } from '../../emulator/devices/virtio-mmio';

export const SLOT = 7; // where the first device goes: 0x1000_8000, PLIC source 8
export const RINGS = RAM_BASE + 0x10_0000; // descriptor table; the available ring 0x4000 above, the used ring 0x8000 above
export const BUFS = RAM_BASE + 0x20_0000;  // request headers, data and status bytes
export const NEXT = 1, WRITE = 2, INDIRECT = 4;
export const T_IN = 0, T_OUT = 1, T_FLUSH = 4, T_GET_ID = 8;
export const S_OK = 0, S_IOERR = 1, S_UNSUPP = 2;

export interface Segment { addr: number; len: number; write?: boolean }

/** A minimal virtio driver: what Linux or U-Boot does through registers and RAM, nothing more. */
export class Driver {
  readonly t: VirtioMmio;
  private avail = 0;
  private seen = 0;

  constructor(readonly m: Machine, readonly num = 8, slot = SLOT) {
    this.t = m.virtio[slot];
    assert.equal(m.bus.find(VIRTIO_BASE + slot * VIRTIO_STRIDE, 4)?.device, this.t);
  }

  reg(off: number): number { return this.t.read(off, 4) >>> 0; }
  set(off: number, v: number): void { this.t.write(off, 4, v); }

  deviceFeatures(): bigint {
    this.set(Reg.DeviceFeaturesSel, 0);
    const lo = this.reg(Reg.DeviceFeatures);
    this.set(Reg.DeviceFeaturesSel, 1);
    return (BigInt(this.reg(Reg.DeviceFeatures)) << 32n) | BigInt(lo);
  }

  /** Reset, ACKNOWLEDGE, DRIVER, accept features, FEATURES_OK; returns whether the device kept FEATURES_OK. */
  negotiate(features: bigint): boolean {
    this.set(Reg.Status, 0);
    this.set(Reg.Status, Status.Acknowledge);
    this.set(Reg.Status, Status.Acknowledge | Status.Driver);
    for (const sel of [0, 1]) {
      this.set(Reg.DriverFeaturesSel, sel);
      this.set(Reg.DriverFeatures, Number((features >> BigInt(32 * sel)) & 0xffffffffn));
    }
    this.set(Reg.Status, Status.Acknowledge | Status.Driver | Status.FeaturesOk);
    return (this.reg(Reg.Status) & Status.FeaturesOk) !== 0;
  }

  setupQueue(rings = { desc: RINGS, avail: RINGS + 0x4000, used: RINGS + 0x8000 }): void {
    this.set(Reg.QueueSel, 0);
    assert.equal(this.reg(Reg.QueueReady), 0);
    assert.ok(this.reg(Reg.QueueNumMax) >= this.num);
    this.set(Reg.QueueNum, this.num);
    this.fill(rings.avail, new Uint8Array(6 + 2 * this.num)); // fresh rings, as a driver allocates them
    this.fill(rings.used, new Uint8Array(6 + 8 * this.num));
    this.set(Reg.QueueDescLow, rings.desc); this.set(Reg.QueueDescHigh, 0);
    this.set(Reg.QueueDriverLow, rings.avail); this.set(Reg.QueueDriverHigh, 0);
    this.set(Reg.QueueDeviceLow, rings.used); this.set(Reg.QueueDeviceHigh, 0);
    this.set(Reg.QueueReady, 1);
  }

  /** The whole bring-up a driver does before its first request. */
  start(features = VIRTIO_F_VERSION_1 | VIRTIO_F_INDIRECT_DESC): this {
    assert.ok(this.negotiate(features), 'FEATURES_OK accepted');
    this.setupQueue();
    this.set(Reg.Status, Status.Acknowledge | Status.Driver | Status.FeaturesOk | Status.DriverOk);
    return this;
  }

  w8(pa: number, v: number): void { this.m.ram.write8(pa - RAM_BASE, v); }
  w16(pa: number, v: number): void { this.w8(pa, v & 0xff); this.w8(pa + 1, v >>> 8); }
  w32(pa: number, v: number): void { this.w16(pa, v & 0xffff); this.w16(pa + 2, v >>> 16); }
  r8(pa: number): number { return this.m.ram.read8(pa - RAM_BASE); }
  r16(pa: number): number { return this.r8(pa) | (this.r8(pa + 1) << 8); }
  r32(pa: number): number { return (this.r16(pa) | (this.r16(pa + 2) << 16)) >>> 0; }
  bytes(pa: number, len: number): Uint8Array { return this.m.ram.readBytes(pa - RAM_BASE, len); }
  fill(pa: number, data: Uint8Array): void { this.m.ram.writeBytes(pa - RAM_BASE, data); }

  /** Writes descriptor i of a table. */
  desc(i: number, s: Segment & { flags?: number; next?: number }, table = RINGS): void {
    const d = table + 16 * i;
    this.w32(d, s.addr); this.w32(d + 4, 0); this.w32(d + 8, s.len);
    this.w16(d + 12, (s.flags ?? 0) | (s.write ? WRITE : 0)); this.w16(d + 14, s.next ?? 0);
  }

  /** Lays the segments out as a chain from descriptor `first`, makes it available and notifies. */
  submit(segments: Segment[], first = 0): void {
    segments.forEach((s, k) => this.desc((first + k) % this.num, {
      ...s, flags: k + 1 < segments.length ? NEXT : 0, next: (first + k + 1) % this.num,
    }));
    this.offer(first);
  }

  /** Puts head in the available ring, bumps its index and notifies queue 0. */
  offer(head: number, notify = true): void {
    this.w16(RINGS + 0x4000 + 4 + 2 * (this.avail % this.num), head);
    this.avail = (this.avail + 1) & 0xffff;
    this.w16(RINGS + 0x4000 + 2, this.avail);
    if (notify) this.set(Reg.QueueNotify, 0);
  }

  /** Used-ring entries the device added since the last call. */
  takeUsed(): { id: number; len: number }[] {
    const out: { id: number; len: number }[] = [];
    for (const idx = this.r16(RINGS + 0x8000 + 2); this.seen !== idx; this.seen = (this.seen + 1) & 0xffff) {
      const e = RINGS + 0x8000 + 4 + 8 * (this.seen % this.num);
      out.push({ id: this.r32(e), len: this.r32(e + 4) });
    }
    return out;
  }

  /** A block request: a 16-byte header, optional data, a status byte; returns the status and the used length. */
  blk(type: number, sector: number, data: Segment[] = []): { status: number; len: number } {
    const hdr = BUFS, status = BUFS + 0xff;
    this.w32(hdr, type); this.w32(hdr + 4, 0); this.w32(hdr + 8, sector); this.w32(hdr + 12, 0);
    this.w8(status, 0xee);
    this.submit([{ addr: hdr, len: 16 }, ...data, { addr: status, len: 1, write: true }]);
    const used = this.takeUsed();
    assert.equal(used.length, 1, `one request completed (device status 0x${this.reg(Reg.Status).toString(16)}: ${this.t.failure})`);
    assert.equal(used[0].id, 0);
    return { status: this.r8(status), len: used[0].len };
  }

  /** The device gave up: DEVICE_NEEDS_RESET, and a running driver got a configuration-change interrupt. */
  assertNeedsReset(why: RegExp): void {
    assert.ok(this.reg(Reg.Status) & Status.NeedsReset, 'DEVICE_NEEDS_RESET');
    assert.match(this.t.failure ?? '', why);
    assert.ok(this.reg(Reg.InterruptStatus) & 2, 'configuration change interrupt');
  }
}

