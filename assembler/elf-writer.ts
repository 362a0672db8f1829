// The linker's last step: lays out linked sections, symbols and debug sections as a little-endian ELF64 RISC-V
// executable (ET_EXEC) with the section and program headers GNU ld would write for the same layout.

/** e_flags bits (RISC-V ELF psABI). */
export const EF_RISCV_RVC = 0x1;
export const EF_RISCV_FLOAT_ABI_SOFT = 0x0;
export const EF_RISCV_FLOAT_ABI_SINGLE = 0x2;
export const EF_RISCV_FLOAT_ABI_DOUBLE = 0x4;

/** The page size segments are laid out for: file offsets are congruent to addresses modulo it, as GNU ld's are. */
export const PAGE_SIZE = 0x1000n;

interface SectionCommon {
  /** `.text`, `.rodata`, `.data`, `.bss` or any other name. */
  name: string;
  address: bigint;
  /** Every output section here is allocated (SHF_ALLOC, readable); these add SHF_WRITE and SHF_EXECINSTR. */
  flags: { write: boolean; exec: boolean };
  /** A power of two (sh_addralign); address must be a multiple of it. */
  align: bigint;
}

/** A loaded section: its contents (SHT_PROGBITS), or only a size for zero-filled memory (SHT_NOBITS, `.bss`). */
export type OutputSection = SectionCommon & ({ bytes: Uint8Array } | { nobits: bigint });

/** A section that is not loaded, such as `.debug_line` or `.riscv.attributes`. */
export interface NonAllocSection {
  name: string;
  bytes: Uint8Array;
  /** NUL-terminated strings (SHF_MERGE | SHF_STRINGS, entry size 1), as `.debug_line_str` and `.debug_str` are. */
  strings?: boolean;
}

export interface OutputSymbol {
  name: string;
  value: bigint;
  size: bigint;
  /** The name of the section the symbol is defined in, or null for an absolute symbol (SHN_ABS, e.g. an .equ). */
  section: string | null;
  binding: 'local' | 'global' | 'weak';
  type: 'notype' | 'func' | 'object';
}

export interface ElfImage {
  entry: bigint;
  /** Allocated sections in section-header order; their addresses must increase and must not overlap. */
  sections: OutputSection[];
  symbols: OutputSymbol[];
  /** Written after the allocated sections, in this order. */
  nonAlloc?: NonAllocSection[];
  /** e_flags: EF_RISCV_RVC when compressed instructions are used, or'ed with a float ABI. */
  flags: number;
}

export class ElfWriteError extends Error {}

const EHDR_SIZE = 64, PHDR_SIZE = 56, SHDR_SIZE = 64, SYM_SIZE = 24;
const SHT_PROGBITS = 1, SHT_SYMTAB = 2, SHT_STRTAB = 3, SHT_NOBITS = 8, SHT_RISCV_ATTRIBUTES = 0x7000_0003;
const SHF_WRITE = 0x1n, SHF_ALLOC = 0x2n, SHF_EXECINSTR = 0x4n, SHF_MERGE = 0x10n, SHF_STRINGS = 0x20n;
const PT_LOAD = 1, PF_X = 1, PF_W = 2, PF_R = 4;
const SHN_ABS = 0xfff1;
const STB = { local: 0, global: 1, weak: 2 } as const;
const STT = { notype: 0, object: 1, func: 2, section: 3 } as const;

const hex = (v: bigint) => `0x${v.toString(16)}`;
const alignUp = (v: bigint, a: bigint) => (a <= 1n ? v : (v + a - 1n) / a * a);
const memSize = (s: OutputSection) => ('nobits' in s ? s.nobits : BigInt(s.bytes.length));
const sameFlags = (a: OutputSection, b: OutputSection) => a.flags.write === b.flags.write && a.flags.exec === b.flags.exec;

/** A section header before its name is placed in .shstrtab. */
interface Shdr {
  name: string;
  type: number;
  flags: bigint;
  addr: bigint;
  offset: bigint;
  size: bigint;
  link: number;
  info: number;
  align: bigint;
  entsize: bigint;
}

