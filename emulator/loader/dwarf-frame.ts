// Call-frame information: parses .debug_frame (DWARF 2–5) and .eh_frame (with GNU pointer encodings) into unwind
// tables, so a debugger can recover each caller's registers from the callee's pc. Pure data: never touches a machine.
import type { ElfImage, ElfSection } from './elf';
import { DwarfCursor, DwarfError, initialLength } from './dwarf-cursor';

/** Call-frame information that cannot be read or evaluated; the message names the section, offset and problem. */
export class CfiError extends DwarfError {}

/** How to compute the Canonical Frame Address: the caller's sp at the call. */
export type CfaRule =
  | { kind: 'register'; register: number; offset: bigint }
  | { kind: 'expression'; expression: Uint8Array };

/** Where a caller's register lives, as DWARF's DW_CFA_* rules put it (offsets are already multiplied out). */
export type RegisterRule =
  | { kind: 'undefined' }
  | { kind: 'same-value' }
  /** Saved in memory at CFA + offset. */
  | { kind: 'offset'; offset: bigint }
  /** Its value is CFA + offset. */
  | { kind: 'val-offset'; offset: bigint }
  /** Held in another register of the callee. */
  | { kind: 'register'; register: number }
  /** Saved at the address the expression computes (the CFA pushed first). */
  | { kind: 'expression'; expression: Uint8Array }
  /** Its value is what the expression computes (the CFA pushed first). */
  | { kind: 'val-expression'; expression: Uint8Array };

/** One row of an unwind table: the rules that hold for pcs start..end (end exclusive). */
export interface UnwindRow {
  start: bigint;
  end: bigint;
  cfa: CfaRule;
  /**
   * Rules by DWARF register number (RISC-V: 0–31 are x0–x31, 32–63 f0–f31). A register without a rule keeps its
   * value across the call, as callee-saved registers do and as GDB assumes.
   */
  registers: ReadonlyMap<number, RegisterRule>;
  /** The column that holds the return address (1, ra, for RISC-V compilers). */
  returnAddressRegister: number;
}

/** The unwind table of one FDE (one function, usually). */
interface FdeTable {
  start: bigint;
  end: bigint;
  rows: UnwindRow[];
}

/** Unwind rows for every function an image describes, looked up by pc. */
export class CallFrameInfo {
  /** Sorted by start, not overlapping. */
  private readonly tables: FdeTable[];

  constructor(tables: FdeTable[]) {
    this.tables = tables;
  }

  /** Number of functions (FDEs) described. */
  get size(): number { return this.tables.length; }

  /** The row that holds at pc, or undefined when no FDE covers it. */
  rowAt(pc: bigint): UnwindRow | undefined {
    const table = lastAtOrBefore(this.tables, pc);
    if (!table || pc >= table.end) return undefined;
    const row = lastAtOrBefore(table.rows, pc);
    return row && pc < row.end ? row : undefined;
  }
}

/** Binary search: the last item whose start is <= pc. */
function lastAtOrBefore<T extends { start: bigint }>(items: readonly T[], pc: bigint): T | undefined {
  let lo = 0, hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (items[mid].start <= pc) lo = mid + 1; else hi = mid;
  }
  return lo > 0 ? items[lo - 1] : undefined;
}

/**
 * Reads `.debug_frame` and `.eh_frame` (either, both or neither: then every lookup misses). Where both describe a
 * pc, `.debug_frame` wins. Throws CfiError when either section is malformed, so the caller can fall back to heuristics.
 */
export function parseCallFrameInfo(image: ElfImage): CallFrameInfo {
  const tables: { table: FdeTable; rank: number }[] = [];
  const debugFrame = image.sections.find((s) => s.name === '.debug_frame');
  const ehFrame = image.sections.find((s) => s.name === '.eh_frame');
  if (debugFrame) for (const table of readSection(debugFrame, false)) tables.push({ table, rank: 0 });
  if (ehFrame) for (const table of readSection(ehFrame, true)) tables.push({ table, rank: 1 });
  tables.sort((a, b) => (a.table.start < b.table.start ? -1 : a.table.start > b.table.start ? 1 : a.rank - b.rank));
  const kept: FdeTable[] = [];
  for (const { table } of tables) {
    const prev = kept[kept.length - 1];
    if (prev && table.start < prev.end) continue; // overlaps one already kept (the preferred section sorts first)
    kept.push(table);
  }
  return new CallFrameInfo(kept);
}

