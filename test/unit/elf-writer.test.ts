// The assembler's output stage on its own: ELF images the emulator's loader reads back and runs, and DWARF line
// tables that decode to the rows written. Debian's binutils judge the same files in test/differential/elf-dwarf.
import assert from 'node:assert/strict';
import type { LineRow } from '../../assembler/api';
import { DwarfError, readDebugLine, writeDebugLine } from '../../assembler/dwarf-line';
import { ElfWriteError, writeElf, type ElfImage } from '../../assembler/elf-writer';
import { parseElf } from '../../emulator/loader/elf';
import { Machine, RAM_BASE } from '../../emulator/machine';
import {
  BSS, DATA, DATA_VALUE, EXIT, EXIT_WORDS, RANGES, RODATA, RODATA_VALUE, ROWS, SYMBOLS, TEXT, TEXT_WORDS,
  elfSection, sampleElf, sampleImage,
} from '../support/sample-elf';
import { program } from './encode';

const hex = (v: bigint) => `0x${v.toString(16)}`;

describe('ELF writer', () => {
  it('writes segments the loader places at their addresses, page-congruent in the file', () => {
    const elf = sampleElf();
    const image = parseElf(elf);
    assert.equal(image.entry, TEXT);
    const segs = image.segments.map((s) => ({ vaddr: hex(s.vaddr), paddr: hex(s.paddr), filesz: s.data.length, memsz: Number(s.memsz), flags: s.flags }));
    assert.deepEqual(segs, [
      { vaddr: hex(TEXT), paddr: hex(TEXT), filesz: 4 * TEXT_WORDS.length, memsz: 4 * TEXT_WORDS.length, flags: 5 },
      { vaddr: hex(RODATA), paddr: hex(RODATA), filesz: 14, memsz: 14, flags: 4 },
      { vaddr: hex(DATA), paddr: hex(DATA), filesz: 8, memsz: 8 + 64, flags: 6 }, // .data and .bss share one
      { vaddr: hex(EXIT), paddr: hex(EXIT), filesz: 4 * EXIT_WORDS.length, memsz: 4 * EXIT_WORDS.length, flags: 5 },
    ]);
    assert.deepEqual(image.segments[0].data, program(TEXT_WORDS));
    assert.deepEqual(image.segments[3].data, program(EXIT_WORDS));
    const dv = new DataView(elf.buffer);
    image.segments.forEach((s) => {
      const offset = dv.getBigUint64(64 + 56 * s.index + 8, true);
      assert.equal(offset % 0x1000n, s.vaddr % 0x1000n, `segment ${s.index} offset ${hex(offset)} is congruent to ${hex(s.vaddr)}`);
    });
  });

  it('lists every named symbol with its value, size and type for the loader', () => {
    const symbols = parseElf(sampleElf()).symbols.map(({ name, value, size, type, bind }) => ({ name, value, size, type, bind }));
    assert.deepEqual(symbols, SYMBOLS.map((s) => ({ name: s.name, value: s.value, size: s.size, type: s.type, bind: s.binding })));
  });

  it('runs on the emulator: reads .rodata and .data, writes .bss, exits through the test finisher', () => {
    const m = new Machine();
    m.load(sampleElf());
    assert.deepEqual(m.run(1000), { kind: 'exit', code: 0 });
    assert.equal(m.hart.reg(11), DATA_VALUE);
    assert.equal(m.hart.reg(13), RODATA_VALUE);
    const bss = new DataView(m.ram.readBytes(Number(BSS) - RAM_BASE, 16).slice().buffer);
    assert.equal(bss.getBigUint64(0, true), DATA_VALUE + RODATA_VALUE);
    assert.equal(bss.getBigUint64(8, true), 0n);
    assert.equal(BigInt(m.hart.pc), EXIT + 16n, 'stopped just after the store to the finisher, in .text.exit');
  });

  it('carries the debug sections unchanged', () => {
    const elf = sampleElf();
    const line = elfSection(elf, '.debug_line') as Uint8Array;
    const table = readDebugLine(line, { debugLineStr: elfSection(elf, '.debug_line_str') });
    assert.deepEqual(table.rows, ROWS);
  });

  it('refuses overlapping sections, misaligned sections, duplicate names and symbols in missing sections', () => {
    const base = sampleImage();
    const withSections = (f: (s: ElfImage['sections']) => ElfImage['sections']): ElfImage => ({ ...base, sections: f(base.sections.map((s) => ({ ...s }))) });
    assert.throws(() => writeElf(withSections((s) => { s[3] = { ...s[3], address: DATA + 4n, align: 4n }; return s; })), ElfWriteError);
    assert.throws(() => writeElf(withSections((s) => { s[1] = { ...s[1], address: RODATA + 4n }; return s; })), /not aligned to 8/);
    assert.throws(() => writeElf(withSections((s) => { s[4] = { ...s[4], name: '.text' }; return s; })), /two output sections are named \.text/);
    assert.throws(() => writeElf({ ...base, symbols: [{ ...SYMBOLS[0], section: '.nowhere' }] }), /section \.nowhere, which the image lacks/);
  });
});

