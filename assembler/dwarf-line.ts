// DWARF line tables: writes the assembler's address → file:line rows as a version 5 `.debug_line` section, and
// reads such sections back (ours, and GNU as's versions 2–5) so the debugger can map pc ↔ source line.
import * as posix from 'node:path/posix';
import type { LineRow } from './api';

/** Addresses start..end (end exclusive: just past the last byte), e.g. one output section's extent. */
export interface LineRange {
  start: bigint;
  end: bigint;
}

export interface DebugLineOptions {
  /**
   * The compilation directory, directory entry 0. Relative file names in rows are relative to it, and
   * readers resolve them against it.
   */
  compDir: string;
}

/** The two sections a version 5 line table needs: `.debug_line` refers to names in `.debug_line_str`. */
export interface DebugLineSections {
  debugLine: Uint8Array;
  debugLineStr: Uint8Array;
}

/** String sections a line table's file names may point into (DW_FORM_line_strp, DW_FORM_strp). */
export interface DebugStrings {
  debugLineStr?: Uint8Array;
  debugStr?: Uint8Array;
}

export interface DecodedLineTable {
  /** Every row the line programs emit except end_sequence rows, in program order. */
  rows: LineRow[];
  /** Each sequence's address range; a pc outside every sequence has no line. */
  sequences: LineRange[];
}

export class DwarfError extends Error {}

// GNU as uses the same line_base/line_range/opcode_base: special opcodes cover line steps -5..+8 and address
// steps up to 17 bytes, which fits 2- and 4-byte RISC-V instructions one or a few at a time.
const LINE_BASE = -5;
const LINE_RANGE = 14;
const OPCODE_BASE = 13;
const STANDARD_OPCODE_LENGTHS = [0, 1, 1, 1, 1, 0, 0, 0, 1, 0, 0, 1];

const DW_LNS_copy = 1, DW_LNS_advance_pc = 2, DW_LNS_advance_line = 3, DW_LNS_set_file = 4, DW_LNS_set_column = 5;
const DW_LNS_negate_stmt = 6, DW_LNS_set_basic_block = 7, DW_LNS_const_add_pc = 8, DW_LNS_fixed_advance_pc = 9;
const DW_LNE_end_sequence = 1, DW_LNE_set_address = 2, DW_LNE_define_file = 3;
const DW_LNCT_path = 1, DW_LNCT_directory_index = 2;
const DW_FORM_block = 0x09, DW_FORM_block1 = 0x0a, DW_FORM_data1 = 0x0b, DW_FORM_data2 = 0x05, DW_FORM_data4 = 0x06;
const DW_FORM_data8 = 0x07, DW_FORM_data16 = 0x1e, DW_FORM_string = 0x08, DW_FORM_strp = 0x0e, DW_FORM_udata = 0x0f;
const DW_FORM_line_strp = 0x1f, DW_FORM_sdata = 0x0d;

// ---------------------------------------------------------------------------------------------------------
// Writing

/** Little-endian byte sink. */
interface Sink {
  bytes: number[];
}

const u8 = (s: Sink, v: number) => { s.bytes.push(v & 0xff); };
const u16 = (s: Sink, v: number) => { u8(s, v); u8(s, v >> 8); };
const u32 = (s: Sink, v: number) => { u16(s, v & 0xffff); u16(s, v >>> 16); };
const u64 = (s: Sink, v: bigint) => { for (let i = 0n; i < 64n; i += 8n) u8(s, Number((v >> i) & 0xffn)); };

function uleb(s: Sink, value: bigint | number): void {
  let v = BigInt(value);
  do {
    const byte = Number(v & 0x7fn);
    v >>= 7n;
    u8(s, v === 0n ? byte : byte | 0x80);
  } while (v !== 0n);
}

function sleb(s: Sink, value: bigint | number): void {
  let v = BigInt(value);
  while (true) {
    const byte = Number(v & 0x7fn);
    v >>= 7n; // arithmetic shift: bigint keeps the sign
    const done = (v === 0n && (byte & 0x40) === 0) || (v === -1n && (byte & 0x40) !== 0);
    u8(s, done ? byte : byte | 0x80);
    if (done) return;
  }
}

/** A deduplicating `.debug_line_str`: each name once, NUL-terminated. */
function stringTable(): { sink: Sink; offset(name: string): number } {
  const sink: Sink = { bytes: [] };
  const offsets = new Map<string, number>();
  return {
    sink,
    offset(name) {
      let off = offsets.get(name);
      if (off === undefined) {
        off = sink.bytes.length;
        offsets.set(name, off);
        sink.bytes.push(...new TextEncoder().encode(name), 0);
      }
      return off;
    },
  };
}

