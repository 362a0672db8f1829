// A small linked program as the ELF writer receives it: two code sections far apart, .rodata, .data, .bss,
// symbols of every binding and type, and line rows from a source and its included file. Shared by the tests.
import { parseElf } from '../../emulator/loader/elf';
import type { LineRow } from '../../assembler/api';
import { writeDebugLine, type LineRange } from '../../assembler/dwarf-line';
import { EF_RISCV_FLOAT_ABI_DOUBLE, writeElf, type ElfImage, type OutputSymbol } from '../../assembler/elf-writer';
import { I, J, R, S, U, program } from '../unit/encode';

const T0 = 5, T1 = 6, A0 = 10, A1 = 11, A2 = 12, A3 = 13, A4 = 14;

export const TEXT = 0x8000_0000n, RODATA = 0x8000_1000n, DATA = 0x8000_2000n, BSS = 0x8000_2008n, EXIT = 0x8000_3000n;
export const DATA_VALUE = 0x100n, RODATA_VALUE = 0x1122_3344_5566_7788n;
export const MAIN = '/src/prog/main.S', EXIT_INC = '/src/prog/lib/exit.inc';

/** Adds the .data and .rodata dwords into .bss, then jumps to the exit code in the far section. */
export const TEXT_WORDS = [
  U('auipc', A0, 2), I('ld', A1, A0, 0), // a1 = .data
  U('auipc', A2, 1), I('ld', A3, A2, -8), // a3 = .rodata (auipc at +8 gives RODATA + 8)
  R('add', A4, A1, A3), S('sd', A4, A0, 8), // .bss[0] = a1 + a3
  J('jal', 0, Number(EXIT - (TEXT + 24n))),
];
/** Stores 0x5555 (pass) to the test finisher at 0x10_0000, then spins. */
export const EXIT_WORDS = [U('lui', T1, 0x100), U('lui', T0, 5), I('addi', T0, T0, 0x555), S('sw', T0, T1, 0), J('jal', 0, 0)];

function dword(v: bigint): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, v, true);
  return b;
}

export const SYMBOLS: OutputSymbol[] = [
  { name: 'loop', value: EXIT + 16n, size: 0n, section: '.text.exit', binding: 'local', type: 'notype' },
  { name: 'rodata_val', value: RODATA, size: 8n, section: '.rodata', binding: 'local', type: 'object' },
  { name: 'buf', value: BSS, size: 64n, section: '.bss', binding: 'local', type: 'object' },
  { name: 'FINISHER', value: 0x10_0000n, size: 0n, section: null, binding: 'local', type: 'notype' },
  { name: '_start', value: TEXT, size: 28n, section: '.text', binding: 'global', type: 'func' },
  { name: 'data_val', value: DATA, size: 8n, section: '.data', binding: 'global', type: 'object' },
  { name: 'exit', value: EXIT, size: 20n, section: '.text.exit', binding: 'global', type: 'func' },
  { name: 'hook', value: TEXT + 4n, size: 0n, section: '.text', binding: 'weak', type: 'notype' },
];

/** main.S lines 10..16 for .text; the included exit.inc lines 3..7 for .text.exit, with main.S's .include at line 20 in between. */
export const ROWS: LineRow[] = [
  ...TEXT_WORDS.map((_, i) => ({ address: TEXT + 4n * BigInt(i), file: MAIN, line: 10 + i })),
  ...EXIT_WORDS.map((_, i) => ({ address: EXIT + 4n * BigInt(i), file: i === 0 ? MAIN : EXIT_INC, line: i === 0 ? 20 : 3 + i })),
];
export const RANGES: LineRange[] = [
  { start: TEXT, end: TEXT + 4n * BigInt(TEXT_WORDS.length) },
  { start: EXIT, end: EXIT + 4n * BigInt(EXIT_WORDS.length) },
];

export function sampleImage(): ElfImage {
  const line = writeDebugLine(ROWS, RANGES, { compDir: '/src/prog' });
  return {
    entry: TEXT,
    flags: EF_RISCV_FLOAT_ABI_DOUBLE,
    sections: [
      { name: '.text', address: TEXT, flags: { write: false, exec: true }, align: 4n, bytes: program(TEXT_WORDS) },
      { name: '.rodata', address: RODATA, flags: { write: false, exec: false }, align: 8n, bytes: Uint8Array.from([...dword(RODATA_VALUE), ...new TextEncoder().encode('hello\0')]) },
      { name: '.data', address: DATA, flags: { write: true, exec: false }, align: 8n, bytes: dword(DATA_VALUE) },
      { name: '.bss', address: BSS, flags: { write: true, exec: false }, align: 8n, nobits: 64n },
      { name: '.text.exit', address: EXIT, flags: { write: false, exec: true }, align: 4n, bytes: program(EXIT_WORDS) },
    ],
    symbols: SYMBOLS,
    nonAlloc: [{ name: '.debug_line', bytes: line.debugLine }, { name: '.debug_line_str', bytes: line.debugLineStr, strings: true }],
  };
}

export const sampleElf = (): Uint8Array => writeElf(sampleImage());

/** The bytes of the section called name (the loader's own section reader), or undefined. */
export function elfSection(elf: Uint8Array, name: string): Uint8Array | undefined {
  return parseElf(elf).sections.find((s) => s.name === name)?.data;
}
