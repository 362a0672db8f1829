// The disassembler against GNU objdump (binutils-riscv64-unknown-elf 2.40): every row of the instruction table and
// thousands of random encodings, in both the no-aliases and the alias form, compared line by line.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { decodeOpcode, opcodes, OP_ILLEGAL, type Opcode } from '../../emulator/isa/decode';
import { listElf } from '../../cli/disasm';
import { prng } from './fuzz-program';
import { assembleAndLink, requireTool, tempDir } from '../support/toolchain';

const OBJDUMP = 'riscv64-unknown-elf-objdump';
/** H makes objdump decode the hypervisor rows; the ELF's .riscv.attributes tell objdump the ISA. */
const MARCH = '-march=rv64gch_zicsr_zifencei';

/**
 * Encodings objdump 2.40 gets demonstrably wrong, with the text Ringside prints instead (written out here, not
 * taken from the disassembler). objdump must still print `.4byte` for at least one of them, so that a fixed
 * objdump is noticed; anything else that differs is a bug in Ringside.
 */
const FP = ['ft0', 'ft1', 'ft2', 'ft3', 'ft4', 'ft5', 'ft6', 'ft7', 'fs0', 'fs1', 'fa0', 'fa1', 'fa2', 'fa3', 'fa4', 'fa5',
  'fa6', 'fa7', 'fs2', 'fs3', 'fs4', 'fs5', 'fs6', 'fs7', 'fs8', 'fs9', 'fs10', 'fs11', 'ft8', 'ft9', 'ft10', 'ft11'];
const X = ['zero', 'ra', 'sp', 'gp', 'tp', 't0', 't1', 't2', 's0', 's1', 'a0', 'a1', 'a2', 'a3', 'a4', 'a5',
  'a6', 'a7', 's2', 's3', 's4', 's5', 's6', 's7', 's8', 's9', 's10', 's11', 't3', 't4', 't5', 't6'];
const RM = ['rne', 'rtz', 'rdn', 'rup', 'rmm', 'unknown', 'unknown', 'dyn'];
const WIDENING = new Map([[0x42000053, 'fcvt.d.s'], [0xd2000053, 'fcvt.d.w'], [0xd2100053, 'fcvt.d.wu']]);

const DEVIATIONS: { applies: (raw: number) => boolean; ringside: (raw: number) => string; reason: string }[] = [{
  applies: (raw) => WIDENING.has((raw & 0xfff0007f) >>> 0) && ((raw >>> 12) & 7) !== 0,
  ringside: (raw) => `${WIDENING.get((raw & 0xfff0007f) >>> 0)}\t${FP[(raw >>> 7) & 31]},${(raw & 0x100000 || raw >>> 27 === 0x1a ? X : FP)[(raw >>> 15) & 31]},${RM[(raw >>> 12) & 7]}`,
  reason: 'fcvt.d.s, fcvt.d.w and fcvt.d.wu have an rm field like every conversion (unprivileged ISA 13.5; the result is exact, so ' +
    'it changes nothing); binutils 2.40 decodes them only with rm = 000 and prints other values as .4byte. Later binutils ' +
    'print the rounding mode, as Ringside does',
}];

/** objdump's line with the deviations applied: `.4byte 0x…` for an encoding objdump gets wrong becomes Ringside's text. */
function applyDeviations(line: string, used: Set<number>): string {
  const m = /^(\s+[0-9a-f]+:\t[0-9a-f]{8} {10}\t)\.4byte\t0x([0-9a-f]+)$/.exec(line);
  if (!m) return line;
  const raw = parseInt(m[2], 16);
  const i = DEVIATIONS.findIndex((d) => d.applies(raw));
  if (i < 0) return line;
  used.add(i);
  return m[1] + DEVIATIONS[i].ringside(raw);
}

const rand32 = (rnd: () => number): number => Math.floor(rnd() * 4294967296) >>> 0;

/** An encoding of op with its free bits set to `fill`, or undefined when the table does not give it to op. */
function encodingOf(op: Opcode, fill: number): number | undefined {
  const e = op.encoding;
  let raw = ((e.match & e.mask) | (fill & ~e.mask)) >>> 0;
  if (op.length === 2) raw &= 0xffff;
  return decodeOpcode(raw) === op ? raw : undefined;
}

/** Per row: free bits all zero, all one, and random fillings (only encodings that decode as that row). */
function rowEncodings(rnd: () => number, perRow: number): number[] {
  const out: number[] = [];
  for (const op of opcodes.slice(2)) {
    const fills = [0, 0xffffffff, ...Array.from({ length: perRow }, () => rand32(rnd))];
    let found = 0;
    for (const f of fills) {
      const raw = encodingOf(op, f);
      if (raw !== undefined) { out.push(raw); found++; }
    }
    // Rows whose fixed bits leave few valid fillings (c.addi16sp, c.lui): keep drawing until some decode.
    for (let tries = 0; found < 3 && tries < 10_000; tries++) {
      const raw = encodingOf(op, rand32(rnd));
      if (raw !== undefined) { out.push(raw); found++; }
    }
    assert.ok(found > 0, `no valid encoding found for ${op.name}`);
  }
  return out;
}