interface FileTable {
  dirs: string[];
  /** Entry 0 repeats entry 1 (the primary source), as GNU as does, so that both DWARF 5 readers and older ones that count files from 1 agree. */
  files: { name: string; dir: number }[];
  /** File path → index used by DW_LNS_set_file. */
  index: Map<string, number>;
}

function fileTable(rows: readonly LineRow[], compDir: string): FileTable {
  const t: FileTable = { dirs: [compDir], files: [], index: new Map() };
  for (const { file } of rows) {
    if (t.index.has(file)) continue;
    const dirName = posix.dirname(file);
    let dir = dirName === '.' ? 0 : t.dirs.indexOf(dirName);
    if (dir < 0) dir = t.dirs.push(dirName) - 1;
    const entry = { name: posix.basename(file), dir };
    if (t.files.length === 0) t.files.push(entry);
    t.index.set(file, t.files.push(entry) - 1);
  }
  if (t.files.length === 0) t.files.push({ name: '', dir: 0 });
  return t;
}

function header(s: Sink, t: FileTable, str: ReturnType<typeof stringTable>): void {
  u8(s, 1); // minimum_instruction_length: 1, because data and 2-byte compressed instructions have rows too
  u8(s, 1); // maximum_operations_per_instruction
  u8(s, 1); // default_is_stmt
  u8(s, LINE_BASE);
  u8(s, LINE_RANGE);
  u8(s, OPCODE_BASE);
  STANDARD_OPCODE_LENGTHS.forEach((n) => u8(s, n));
  u8(s, 1); // directory entry format: the path
  uleb(s, DW_LNCT_path); uleb(s, DW_FORM_line_strp);
  uleb(s, t.dirs.length);
  t.dirs.forEach((d) => u32(s, str.offset(d)));
  u8(s, 2); // file entry format: path, directory index
  uleb(s, DW_LNCT_path); uleb(s, DW_FORM_line_strp);
  uleb(s, DW_LNCT_directory_index); uleb(s, DW_FORM_udata);
  uleb(s, t.files.length);
  t.files.forEach((f) => { u32(s, str.offset(f.name)); uleb(s, f.dir); });
}

function extended(s: Sink, opcode: number, operand: number[]): void {
  u8(s, 0);
  uleb(s, operand.length + 1);
  u8(s, opcode);
  s.bytes.push(...operand);
}

function special(addrStep: bigint, lineStep: number): number | undefined {
  if (addrStep < 0n || lineStep < LINE_BASE || lineStep >= LINE_BASE + LINE_RANGE) return undefined;
  const op = Number(addrStep) * LINE_RANGE + (lineStep - LINE_BASE) + OPCODE_BASE;
  return addrStep <= 255n && op <= 255 ? op : undefined;
}

/** Emits one row: a special opcode when the steps fit one, else advance_line/advance_pc first. */
function row(s: Sink, from: { address: bigint; line: number }, to: LineRow): void {
  let lineStep = to.line - from.line;
  if (special(0n, lineStep) === undefined) {
    u8(s, DW_LNS_advance_line); sleb(s, lineStep);
    lineStep = 0;
  }
  let op = special(to.address - from.address, lineStep);
  if (op === undefined) {
    u8(s, DW_LNS_advance_pc); uleb(s, to.address - from.address);
    op = special(0n, lineStep) as number;
  }
  u8(s, op);
}

function sequence(s: Sink, rows: readonly LineRow[], end: bigint, t: FileTable): void {
  extended(s, DW_LNE_set_address, addressBytes(rows[0].address));
  let state = { address: rows[0].address, line: 1, file: 1 };
  for (const r of rows) {
    const file = t.index.get(r.file) as number;
    if (file !== state.file) { u8(s, DW_LNS_set_file); uleb(s, file); }
    row(s, state, r);
    state = { address: r.address, line: r.line, file };
  }
  if (end > state.address) { u8(s, DW_LNS_advance_pc); uleb(s, end - state.address); }
  extended(s, DW_LNE_end_sequence, []);
}

/** An address as the 8 little-endian bytes of DW_LNE_set_address's operand. */
function addressBytes(v: bigint): number[] {
  const s: Sink = { bytes: [] };
  u64(s, v);
  return s.bytes;
}