// ---------------------------------------------------------------------------------------------------------
// CIEs and FDEs

interface Cie {
  codeAlign: bigint;
  dataAlign: bigint;
  returnAddressRegister: number;
  initialInstructions: Uint8Array;
  /** .eh_frame's DW_EH_PE_* encoding of FDE addresses (absptr in .debug_frame). */
  fdeEncoding: number;
  addressSize: number;
  /** The CIE's augmentation starts with 'z': each FDE has augmentation data to skip. */
  hasAugmentationData: boolean;
}

interface SectionContext {
  section: ElfSection;
  isEh: boolean;
  cies: Map<number, Cie>;
}

function readSection(section: ElfSection, isEh: boolean): FdeTable[] {
  const ctx: SectionContext = { section, isEh, cies: new Map() };
  const c = new DwarfCursor(section.data, section.name);
  const out: FdeTable[] = [];
  while (!c.atEnd) {
    const entry = c.pos;
    const { length, offset64 } = initialLength(c);
    if (length === 0) {
      if (isEh) break; // .eh_frame's terminator
      continue;
    }
    const idPos = c.pos;
    const entryEnd = idPos + length;
    const id = offset64 ? c.u64() : BigInt(c.u32());
    const isCie = isEh ? id === 0n : id === (offset64 ? 0xffff_ffff_ffff_ffffn : 0xffff_ffffn);
    if (!isCie) {
      const cieOffset = isEh ? idPos - Number(id) : Number(id);
      const table = readFde(ctx, c, cieAt(ctx, cieOffset, entry), entry, entryEnd);
      if (table) out.push(table);
    }
    c.pos = entryEnd;
  }
  return out;
}

function cieAt(ctx: SectionContext, offset: number, user: number): Cie {
  const cached = ctx.cies.get(offset);
  if (cached) return cached;
  const where = `${ctx.section.name}: the FDE at offset ${user} points to a CIE at offset ${offset}`;
  if (offset < 0 || offset >= ctx.section.data.length) throw new CfiError(`${where}, outside the section (${ctx.section.data.length} bytes)`);
  const c = new DwarfCursor(ctx.section.data, ctx.section.name);
  c.pos = offset;
  const { length, offset64 } = initialLength(c);
  const end = c.pos + length;
  const id = offset64 ? c.u64() : BigInt(c.u32());
  if (id !== (ctx.isEh ? 0n : offset64 ? 0xffff_ffff_ffff_ffffn : 0xffff_ffffn)) throw new CfiError(`${where}, but that entry is not a CIE`);
  const cie = readCie(ctx, c, offset, end);
  ctx.cies.set(offset, cie);
  return cie;
}

function readCie(ctx: SectionContext, c: DwarfCursor, offset: number, end: number): Cie {
  const name = ctx.section.name;
  const version = c.u8();
  if (![1, 3, 4].includes(version)) throw new CfiError(`${name}: the CIE at offset ${offset} has version ${version}; Ringside reads versions 1, 3 and 4`);
  const augmentation = c.cString();
  let addressSize = 8;
  if (version >= 4) {
    addressSize = c.u8();
    c.u8(); // segment_selector_size
  }
  if (augmentation.includes('eh')) c.skip(addressSize); // pre-2.95 GCC's eh_ptr
  const cie: Cie = {
    codeAlign: c.uleb(), dataAlign: c.sleb(), returnAddressRegister: version === 1 ? c.u8() : c.ulebNumber(),
    initialInstructions: new Uint8Array(0), fdeEncoding: DW_EH_PE_absptr, addressSize, hasAugmentationData: augmentation.startsWith('z'),
  };
  if (cie.hasAugmentationData) {
    const dataLength = c.ulebNumber();
    const dataEnd = c.pos + dataLength;
    for (const ch of augmentation.slice(1)) {
      if (ch === 'R') cie.fdeEncoding = c.u8();
      else if (ch === 'L') c.u8(); // LSDA encoding: exception tables are no debugger's business
      else if (ch === 'P') readEncoded(ctx, c, c.u8(), addressSize, false);
      else if (ch !== 'S' && ch !== 'B') break; // unknown letters: the data length lets us skip the rest
    }
    c.pos = dataEnd;
  } else if (augmentation !== '' && augmentation !== 'eh') {
    throw new CfiError(`${name}: the CIE at offset ${offset} has augmentation "${augmentation}", which Ringside cannot read`);
  }
  if (c.pos > end) throw new CfiError(`${name}: the CIE at offset ${offset} runs past its length`);
  cie.initialInstructions = c.bytes.subarray(c.pos, end);
  return cie;
}

