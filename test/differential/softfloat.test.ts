// SoftFloat against QEMU's F and D instructions: one generated program runs thousands of (op, rm, operands) cases
// under qemu-system-riscv64 and prints each result and its fflags; every case must match bit for bit.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { ExactFloat, SoftFloat } from '../../emulator/isa/softfloat';
import { assembleAndLink, runQemu, tempDir } from '../support/toolchain';
import { FIXTURES } from './harness';
import { cases, describeCase, RM_NAMES, type Case } from './float-cases';

const FREG = ['f1', 'f2', 'f3'];
const XREG = ['a1', 'a2', 'a3'];

/** Each case: load operands from its 24-byte row, clear fflags, run, store the result and fflags into a 16-byte slot. */
function caseAsm(c: Case): string {
  const lines = c.op.srcs.map((loc, i) => loc === 'x' ? `ld ${XREG[i]}, ${8 * i}(s0)` : `${loc === 's' ? 'flw' : 'fld'} ${FREG[i]}, ${8 * i}(s0)`);
  const srcs = c.op.srcs.map((loc, i) => loc === 'x' ? XREG[i] : FREG[i]);
  const dst = c.op.dst === 'x' ? 'a0' : 'f0';
  lines.push('fsflags zero');
  lines.push(`${c.op.mnemonic} ${[dst, ...srcs].join(', ')}${c.op.rm ? `, ${RM_NAMES[c.rm]}` : ''}`);
  lines.push('frflags t2');
  lines.push(c.op.dst === 'x' ? 'sd a0, 0(s1)' : c.op.dst === 's' ? 'fsw f0, 0(s1)' : 'fsd f0, 0(s1)');
  lines.push('sd t2, 8(s1)', 'addi s0, s0, 24', 'addi s1, s1, 16');
  return lines.map((l) => `        ${l}\n`).join('');
}

function program(all: Case[]): string {
  const hex = (v: bigint) => `0x${v.toString(16)}`;
  const rows = all.map((c) => `        .dword ${[0, 1, 2].map((i) => hex(c.v[i] ?? 0n)).join(', ')}\n`).join('');
  return `.include "common.inc"
main:
        li t0, 0x6000               # mstatus.FS = dirty: FP instructions are legal
        csrs mstatus, t0
        la s0, cases
        la s1, results
${all.map(caseAsm).join('')}
        la s1, results
        li s2, ${all.length}
1:      ld a0, 0(s1)
        call rt_puthex
        li a0, ' '
        call rt_putc
        ld a0, 8(s1)
        call rt_puthex
        li a0, '\\n'
        call rt_putc
        addi s1, s1, 16
        addi s2, s2, -1
        bnez s2, 1b
        EXIT 0

        .section .rodata
        .align 3
cases:
${rows}
        .bss
        .align 3
results:
        .space ${16 * all.length}
`;
}

/** Runs every case in QEMU once; returns each case's result bits (binary32: the low 32) and fflags. */
function runCases(all: Case[]): { bits: bigint; flags: number }[] {
  const dir = tempDir('ringside-softfloat-');
  const elf = assembleAndLink(program(all), path.join(dir, 'softfloat.elf'), {
    asFlags: ['-march=rv64gc', '-I', FIXTURES],
    ldFlags: ['-T', path.join(FIXTURES, 'link.ld')],
  });
  const qemu = runQemu(elf, { machine: 'spike', timeoutMs: 60_000 });
  assert.equal(qemu.exitCode, 0, `QEMU exit code ${qemu.exitCode}: ${qemu.stderr}\n${qemu.stdout.slice(-2000)}`);
  const lines = qemu.stdout.trimEnd().split('\n');
  assert.equal(lines.length, all.length, 'one output line per case');
  return lines.map((line, i) => {
    const [bits, flags] = line.split(' ');
    return { bits: BigInt.asUintN(all[i].op.dst === 's' ? 32 : 64, BigInt(`0x${bits}`)), flags: Number(`0x${flags}`) };
  });
}

/** The cases where unit disagrees with QEMU, described. */
function differences(unit: ExactFloat, all: Case[], qemu: { bits: bigint; flags: number }[]): string[] {
  const out: string[] = [];
  all.forEach((c, i) => {
    unit.flags = 0;
    const got = BigInt.asUintN(c.op.dst === 's' ? 32 : 64, c.op.eval(unit, c.v, c.rm));
    const want = qemu[i];
    if (got !== want.bits || unit.flags !== want.flags) {
      out.push(`${describeCase(c)}: QEMU ${want.bits.toString(16)} flags ${want.flags.toString(2)}, ours ${got.toString(16)} flags ${unit.flags.toString(2)}`);
    }
  });
  return out;
}

describe('SoftFloat against QEMU (F and D instructions, every rounding mode)', function () {
  this.timeout(120_000);
  const all = cases(0x5eed_f10a);
  let qemu: { bits: bigint; flags: number }[];

  before(() => {
    qemu = runCases(all);
  });

  it(`generates thousands of cases (${all.length})`, () => {
    assert.ok(all.length > 10_000);
  });

  for (const [name, make] of [['SoftFloat (fast paths)', () => new SoftFloat()], ['ExactFloat (the BigInt reference)', () => new ExactFloat()]] as const) {
    it(`${name} matches QEMU bit for bit, fflags included`, () => {
      const failures = differences(make(), all, qemu);
      assert.equal(failures.length, 0, `${failures.length} of ${all.length} cases differ:\n${failures.slice(0, 40).join('\n')}`);
    });
  }
});