/** Splits sorted rows into the ranges they fall in; every row must lie inside one range. */
function groupRows(rows: readonly LineRow[], ranges: readonly LineRange[]): { rows: LineRow[]; end: bigint }[] {
  const sorted = [...ranges].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  sorted.forEach((r, i) => {
    if (r.end < r.start) throw new DwarfError(`line range 0x${r.start.toString(16)}..0x${r.end.toString(16)} ends before it starts`);
    if (i > 0 && r.start < sorted[i - 1].end) throw new DwarfError(`line ranges overlap at 0x${r.start.toString(16)}`);
  });
  const groups = sorted.map((r) => ({ range: r, rows: [] as LineRow[] }));
  rows.forEach((r, i) => {
    if (i > 0 && r.address < rows[i - 1].address) throw new DwarfError(`line rows are not sorted by address at 0x${r.address.toString(16)}`);
    if (!Number.isInteger(r.line) || r.line < 0) throw new DwarfError(`line ${r.line} of ${r.file} is not a line number`);
    const g = groups.find(({ range }) => r.address >= range.start && r.address < range.end);
    if (!g) throw new DwarfError(`line row at 0x${r.address.toString(16)} (${r.file}:${r.line}) lies in no section range`);
    g.rows.push(r);
  });
  return groups.filter((g) => g.rows.length > 0).map((g) => ({ rows: g.rows, end: g.range.end }));
}

/**
 * Builds a DWARF 5 line table: one sequence per range that holds rows (each ending with end_sequence at the
 * range's end), files named through `.debug_line_str`. Rows must be sorted by address.
 */
export function writeDebugLine(rows: readonly LineRow[], ranges: readonly LineRange[], options: DebugLineOptions): DebugLineSections {
  const groups = groupRows(rows, ranges);
  const t = fileTable(rows, options.compDir);
  const str = stringTable();
  const head: Sink = { bytes: [] };
  header(head, t, str);
  const program: Sink = { bytes: [] };
  groups.forEach((g) => sequence(program, g.rows, g.end, t));
  const out: Sink = { bytes: [] };
  // unit_length counts everything after itself: version, address_size, segment_selector_size, header_length.
  u32(out, 2 + 1 + 1 + 4 + head.bytes.length + program.bytes.length);
  u16(out, 5);
  u8(out, 8); // address_size
  u8(out, 0); // segment_selector_size
  u32(out, head.bytes.length);
  return { debugLine: Uint8Array.from([...out.bytes, ...head.bytes, ...program.bytes]), debugLineStr: Uint8Array.from(str.sink.bytes) };
}

// ---------------------------------------------------------------------------------------------------------
// Reading

/** A cursor over a section. */
interface Reader {
  dv: DataView;
  bytes: Uint8Array;
  pos: number;
}

function need(r: Reader, n: number): void {
  if (r.pos + n > r.bytes.length) throw new DwarfError(`.debug_line is truncated: ${n} bytes needed at offset ${r.pos} of ${r.bytes.length}`);
}

const r8 = (r: Reader) => { need(r, 1); return r.bytes[r.pos++]; };
const r16 = (r: Reader) => { need(r, 2); r.pos += 2; return r.dv.getUint16(r.pos - 2, true); };
const r32 = (r: Reader) => { need(r, 4); r.pos += 4; return r.dv.getUint32(r.pos - 4, true); };
const r64 = (r: Reader) => { need(r, 8); r.pos += 8; return r.dv.getBigUint64(r.pos - 8, true); };

/** An LEB128 number's bits, how many there are, and whether the last byte's sign bit (0x40) was set. */
function rLeb(r: Reader): { v: bigint; shift: bigint; negative: boolean } {
  let v = 0n, shift = 0n, byte: number;
  do {
    byte = r8(r);
    v |= BigInt(byte & 0x7f) << shift;
    shift += 7n;
  } while (byte & 0x80);
  return { v, shift, negative: (byte & 0x40) !== 0 };
}

const rUleb = (r: Reader): bigint => rLeb(r).v;
const rSleb = (r: Reader): bigint => { const { v, shift, negative } = rLeb(r); return negative ? v - (1n << shift) : v; };

function cString(bytes: Uint8Array, off: number, what: string): string {
  if (off >= bytes.length) throw new DwarfError(`${what} offset ${off} is past its end (${bytes.length} bytes)`);
  const end = bytes.indexOf(0, off);
  if (end < 0) throw new DwarfError(`${what} string at ${off} has no terminating NUL`);
  return new TextDecoder().decode(bytes.subarray(off, end));
}

function rString(r: Reader): string {
  const s = cString(r.bytes, r.pos, '.debug_line');
  r.pos += new TextEncoder().encode(s).length + 1;
  return s;
}

