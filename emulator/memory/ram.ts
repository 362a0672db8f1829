// Machine RAM: sparse, allocated in 64 KiB chunks on first write, read as zeros before that.
// Typed-array views per chunk let the interpreter's fast path load and store without copying.

export const CHUNK_SHIFT = 16;
export const CHUNK_SIZE = 1 << CHUNK_SHIFT;
export const PAGE_SHIFT = 12;

/** Page flags: the store fast path calls Ram.notify only for flagged pages. */
export const enum PageFlag { Code = 1, Watch = 2 }

const ZERO8 = new Uint8Array(CHUNK_SIZE);
const ZERO16 = new Uint16Array(ZERO8.buffer);
const ZERO32 = new Int32Array(ZERO8.buffer);

export class Ram {
  readonly c8: Uint8Array[];
  readonly c16: Uint16Array[];
  readonly c32: Int32Array[];
  /** One byte per 4 KiB page: a PageFlag set. */
  readonly pageFlags: Uint8Array;
  static readonly zero8 = ZERO8;
  static readonly zero16 = ZERO16;
  static readonly zero32 = ZERO32;

  constructor(readonly base: number, readonly size: number) {
    const chunks = Math.ceil(size / CHUNK_SIZE);
    this.c8 = new Array<Uint8Array>(chunks).fill(ZERO8);
    this.c16 = new Array<Uint16Array>(chunks).fill(ZERO16);
    this.c32 = new Array<Int32Array>(chunks).fill(ZERO32);
    this.pageFlags = new Uint8Array(Math.ceil(size / 4096));
  }

  /** Bytes of host memory actually allocated. */
  get allocatedBytes(): number {
    return this.c8.filter((c) => c !== ZERO8).length * CHUNK_SIZE;
  }

  allocate(chunk: number): void {
    if (this.c8[chunk] !== ZERO8) return;
    const buf = new ArrayBuffer(CHUNK_SIZE);
    this.c8[chunk] = new Uint8Array(buf);
    this.c16[chunk] = new Uint16Array(buf);
    this.c32[chunk] = new Int32Array(buf);
  }

  /** True when [pa, pa+len) lies inside RAM. */
  contains(pa: number, len: number): boolean {
    return pa >= this.base && pa + len <= this.base + this.size;
  }

  read8(off: number): number {
    return this.c8[off >>> CHUNK_SHIFT][off & (CHUNK_SIZE - 1)];
  }

  write8(off: number, v: number): void {
    const c = off >>> CHUNK_SHIFT;
    if (this.c8[c] === ZERO8) this.allocate(c);
    this.c8[c][off & (CHUNK_SIZE - 1)] = v;
  }

  /** Copies bytes in at a RAM offset (for loaders and the debugger). */
  writeBytes(off: number, bytes: Uint8Array): void {
    for (let i = 0; i < bytes.length;) {
      const c = (off + i) >>> CHUNK_SHIFT, o = (off + i) & (CHUNK_SIZE - 1);
      const n = Math.min(CHUNK_SIZE - o, bytes.length - i);
      this.allocate(c);
      this.c8[c].set(bytes.subarray(i, i + n), o);
      i += n;
    }
  }

  readBytes(off: number, len: number): Uint8Array {
    const out = new Uint8Array(len);
    for (let i = 0; i < len;) {
      const c = (off + i) >>> CHUNK_SHIFT, o = (off + i) & (CHUNK_SIZE - 1);
      const n = Math.min(CHUNK_SIZE - o, len - i);
      out.set(this.c8[c].subarray(o, o + n), i);
      i += n;
    }
    return out;
  }
}
