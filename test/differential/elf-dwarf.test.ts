// Debian's binutils (2.40) and QEMU judge the assembler's ELF and DWARF output: readelf finds nothing to warn
// about, objdump lists our symbols and line rows, and our line-table reader agrees with objdump on GNU as output.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readDebugLine } from '../../assembler/dwarf-line';
import { writeElf } from '../../assembler/elf-writer';
import {
  BSS, DATA, EXIT, EXIT_WORDS, RANGES, RODATA, ROWS, SYMBOLS, TEXT, TEXT_WORDS, elfSection, sampleImage,
} from '../support/sample-elf';
import { AS, assembleAndLink, requireTool, runQemu, runRingside, tempDir } from '../support/toolchain';

const READELF = 'riscv64-unknown-elf-readelf', OBJDUMP = 'riscv64-unknown-elf-objdump';
const hex16 = (v: bigint) => v.toString(16).padStart(16, '0');

/** Runs a binutils tool; it must exit 0 and print nothing on stderr. */
function tool(name: string, args: string[]): string {
  requireTool(name);
  const r = spawnSync(name, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.error) throw r.error;
  assert.equal(r.stderr, '', `${name} ${args.join(' ')} complained`);
  assert.equal(r.status, 0, `${name} ${args.join(' ')} exited ${r.status}`);
  return r.stdout;
}

interface Decoded {
  rows: { address: bigint; file: string; line: number }[];
  ends: bigint[];
}

/**
 * Parses objdump's and readelf's decodedline listing: a "path:" (or "CU: path:") line names the file of the rows
 * below it, which give basename, line (or "-" for an end of sequence) and address.
 */
function parseDecodedLine(text: string): Decoded {
  const out: Decoded = { rows: [], ends: [] };
  let file = '';
  for (const line of text.split('\n')) {
    const header = /^(?:CU: )?(\S.*?):(?:\[\+\+\])?$/.exec(line);
    if (header && !line.startsWith('Contents of')) { file = header[1]; continue; }
    const row = /^(\S+)\s+(\d+|-)\s+(0x[0-9a-f]+)/.exec(line);
    if (!row) continue;
    assert.equal(path.basename(file), row[1], `row ${line} lies under the header ${file}`);
    if (row[2] === '-') out.ends.push(BigInt(row[3]));
    else out.rows.push({ address: BigInt(row[3]), file, line: Number(row[2]) });
  }
  return out;
}