/** One PT_LOAD: a run of sections with the same flags, each starting less than a page after the previous one ends. */
interface Segment {
  sections: OutputSection[];
  offset: bigint;
}

function validate(image: ElfImage): void {
  const names = new Set<string>();
  for (const s of [...image.sections, ...(image.nonAlloc ?? [])]) {
    if (names.has(s.name)) throw new ElfWriteError(`two output sections are named ${s.name}`);
    names.add(s.name);
  }
  image.sections.forEach((s, i) => {
    if (s.align <= 0n || (s.align & (s.align - 1n)) !== 0n) throw new ElfWriteError(`section ${s.name}: alignment ${s.align} is not a power of two`);
    if (s.address % s.align !== 0n) throw new ElfWriteError(`section ${s.name} at ${hex(s.address)} is not aligned to ${s.align}`);
    const prev = image.sections[i - 1];
    if (prev && s.address < prev.address + memSize(prev)) {
      throw new ElfWriteError(`section ${s.name} at ${hex(s.address)} overlaps or precedes ${prev.name} (${hex(prev.address)}..${hex(prev.address + memSize(prev))})`);
    }
  });
  for (const sym of image.symbols) {
    if (sym.section !== null && !names.has(sym.section)) throw new ElfWriteError(`symbol ${sym.name} is in section ${sym.section}, which the image lacks`);
  }
}

/**
 * Groups sections into PT_LOAD segments the way GNU ld merges them: a section joins the previous segment when it
 * has the same flags, follows a section with contents (zero-fill may only end a segment), and starts within a
 * page of the previous section's end (the gap is zero-filled in the file). Empty sections load nothing.
 */
function segments(sections: OutputSection[]): OutputSection[][] {
  const out: OutputSection[][] = [];
  for (const s of sections.filter((x) => memSize(x) > 0n)) {
    const run = out[out.length - 1];
    const last = run?.[run.length - 1];
    const joins = last && sameFlags(last, s) && !('nobits' in last) && s.address - (last.address + memSize(last)) < PAGE_SIZE;
    if (joins) run.push(s);
    else out.push([s]);
  }
  return out;
}

/** The smallest offset at or after cursor that is congruent to address modulo the page size. */
function congruentOffset(cursor: bigint, address: bigint): bigint {
  const want = address % PAGE_SIZE;
  const base = cursor - (cursor % PAGE_SIZE) + want;
  return base >= cursor ? base : base + PAGE_SIZE;
}

/** A string table (.strtab, .shstrtab): offset 0 is the empty name; each name once. */
function strtab(): { bytes: number[]; add(name: string): number } {
  const bytes = [0];
  const seen = new Map<string, number>([['', 0]]);
  return {
    bytes,
    add(name) {
      let off = seen.get(name);
      if (off === undefined) {
        off = bytes.length;
        seen.set(name, off);
        bytes.push(...new TextEncoder().encode(name), 0);
      }
      return off;
    },
  };
}

/** .symtab contents: the null symbol, a section symbol per section, local symbols, then global and weak ones. */
function symbolTable(image: ElfImage, sectionIndex: Map<string, number>, strings: ReturnType<typeof strtab>): { bytes: Uint8Array; firstGlobal: number } {
  const sectionSyms = [...sectionIndex].map(([name, index]) => ({ index, address: image.sections.find((s) => s.name === name)?.address ?? 0n }));
  const locals = image.symbols.filter((s) => s.binding === 'local');
  const globals = image.symbols.filter((s) => s.binding !== 'local');
  const count = 1 + sectionSyms.length + locals.length + globals.length;
  const bytes = new Uint8Array(count * SYM_SIZE);
  const dv = new DataView(bytes.buffer);
  const put = (i: number, name: number, info: number, shndx: number, value: bigint, size: bigint) => {
    const o = i * SYM_SIZE;
    dv.setUint32(o, name, true);
    dv.setUint8(o + 4, info);
    dv.setUint16(o + 6, shndx, true);
    dv.setBigUint64(o + 8, value, true);
    dv.setBigUint64(o + 16, size, true);
  };
  sectionSyms.forEach((s, i) => put(1 + i, 0, (STB.local << 4) | STT.section, s.index, s.address, 0n));
  [...locals, ...globals].forEach((s, i) => {
    const shndx = s.section === null ? SHN_ABS : sectionIndex.get(s.section) as number;
    put(1 + sectionSyms.length + i, strings.add(s.name), (STB[s.binding] << 4) | STT[s.type], shndx, BigInt.asUintN(64, s.value), s.size);
  });
  return { bytes, firstGlobal: 1 + sectionSyms.length + locals.length };
}