/** Reads one attribute value of a v5 directory or file entry. */
function rForm(r: Reader, form: number, offset64: boolean, strings: DebugStrings): string | bigint | undefined {
  const strp = (section: Uint8Array | undefined, name: string) => {
    const off = offset64 ? r64(r) : BigInt(r32(r));
    if (!section) throw new DwarfError(`the line table names files in ${name}, which was not given`);
    return cString(section, Number(off), name);
  };
  const skip = (n: number) => { need(r, n); r.pos += n; return undefined; };
  switch (form) {
    case DW_FORM_string: return rString(r);
    case DW_FORM_line_strp: return strp(strings.debugLineStr, '.debug_line_str');
    case DW_FORM_strp: return strp(strings.debugStr, '.debug_str');
    case DW_FORM_udata: return rUleb(r);
    case DW_FORM_sdata: return rSleb(r);
    case DW_FORM_data1: return BigInt(r8(r));
    case DW_FORM_data2: return BigInt(r16(r));
    case DW_FORM_data4: return BigInt(r32(r));
    case DW_FORM_data8: return r64(r);
    case DW_FORM_data16: return skip(16);
    case DW_FORM_block: return skip(Number(rUleb(r)));
    case DW_FORM_block1: return skip(r8(r));
    default: throw new DwarfError(`unsupported DWARF form 0x${form.toString(16)} in a line table header`);
  }
}

/** A v5 directory or file table: entry formats, then entries. */
function rEntries(r: Reader, offset64: boolean, strings: DebugStrings): { path: string; dir: number }[] {
  const formatCount = r8(r);
  const formats: [number, number][] = [];
  for (let i = 0; i < formatCount; i++) formats.push([Number(rUleb(r)), Number(rUleb(r))]);
  const count = Number(rUleb(r));
  const out: { path: string; dir: number }[] = [];
  for (let i = 0; i < count; i++) {
    const e = { path: '', dir: 0 };
    for (const [kind, form] of formats) {
      const v = rForm(r, form, offset64, strings);
      if (kind === DW_LNCT_path && typeof v === 'string') e.path = v;
      if (kind === DW_LNCT_directory_index && typeof v === 'bigint') e.dir = Number(v);
    }
    out.push(e);
  }
  return out;
}

interface UnitHeader {
  version: number;
  minInst: bigint;
  defaultIsStmt: boolean;
  lineBase: number;
  lineRange: number;
  opcodeBase: number;
  opcodeLengths: number[];
  /** Resolved path of each file-register value. */
  files: Map<number, string>;
  /** v2–4 keep adding files with DW_LNE_define_file. */
  dirs: string[];
}

/** Joins a file entry with its directory; v5's directory 0 is the compilation directory, v2–4's is implicit. */
function resolve(name: string, dir: number, dirs: string[], version: number): string {
  if (posix.isAbsolute(name)) return name;
  const d = version >= 5 ? dirs[dir] : dir === 0 ? undefined : dirs[dir - 1];
  if (d === undefined) return name;
  return posix.isAbsolute(d) || version < 5 ? posix.join(d, name) : posix.join(dirs[0], d, name);
}

function rUnitHeader(r: Reader, version: number, offset64: boolean, strings: DebugStrings, end: number): UnitHeader {
  if (version >= 5) {
    const addressSize = r8(r);
    if (addressSize !== 8 && addressSize !== 4) throw new DwarfError(`line table address size ${addressSize} is not 4 or 8`);
    r8(r); // segment_selector_size
  }
  const headerLength = offset64 ? Number(r64(r)) : r32(r);
  const programStart = r.pos + headerLength;
  if (programStart > end) throw new DwarfError(`line table header (${headerLength} bytes) runs past its unit`);
  const minInst = BigInt(r8(r));
  if (version >= 4 && r8(r) !== 1) throw new DwarfError('VLIW line tables (maximum_operations_per_instruction > 1) are not RISC-V');
  const h: UnitHeader = {
    version, minInst, defaultIsStmt: r8(r) !== 0, lineBase: (r8(r) << 24) >> 24, lineRange: r8(r), opcodeBase: r8(r),
    opcodeLengths: [], files: new Map(), dirs: [],
  };
  if (h.lineRange === 0) throw new DwarfError('line table has line_range 0');
  for (let i = 1; i < h.opcodeBase; i++) h.opcodeLengths[i] = r8(r);
  if (version >= 5) {
    h.dirs = rEntries(r, offset64, strings).map((d) => d.path);
    rEntries(r, offset64, strings).forEach((f, i) => h.files.set(i, resolve(f.path, f.dir, h.dirs, version)));
  } else {
    for (let d = rString(r); d !== ''; d = rString(r)) h.dirs.push(d);
    for (let name = rString(r); name !== ''; name = rString(r)) defineFile(r, h, name);
  }
  r.pos = programStart;
  return h;
}