describe('ELF and DWARF output against binutils', () => {
  let dir: string, elfPath: string;
  const image = sampleImage();
  before(() => {
    dir = tempDir('ringside-elf-');
    elfPath = path.join(dir, 'sample.elf');
    fs.writeFileSync(elfPath, writeElf(image));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('readelf -a -W reads it without a warning, with the headers GNU ld would write', () => {
    const out = tool(READELF, ['-a', '-W', elfPath]);
    assert.doesNotMatch(out, /warning|error|corrupt/i);
    assert.match(out, /Type:\s+EXEC \(Executable file\)/);
    assert.match(out, /Machine:\s+RISC-V/);
    assert.match(out, /Entry point address:\s+0x80000000\n/);
    assert.match(out, /Flags:\s+0x4, double-float ABI\n/);
    const sections = [...out.matchAll(/^\s*\[\s*(\d+)\] (\S+)\s+(\S+)\s+([0-9a-f]{16}) ([0-9a-f]{6}) ([0-9a-f]{6}) ([0-9a-f]{2})\s+(\w*)\s+(\d+)\s+(\d+)\s+(\d+)$/gm)]
      .map((m) => [m[2], m[3], BigInt(`0x${m[4]}`), m[7], m[8], Number(m[9]), Number(m[10]), Number(m[11])]);
    const firstGlobal = 1 + 7 + SYMBOLS.filter((s) => s.binding === 'local').length; // null, a symbol per section, locals
    assert.deepEqual(sections, [ // [0], the null section, has no name and does not match
      ['.text', 'PROGBITS', TEXT, '00', 'AX', 0, 0, 4],
      ['.rodata', 'PROGBITS', RODATA, '00', 'A', 0, 0, 8],
      ['.data', 'PROGBITS', DATA, '00', 'WA', 0, 0, 8],
      ['.bss', 'NOBITS', BSS, '00', 'WA', 0, 0, 8],
      ['.text.exit', 'PROGBITS', EXIT, '00', 'AX', 0, 0, 4],
      ['.debug_line', 'PROGBITS', 0n, '00', '', 0, 0, 1],
      ['.debug_line_str', 'PROGBITS', 0n, '01', 'MS', 0, 0, 1],
      ['.symtab', 'SYMTAB', 0n, '18', '', 9, firstGlobal, 8],
      ['.strtab', 'STRTAB', 0n, '00', '', 0, 0, 1],
      ['.shstrtab', 'STRTAB', 0n, '00', '', 0, 0, 1],
    ]);
    const loads = [...out.matchAll(/^\s*LOAD\s+0x([0-9a-f]+) 0x([0-9a-f]+) 0x([0-9a-f]+) 0x([0-9a-f]+) 0x([0-9a-f]+) (.{3}) 0x1000$/gm)]
      .map((m) => ({ offset: BigInt(`0x${m[1]}`), vaddr: BigInt(`0x${m[2]}`), paddr: BigInt(`0x${m[3]}`), filesz: Number(`0x${m[4]}`), memsz: Number(`0x${m[5]}`), flags: m[6] }));
    assert.deepEqual(loads.map(({ offset: _, ...l }) => l), [
      { vaddr: TEXT, paddr: TEXT, filesz: 4 * TEXT_WORDS.length, memsz: 4 * TEXT_WORDS.length, flags: 'R E' },
      { vaddr: RODATA, paddr: RODATA, filesz: 14, memsz: 14, flags: 'R  ' },
      { vaddr: DATA, paddr: DATA, filesz: 8, memsz: 72, flags: 'RW ' },
      { vaddr: EXIT, paddr: EXIT, filesz: 4 * EXIT_WORDS.length, memsz: 4 * EXIT_WORDS.length, flags: 'R E' },
    ]);
    loads.forEach((l) => assert.equal(l.offset % 0x1000n, l.vaddr % 0x1000n, `LOAD at 0x${l.vaddr.toString(16)} has a page-congruent offset`));
    assert.match(out, /^\s+00\s+\.text \n\s+01\s+\.rodata \n\s+02\s+\.data \.bss \n\s+03\s+\.text\.exit \n/m);
    const binds = [...out.matchAll(/^\s+(\d+): [0-9a-f]{16}\s+\d+ \w+\s+(LOCAL|GLOBAL|WEAK) /gm)].map((m) => m[2]);
    assert.equal(binds.length, 1 + 7 + SYMBOLS.length);
    binds.forEach((b, i) => assert.equal(b === 'LOCAL', i < firstGlobal, `symbol ${i} is ${b}; sh_info says globals start at ${firstGlobal}`));
  });

  it('objdump -t lists the symbols with their values, bindings, types, sections and sizes', () => {
    const out = tool(OBJDUMP, ['-t', elfPath]);
    const listed = out.split('\n').filter((l) => /^[0-9a-f]{16} /.test(l) && !/ d {2}/.test(l.slice(16, 25)));
    const expected = SYMBOLS.map((s) => {
      const flags = `${s.binding === 'local' ? 'l' : s.binding === 'global' ? 'g' : ' '}${s.binding === 'weak' ? 'w' : ' '}    ${s.type === 'func' ? 'F' : s.type === 'object' ? 'O' : ' '}`;
      return `${hex16(s.value)} ${flags} ${s.section ?? '*ABS*'}\t${hex16(s.size)} ${s.name}`;
    });
    assert.deepEqual(listed, expected);
    const sectionSymbols = out.split('\n').filter((l) => / l {4}d {2}/.test(l)).map((l) => l.split(' ').pop());
    assert.deepEqual(sectionSymbols, ['.text', '.rodata', '.data', '.bss', '.text.exit', '.debug_line', '.debug_line_str']);
  });

  it('objdump -d disassembles both code sections from our words, with our labels', () => {
    const out = tool(OBJDUMP, ['-d', elfPath]);
    const insns = [...out.matchAll(/^\s+([0-9a-f]+):\t([0-9a-f]{8})\s+\t(\S+)\t?(.*)$/gm)].map((m) => ({ address: BigInt(`0x${m[1]}`), word: Number(`0x${m[2]}`), mnemonic: m[3], operands: m[4] }));
    const words = [...TEXT_WORDS.map((w, i) => [TEXT + 4n * BigInt(i), w >>> 0]), ...EXIT_WORDS.map((w, i) => [EXIT + 4n * BigInt(i), w >>> 0])];
    assert.deepEqual(insns.map((i) => [i.address, i.word]), words);
    // binutils 2.40 prints addi with a register and an immediate as "add".
    assert.deepEqual(insns.map((i) => i.mnemonic), ['auipc', 'ld', 'auipc', 'ld', 'add', 'sd', 'j', 'lui', 'lui', 'add', 'sw', 'j']);
    assert.equal(insns[6].operands, '80003000 <exit>');
    assert.equal(insns[11].operands, '80003010 <loop>');
    assert.match(out, /Disassembly of section \.text:\n\n0000000080000000 <_start>:\n/);
    assert.match(out, /Disassembly of section \.text\.exit:\n\n0000000080003000 <exit>:\n/);
  });

  it('objdump and readelf decode exactly our line rows and sequence ends', () => {
    const expected = { rows: ROWS, ends: RANGES.map((r) => r.end) };
    assert.deepEqual(parseDecodedLine(tool(OBJDUMP, ['-w', '--dwarf=decodedline', elfPath])), expected);
    assert.deepEqual(parseDecodedLine(tool(READELF, ['-W', '--debug-dump=decodedline', elfPath])), expected);
    assert.doesNotMatch(tool(READELF, ['-W', '--debug-dump=rawline', elfPath]), /warning|error|unknown/i);
  });

  it('runs to a pass in QEMU and in `ringside run`', () => {
    assert.equal(runQemu(elfPath, { machine: 'virt' }).exitCode, 0);
    const r = runRingside(elfPath);
    assert.equal(r.exitCode, 0, r.stderr);
  });

  describe('reading GNU as line tables', () => {
    const INCLUDE = [
      '.macro BUMP', '  addi a0, a0, 1', '  addi a0, a0, 1', '.endm',
      '.macro EXIT', '  lui t1, 0x100', '  li t0, 0x5555', '  sw t0, 0(t1)', '.endm',
      '  .section .text.inc, "ax"', 'helper:', '  addi a1, a1, 1', '  ret', '',
    ].join('\n');
    const main = (include: string) => [
      `  .include "${include}"`, '  .text', '  .globl _start', '_start:', '  li a0, 1', '  addi a0, a0, 2', '  c.nop',
      '  BUMP', '  j far', '  .section .text.far, "ax"', 'far:', '  addi a0, a0, 7', '  EXIT', '  .data', '  .dword 1', '',
    ].join('\n');

    for (const version of [3, 4, 5]) {
      it(`agrees with objdump on a DWARF ${version} table from as -gdwarf-${version} (an .include, macros, three sequences)`, () => {
        requireTool(AS);
        const libDir = path.join(dir, `lib${version}`);
        fs.mkdirSync(libDir, { recursive: true });
        const include = path.join(libDir, 'exit.inc');
        fs.writeFileSync(include, INCLUDE);
        const elf = assembleAndLink(main(include), path.join(dir, `gnu${version}.elf`), {
          asFlags: ['-march=rv64imac', `-gdwarf-${version}`], ldFlags: ['-Ttext=0x80000000'],
        });
        const bytes = new Uint8Array(fs.readFileSync(elf));
        const ours = readDebugLine(elfSection(bytes, '.debug_line') as Uint8Array, {
          debugLineStr: elfSection(bytes, '.debug_line_str'), debugStr: elfSection(bytes, '.debug_str'),
        });
        const gnu = parseDecodedLine(tool(OBJDUMP, ['-w', '--dwarf=decodedline', elf]));
        assert.equal(new Set(gnu.rows.map((r) => r.file)).size, 2, 'rows from the source and from its include');
        assert.equal(gnu.ends.length, 3);
        assert.deepEqual(ours.sequences.map((s) => s.end), gnu.ends);
        assert.deepEqual(ours.rows.map((r) => ({ ...r, file: path.basename(r.file) })), gnu.rows.map((r) => ({ ...r, file: path.basename(r.file) })));
        // objdump prints a directory only when it is absolute; then the whole path must agree.
        ours.rows.forEach((r, i) => assert.ok(r.file.endsWith(gnu.rows[i].file.replace(/^\.\//, '')), `${r.file} vs objdump's ${gnu.rows[i].file}`));
        assert.ok(ours.rows.some((r) => r.file === include), `the include is named by its full path ${include}`);
      });
    }
  });
});