function readFde(ctx: SectionContext, c: DwarfCursor, cie: Cie, offset: number, end: number): FdeTable | undefined {
  const start = readEncoded(ctx, c, cie.fdeEncoding, cie.addressSize, true);
  const range = readEncoded(ctx, c, cie.fdeEncoding & 0x0f, cie.addressSize, true);
  if (cie.hasAugmentationData) c.skip(c.ulebNumber());
  if (c.pos > end) throw new CfiError(`${ctx.section.name}: the FDE at offset ${offset} runs past its length`);
  if (range === 0n) return undefined; // a function the linker discarded
  const fdeEnd = start + range;
  if (fdeEnd > 0xffff_ffff_ffff_ffffn) throw new CfiError(`${ctx.section.name}: the FDE at offset ${offset} covers addresses past 2^64`);
  const program = { ctx, cie, offset, start, end: fdeEnd };
  return { start, end: fdeEnd, rows: runCfaProgram(program, c.bytes.subarray(c.pos, end)) };
}

// DW_EH_PE_*: how .eh_frame encodes pointers (low nibble: format, next three bits: what it is relative to).
const DW_EH_PE_absptr = 0x00, DW_EH_PE_omit = 0xff, DW_EH_PE_pcrel = 0x10, DW_EH_PE_aligned = 0x50, DW_EH_PE_indirect = 0x80;

/**
 * Reads a pointer in DW_EH_PE encoding `enc`. `needValue` false only skips it (a personality routine's address),
 * so applications we cannot resolve statically (datarel, textrel, funcrel) are an error only when the value matters.
 */
function readEncoded(ctx: SectionContext, c: DwarfCursor, enc: number, addressSize: number, needValue: boolean): bigint {
  if (enc === DW_EH_PE_omit) return 0n;
  const fieldAddress = ctx.section.addr + BigInt(c.pos);
  const application = enc & 0x70;
  if (application === DW_EH_PE_aligned) c.pos = (c.pos + addressSize - 1) & -addressSize;
  let v: bigint;
  switch (enc & 0x0f) {
    case 0x00: v = c.unsigned(addressSize); break;
    case 0x01: v = c.uleb(); break;
    case 0x02: v = BigInt(c.u16()); break;
    case 0x03: v = BigInt(c.u32()); break;
    case 0x04: v = c.u64(); break;
    case 0x09: v = c.sleb(); break;
    case 0x0a: v = BigInt(c.i16()); break;
    case 0x0b: v = BigInt(c.i32()); break;
    case 0x0c: v = c.i64(); break;
    default: throw new CfiError(`${ctx.section.name}: unknown pointer encoding 0x${enc.toString(16)} at offset ${c.pos}`);
  }
  if (!needValue) return v;
  if (enc & DW_EH_PE_indirect) throw new CfiError(`${ctx.section.name}: an FDE address is indirect (encoding 0x${enc.toString(16)}); Ringside reads only direct ones`);
  if (application === DW_EH_PE_pcrel) v += fieldAddress;
  else if (application !== 0 && application !== DW_EH_PE_aligned) {
    throw new CfiError(`${ctx.section.name}: pointer encoding 0x${enc.toString(16)} is relative to a base Ringside does not know (text, data or function)`);
  }
  return BigInt.asUintN(64, v);
}

// ---------------------------------------------------------------------------------------------------------
// CFA programs

