// Machine memory as the VMM hands it out: 4 KiB frames of the machine's RAM, for guest RAM and the VMM's own tables.
// Allocation is deterministic (lowest free frame first), so the same VMs get the same machine addresses every run.
import type { Ram } from '../emulator/memory/ram';

export const FRAME = 4096;

export class OutOfMachineMemory extends Error {}

export class FrameAllocator {
  /** 1 = in use, per frame of RAM. */
  private readonly used: Uint8Array;
  private next = 0;
  private free: number;

  constructor(private readonly ram: Ram) {
    this.used = new Uint8Array(ram.size / FRAME);
    this.free = this.used.length;
  }

  /** Frames not yet handed out. */
  get available(): number {
    return this.free;
  }

  /** One frame (a frame index: machine address = ram.base + index * FRAME), zeroed; throws when RAM is exhausted. */
  allocate(what: string): number {
    for (let i = 0; i < this.used.length; i++) {
      const f = (this.next + i) % this.used.length;
      if (this.used[f] === 0) {
        this.used[f] = 1;
        this.free--;
        this.next = f + 1;
        return f;
      }
    }
    throw new OutOfMachineMemory(`machine memory is exhausted (allocating ${what}): give the machine more memory or the VMs less`);
  }

  /** `count` frames in a row (guest RAM is handed out in such extents), the first frame's index. */
  allocateRun(count: number, what: string): number {
    let run = 0;
    for (let f = 0; f < this.used.length; f++) {
      run = this.used[f] === 0 ? run + 1 : 0;
      if (run === count) {
        const first = f - count + 1;
        this.used.fill(1, first, f + 1);
        this.free -= count;
        return first;
      }
    }
    throw new OutOfMachineMemory(`machine memory has no ${count * FRAME / 1024} KiB free in one piece for ${what}: give the machine more memory or the VMs less`);
  }

  /** Returns a frame; its contents are cleared so that the next owner sees zeros (no data leaks between owners). */
  release(frame: number): void {
    if (this.used[frame] === 0) throw new Error(`frame ${frame} released twice`);
    this.used[frame] = 0;
    this.free++;
    this.ram.writeBytes(frame * FRAME, ZERO_FRAME);
    if (frame < this.next) this.next = frame;
  }
}

const ZERO_FRAME = new Uint8Array(FRAME);
