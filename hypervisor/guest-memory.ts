// A VM's guest-physical RAM: the p2m map from guest frames to the machine frames the VMM gave them.
// It is also the memory guest page tables are walked in (it implements the emulator's PhysicalMemory).
import type { Ram } from '../emulator/memory/ram';
import type { PhysicalMemory } from '../emulator/mmu';
import { FRAME, type FrameAllocator } from './frames';

/** Guest RAM is handed out in 2 MiB extents: contiguous enough to be cheap, scattered enough to show the p2m. */
const EXTENT_FRAMES = 512;

export class GuestMemory implements PhysicalMemory {
  /** Machine frame index per guest frame (guest RAM is fully populated when the VM is created). */
  readonly p2m: Int32Array;

  /**
   * @param written told the machine RAM offsets the VMM wrote behind the harts' backs, so that code cached from
   *   them is dropped (the machine's dmaWritten).
   */
  constructor(readonly ram: Ram, readonly base: number, readonly size: number, frames: FrameAllocator, vmName: string,
    private readonly written: (off: number, len: number) => void) {
    this.p2m = new Int32Array(size / FRAME).fill(-1);
    for (let g = 0; g < this.p2m.length; g += EXTENT_FRAMES) {
      const count = Math.min(EXTENT_FRAMES, this.p2m.length - g);
      const first = frames.allocateRun(count, `${vmName}'s RAM`);
      for (let i = 0; i < count; i++) this.p2m[g + i] = first + i;
    }
  }

  /** The machine address a guest-physical address maps to, or -1 when it is not guest RAM. */
  machineAddress(gpa: number): number {
    const off = gpa - this.base;
    if (!(off >= 0 && off < this.size)) return -1;
    return this.ram.base + this.p2m[Math.floor(off / FRAME)] * FRAME + (off % FRAME);
  }

  /** RAM offset (machine address - RAM base) of guest RAM offset off. */
  machineOffset(off: number): number {
    return this.p2m[off >>> 12] * FRAME + (off & (FRAME - 1));
  }

  read8(off: number): number {
    return this.ram.read8(this.machineOffset(off));
  }

  write8(off: number, v: number): void {
    this.ram.write8(this.machineOffset(off), v);
  }

  /** Whether [gpa, gpa+len) lies inside guest RAM. */
  contains(gpa: number, len: number): boolean {
    return gpa >= this.base && gpa + len <= this.base + this.size && len >= 0;
  }

  /** Copies guest RAM [gpa, gpa+len) out (the caller checked contains). */
  read(gpa: number, len: number): Uint8Array {
    const out = new Uint8Array(len);
    for (let i = 0; i < len; i++) out[i] = this.read8(gpa - this.base + i);
    return out;
  }

  /** Copies bytes into guest RAM at gpa (the caller checked contains), dropping code cached from there. */
  write(gpa: number, bytes: Uint8Array): void {
    for (let i = 0; i < bytes.length; i++) {
      const off = gpa - this.base + i;
      this.write8(off, bytes[i]);
      if (i === 0 || (off & (FRAME - 1)) === 0) this.written(this.machineOffset(off), Math.min(bytes.length - i, FRAME - (off & (FRAME - 1))));
    }
  }

  /** A write the walker made (A/D bits) at guest RAM offset off: cached code there goes. */
  pteWritten(off: number): void {
    this.written(this.machineOffset(off), 8);
  }

  /** Every (guest frame, machine frame) pair, in guest order, merged into runs: the p2m as a debugger shows it. */
  runs(): { gpa: number; mpa: number; bytes: number }[] {
    const out: { gpa: number; mpa: number; bytes: number }[] = [];
    for (let g = 0; g < this.p2m.length; g++) {
      const gpa = this.base + g * FRAME, mpa = this.ram.base + this.p2m[g] * FRAME, last = out[out.length - 1];
      if (last && last.gpa + last.bytes === gpa && last.mpa + last.bytes === mpa) last.bytes += FRAME;
      else out.push({ gpa, mpa, bytes: FRAME });
    }
    return out;
  }
}
