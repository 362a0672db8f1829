// `ringside disasm`: an ELF's executable sections listed exactly as GNU objdump -d (binutils 2.40) lists them:
// a header per symbol, then one line per instruction with address, bytes, text and `<symbol+offset>` names.
import { parseElf, SHF_EXECINSTR, type ElfSection, type ElfSymbol } from '../emulator/loader/elf';
import { disassemble, newAddressMemory, type DisasmOptions } from '../emulator/isa/disasm';
import type { PrivSpec } from '../emulator/csr/table';

const SHN_UNDEF = 0, SHN_COMMON = 0xfff2;

/**
 * Symbols in objdump's order (its compare_symbols, sorted afresh for each section it lists): by address, then
 * symbols of that section first, names that look like files (x.o) last, functions, then objects first, locals
 * after non-locals, globals before weak ones, larger before smaller, names starting with '.' last, and finally
 * by name. Section and file symbols, undefined ones and RISC-V mapping symbols ($x, $d) never name an address.
 */
export function sortedSymbols(symbols: ElfSymbol[], section: number): ElfSymbol[] {
  const useful = symbols.filter((s) => s.type !== 'section' && s.type !== 'file' && s.section !== SHN_UNDEF && s.section !== SHN_COMMON &&
    !isMappingSymbol(s));
  return useful.sort((a, b) => compareSymbols(a, b, section));
}

/** RISC-V mapping symbols mark where code ($x, $x<isa>) and data ($d) begin inside a section. */
const isMappingSymbol = (s: ElfSymbol): boolean => /^\$(d|x|xrv.*)$/.test(s.name);

