// CLINT (core-local interruptor) at 0x200_0000, laid out as on QEMU's virt and spike boards:
// msip per hart at +0, mtimecmp per hart at +0x4000, mtime at +0xbff8. Time comes from the machine's clock.
import type { MmioDevice } from '../memory/bus';

export const CLINT_SIZE = 0x10000;

/** What the CLINT needs from the machine: the current time in ticks, and a way to change it. */
export interface TimeSource {
  now(): number;
  setNow(ticks: number): void;
}

export class Clint implements MmioDevice {
  readonly name = 'clint (sifive,clint0)';
  readonly msip: Uint8Array;
  /** mtimecmp per hart as a JS number of ticks (exact below 2^53; all-ones parks the timer at +Infinity). */
  readonly mtimecmp: Float64Array;
  private readonly cmpLo: Uint32Array;
  private readonly cmpHi: Uint32Array;

  constructor(harts: number, private readonly time: TimeSource) {
    this.msip = new Uint8Array(harts);
    // mtimecmp resets to 0, as on QEMU: the timer is pending until software programs it.
    this.mtimecmp = new Float64Array(harts);
    this.cmpLo = new Uint32Array(harts);
    this.cmpHi = new Uint32Array(harts);
  }

  read(offset: number, size: number): number {
    if (offset < 0x4000) {
      const h = offset >>> 2;
      return h < this.msip.length && size === 4 ? this.msip[h] : 0;
    }
    if (offset < 0xbff8) {
      const h = (offset - 0x4000) >>> 3;
      if (h >= this.mtimecmp.length) return 0;
      return (offset & 4) ? this.cmpHi[h] | 0 : this.cmpLo[h] | 0;
    }
    const t = this.time.now();
    return offset === 0xbff8 ? t % 4294967296 | 0 : Math.floor(t / 4294967296) | 0;
  }

  write(offset: number, _size: number, value: number): void {
    if (offset < 0x4000) {
      const h = offset >>> 2;
      if (h < this.msip.length) this.msip[h] = value & 1;
      return;
    }
    if (offset < 0xbff8) {
      const h = (offset - 0x4000) >>> 3;
      if (h >= this.mtimecmp.length) return;
      if (offset & 4) this.cmpHi[h] = value >>> 0; else this.cmpLo[h] = value >>> 0;
      const v = this.cmpHi[h] * 4294967296 + this.cmpLo[h];
      this.mtimecmp[h] = v >= 2 ** 53 ? Infinity : v;
      return;
    }
    const t = this.time.now();
    const lo = offset === 0xbff8 ? value >>> 0 : t % 4294967296;
    const hi = offset === 0xbff8 ? Math.floor(t / 4294967296) : value >>> 0;
    this.time.setNow(hi * 4294967296 + lo);
  }
}
