// The physical address space: RAM plus memory-mapped devices, dispatched by address range.
// Only the interpreter's slow path and tools come here; RAM hits never do.
import { Ram } from './ram';

/** A memory-mapped device. Offsets are relative to the device's base; size is 1, 2 or 4 bytes. */
export interface MmioDevice {
  readonly name: string;
  read(offset: number, size: 1 | 2 | 4): number;
  write(offset: number, size: 1 | 2 | 4, value: number): void;
}

interface Mapping { base: number; size: number; device: MmioDevice }

export class Bus {
  private readonly mappings: Mapping[] = [];

  constructor(readonly ram: Ram) {}

  map(base: number, size: number, device: MmioDevice): void {
    for (const m of this.mappings) {
      if (base < m.base + m.size && m.base < base + size) {
        throw new Error(`device ${device.name} at 0x${base.toString(16)} overlaps ${m.device.name}`);
      }
    }
    this.mappings.push({ base, size, device });
  }

  /** The device mapped at [pa, pa+len), or undefined. */
  find(pa: number, len: number): Mapping | undefined {
    for (const m of this.mappings) if (pa >= m.base && pa + len <= m.base + m.size) return m;
    return undefined;
  }
}