function compareSymbols(a: ElfSymbol, b: ElfSymbol, section: number): number {
  if (a.value !== b.value) return a.value < b.value ? -1 : 1;
  const keys = (s: ElfSymbol): number[] => [
    s.section === section ? 0 : 1, /\.[oa]$/.test(s.name) ? 1 : 0, s.type === 'func' ? 0 : 1, s.type === 'object' ? 0 : 1,
    s.bind === 'local' ? 1 : 0, s.bind === 'global' ? 0 : 1,
  ];
  const ka = keys(a), kb = keys(b);
  for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return ka[i] - kb[i];
  if (a.size !== b.size) return a.size > b.size ? -1 : 1;
  const dotA = a.name.startsWith('.'), dotB = b.name.startsWith('.');
  if (dotA !== dotB) return dotA ? 1 : -1;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** objdump's find_symbol_for_address: the index of the symbol that names vma, seen from section `sec`. */
export function symbolIndexFor(syms: ElfSymbol[], vma: bigint, sec: number, requireSection = false): number | undefined {
  if (syms.length === 0) return undefined;
  let lo = 0, hi = syms.length;
  while (lo + 1 < hi) {
    const mid = (lo + hi) >> 1;
    if (syms[mid].value > vma) hi = mid; else lo = mid;
  }
  let place = lo;
  while (place > 0 && syms[place].value === syms[place - 1].value) place--;
  // Among symbols at one address, prefer one in the current section.
  let end = place;
  for (; end < syms.length && syms[end].value === syms[place].value; end++) if (syms[end].section === sec) return end;
  if (!requireSection || syms[place].section === sec) return place;
  // The header of a listing wants a symbol of its own section: the nearest one below, else the next one above.
  let found: number | undefined;
  for (let i = end - 1; i >= 0; i--) {
    if (syms[i].section !== sec) continue;
    if (found !== undefined && syms[i].value !== syms[found].value) break;
    found = i;
  }
  if (found !== undefined) return found;
  for (let i = place + 1; i < syms.length; i++) if (syms[i].section === sec) return i;
  return undefined;
}

/** `name`, `name+0x10` or `name-0x10`, as objdump names an address after a symbol. */
function symbolText(sym: ElfSymbol, vma: bigint): string {
  if (sym.value === vma) return sym.name;
  return sym.value > vma ? `${sym.name}-0x${(sym.value - vma).toString(16)}` : `${sym.name}+0x${(vma - sym.value).toString(16)}`;
}

const hex16 = (v: bigint): string => v.toString(16).padStart(16, '0');

/** objdump drops the leading zeros every address of a section shares, in groups of four digits. */
function addressColumn(section: ElfSection): (addr: bigint) => string {
  const end = hex16(section.addr + BigInt(section.data.length));
  let skip = 0;
  while (skip < end.length && end[skip] === '0') skip++;
  if (skip === end.length && section.addr !== 0n) skip = 0;
  if (skip !== 0) skip = (skip - 1) & -4;
  return (addr) => {
    const digits = hex16(addr).slice(skip);
    const trimmed = digits.replace(/^0+/, '');
    return trimmed === '' ? digits.replace(/0/g, ' ').slice(0, -1) + '0' : trimmed.padStart(digits.length, ' ');
  };
}

/** What .riscv.attributes says about the code: its ISA string and the privileged spec it was built against. */
export interface RiscvAttributes {
  /** Tag_RISCV_arch, e.g. rv64i2p1_m2p0_a2p1_c2p0; objdump assumes rv64gc when there is none. */
  arch: string;
  /** From Tag_RISCV_priv_spec (8) and its minor (10): objdump names CSRs by it, and assumes the newest when absent. */
  privSpec: PrivSpec;
}

export function riscvAttributes(sections: ElfSection[]): RiscvAttributes {
  const result: RiscvAttributes = { arch: 'rv64gc', privSpec: '1.12' };
  const attrs = sections.find((s) => s.name === '.riscv.attributes')?.data;
  if (!attrs || attrs[0] !== 0x41) return result; // format version 'A'
  const uleb = (at: number): [number, number] => {
    let v = 0, shift = 0, i = at;
    for (; i < attrs.length; i++) { v += (attrs[i] & 0x7f) * 2 ** shift; shift += 7; if ((attrs[i] & 0x80) === 0) break; }
    return [v, i + 1];
  };
  // One "riscv" subsection (length, name), holding one file-scope block (tag 1, length) of tag/value pairs.
  let at = attrs.indexOf(0, 5) + 1 + 5;
  let major = 0, minor = 0;
  while (at > 5 && at < attrs.length) {
    let tag: number, v: number;
    [tag, at] = uleb(at);
    if (tag === 5 || (tag > 32 && tag % 2 === 1)) { // string values: the arch, and odd tags above 32
      const end = attrs.indexOf(0, at);
      if (end < 0) break;
      if (tag === 5) result.arch = new TextDecoder().decode(attrs.subarray(at, end));
      at = end + 1;
      continue;
    }
    [v, at] = uleb(at);
    if (tag === 8) major = v;
    if (tag === 10) minor = v;
  }
  if (major !== 0) result.privSpec = major > 1 || minor >= 12 ? '1.12' : minor === 11 ? '1.11' : '1.10';
  return result;
}

/** Whether an ISA string (rv64gc, or the canonical rv64i2p1_m2p0_c2p0…) includes the C extension. */
const hasCompressed = (arch: string): boolean => /(^|_)c\d/.test(arch) || /^rv\d+[a-z]*c/.test(arch.split('_')[0].replace(/\d+p\d+/g, ''));

export interface ListingOptions {
  aliases: boolean;
}

/** The whole `objdump -d FILE` text for an ELF (with `-M no-aliases` when aliases is false). */
export function listElf(file: string, bytes: Uint8Array, o: ListingOptions): string {
  const elf = parseElf(bytes);
  const gp = elf.symbols.find((s) => s.name === '__global_pointer$')?.value;
  const memory = newAddressMemory(gp);
  const { arch, privSpec } = riscvAttributes(elf.sections);
  const out: string[] = [`\n${file}:     file format elf64-littleriscv\n\n`];
  for (const section of elf.sections) {
    if ((section.flags & SHF_EXECINSTR) === 0n || section.data.length === 0) continue;
    out.push(`\nDisassembly of section ${section.name}:\n`);
    const syms = sortedSymbols(elf.symbols, section.index);
    const symbolize = (a: bigint): string | undefined => {
      const i = symbolIndexFor(syms, a, section.index);
      return i === undefined ? undefined : symbolText(syms[i], a);
    };
    const maps = elf.symbols.filter((s) => s.section === section.index && isMappingSymbol(s)).sort((a, b) => (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
    listSection({ section, maps, arch, column: addressColumn(section) }, syms, { aliases: o.aliases, symbolize, memory, privSpec }, out);
  }
  return out.join('');
}

/** A section being listed, with its mapping symbols (in address order), the file's ISA and its address column. */
interface SectionListing {
  section: ElfSection;
  maps: ElfSymbol[];
  arch: string;
  column: (addr: bigint) => string;
}

/** One section in chunks from symbol to symbol, each under its header line, as objdump's disassemble_section. */
function listSection(l: SectionListing, syms: ElfSymbol[], opts: DisasmOptions, out: string[]): void {
  const { section } = l;
  const start = section.addr, stop = section.addr + BigInt(section.data.length);
  let place = symbolIndexFor(syms, start, section.index, true);
  let addr = start;
  while (addr < stop) {
    const sym = place === undefined ? undefined : syms[place];
    out.push(`\n${hex16(addr)} <${sym ? symbolText(sym, addr) : section.name}>:\n`);
    let next: number | undefined;
    if (sym && sym.value > addr) next = place;
    else if (sym) {
      next = syms.findIndex((s, i) => i >= place! && s.section === section.index && s.value > sym.value);
      if (next < 0) next = undefined;
    }
    const chunkEnd = next !== undefined && syms[next].value < stop ? syms[next].value : stop;
    listBytes(l, addr, chunkEnd, opts, out);
    addr = chunkEnd;
    place = next;
  }
}

/** objdump skips a run of zero bytes this long (or a shorter one that ends a chunk), printing `...` once. */
const SKIP_ZEROES = 8, SKIP_ZEROES_AT_END = 3;

/** Instruction (or data) lines from addr up to end: `    80000000:\t00000513          \tli\ta0,0`. */
function listBytes(l: SectionListing, from: bigint, end: bigint, opts: DisasmOptions, out: string[]): void {
  const { section, column } = l, data = section.data;
  const stop = Number(end - section.addr);
  for (let off = Number(from - section.addr); off < stop;) {
    let z = off;
    while (z < stop && data[z] === 0) z++;
    if (z - off >= SKIP_ZEROES || (z === stop && z - off < SKIP_ZEROES_AT_END && z > off)) {
      out.push('\t...\n');
      off = z === stop ? z : off + ((z - off) & ~3);
      continue;
    }
    const addr = section.addr + BigInt(off);
    const map = mappingAt(l, addr);
    const line = map.data ? dataLine(l, addr) : instructionLine(data, off, addr, opts, hasCompressed(map.arch));
    out.push(`${column(addr)}:\t${line.text}\n`);
    off += line.size;
  }
}

/** What the mapping symbols at or before addr say: data ($d) or code, and the ISA the last $x<isa> named. */
function mappingAt(l: SectionListing, addr: bigint): { data: boolean; arch: string } {
  const state = { data: false, arch: l.arch };
  for (const m of l.maps) {
    if (m.value > addr) break;
    state.data = m.name === '$d';
    if (m.name.startsWith('$xrv')) state.arch = m.name.slice(2);
  }
  return state;
}

/** Data between mapping symbols, in words, or the halfword or byte that fits before the next one. */
function dataLine(l: SectionListing, addr: bigint): { text: string; size: number } {
  const { section } = l;
  const next = l.maps.find((m) => m.value > addr)?.value ?? section.addr + BigInt(section.data.length);
  const room = Number(next - addr);
  const size = room >= 4 ? 4 : room >= 2 ? 2 : 1;
  const off = Number(addr - section.addr);
  let v = 0n;
  for (let i = size - 1; i >= 0; i--) v = (v << 8n) | BigInt(section.data[off + i]);
  const digits = v.toString(16).padStart(size * 2, '0');
  const directive = { 1: '.byte', 2: '.short', 4: '.word' }[size];
  return { text: `${digits.padEnd(size === 2 ? 20 : 18)}\t${directive}\t0x${digits}`, size };
}

/** One instruction; in code built without C (.option norvc), halfwords are not compressed instructions. */
function instructionLine(data: Uint8Array, off: number, addr: bigint, opts: DisasmOptions, compressed: boolean): { text: string; size: number } {
  const lo = data[off] | ((data[off + 1] ?? 0) << 8);
  const long = (lo & 3) === 3 && off + 4 <= data.length;
  const raw = long ? (lo | (data[off + 2] << 16) | (data[off + 3] << 24)) >>> 0 : lo;
  const bytes = long ? raw.toString(16).padStart(8, '0').padEnd(18) : lo.toString(16).padStart(4, '0').padEnd(20);
  // A 32-bit encoding cut off by the end of the section is shown as the halfword that is there.
  const text = long || ((lo & 3) !== 3 && compressed) ? disassemble(raw, addr, opts) : `.2byte\t0x${lo.toString(16)}`;
  return { text: `${bytes}\t${text}`, size: long ? 4 : 2 };
}