function allocHeader(s: OutputSection, offset: bigint): Shdr {
  const flags = SHF_ALLOC | (s.flags.write ? SHF_WRITE : 0n) | (s.flags.exec ? SHF_EXECINSTR : 0n);
  const type = 'nobits' in s ? SHT_NOBITS : SHT_PROGBITS;
  return { name: s.name, type, flags, addr: s.address, offset, size: memSize(s), link: 0, info: 0, align: s.align, entsize: 0n };
}

function nonAllocHeader(s: NonAllocSection, offset: bigint): Shdr {
  const type = s.name === '.riscv.attributes' ? SHT_RISCV_ATTRIBUTES : SHT_PROGBITS;
  const flags = s.strings ? SHF_MERGE | SHF_STRINGS : 0n;
  return { name: s.name, type, flags, addr: 0n, offset, size: BigInt(s.bytes.length), link: 0, info: 0, align: 1n, entsize: s.strings ? 1n : 0n };
}

interface Layout {
  segments: Segment[];
  /** Section headers after the null one, and the file bytes each holds. */
  headers: { shdr: Shdr; bytes?: Uint8Array }[];
  /** Each header's name offset in .shstrtab. */
  names: number[];
  shoff: bigint;
}

/** Places every section in the file: loaded ones congruent to their addresses, then debug sections and tables. */
function layout(image: ElfImage): Layout {
  const groups = segments(image.sections);
  let cursor = BigInt(EHDR_SIZE + PHDR_SIZE * groups.length);
  const offsets = new Map<OutputSection, bigint>();
  const segs = groups.map((g) => {
    const offset = congruentOffset(cursor, g[0].address);
    for (const s of g) offsets.set(s, offset + s.address - g[0].address);
    const withBytes = g.filter((s) => !('nobits' in s));
    const last = withBytes[withBytes.length - 1];
    if (last) cursor = offsets.get(last) as bigint + memSize(last);
    return { sections: g, offset };
  });
  const headers: Layout['headers'] = image.sections.map((s) => {
    // Empty and unloaded sections sit at the cursor, as GNU ld places them.
    const offset = offsets.get(s) ?? cursor;
    return { shdr: allocHeader(s, offset), bytes: 'nobits' in s ? undefined : s.bytes };
  });
  for (const s of image.nonAlloc ?? []) {
    headers.push({ shdr: nonAllocHeader(s, cursor), bytes: s.bytes });
    cursor += BigInt(s.bytes.length);
  }
  const sectionIndex = new Map(headers.map((h, i) => [h.shdr.name, i + 1]));
  const strings = strtab();
  const symtab = symbolTable(image, sectionIndex, strings);
  cursor = alignUp(cursor, 8n);
  const symtabIndex = headers.length + 1;
  headers.push({
    shdr: { name: '.symtab', type: SHT_SYMTAB, flags: 0n, addr: 0n, offset: cursor, size: BigInt(symtab.bytes.length), link: symtabIndex + 1, info: symtab.firstGlobal, align: 8n, entsize: BigInt(SYM_SIZE) },
    bytes: symtab.bytes,
  });
  cursor += BigInt(symtab.bytes.length);
  const stringSection = (name: string, bytes: Uint8Array) => {
    headers.push({ shdr: { name, type: SHT_STRTAB, flags: 0n, addr: 0n, offset: cursor, size: BigInt(bytes.length), link: 0, info: 0, align: 1n, entsize: 0n }, bytes });
    cursor += BigInt(bytes.length);
  };
  stringSection('.strtab', Uint8Array.from(strings.bytes));
  const shstr = strtab();
  const names = [...headers.map((h) => h.shdr.name), '.shstrtab'].map((n) => shstr.add(n));
  stringSection('.shstrtab', Uint8Array.from(shstr.bytes));
  return { segments: segs, headers, names, shoff: alignUp(cursor, 8n) };
}

