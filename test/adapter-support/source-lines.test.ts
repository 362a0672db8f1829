// C source lines from gcc's DWARF 5 and DWARF 4 line tables against addr2line, over every instruction of a
// two-directory program, and source breakpoints' addresses. Needs gcc and binutils: without them these tests FAIL.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { parseElf, SHF_EXECINSTR, type ElfImage } from '../../emulator/loader/elf';
import { lineTable } from '../../debug-adapter/source-lines';
import { REPO_ROOT, buildC, requireTool, tempDir } from '../support/toolchain';

const ADDR2LINE = 'riscv64-linux-gnu-addr2line';
const SOURCES = ['test/adapter-support/programs/unwind/main.c', 'test/adapter-support/programs/unwind/lib/chain.c'];
const CHAIN_C = path.join(REPO_ROOT, 'test/adapter-support/programs/unwind/lib/chain.c');

const dir = tempDir('ringside-lines-');
after(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Every instruction address of the executable sections (RISC-V lengths: 2 bytes unless the low bits are 11). */
function instructionAddresses(image: ElfImage): bigint[] {
  const out: bigint[] = [];
  for (const s of image.sections.filter((x) => (x.flags & SHF_EXECINSTR) !== 0n)) {
    for (let off = 0; off + 2 <= s.data.length; off += (s.data[off] & 3) === 3 ? 4 : 2) out.push(s.addr + BigInt(off));
  }
  return out;
}

/** addr2line's answer per address: file:line, or undefined for its `??:0` and `??:?`. */
function addr2line(elf: string, addresses: bigint[]): (string | undefined)[] {
  requireTool(ADDR2LINE);
  const r = spawnSync(ADDR2LINE, ['-e', elf], { input: addresses.map((a) => `0x${a.toString(16)}`).join('\n'), encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trimEnd().split('\n');
  assert.equal(lines.length, addresses.length);
  return lines.map((l) => (l.startsWith('??:') ? undefined : l.replace(/ \(discriminator \d+\)$/, '')));
}

describe('C line tables (gcc) against addr2line', () => {
  for (const [what, flags] of [['DWARF 5, -O0', ['-g', '-O0']], ['DWARF 5, -O2', ['-g', '-O2']], ['DWARF 4, -O2', ['-gdwarf-4', '-O2']], ['DWARF 4, -O0', ['-gdwarf-4', '-O0']]] as const) {
    it(`maps every instruction address to addr2line's file:line (${what})`, () => {
      const elf = buildC(SOURCES, path.join(dir, `${what.replace(/\W+/g, '-')}.elf`), { flags: [...flags] });
      const image = parseElf(new Uint8Array(fs.readFileSync(elf)));
      const lines = lineTable(image);
      const addresses = instructionAddresses(image);
      const expected = addr2line(elf, addresses);
      const known = expected.filter((e) => e !== undefined).length;
      assert.ok(known > addresses.length * 0.9, `addr2line knows ${known} of ${addresses.length} addresses`);
      addresses.forEach((a, i) => {
        if (expected[i] === undefined) return;
        const ours = lines.addressToLine(a);
        assert.equal(ours && `${ours.file}:${ours.line}`, expected[i], `at 0x${a.toString(16)}`);
      });
      assert.ok(lines.files.includes(CHAIN_C), `files: ${lines.files.join(' ')}`);
      assert.equal(lines.addressToLine(0x7000_0000n), undefined);
    });
  }
});

describe('source breakpoints (lineToAddresses)', () => {
  const source = fs.readFileSync(CHAIN_C, 'utf8').split('\n');
  const lineOf = (text: string) => source.findIndex((l) => l.includes(text)) + 1;

  it('puts a line breakpoint where the line starts, by full or partial path, and moves blank lines to the next code', () => {
    const elf = buildC(SOURCES, path.join(dir, 'bp.elf'), { flags: ['-g', '-O0'] });
    const lines = lineTable(parseElf(new Uint8Array(fs.readFileSync(elf))));
    const body = lineOf('sink = x;');
    const at = lines.lineToAddresses(CHAIN_C, body);
    assert.equal(at.length, 1);
    assert.deepEqual(lines.addressToLine(at[0]), { file: CHAIN_C, line: body });
    assert.deepEqual(lines.lineToAddresses('lib/chain.c', body), at);
    assert.deepEqual(lines.lineToAddresses('chain.c', body), at);
    // The blank line after leaf's closing brace belongs to no code: the breakpoint goes to recurse's first line.
    const blank = lineOf('return x * 7;') + 2;
    assert.equal(source[blank - 1], '');
    const next = lines.lineToAddresses(CHAIN_C, blank);
    assert.equal(next.length, 1);
    assert.equal(lines.addressToLine(next[0])?.line, blank + 1);
    assert.deepEqual(lines.lineToAddresses('nowhere.c', body), []);
    assert.deepEqual(lines.lineToAddresses(CHAIN_C, source.length + 10), []);
  });
});
