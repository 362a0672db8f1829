// DWARF line tables: writes the assembler's address → file:line rows as a version 5 `.debug_line` section, and
// reads such sections back (ours, and GNU as's versions 2–5) so the debugger can map pc ↔ source line.
import * as posix from 'node:path/posix';
import type { LineRow } from './api';
import { DwarfCursor, DwarfError, cStringAt, initialLength } from '../emulator/loader/dwarf-cursor';

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

export interface DecodedLineTable<Row extends LineRow = LineRow> {
  /** Every row the line programs emit except end_sequence rows, in program order. */
  rows: Row[];
  /** Each sequence's address range; a pc outside every sequence has no line. */
  sequences: LineRange[];
}

/** A row as a debugger needs it: is_stmt says whether a breakpoint for its line belongs here. */
export interface StatementLineRow extends LineRow {
  isStmt: boolean;
  /** Index of the row's sequence in `sequences`: a row's extent ends at the next row of the same sequence. */
  sequence: number;
}

export interface ReadLineOptions {
  /**
   * The compilation directory (DW_AT_comp_dir) of the unit whose line program starts at this `.debug_line`
   * offset. DWARF 2–4 tables leave it out of the table itself, so without it their relative names stay relative.
   */
  compDirAt?: (unitOffset: number) => string | undefined;
}

export { DwarfError };

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

/** Reads one attribute value of a v5 directory or file entry. */
function rForm(r: DwarfCursor, form: number, offset64: boolean, strings: DebugStrings): string | bigint | undefined {
  const strp = (section: Uint8Array | undefined, name: string) => {
    const off = offset64 ? r.u64() : BigInt(r.u32());
    if (!section) throw new DwarfError(`the line table names files in ${name}, which was not given`);
    return cStringAt(section, Number(off), name);
  };
  const skip = (n: number) => { r.skip(n); return undefined; };
  switch (form) {
    case DW_FORM_string: return r.cString();
    case DW_FORM_line_strp: return strp(strings.debugLineStr, '.debug_line_str');
    case DW_FORM_strp: return strp(strings.debugStr, '.debug_str');
    case DW_FORM_udata: return r.uleb();
    case DW_FORM_sdata: return r.sleb();
    case DW_FORM_data1: return BigInt(r.u8());
    case DW_FORM_data2: return BigInt(r.u16());
    case DW_FORM_data4: return BigInt(r.u32());
    case DW_FORM_data8: return r.u64();
    case DW_FORM_data16: return skip(16);
    case DW_FORM_block: return skip(r.ulebNumber());
    case DW_FORM_block1: return skip(r.u8());
    default: throw new DwarfError(`unsupported DWARF form 0x${form.toString(16)} in a line table header`);
  }
}

/** A v5 directory or file table: entry formats, then entries. */
function rEntries(r: DwarfCursor, offset64: boolean, strings: DebugStrings): { path: string; dir: number }[] {
  const formatCount = r.u8();
  const formats: [number, number][] = [];
  for (let i = 0; i < formatCount; i++) formats.push([r.ulebNumber(), r.ulebNumber()]);
  const count = r.ulebNumber();
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
  /** v2–4's implicit directory 0, when the caller knows it. */
  compDir?: string;
}

/** Joins a file entry with its directory; v5's directory 0 is the compilation directory, v2–4's is implicit. */
function resolve(name: string, dir: number, h: UnitHeader): string {
  if (posix.isAbsolute(name)) return name;
  const { dirs, version, compDir } = h;
  if (version >= 5) {
    const d = dirs[dir];
    if (d === undefined) return name;
    return posix.isAbsolute(d) ? posix.join(d, name) : posix.join(dirs[0], d, name);
  }
  const d = dir === 0 ? undefined : dirs[dir - 1];
  const joined = d === undefined ? name : posix.join(d, name);
  return compDir !== undefined && !posix.isAbsolute(joined) ? posix.join(compDir, joined) : joined;
}

function rUnitHeader(r: DwarfCursor, version: number, offset64: boolean, strings: DebugStrings, end: number, compDir?: string): UnitHeader {
  if (version >= 5) {
    const addressSize = r.u8();
    if (addressSize !== 8 && addressSize !== 4) throw new DwarfError(`line table address size ${addressSize} is not 4 or 8`);
    r.u8(); // segment_selector_size
  }
  const headerLength = offset64 ? Number(r.u64()) : r.u32();
  const programStart = r.pos + headerLength;
  if (programStart > end) throw new DwarfError(`line table header (${headerLength} bytes) runs past its unit`);
  const minInst = BigInt(r.u8());
  if (version >= 4 && r.u8() !== 1) throw new DwarfError('VLIW line tables (maximum_operations_per_instruction > 1) are not RISC-V');
  const h: UnitHeader = {
    version, minInst, defaultIsStmt: r.u8() !== 0, lineBase: r.i8(), lineRange: r.u8(), opcodeBase: r.u8(),
    opcodeLengths: [], files: new Map(), dirs: [], compDir,
  };
  if (h.lineRange === 0) throw new DwarfError('line table has line_range 0');
  for (let i = 1; i < h.opcodeBase; i++) h.opcodeLengths[i] = r.u8();
  if (version >= 5) {
    h.dirs = rEntries(r, offset64, strings).map((d) => d.path);
    rEntries(r, offset64, strings).forEach((f, i) => h.files.set(i, resolve(f.path, f.dir, h)));
  } else {
    for (let d = r.cString(); d !== ''; d = r.cString()) h.dirs.push(d);
    for (let name = r.cString(); name !== ''; name = r.cString()) defineFile(r, h, name);
  }
  r.pos = programStart;
  return h;
}

