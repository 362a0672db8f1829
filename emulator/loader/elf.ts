// ELF64 reader for RISC-V programs: validates the header, lists PT_LOAD segments and reads the symbol table.
// Every malformed input ends in one ElfError naming the problem; nothing here touches the machine.

export class ElfError extends Error {}

export interface ElfSegment {
  /** Index of its program header, as readelf numbers segments. */
  index: number;
  /** Physical load address (p_paddr), as QEMU's loader uses. */
  paddr: bigint;
  vaddr: bigint;
  data: Uint8Array;
  /** Bytes in memory; the tail past data.length is zero-filled (.bss). */
  memsz: bigint;
  flags: number;
}

export interface ElfSymbol {
  name: string;
  value: bigint;
  size: bigint;
  type: 'func' | 'object' | 'notype' | 'section' | 'file' | 'other';
  bind: 'local' | 'global' | 'weak' | 'other';
  /** Index of the section the symbol is defined in (st_shndx: 0 undefined, 0xfff1 absolute). */
  section: number;
}

/**
 * A symbol that names code: a function or label defined in a section. Not ELF mapping symbols ($x, $d mark code
 * and data, they do not name it), not absolute constants (.equ) and not undefined ones.
 */
export function isCodeSymbol(s: ElfSymbol): boolean {
  return (s.type === 'func' || s.type === 'notype') && s.section !== 0 && s.section < 0xff00 && s.name !== '' && !s.name.startsWith('$');
}

/** A section header with its bytes (empty for SHT_NOBITS), for tools that work by section, as objdump does. */
export interface ElfSection {
  index: number;
  name: string;
  type: number;
  flags: bigint;
  addr: bigint;
  /** sh_size: for SHT_NOBITS sections (.bss) the memory they take, though data is empty. */
  size: bigint;
  data: Uint8Array;
}

/** sh_flags bit of sections that take memory when the program runs. */
export const SHF_ALLOC = 0x2n;

/** sh_flags bit of sections that hold instructions. */
export const SHF_EXECINSTR = 0x4n;

export interface ElfImage {
  entry: bigint;
  segments: ElfSegment[];
  symbols: ElfSymbol[];
  sections: ElfSection[];
}

const MACHINES: Record<number, string> = { 3: 'x86', 40: 'ARM', 62: 'x86-64', 183: 'AArch64', 8: 'MIPS', 20: 'PowerPC', 21: 'PowerPC64' };
const SYMBOL_TYPES: ElfSymbol['type'][] = ['notype', 'object', 'func', 'section', 'file'];
const SYMBOL_BINDINGS: ElfSymbol['bind'][] = ['local', 'global', 'weak'];

export function isElf(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x7f && bytes[1] === 0x45 && bytes[2] === 0x4c && bytes[3] === 0x46;
}

export function parseElf(bytes: Uint8Array): ElfImage {
  if (!isElf(bytes)) throw new ElfError('not an ELF file (no \\x7fELF magic)');
  if (bytes.length < 64) throw new ElfError(`truncated ELF: ${bytes.length} bytes, shorter than the 64-byte ELF64 header`);
  if (bytes[4] === 1) throw new ElfError('32-bit ELF (ELFCLASS32): Ringside runs RV64 programs; build with -march=rv64… -mabi=lp64');
  if (bytes[4] !== 2) throw new ElfError(`corrupt ELF header: unknown class ${bytes[4]}`);
  if (bytes[5] !== 1) throw new ElfError('big-endian ELF: RISC-V programs are little-endian');
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const machine = dv.getUint16(18, true);
  if (machine !== 243) {
    throw new ElfError(`not a RISC-V ELF: e_machine is ${machine}${MACHINES[machine] ? ` (${MACHINES[machine]})` : ''}, expected 243 (RISC-V)`);
  }
  const entry = dv.getBigUint64(24, true);
  const segments = readSegments(bytes, dv);
  const symbols = readSymbols(bytes, dv);
  const sections = readSections(bytes, dv);
  return { entry, segments, symbols, sections };
}

function table(dv: DataView, what: string, off: bigint, entsize: number, count: number, minEntry: number): number {
  if (count === 0) return 0;
  if (entsize < minEntry) throw new ElfError(`corrupt ELF: ${what} entry size ${entsize} is smaller than ${minEntry}`);
  const end = off + BigInt(entsize) * BigInt(count);
  if (end > BigInt(dv.byteLength)) {
    throw new ElfError(`truncated or corrupt ELF: ${what} (${count} entries at offset ${off}) runs past the end of the file (${dv.byteLength} bytes)`);
  }
  return Number(off);
}

