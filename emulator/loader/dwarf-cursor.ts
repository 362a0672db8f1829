// A bounds-checked little-endian cursor over one DWARF section: fixed-size integers, LEB128 and C strings.
// Shared by the line-table, call-frame and unit readers so that every truncated section fails the same clear way.

/** Malformed or unsupported DWARF; the message names the section, the offset and what was expected. */
export class DwarfError extends Error {}

export class DwarfCursor {
  readonly dv: DataView;
  pos = 0;

  /** `section` names the section in error messages, e.g. '.debug_frame'. */
  constructor(readonly bytes: Uint8Array, readonly section: string) {
    this.dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get atEnd(): boolean { return this.pos >= this.bytes.length; }

  need(n: number): void {
    if (n < 0 || this.pos + n > this.bytes.length) {
      throw new DwarfError(`${this.section} is truncated or corrupt: ${n} bytes needed at offset ${this.pos} of ${this.bytes.length}`);
    }
  }

  skip(n: number): void { this.need(n); this.pos += n; }

  u8(): number { this.need(1); return this.bytes[this.pos++]; }
  u16(): number { this.need(2); this.pos += 2; return this.dv.getUint16(this.pos - 2, true); }
  u32(): number { this.need(4); this.pos += 4; return this.dv.getUint32(this.pos - 4, true); }
  u64(): bigint { this.need(8); this.pos += 8; return this.dv.getBigUint64(this.pos - 8, true); }
  i8(): number { return (this.u8() << 24) >> 24; }
  i16(): number { this.need(2); this.pos += 2; return this.dv.getInt16(this.pos - 2, true); }
  i32(): number { this.need(4); this.pos += 4; return this.dv.getInt32(this.pos - 4, true); }
  i64(): bigint { this.need(8); this.pos += 8; return this.dv.getBigInt64(this.pos - 8, true); }

  /** An unsigned integer of 1, 2, 4 or 8 bytes (addresses, offsets). */
  unsigned(size: number): bigint {
    switch (size) {
      case 1: return BigInt(this.u8());
      case 2: return BigInt(this.u16());
      case 4: return BigInt(this.u32());
      case 8: return this.u64();
      default: throw new DwarfError(`${this.section}: unsupported ${size}-byte value at offset ${this.pos}`);
    }
  }

  private leb(): { v: bigint; shift: bigint; negative: boolean } {
    let v = 0n, shift = 0n, byte: number;
    do {
      byte = this.u8();
      v |= BigInt(byte & 0x7f) << shift;
      shift += 7n;
    } while (byte & 0x80);
    return { v, shift, negative: (byte & 0x40) !== 0 };
  }

  uleb(): bigint { return this.leb().v; }

  sleb(): bigint {
    const { v, shift, negative } = this.leb();
    return negative ? v - (1n << shift) : v;
  }

  /** A ULEB128 that must fit a JavaScript number (counts, lengths, register numbers). */
  ulebNumber(): number {
    const v = this.uleb();
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new DwarfError(`${this.section}: value ${v} at offset ${this.pos} is too large`);
    return Number(v);
  }

  /** A NUL-terminated UTF-8 string at the cursor. */
  cString(): string {
    const s = cStringAt(this.bytes, this.pos, this.section);
    this.pos = this.bytes.indexOf(0, this.pos) + 1;
    return s;
  }

  /** The next n bytes, as a view. */
  block(n: number): Uint8Array {
    this.need(n);
    this.pos += n;
    return this.bytes.subarray(this.pos - n, this.pos);
  }
}

/** The NUL-terminated string at offset `off` of a string section. */
export function cStringAt(bytes: Uint8Array, off: number, section: string): string {
  if (off >= bytes.length) throw new DwarfError(`${section} offset ${off} is past its end (${bytes.length} bytes)`);
  const end = bytes.indexOf(0, off);
  if (end < 0) throw new DwarfError(`${section} string at ${off} has no terminating NUL`);
  return new TextDecoder().decode(bytes.subarray(off, end));
}

/** DWARF's initial length: 32-bit, or 0xffffffff then 64-bit (the 64-bit DWARF format). */
export function initialLength(c: DwarfCursor): { length: number; offset64: boolean } {
  let length = BigInt(c.u32());
  const offset64 = length === 0xffff_ffffn;
  if (offset64) length = c.u64();
  if (length > BigInt(c.bytes.length - c.pos)) {
    throw new DwarfError(`${c.section}: the entry at offset ${c.pos} claims ${length} bytes; only ${c.bytes.length - c.pos} remain`);
  }
  return { length: Number(length), offset64 };
}