function defineFile(r: DwarfCursor, h: UnitHeader, name: string): void {
  const dir = r.ulebNumber();
  r.uleb(); r.uleb(); // modification time, length
  h.files.set(h.files.size + 1, resolve(name, dir, h));
}

interface Registers {
  address: bigint;
  file: number;
  line: number;
  isStmt: boolean;
  /** Where the current sequence began (the first row's address). */
  start?: bigint;
}

const initial = (h: UnitHeader): Registers => ({ address: 0n, file: 1, line: 1, isStmt: h.defaultIsStmt });

function fileName(h: UnitHeader, m: Registers): string {
  const f = h.files.get(m.file);
  if (f === undefined) throw new DwarfError(`line table row uses file ${m.file}, which its header does not define`);
  return f;
}

/** Runs one unit's line program from r.pos to end. */
function runProgram(r: DwarfCursor, h: UnitHeader, end: number, out: DecodedLineTable<StatementLineRow>): void {
  let m = initial(h);
  const emit = () => {
    out.rows.push({ address: m.address, file: fileName(h, m), line: m.line, isStmt: m.isStmt, sequence: out.sequences.length });
    m.start ??= m.address;
  };
  while (r.pos < end) {
    const op = r.u8();
    if (op >= h.opcodeBase) {
      const adj = op - h.opcodeBase;
      m.address += BigInt(Math.floor(adj / h.lineRange)) * h.minInst;
      m.line += h.lineBase + (adj % h.lineRange);
      emit();
      continue;
    }
    switch (op) {
      case 0: {
        const len = r.ulebNumber();
        const next = r.pos + len;
        if (len === 0) break;
        const sub = r.u8();
        if (sub === DW_LNE_end_sequence) {
          out.sequences.push({ start: m.start ?? m.address, end: m.address });
          m = initial(h);
        } else if (sub === DW_LNE_set_address) {
          m.address = len - 1 === 8 ? r.u64() : BigInt(r.u32());
        } else if (sub === DW_LNE_define_file && h.version < 5) {
          defineFile(r, h, r.cString());
        }
        r.pos = next;
        break;
      }
      case DW_LNS_copy: emit(); break;
      case DW_LNS_advance_pc: m.address += r.uleb() * h.minInst; break;
      case DW_LNS_advance_line: m.line += Number(r.sleb()); break;
      case DW_LNS_set_file: m.file = r.ulebNumber(); break;
      case DW_LNS_negate_stmt: m.isStmt = !m.isStmt; break;
      case DW_LNS_const_add_pc: m.address += BigInt(Math.floor((255 - h.opcodeBase) / h.lineRange)) * h.minInst; break;
      case DW_LNS_fixed_advance_pc: m.address += BigInt(r.u16()); break;
      case DW_LNS_set_column: case DW_LNS_set_basic_block:
      default:
        // Operands we do not track (column, isa, ...): skip as many ULEBs as the header says.
        for (let i = 0; i < (h.opcodeLengths[op] ?? 0); i++) r.uleb();
    }
    m.address &= 0xffff_ffff_ffff_ffffn;
  }
}

/**
 * Decodes every unit of a `.debug_line` section (DWARF 2–5, 32- or 64-bit format) with each row's is_stmt flag.
 * Version 5 tables that name files through `.debug_line_str` or `.debug_str` need those sections too.
 */
export function readDebugLineStatements(debugLine: Uint8Array, strings: DebugStrings = {}, options: ReadLineOptions = {}): DecodedLineTable<StatementLineRow> {
  const r = new DwarfCursor(debugLine, '.debug_line');
  const out: DecodedLineTable<StatementLineRow> = { rows: [], sequences: [] };
  while (!r.atEnd) {
    const unitOffset = r.pos;
    const { length, offset64 } = initialLength(r);
    const end = r.pos + length;
    const version = r.u16();
    if (version < 2 || version > 5) throw new DwarfError(`unsupported DWARF line table version ${version}`);
    const h = rUnitHeader(r, version, offset64, strings, end, options.compDirAt?.(unitOffset));
    runProgram(r, h, end, out);
    r.pos = end;
  }
  return out;
}

/** As readDebugLineStatements, rows without their is_stmt flags: the assembler's own LineRow shape. */
export function readDebugLine(debugLine: Uint8Array, strings: DebugStrings = {}, options: ReadLineOptions = {}): DecodedLineTable {
  const { rows, sequences } = readDebugLineStatements(debugLine, strings, options);
  return { rows: rows.map(({ address, file, line }) => ({ address, file, line })), sequences };
}