describe('DWARF line table', () => {
  const decode = (rows: LineRow[], ranges: typeof RANGES, compDir = '/c') => {
    const s = writeDebugLine(rows, ranges, { compDir });
    return readDebugLine(s.debugLine, { debugLineStr: s.debugLineStr });
  };

  it('round-trips rows from two files in two sequences, ending each at its range end', () => {
    assert.deepEqual(decode(ROWS, RANGES), { rows: ROWS, sequences: RANGES });
  });

  it('round-trips big and backward steps in address and line, and files re-entered', () => {
    const rows: LineRow[] = [
      { address: 0x8000_0000n, file: '/a/main.S', line: 1000 },
      { address: 0x8000_0002n, file: '/a/main.S', line: 3 },
      { address: 0x8000_0002n, file: '/b/macros.inc', line: 7 },
      { address: 0x8010_0000n, file: '/a/main.S', line: 1_000_000 },
      { address: 0x8010_0011n, file: '/b/macros.inc', line: 8 },
      { address: 0x8010_0013n, file: '/a/main.S', line: 0 },
      { address: 0xffff_ffff_c000_0000n, file: '/a/main.S', line: 5 },
    ];
    const ranges = [{ start: 0xffff_ffff_c000_0000n, end: 0xffff_ffff_c000_0002n }, { start: 0x8000_0000n, end: 0x8020_0000n }];
    assert.deepEqual(decode(rows, ranges), { rows, sequences: [ranges[1], ranges[0]] });
  });

  it('resolves relative names against the compilation directory', () => {
    const rows = [{ address: 0x1000n, file: 'main.S', line: 1 }, { address: 0x1004n, file: 'inc/defs.inc', line: 2 }];
    assert.deepEqual(decode(rows, [{ start: 0x1000n, end: 0x1008n }], '/home/me/proj').rows.map((r) => r.file), ['/home/me/proj/main.S', '/home/me/proj/inc/defs.inc']);
  });

  it('refuses rows outside every range, unsorted rows and overlapping ranges', () => {
    const ranges = [{ start: 0x1000n, end: 0x1008n }];
    assert.throws(() => decode([{ address: 0x1008n, file: '/m.S', line: 1 }], ranges), /0x1008 \(\/m\.S:1\) lies in no section range/);
    assert.throws(() => decode([{ address: 0x1004n, file: '/m.S', line: 1 }, { address: 0x1000n, file: '/m.S', line: 2 }], ranges), DwarfError);
    assert.throws(() => decode([], [{ start: 0x1000n, end: 0x1008n }, { start: 0x1004n, end: 0x1010n }]), /overlap/);
  });

  it('reports a truncated section instead of reading past its end', () => {
    const s = writeDebugLine(ROWS, RANGES, { compDir: '/c' });
    assert.throws(() => readDebugLine(s.debugLine.subarray(0, s.debugLine.length - 3), { debugLineStr: s.debugLineStr }), DwarfError);
    assert.throws(() => readDebugLine(s.debugLine), /\.debug_line_str, which was not given/);
  });
});