const DW_CFA_advance_loc = 0x40, DW_CFA_offset = 0x80, DW_CFA_restore = 0xc0;
const DW_CFA_nop = 0x00, DW_CFA_set_loc = 0x01, DW_CFA_advance_loc1 = 0x02, DW_CFA_advance_loc2 = 0x03, DW_CFA_advance_loc4 = 0x04;
const DW_CFA_offset_extended = 0x05, DW_CFA_restore_extended = 0x06, DW_CFA_undefined = 0x07, DW_CFA_same_value = 0x08;
const DW_CFA_register = 0x09, DW_CFA_remember_state = 0x0a, DW_CFA_restore_state = 0x0b, DW_CFA_def_cfa = 0x0c;
const DW_CFA_def_cfa_register = 0x0d, DW_CFA_def_cfa_offset = 0x0e, DW_CFA_def_cfa_expression = 0x0f, DW_CFA_expression = 0x10;
const DW_CFA_offset_extended_sf = 0x11, DW_CFA_def_cfa_sf = 0x12, DW_CFA_def_cfa_offset_sf = 0x13, DW_CFA_val_offset = 0x14;
const DW_CFA_val_offset_sf = 0x15, DW_CFA_val_expression = 0x16, DW_CFA_GNU_args_size = 0x2e, DW_CFA_GNU_negative_offset_extended = 0x2f;

interface CfaState {
  cfa: CfaRule;
  registers: Map<number, RegisterRule>;
}

interface Program {
  ctx: SectionContext;
  cie: Cie;
  /** The FDE's section offset, for messages. */
  offset: number;
  start: bigint;
  end: bigint;
}

/** Runs the CIE's initial instructions, then the FDE's, and returns the rows they define over start..end. */
function runCfaProgram(p: Program, instructions: Uint8Array): UnwindRow[] {
  const state: CfaState = { cfa: { kind: 'register', register: 2, offset: 0n }, registers: new Map() };
  execute(p, p.cie.initialInstructions, state, undefined, () => undefined);
  const initial = new Map(state.registers);
  const rows: UnwindRow[] = [];
  let rowStart = p.start;
  const advanceTo = (loc: bigint) => {
    if (loc <= rowStart) return;
    const end = loc < p.end ? loc : p.end;
    if (end > rowStart) rows.push(snapshot(p, state, rowStart, end));
    rowStart = loc;
  };
  execute(p, instructions, state, initial, advanceTo, () => rowStart);
  if (rowStart < p.end) rows.push(snapshot(p, state, rowStart, p.end));
  return rows;
}

function snapshot(p: Program, s: CfaState, start: bigint, end: bigint): UnwindRow {
  return { start, end, cfa: s.cfa, registers: new Map(s.registers), returnAddressRegister: p.cie.returnAddressRegister };
}

/**
 * Interprets DW_CFA_* instructions into `state`. `initial` (the CIE's rules, for DW_CFA_restore) is undefined while
 * running the CIE itself; `advanceTo` is told each new location.
 */