/** Random words that decode to some row: `count` 32-bit and `count` 16-bit encodings. */
function randomEncodings(rnd: () => number, count: number): number[] {
  const wide: number[] = [], narrow: number[] = [];
  while (wide.length < count) {
    const raw = (rand32(rnd) | 3) >>> 0;
    if (decodeOpcode(raw).id !== OP_ILLEGAL) wide.push(raw);
  }
  while (narrow.length < count) {
    const raw = rand32(rnd) & 0xffff;
    if ((raw & 3) !== 3 && decodeOpcode(raw).id !== OP_ILLEGAL) narrow.push(raw);
  }
  // Interleaved, so that lui/auipc/c.lui results meet later uses of the same register in both forms.
  return wide.flatMap((w, i) => [w, narrow[i]]);
}

/** A linked ELF at 0x80000000 whose .text holds exactly these encodings (`.insn` keeps objdump decoding them). */
function buildElf(dir: string, name: string, encodings: number[]): string {
  const lines = encodings.map((raw) => `  .insn 0x${raw.toString(16).padStart((raw & 3) === 3 ? 8 : 4, '0')}`);
  const source = `.text\n.globl _start\n_start:\n${lines.join('\n')}\n`;
  return assembleAndLink(source, path.join(dir, `${name}.elf`), { asFlags: [MARCH], ldFlags: ['-Ttext=0x80000000'] });
}

function objdump(elf: string, aliases: boolean): string {
  requireTool(OBJDUMP);
  const r = spawnSync(OBJDUMP, ['-d', ...(aliases ? [] : ['-M', 'no-aliases']), elf], { encoding: 'utf8', maxBuffer: 256 << 20 });
  if (r.error || r.status !== 0) throw new Error(`${OBJDUMP} failed: ${r.error?.message ?? r.stderr}`);
  return r.stdout;
}

/** Compares the two listings line by line; returns how many instruction lines were compared. */
function compareListings(elf: string, aliases: boolean, used: Set<number>): number {
  const theirs = objdump(elf, aliases).split('\n').map((line) => applyDeviations(line, used));
  const ours = listElf(elf, fs.readFileSync(elf), { aliases }).split('\n');
  const mismatches: string[] = [];
  for (let i = 0; i < Math.max(theirs.length, ours.length); i++) {
    if (theirs[i] !== ours[i]) mismatches.push(`line ${i + 1}:\n  objdump:  ${JSON.stringify(theirs[i])}\n  ringside: ${JSON.stringify(ours[i])}`);
  }
  const form = aliases ? 'alias form' : '-M no-aliases';
  assert.equal(mismatches.length, 0, `${mismatches.length} lines differ from objdump (${form}), the first ones:\n${mismatches.slice(0, 40).join('\n')}`);
  return theirs.filter((l) => /^\s+[0-9a-f]+:\t/.test(l)).length;
}

describe('disassembler vs objdump (binutils 2.40)', function () {
  this.timeout(300_000);
  const dir = tempDir('ringside-disasm-');
  const used = new Set<number>();
  after(() => { fs.rmSync(dir, { recursive: true, force: true }); });

  for (const aliases of [false, true]) {
    const form = aliases ? 'alias form' : 'no-aliases';
    it(`every table row, free bits zero, one and random (${form})`, () => {
      // Plus what binutils names without a row of its own: the all-zero halfword and csrrw zero,cycle,zero (unimp).
      const elf = buildElf(dir, 'rows', [...rowEncodings(prng(7), 12), 0x0000, 0xc0001073]);
      assert.ok(compareListings(elf, aliases, used) > opcodes.length * 3);
    });

    it(`5,000 random 32-bit and 5,000 random 16-bit encodings (${form})`, () => {
      const elf = buildElf(dir, 'random', randomEncodings(prng(2024), 5000));
      assert.equal(compareListings(elf, aliases, used), 10_000);
    });

    it(`every CSR number, by name or in hex (${form})`, () => {
      const csrrs = opcodes.find((o) => o.name === 'csrrs')!.encoding.match;
      const elf = buildElf(dir, 'csrs', Array.from({ length: 4096 }, (_, csr) => (csrrs | (10 << 7) | (11 << 15) | (csr << 20)) >>> 0));
      assert.equal(compareListings(elf, aliases, used), 4096);
    });
  }

  it('every deviation still occurs in objdump’s output', () => {
    DEVIATIONS.forEach((d, i) => assert.ok(used.has(i), `deviation ${i} no longer occurs in objdump's output: remove it (${d.reason})`));
  });
});