function writeHeader(dv: DataView, image: ElfImage, l: Layout): void {
  [0x7f, 0x45, 0x4c, 0x46, 2, 1, 1].forEach((b, i) => dv.setUint8(i, b)); // ELF64, little-endian, version 1, System V ABI
  dv.setUint16(16, 2, true); // ET_EXEC
  dv.setUint16(18, 243, true); // EM_RISCV
  dv.setUint32(20, 1, true);
  dv.setBigUint64(24, image.entry, true);
  dv.setBigUint64(32, BigInt(EHDR_SIZE), true);
  dv.setBigUint64(40, l.shoff, true);
  dv.setUint32(48, image.flags, true);
  dv.setUint16(52, EHDR_SIZE, true);
  dv.setUint16(54, PHDR_SIZE, true);
  dv.setUint16(56, l.segments.length, true);
  dv.setUint16(58, SHDR_SIZE, true);
  dv.setUint16(60, l.headers.length + 1, true);
  dv.setUint16(62, l.headers.length, true); // .shstrtab is last
}

function writeProgramHeaders(dv: DataView, l: Layout): void {
  l.segments.forEach((seg, i) => {
    const o = EHDR_SIZE + i * PHDR_SIZE;
    const first = seg.sections[0], last = seg.sections[seg.sections.length - 1];
    const withBytes = seg.sections.filter((s) => !('nobits' in s));
    const lastBytes = withBytes[withBytes.length - 1];
    const filesz = lastBytes ? lastBytes.address + memSize(lastBytes) - first.address : 0n;
    const memsz = last.address + memSize(last) - first.address;
    dv.setUint32(o, PT_LOAD, true);
    dv.setUint32(o + 4, PF_R | (first.flags.write ? PF_W : 0) | (first.flags.exec ? PF_X : 0), true);
    dv.setBigUint64(o + 8, seg.offset, true);
    dv.setBigUint64(o + 16, first.address, true);
    dv.setBigUint64(o + 24, first.address, true);
    dv.setBigUint64(o + 32, filesz, true);
    dv.setBigUint64(o + 40, memsz, true);
    dv.setBigUint64(o + 48, PAGE_SIZE, true);
  });
}

function writeSectionHeaders(dv: DataView, l: Layout): void {
  l.headers.forEach(({ shdr: h }, i) => {
    const o = Number(l.shoff) + (i + 1) * SHDR_SIZE;
    dv.setUint32(o, l.names[i], true);
    dv.setUint32(o + 4, h.type, true);
    dv.setBigUint64(o + 8, h.flags, true);
    dv.setBigUint64(o + 16, h.addr, true);
    dv.setBigUint64(o + 24, h.offset, true);
    dv.setBigUint64(o + 32, h.size, true);
    dv.setUint32(o + 40, h.link, true);
    dv.setUint32(o + 44, h.info, true);
    dv.setBigUint64(o + 48, h.align, true);
    dv.setBigUint64(o + 56, h.entsize, true);
  });
}

/**
 * Writes an ELF64 RISC-V executable. Program headers: one PT_LOAD (R, plus W and X from the section flags,
 * p_align one page) per run of sections as `segments` groups them, with p_offset ≡ p_vaddr modulo the page size
 * and p_paddr = p_vaddr. Section headers: null, the allocated sections, the non-allocated ones, .symtab (locals
 * first, sh_info = first global), .strtab, .shstrtab.
 */
export function writeElf(image: ElfImage): Uint8Array {
  validate(image);
  const l = layout(image);
  const out = new Uint8Array(Number(l.shoff) + (l.headers.length + 1) * SHDR_SIZE);
  const dv = new DataView(out.buffer);
  writeHeader(dv, image, l);
  writeProgramHeaders(dv, l);
  for (const { shdr, bytes } of l.headers) if (bytes) out.set(bytes, Number(shdr.offset));
  writeSectionHeaders(dv, l);
  return out;
}
