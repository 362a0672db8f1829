// The compile units of `.debug_info`, read only as far as their first entry: each unit's line table offset and
// compilation directory, which DWARF 2–4 line tables need to turn relative file names into paths.
import { DwarfCursor, DwarfError, cStringAt, initialLength } from './dwarf-cursor';

export interface UnitSections {
  debugInfo: Uint8Array;
  debugAbbrev: Uint8Array;
  debugStr?: Uint8Array;
  debugLineStr?: Uint8Array;
}

const DW_AT_stmt_list = 0x10, DW_AT_comp_dir = 0x1b;
const DW_FORM_strp = 0x0e, DW_FORM_string = 0x08, DW_FORM_line_strp = 0x1f, DW_FORM_implicit_const = 0x21, DW_FORM_indirect = 0x16;

/** Compilation directory by `.debug_line` offset (DW_AT_stmt_list) of every unit that names both. */
export function compDirsByLineTable(s: UnitSections): Map<number, string> {
  const out = new Map<number, string>();
  const c = new DwarfCursor(s.debugInfo, '.debug_info');
  while (!c.atEnd) {
    const { length, offset64 } = initialLength(c);
    const end = c.pos + length;
    const version = c.u16();
    if (version < 2 || version > 5) throw new DwarfError(`.debug_info: unsupported unit version ${version} at offset ${c.pos - 2}`);
    let addressSize: number, abbrevOffset: bigint;
    if (version >= 5) {
      c.u8(); // unit_type: compile and partial units start the same way
      addressSize = c.u8();
      abbrevOffset = offset64 ? c.u64() : BigInt(c.u32());
    } else {
      abbrevOffset = offset64 ? c.u64() : BigInt(c.u32());
      addressSize = c.u8();
    }
    const unit = readFirstEntry(c, s, { version, offset64, addressSize }, Number(abbrevOffset));
    if (unit.stmtList !== undefined && unit.compDir !== undefined) out.set(unit.stmtList, unit.compDir);
    c.pos = end;
  }
  return out;
}

interface UnitShape {
  version: number;
  offset64: boolean;
  addressSize: number;
}

function readFirstEntry(c: DwarfCursor, s: UnitSections, u: UnitShape, abbrevOffset: number): { stmtList?: number; compDir?: string } {
  const code = c.uleb();
  const attributes = abbreviation(s.debugAbbrev, abbrevOffset, code);
  const out: { stmtList?: number; compDir?: string } = {};
  for (const [name, form] of attributes) {
    const value = readForm(c, s, u, form);
    if (name === DW_AT_stmt_list && typeof value === 'bigint') out.stmtList = Number(value);
    if (name === DW_AT_comp_dir && typeof value === 'string') out.compDir = value;
  }
  return out;
}

/** The attribute (name, form) list of abbreviation `code` in the table at `offset`. */
function abbreviation(debugAbbrev: Uint8Array, offset: number, code: bigint): [number, number][] {
  const c = new DwarfCursor(debugAbbrev, '.debug_abbrev');
  c.pos = offset;
  while (!c.atEnd) {
    const entry = c.uleb();
    if (entry === 0n) break;
    c.uleb(); // tag
    c.u8(); // has children
    const attributes: [number, number][] = [];
    for (;;) {
      const name = c.ulebNumber(), form = c.ulebNumber();
      if (name === 0 && form === 0) break;
      if (form === DW_FORM_implicit_const) c.sleb();
      attributes.push([name, form]);
    }
    if (entry === code) return attributes;
  }
  throw new DwarfError(`.debug_abbrev: no abbreviation ${code} in the table at offset ${offset}`);
}

/** One attribute value: strings and unsigned numbers are returned, everything else skipped. */
function readForm(c: DwarfCursor, s: UnitSections, u: UnitShape, form: number): string | bigint | undefined {
  const offset = () => (u.offset64 ? c.u64() : BigInt(c.u32()));
  const string = (section: Uint8Array | undefined, name: string) => {
    const off = Number(offset());
    return section ? cStringAt(section, off, name) : undefined;
  };
  const skip = (n: number) => { c.skip(n); return undefined; };
  switch (form) {
    case DW_FORM_string: return c.cString();
    case DW_FORM_strp: return string(s.debugStr, '.debug_str');
    case DW_FORM_line_strp: return string(s.debugLineStr, '.debug_line_str');
    case 0x17: return offset(); // sec_offset
    case 0x06: return BigInt(c.u32()); // data4: stmt_list before DWARF 4
    case 0x07: return c.u64(); // data8
    case 0x01: return skip(u.addressSize); // addr
    case 0x05: case 0x12: return skip(2); // data2, ref2
    case 0x0b: case 0x0c: case 0x11: case 0x25: case 0x29: return skip(1); // data1, flag, ref1, strx1, addrx1
    case 0x26: case 0x2a: return skip(2); // strx2, addrx2
    case 0x27: case 0x2b: return skip(3); // strx3, addrx3
    case 0x13: case 0x28: case 0x2c: case 0x1c: return skip(4); // ref4, strx4, addrx4, ref_sup4
    case 0x14: case 0x20: case 0x24: return skip(8); // ref8, ref_sig8, ref_sup8
    case 0x1e: return skip(16); // data16
    case 0x10: case 0x1d: offset(); return undefined; // ref_addr, strp_sup
    case 0x0d: c.sleb(); return undefined; // sdata
    case 0x0f: return c.uleb(); // udata
    case 0x15: case 0x1a: case 0x1b: case 0x22: case 0x23: c.uleb(); return undefined; // ref_udata, strx, addrx, loclistx, rnglistx
    case 0x19: case DW_FORM_implicit_const: return undefined; // flag_present, implicit_const: no bytes
    case 0x09: case 0x18: return skip(c.ulebNumber()); // block, exprloc
    case 0x0a: return skip(c.u8()); // block1
    case 0x03: return skip(c.u16()); // block2
    case 0x04: return skip(c.u32()); // block4
    case DW_FORM_indirect: return readForm(c, s, u, c.ulebNumber());
    default: throw new DwarfError(`.debug_info: unknown attribute form 0x${form.toString(16)} at offset ${c.pos}`);
  }
}