function defineFile(r: Reader, h: UnitHeader, name: string): void {
  const dir = Number(rUleb(r));
  rUleb(r); rUleb(r); // modification time, length
  h.files.set(h.files.size + 1, resolve(name, dir, h.dirs, h.version));
}

interface Registers {
  address: bigint;
  file: number;
  line: number;
  /** Where the current sequence began (the first row's address). */
  start?: bigint;
}

const initial = (): Registers => ({ address: 0n, file: 1, line: 1 });

function fileName(h: UnitHeader, m: Registers): string {
  const f = h.files.get(m.file);
  if (f === undefined) throw new DwarfError(`line table row uses file ${m.file}, which its header does not define`);
  return f;
}

/** Runs one unit's line program from r.pos to end. */
function runProgram(r: Reader, h: UnitHeader, end: number, out: DecodedLineTable): void {
  let m = initial();
  const emit = () => {
    out.rows.push({ address: m.address, file: fileName(h, m), line: m.line });
    m.start ??= m.address;
  };
  while (r.pos < end) {
    const op = r8(r);
    if (op >= h.opcodeBase) {
      const adj = op - h.opcodeBase;
      m.address += BigInt(Math.floor(adj / h.lineRange)) * h.minInst;
      m.line += h.lineBase + (adj % h.lineRange);
      emit();
      continue;
    }
    switch (op) {
      case 0: {
        const len = Number(rUleb(r));
        const next = r.pos + len;
        if (len === 0) break;
        const sub = r8(r);
        if (sub === DW_LNE_end_sequence) {
          out.sequences.push({ start: m.start ?? m.address, end: m.address });
          m = initial();
        } else if (sub === DW_LNE_set_address) {
          m.address = len - 1 === 8 ? r64(r) : BigInt(r32(r));
        } else if (sub === DW_LNE_define_file && h.version < 5) {
          defineFile(r, h, rString(r));
        }
        r.pos = next;
        break;
      }
      case DW_LNS_copy: emit(); break;
      case DW_LNS_advance_pc: m.address += rUleb(r) * h.minInst; break;
      case DW_LNS_advance_line: m.line += Number(rSleb(r)); break;
      case DW_LNS_set_file: m.file = Number(rUleb(r)); break;
      case DW_LNS_const_add_pc: m.address += BigInt(Math.floor((255 - h.opcodeBase) / h.lineRange)) * h.minInst; break;
      case DW_LNS_fixed_advance_pc: m.address += BigInt(r16(r)); break;
      case DW_LNS_set_column: case DW_LNS_negate_stmt: case DW_LNS_set_basic_block:
      default:
        // Operands we do not track (column, is_stmt, isa, ...): skip as many ULEBs as the header says.
        for (let i = 0; i < (h.opcodeLengths[op] ?? 0); i++) rUleb(r);
    }
    m.address &= 0xffff_ffff_ffff_ffffn;
  }
}

/**
 * Decodes every unit of a `.debug_line` section (DWARF 2–5, 32- or 64-bit format). Version 5 tables that name
 * files through `.debug_line_str` or `.debug_str` need those sections too.
 */
export function readDebugLine(debugLine: Uint8Array, strings: DebugStrings = {}): DecodedLineTable {
  const r: Reader = { bytes: debugLine, dv: new DataView(debugLine.buffer, debugLine.byteOffset, debugLine.byteLength), pos: 0 };
  const out: DecodedLineTable = { rows: [], sequences: [] };
  while (r.pos < debugLine.length) {
    let length = BigInt(r32(r));
    const offset64 = length === 0xffff_ffffn;
    if (offset64) length = r64(r);
    const end = r.pos + Number(length);
    if (end > debugLine.length) throw new DwarfError(`line table unit at ${r.pos} claims ${length} bytes; only ${debugLine.length - r.pos} remain`);
    const version = r16(r);
    if (version < 2 || version > 5) throw new DwarfError(`unsupported DWARF line table version ${version}`);
    const h = rUnitHeader(r, version, offset64, strings, end);
    runProgram(r, h, end, out);
    r.pos = end;
  }
  return out;
}
