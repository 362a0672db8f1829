// `ringside disasm`: an ELF's executable sections listed exactly as GNU objdump -d (binutils 2.40) lists them:
// a header per symbol, then one line per instruction with address, bytes, text and `<symbol+offset>` names.
import { parseElf, SHF_EXECINSTR, type ElfSection, type ElfSymbol } from '../emulator/loader/elf';
import { disassemble, newAddressMemory, type DisasmOptions } from '../emulator/isa/disasm';

const SHN_UNDEF = 0, SHN_COMMON = 0xfff2;

/**
 * Symbols in objdump's order (its compare_symbols): by address, then section (real sections in order, absolute
 * symbols after), then names that look like files (x.o) last, functions first, locals after non-locals, globals
 * before weak ones, names starting with '.' last, and finally by name. Section and file symbols, undefined ones
 * and RISC-V mapping symbols ($x, $d) never name an address.
 */
export function sortedSymbols(symbols: ElfSymbol[]): ElfSymbol[] {
  const useful = symbols.filter((s) => s.type !== 'section' && s.type !== 'file' && s.section !== SHN_UNDEF && s.section !== SHN_COMMON &&
    !/^\$[xd](\W|$)/.test(s.name));
  return useful.sort(compareSymbols);
}

function compareSymbols(a: ElfSymbol, b: ElfSymbol): number {
  if (a.value !== b.value) return a.value < b.value ? -1 : 1;
  const keys = (s: ElfSymbol): number[] => [
    s.section, /\.[oa]$/.test(s.name) ? 1 : 0, s.type === 'func' ? 0 : 1, s.bind === 'local' ? 1 : 0, s.bind === 'global' ? 0 : 1,
    s.name.startsWith('.') ? 1 : 0,
  ];
  const ka = keys(a), kb = keys(b);
  for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return ka[i] - kb[i];
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

export interface ListingOptions {
  aliases: boolean;
}

/** The whole `objdump -d FILE` text for an ELF (with `-M no-aliases` when aliases is false). */
export function listElf(file: string, bytes: Uint8Array, o: ListingOptions): string {
  const elf = parseElf(bytes);
  const syms = sortedSymbols(elf.symbols);
  const gp = elf.symbols.find((s) => s.name === '__global_pointer$')?.value;
  const memory = newAddressMemory(gp);
  const out: string[] = [`\n${file}:     file format elf64-littleriscv\n\n`];
  for (const section of elf.sections) {
    if ((section.flags & SHF_EXECINSTR) === 0n || section.data.length === 0) continue;
    out.push(`\nDisassembly of section ${section.name}:\n`);
    const symbolize = (a: bigint): string | undefined => {
      const i = symbolIndexFor(syms, a, section.index);
      return i === undefined ? undefined : symbolText(syms[i], a);
    };
    listSection(section, syms, { aliases: o.aliases, symbolize, memory }, out);
  }
  return out.join('');
}

/** One section in chunks from symbol to symbol, each under its header line, as objdump's disassemble_section. */
function listSection(section: ElfSection, syms: ElfSymbol[], opts: DisasmOptions, out: string[]): void {
  const column = addressColumn(section);
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
    listBytes(section, addr, chunkEnd, column, opts, out);
    addr = chunkEnd;
    place = next;
  }
}

/** Instruction lines from addr up to end: `    80000000:\t00000513          \tli\ta0,0`. */
function listBytes(section: ElfSection, from: bigint, end: bigint, column: (a: bigint) => string, opts: DisasmOptions, out: string[]): void {
  const data = section.data;
  for (let addr = from; addr < end;) {
    const off = Number(addr - section.addr);
    const lo = data[off] | ((data[off + 1] ?? 0) << 8);
    const long = (lo & 3) === 3 && off + 4 <= data.length;
    const raw = long ? (lo | (data[off + 2] << 16) | (data[off + 3] << 24)) >>> 0 : lo;
    const bytes = long ? `${raw.toString(16).padStart(8, '0')}          ` : `${lo.toString(16).padStart(4, '0')}                `;
    // A 32-bit encoding cut off by the end of the section is shown as the halfword that is there.
    const text = long || (lo & 3) !== 3 ? disassemble(raw, addr, opts) : `.2byte\t0x${lo.toString(16)}`;
    out.push(`${column(addr)}:\t${bytes}\t${text}\n`);
    addr += long ? 4n : 2n;
  }
}