function readSegments(bytes: Uint8Array, dv: DataView): ElfSegment[] {
  const phoff = dv.getBigUint64(32, true), phentsize = dv.getUint16(54, true), phnum = dv.getUint16(56, true);
  const base = table(dv, 'program header table', phoff, phentsize, phnum, 56);
  const out: ElfSegment[] = [];
  for (let i = 0; i < phnum; i++) {
    const p = base + i * phentsize;
    if (dv.getUint32(p, true) !== 1) continue; // PT_LOAD only
    const offset = dv.getBigUint64(p + 8, true), vaddr = dv.getBigUint64(p + 16, true), paddr = dv.getBigUint64(p + 24, true);
    const filesz = dv.getBigUint64(p + 32, true), memsz = dv.getBigUint64(p + 40, true);
    if (offset + filesz > BigInt(bytes.length)) {
      throw new ElfError(`truncated or corrupt ELF: segment ${i} needs file bytes ${offset}..${offset + filesz} but the file has ${bytes.length}`);
    }
    if (memsz < filesz) throw new ElfError(`corrupt ELF: segment ${i} has p_memsz ${memsz} smaller than p_filesz ${filesz}`);
    out.push({ index: i, paddr, vaddr, memsz, flags: dv.getUint32(p + 4, true), data: bytes.subarray(Number(offset), Number(offset + filesz)) });
  }
  if (out.length === 0) throw new ElfError('ELF has no loadable (PT_LOAD) segments');
  return out;
}

function readSymbols(bytes: Uint8Array, dv: DataView): ElfSymbol[] {
  const shoff = dv.getBigUint64(40, true), shentsize = dv.getUint16(58, true), shnum = dv.getUint16(60, true);
  if (shoff === 0n || shnum === 0) return [];
  const base = table(dv, 'section header table', shoff, shentsize, shnum, 64);
  const section = (i: number) => {
    const s = base + i * shentsize;
    return { type: dv.getUint32(s + 4, true), offset: dv.getBigUint64(s + 24, true), size: dv.getBigUint64(s + 32, true), link: dv.getUint32(s + 40, true) };
  };
  const symbols: ElfSymbol[] = [];
  for (let i = 0; i < shnum; i++) {
    const sh = section(i);
    if (sh.type !== 2) continue; // SHT_SYMTAB
    if (sh.link >= shnum) throw new ElfError(`corrupt ELF: symbol table links to string table ${sh.link} of ${shnum}`);
    const str = section(sh.link);
    if (sh.offset + sh.size > BigInt(bytes.length) || str.offset + str.size > BigInt(bytes.length)) {
      throw new ElfError('truncated or corrupt ELF: the symbol table or its strings run past the end of the file');
    }
    const strings = bytes.subarray(Number(str.offset), Number(str.offset + str.size));
    for (let off = Number(sh.offset); off + 24 <= Number(sh.offset + sh.size); off += 24) {
      const nameOff = dv.getUint32(off, true);
      const info = bytes[off + 4];
      const name = cString(strings, nameOff);
      if (!name) continue;
      symbols.push({
        name, value: dv.getBigUint64(off + 8, true), size: dv.getBigUint64(off + 16, true),
        type: SYMBOL_TYPES[info & 15] ?? 'other', bind: SYMBOL_BINDINGS[info >> 4] ?? 'other', section: dv.getUint16(off + 6, true),
      });
    }
  }
  return symbols;
}

function readSections(bytes: Uint8Array, dv: DataView): ElfSection[] {
  const shoff = dv.getBigUint64(40, true), shentsize = dv.getUint16(58, true), shnum = dv.getUint16(60, true), shstrndx = dv.getUint16(62, true);
  if (shoff === 0n || shnum === 0) return [];
  const base = table(dv, 'section header table', shoff, shentsize, shnum, 64);
  const headers = Array.from({ length: shnum }, (_, index) => {
    const h = base + index * shentsize;
    const type = dv.getUint32(h + 4, true), offset = dv.getBigUint64(h + 24, true), size = dv.getBigUint64(h + 32, true);
    if (type !== 8 && offset + size > BigInt(bytes.length)) {
      throw new ElfError(`truncated or corrupt ELF: section ${index} needs file bytes ${offset}..${offset + size} but the file has ${bytes.length}`);
    }
    return {
      index, nameOff: dv.getUint32(h, true), type, flags: dv.getBigUint64(h + 8, true), addr: dv.getBigUint64(h + 16, true), size,
      data: type === 8 ? new Uint8Array(0) : bytes.subarray(Number(offset), Number(offset + size)), // SHT_NOBITS has no bytes
    };
  });
  const names = shstrndx < shnum ? headers[shstrndx].data : new Uint8Array(0);
  return headers.map(({ nameOff, ...h }) => ({ ...h, name: cString(names, nameOff) }));
}

function cString(strings: Uint8Array, off: number): string {
  if (off >= strings.length) return '';
  let end = off;
  while (end < strings.length && strings[end] !== 0) end++;
  return new TextDecoder().decode(strings.subarray(off, end));
}