function execute(p: Program, bytes: Uint8Array, state: CfaState, initial: Map<number, RegisterRule> | undefined,
  advanceTo: (loc: bigint) => void, location: () => bigint = () => p.start): void {
  const c = new DwarfCursor(bytes, p.ctx.section.name);
  const stack: CfaState[] = [];
  const { codeAlign, dataAlign } = p.cie;
  const fail = (what: string): never => {
    throw new CfiError(`${p.ctx.section.name}: ${what} in the ${initial ? 'FDE' : 'CIE'} for 0x${p.start.toString(16)}..0x${p.end.toString(16)} (entry at offset ${p.offset})`);
  };
  const set = (reg: number, rule: RegisterRule) => { state.registers.set(reg, rule); };
  const restore = (reg: number) => {
    const rule = initial?.get(reg);
    if (rule) state.registers.set(reg, rule); else state.registers.delete(reg);
  };
  const cfaRegister = (): { register: number; offset: bigint } => {
    if (state.cfa.kind !== 'register') return fail('a CFA offset or register change follows DW_CFA_def_cfa_expression');
    return state.cfa;
  };
  while (!c.atEnd) {
    const op = c.u8();
    const high = op & 0xc0, low = op & 0x3f;
    if (high === DW_CFA_advance_loc) { advanceTo(location() + BigInt(low) * codeAlign); continue; }
    if (high === DW_CFA_offset) { set(low, { kind: 'offset', offset: c.uleb() * dataAlign }); continue; }
    if (high === DW_CFA_restore) { restore(low); continue; }
    switch (op) {
      case DW_CFA_nop: break;
      case DW_CFA_set_loc: advanceTo(readEncoded(p.ctx, c, p.ctx.isEh ? p.cie.fdeEncoding : DW_EH_PE_absptr, p.cie.addressSize, true)); break;
      case DW_CFA_advance_loc1: advanceTo(location() + BigInt(c.u8()) * codeAlign); break;
      case DW_CFA_advance_loc2: advanceTo(location() + BigInt(c.u16()) * codeAlign); break;
      case DW_CFA_advance_loc4: advanceTo(location() + BigInt(c.u32()) * codeAlign); break;
      case DW_CFA_offset_extended: set(c.ulebNumber(), { kind: 'offset', offset: c.uleb() * dataAlign }); break;
      case DW_CFA_offset_extended_sf: set(c.ulebNumber(), { kind: 'offset', offset: c.sleb() * dataAlign }); break;
      case DW_CFA_GNU_negative_offset_extended: set(c.ulebNumber(), { kind: 'offset', offset: -c.uleb() * dataAlign }); break;
      case DW_CFA_restore_extended: restore(c.ulebNumber()); break;
      case DW_CFA_undefined: set(c.ulebNumber(), { kind: 'undefined' }); break;
      case DW_CFA_same_value: set(c.ulebNumber(), { kind: 'same-value' }); break;
      case DW_CFA_register: set(c.ulebNumber(), { kind: 'register', register: c.ulebNumber() }); break;
      case DW_CFA_remember_state: stack.push({ cfa: state.cfa, registers: new Map(state.registers) }); break;
      case DW_CFA_restore_state: {
        const saved = stack.pop() ?? fail('DW_CFA_restore_state without a matching DW_CFA_remember_state');
        state.cfa = saved.cfa;
        state.registers = saved.registers;
        break;
      }
      case DW_CFA_def_cfa: state.cfa = { kind: 'register', register: c.ulebNumber(), offset: c.uleb() }; break;
      case DW_CFA_def_cfa_sf: state.cfa = { kind: 'register', register: c.ulebNumber(), offset: c.sleb() * dataAlign }; break;
      case DW_CFA_def_cfa_register: state.cfa = { kind: 'register', register: c.ulebNumber(), offset: cfaRegister().offset }; break;
      case DW_CFA_def_cfa_offset: state.cfa = { kind: 'register', register: cfaRegister().register, offset: c.uleb() }; break;
      case DW_CFA_def_cfa_offset_sf: state.cfa = { kind: 'register', register: cfaRegister().register, offset: c.sleb() * dataAlign }; break;
      case DW_CFA_def_cfa_expression: state.cfa = { kind: 'expression', expression: c.block(c.ulebNumber()) }; break;
      case DW_CFA_expression: set(c.ulebNumber(), { kind: 'expression', expression: c.block(c.ulebNumber()) }); break;
      case DW_CFA_val_expression: set(c.ulebNumber(), { kind: 'val-expression', expression: c.block(c.ulebNumber()) }); break;
      case DW_CFA_val_offset: set(c.ulebNumber(), { kind: 'val-offset', offset: c.uleb() * dataAlign }); break;
      case DW_CFA_val_offset_sf: set(c.ulebNumber(), { kind: 'val-offset', offset: c.sleb() * dataAlign }); break;
      case DW_CFA_GNU_args_size: c.uleb(); break;
      default: fail(`unknown call-frame instruction 0x${op.toString(16)} at offset ${c.pos - 1} of its instructions`);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// DWARF expressions (the subset call-frame rules use)

/** What evaluating a CFI expression may look at: the frame's registers (by DWARF number) and memory. */
export interface ExpressionContext {
  register(dwarfRegister: number): bigint | undefined;
  readU64(address: bigint): bigint | undefined;
}

const DW_OP_addr = 0x03, DW_OP_deref = 0x06, DW_OP_const1u = 0x08, DW_OP_const1s = 0x09, DW_OP_const2u = 0x0a;
const DW_OP_const2s = 0x0b, DW_OP_const4u = 0x0c, DW_OP_const4s = 0x0d, DW_OP_const8u = 0x0e, DW_OP_const8s = 0x0f;
const DW_OP_constu = 0x10, DW_OP_consts = 0x11, DW_OP_dup = 0x12, DW_OP_drop = 0x13, DW_OP_over = 0x14, DW_OP_swap = 0x16;
const DW_OP_and = 0x1a, DW_OP_minus = 0x1c, DW_OP_or = 0x21, DW_OP_plus = 0x22, DW_OP_plus_uconst = 0x23;
const DW_OP_lit0 = 0x30, DW_OP_lit31 = 0x4f, DW_OP_breg0 = 0x70, DW_OP_breg31 = 0x8f, DW_OP_bregx = 0x92;

/**
 * Evaluates a DWARF expression from a CFA rule: literals, register-relative values, arithmetic and 8-byte
 * dereferences. Anything else (branches, typed ops, pieces) is a CfiError naming the operation.
 */
export function evaluateCfiExpression(expression: Uint8Array, ctx: ExpressionContext, pushFirst?: bigint): bigint {
  const c = new DwarfCursor(expression, 'DWARF expression');
  const stack: bigint[] = pushFirst === undefined ? [] : [pushFirst];
  const pop = (): bigint => {
    const v = stack.pop();
    if (v === undefined) throw new CfiError(`DWARF expression pops an empty stack at offset ${c.pos - 1}`);
    return v;
  };
  const push = (v: bigint) => { stack.push(BigInt.asUintN(64, v)); };
  const register = (n: number): bigint => {
    const v = ctx.register(n);
    if (v === undefined) throw new CfiError(`DWARF expression reads register ${n}, whose value is unknown`);
    return v;
  };
  while (!c.atEnd) {
    const op = c.u8();
    if (op >= DW_OP_lit0 && op <= DW_OP_lit31) { push(BigInt(op - DW_OP_lit0)); continue; }
    if (op >= DW_OP_breg0 && op <= DW_OP_breg31) { push(register(op - DW_OP_breg0) + c.sleb()); continue; }
    switch (op) {
      case DW_OP_addr: push(c.u64()); break;
      case DW_OP_const1u: push(BigInt(c.u8())); break;
      case DW_OP_const1s: push(BigInt(c.i8())); break;
      case DW_OP_const2u: push(BigInt(c.u16())); break;
      case DW_OP_const2s: push(BigInt(c.i16())); break;
      case DW_OP_const4u: push(BigInt(c.u32())); break;
      case DW_OP_const4s: push(BigInt(c.i32())); break;
      case DW_OP_const8u: push(c.u64()); break;
      case DW_OP_const8s: push(c.i64()); break;
      case DW_OP_constu: push(c.uleb()); break;
      case DW_OP_consts: push(c.sleb()); break;
      case DW_OP_bregx: { const n = c.ulebNumber(); push(register(n) + c.sleb()); break; }
      case DW_OP_dup: { const v = pop(); push(v); push(v); break; }
      case DW_OP_drop: pop(); break;
      case DW_OP_over: { const a = pop(), b = pop(); push(b); push(a); push(b); break; }
      case DW_OP_swap: { const a = pop(), b = pop(); push(a); push(b); break; }
      case DW_OP_and: push(pop() & pop()); break;
      case DW_OP_or: push(pop() | pop()); break;
      case DW_OP_plus: push(pop() + pop()); break;
      case DW_OP_minus: { const a = pop(); push(pop() - a); break; }
      case DW_OP_plus_uconst: push(pop() + c.uleb()); break;
      case DW_OP_deref: {
        const address = pop(), v = ctx.readU64(address);
        if (v === undefined) throw new CfiError(`DWARF expression dereferences 0x${address.toString(16)}, which cannot be read`);
        push(v);
        break;
      }
      default: throw new CfiError(`DWARF expression operation 0x${op.toString(16)} is not supported in call-frame rules`);
    }
  }
  return pop();
}
