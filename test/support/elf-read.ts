// A small ELF64 little-endian reader for tests that compare linked images: section headers with their bytes,
// and the symbol table. emulator/loader/elf.ts reads segments for loading; comparisons need sections.

export interface ElfSection {
  name: string;
  type: number;
  flags: bigint;
  addr: bigint;
  size: bigint;
  align: bigint;
  /** The section's file bytes (empty for SHT_NOBITS, such as .bss). */
  data: Buffer;
}

export interface ElfSymbolEntry {
  name: string;
  value: bigint;
  size: bigint;
  /** STT_*: 0 notype, 1 object, 2 func, 3 section, 4 file. */
  type: number;
  /** STB_*: 0 local, 1 global, 2 weak. */
  bind: number;
  shndx: number;
}

export interface ElfFile {
  entry: bigint;
  sections: ElfSection[];
  symbols: ElfSymbolEntry[];
}

export const SHT_SYMTAB = 2, SHT_NOBITS = 8, SHF_ALLOC = 2n, STT_SECTION = 3, STT_FILE = 4;

function cString(b: Buffer, at: number): string {
  let end = at;
  while (end < b.length && b[end] !== 0) end++;
  return b.toString('utf8', at, end);
}

/** Parses an ELF64 little-endian file; throws on anything else, naming what is wrong. */
export function readElf(b: Buffer): ElfFile {
  if (b.length < 64 || b.readUInt32BE(0) !== 0x7f454c46) throw new Error('not an ELF file');
  if (b[4] !== 2 || b[5] !== 1) throw new Error('not a little-endian ELF64 file');
  const entry = b.readBigUInt64LE(24);
  const shoff = Number(b.readBigUInt64LE(40));
  const shentsize = b.readUInt16LE(58), shnum = b.readUInt16LE(60), shstrndx = b.readUInt16LE(62);
  if (shoff === 0 || shnum === 0) throw new Error('ELF file has no section headers');
  if (shoff + shnum * shentsize > b.length) throw new Error('ELF section headers run past the end of the file');
  const raw = [];
  for (let i = 0; i < shnum; i++) {
    const o = shoff + i * shentsize;
    const type = b.readUInt32LE(o + 4), off = Number(b.readBigUInt64LE(o + 24)), size = b.readBigUInt64LE(o + 32);
    raw.push({
      nameOff: b.readUInt32LE(o), type, flags: b.readBigUInt64LE(o + 8), addr: b.readBigUInt64LE(o + 16), size,
      link: b.readUInt32LE(o + 40), align: b.readBigUInt64LE(o + 48), entsize: Number(b.readBigUInt64LE(o + 56)),
      data: type === SHT_NOBITS || type === 0 ? Buffer.alloc(0) : b.subarray(off, off + Number(size)),
    });
  }
  const shstr = raw[shstrndx].data;
  const sections: ElfSection[] = raw.map((s) => ({
    name: cString(shstr, s.nameOff), type: s.type, flags: s.flags, addr: s.addr, size: s.size, align: s.align, data: s.data,
  }));
  const symbols: ElfSymbolEntry[] = [];
  for (const s of raw) {
    if (s.type !== SHT_SYMTAB) continue;
    const strtab = raw[s.link].data;
    for (let o = s.entsize; o + s.entsize <= s.data.length; o += s.entsize) {
      const info = s.data[o + 4];
      symbols.push({
        name: cString(strtab, s.data.readUInt32LE(o)), type: info & 15, bind: info >> 4, shndx: s.data.readUInt16LE(o + 6),
        value: s.data.readBigUInt64LE(o + 8), size: s.data.readBigUInt64LE(o + 16),
      });
    }
  }
  return { entry, sections, symbols };
}
