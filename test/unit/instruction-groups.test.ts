// Known answers for each instruction group (RV64I, M, A, C, Zicsr, Zifencei, traps), run on both engines.
// The differential corpus checks every row against QEMU; these pin down the semantics with no tool needed.
import assert from 'node:assert/strict';
import { Machine, RAM_BASE, type MachineOptions } from '../../emulator/machine';
import { B, CSR, I, J, R, S, SYS, U, program } from './encode';

const BASE = BigInt(RAM_BASE);
const ENGINES: [string, MachineOptions][] = [['interpreter', { engine: 'interpreter' }], ['translator', { engine: 'translator', translateAfter: 1 }]];
const M1 = (1n << 64n) - 1n, MIN = 1n << 63n;

/** Runs words (then an ebreak that stops it) with registers preset; returns the machine after the ebreak trapped. */
function exec(words: number[], regs: Record<number, bigint>, options: MachineOptions, halfwords = false): Machine {
  const m = new Machine(options);
  const bytes = halfwords ? Uint8Array.from(words.flatMap((h) => [h & 0xff, (h >>> 8) & 0xff])) : program(words);
  const code = new Uint8Array(bytes.length + 4);
  code.set(bytes);
  code.set(program([SYS('ebreak')]), bytes.length);
  m.load(code, BASE);
  for (const [r, v] of Object.entries(regs)) m.hart.setReg(Number(r), BigInt.asUintN(64, v));
  // The ebreak traps to mtvec = 0, which cannot be fetched: the run ends as 'stuck' right after.
  m.run(10_000);
  return m;
}

function check(name: string, words: number[], regs: Record<number, bigint>, want: Record<number, bigint>, halfwords = false): void {
  for (const [engine, options] of ENGINES) {
    const m = exec(words, regs, options, halfwords);
    for (const [r, v] of Object.entries(want)) {
      assert.equal(m.hart.reg(Number(r)), BigInt.asUintN(64, v), `${name} on the ${engine}: x${r}`);
    }
  }
}

const A0 = 10, A1 = 11, A2 = 12, A3 = 13, SP = 2;

describe('instruction groups (known answers, both engines)', () => {
  it('RV64I: arithmetic, logic, shifts, compares, W forms', () => {
    check('add wraps', [R('add', A0, A1, A2)], { [A1]: M1, [A2]: 2n }, { [A0]: 1n });
    check('sub borrows', [R('sub', A0, A1, A2)], { [A1]: 0n, [A2]: 1n }, { [A0]: M1 });
    check('addi sign-extends', [I('addi', A0, A1, -2048)], { [A1]: 0n }, { [A0]: -2048n });
    check('slt / sltu', [R('slt', A0, A1, A2), R('sltu', A3, A1, A2)], { [A1]: M1, [A2]: 1n }, { [A0]: 1n, [A3]: 0n });
    check('sra / srl of the sign bit', [I('srai', A0, A1, 63), I('srli', A3, A1, 63)], { [A1]: MIN }, { [A0]: M1, [A3]: 1n });
    check('addw truncates and sign-extends', [R('addw', A0, A1, A2)], { [A1]: 0x7fffffffn, [A2]: 1n }, { [A0]: -0x80000000n });
    check('sraiw uses bit 31', [I('sraiw', A0, A1, 4)], { [A1]: 0x1234_0000_8000_0000n }, { [A0]: -0x08000000n });
    check('lui sign-extends bit 31', [U('lui', A0, 0x80000)], {}, { [A0]: -0x80000000n });
    check('auipc', [U('auipc', A0, 1)], {}, { [A0]: BASE + 0x1000n });
    check('writes to x0 are dropped', [I('addi', 0, 0, 5), R('add', A0, 0, 0)], {}, { [A0]: 0n, 0: 0n });
  });

  it('RV64I: loads, stores, misaligned accesses, branches and jumps', () => {
    const data = BASE + 0x1000n;
    check('sd then ld, lw, lhu, lb', [S('sd', A1, A2, 0), I('ld', A0, A2, 0), I('lw', A3, A2, 4), I('lhu', 14, A2, 6), I('lb', 15, A2, 7)],
      { [A1]: 0x8123_4567_89ab_cdefn, [A2]: data }, { [A0]: 0x8123_4567_89ab_cdefn, [A3]: -0x7edc_ba99n, 14: 0x8123n, 15: -0x7fn });
    check('misaligned ld across 8 bytes', [S('sd', A1, A2, 0), S('sd', A1, A2, 8), I('ld', A0, A2, 5)],
      { [A1]: 0x0807_0605_0403_0201n, [A2]: data }, { [A0]: 0x0504_0302_0108_0706n });
    check('taken beq skips', [B('beq', A1, A1, 8), I('addi', A0, 0, 1), I('addi', A3, 0, 2)], { [A1]: 5n }, { [A0]: 0n, [A3]: 2n });
    check('bltu vs blt on -1', [B('bltu', A1, A2, 8), I('addi', A0, 0, 1), B('blt', A1, A2, 8), I('addi', A3, 0, 1)],
      { [A1]: M1, [A2]: 1n }, { [A0]: 1n, [A3]: 0n });
    check('jal links and jumps', [J('jal', 1, 8), I('addi', A0, 0, 1)], {}, { 1: BASE + 4n, [A0]: 0n });
    check('jalr clears bit 0', [I('jalr', 1, A1, 9), I('addi', A0, 0, 1), I('addi', A0, 0, 2)], { [A1]: BASE - 1n }, { [A0]: 2n, 1: BASE + 4n });
  });

  it('M: multiply high, divide by zero and overflow', () => {
    check('mulhu', [R('mulhu', A0, A1, A1)], { [A1]: M1 }, { [A0]: M1 - 1n });
    check('mulh of -1 × -1', [R('mulh', A0, A1, A1)], { [A1]: M1 }, { [A0]: 0n });
    check('div by zero', [R('div', A0, A1, 0), R('rem', A3, A1, 0)], { [A1]: 7n }, { [A0]: M1, [A3]: 7n });
    check('div overflow', [R('div', A0, A1, A2), R('rem', A3, A1, A2)], { [A1]: MIN, [A2]: M1 }, { [A0]: MIN, [A3]: 0n });
    check('divu of 2^64-1', [R('divu', A0, A1, A2)], { [A1]: M1, [A2]: 2n }, { [A0]: M1 >> 1n });
    check('divw overflow', [R('divw', A0, A1, A2)], { [A1]: -0x80000000n, [A2]: M1 }, { [A0]: -0x80000000n });
  });

  it('A: amoadd, lr/sc success and failure', () => {
    const data = BASE + 0x1000n;
    check('amoadd.d returns old, stores sum', [R('amoadd.d', A0, A2, A1), I('ld', A3, A2, 0)], { [A1]: 5n, [A2]: data }, { [A0]: 0n, [A3]: 5n });
    check('lr.w / sc.w succeeds', [R('lr.w', A0, A2, 0), R('sc.w', A3, A2, A1), I('lw', 14, A2, 0)], { [A1]: 9n, [A2]: data }, { [A3]: 0n, 14: 9n });
    check('sc.w without lr fails', [R('sc.w', A3, A2, A1), I('lw', 14, A2, 0)], { [A1]: 9n, [A2]: data }, { [A3]: 1n, 14: 0n });
    check('amomin.w compares signed words', [S('sw', A1, A2, 0), R('amomin.w', A0, A2, A3), I('lw', 14, A2, 0)],
      { [A1]: 1n, [A2]: data, [A3]: -1n }, { [A0]: 1n, 14: -1n });
  });

  it('C: compressed forms run as their expansions', () => {
    // c.li a0, -1; c.addi a0, 3; c.slli a0, 4; c.mv a1, a0; c.add a1, a0; c.addi16sp sp, -48
    check('c.li, c.addi, c.slli, c.mv, c.add, c.addi16sp', [0x557d, 0x050d, 0x0512, 0x85aa, 0x95aa, 0x7179], { [SP]: 0x1000n },
      { [A0]: 32n, [A1]: 64n, [SP]: 0x1000n - 48n }, true);
    // c.sdsp a0, 8(sp); c.ldsp a1, 8(sp); c.lui a2, 0x1f; c.srai a2, 12 (x12 = a2 is a c-register)
    check('c.sdsp, c.ldsp, c.lui, c.srai', [0xe42a, 0x65a2, 0x667d, 0x8631], { [A0]: 0x5an, [SP]: BASE + 0x1000n },
      { [A1]: 0x5an, [A2]: 0x1fn }, true);
  });

  it('Zicsr: read-modify-write and read-only CSRs', () => {
    check('csrrw swaps mscratch', [CSR('csrrw', 0, 0x340, A1), CSR('csrrw', A0, 0x340, A2)], { [A1]: 7n, [A2]: 9n }, { [A0]: 7n });
    check('csrrs / csrrc', [CSR('csrrw', 0, 0x340, A1), CSR('csrrs', 0, 0x340, A2), CSR('csrrc', A0, 0x340, 0), CSR('csrrc', 0, 0x340, A1), CSR('csrrs', A3, 0x340, 0)],
      { [A1]: 0b0101n, [A2]: 0b0011n }, { [A0]: 0b0111n, [A3]: 0b0010n });
    check('misa reads RV64 ACDFIMSU', [CSR('csrrs', A0, 0x301, 0)], {}, { [A0]: (2n << 62n) | 0x14_112dn });
  });

  it('Zifencei: a store followed by fence.i runs the new instruction', () => {
    // Overwrite the instruction at +12 (addi a0, zero, 1) with addi a0, zero, 2, then fence.i and run it.
    const patch = BigInt(I('addi', A0, 0, 2) >>> 0);
    check('self-modifying code', [U('auipc', A2, 0), S('sw', A1, A2, 12), SYS('fence.i') | 0, I('addi', A0, 0, 1)], { [A1]: patch }, { [A0]: 2n });
  });

  it('traps: cause, mepc and mtval for illegal, misaligned AMO, access faults, ecall', () => {
    for (const [engine, options] of ENGINES) {
      const cases: [string, number[], Record<number, bigint>, bigint, bigint][] = [
        ['illegal (all zeros)', [0], {}, 2n, 0n],
        ['misaligned amoadd.w', [R('amoadd.w', A0, A1, 0)], { [A1]: BASE + 0x1002n }, 6n, BASE + 0x1002n],
        ['load access fault', [I('ld', A0, A1, 0)], { [A1]: 0x2000_0000n }, 5n, 0x2000_0000n],
        ['store access fault', [S('sd', A0, A1, 0)], { [A1]: 0x2000_0000n }, 7n, 0x2000_0000n],
        ['ecall from M', [SYS('ecall')], {}, 11n, 0n],
        // No H extension here (misa.H = 0): its instructions are illegal, with the instruction bits in mtval.
        ...(['hlv.d', 'hlvx.wu', 'hsv.w', 'hfence.vvma', 'hfence.gvma'] as const).map((name): [string, number[], Record<number, bigint>, bigint, bigint] => {
          const raw = R(name, name.startsWith('hlv') ? A0 : 0, A1, name.startsWith('hlv') ? 0 : A2);
          return [`${name} (no H extension)`, [raw], { [A1]: BASE + 0x1000n }, 2n, BigInt(raw >>> 0)];
        }),
      ];
      for (const [name, words, regs, cause, tval] of cases) {
        const m = new Machine(options);
        m.load(program(words), BASE);
        for (const [r, v] of Object.entries(regs)) m.hart.setReg(Number(r), v);
        m.step();
        assert.equal(m.hart.csr.get(0x342), cause, `${name} on the ${engine}: mcause`);
        assert.equal(BigInt.asUintN(64, m.hart.csr.get(0x341)), BASE, `${name} on the ${engine}: mepc`);
        assert.equal(BigInt.asUintN(64, m.hart.csr.get(0x343)), tval, `${name} on the ${engine}: mtval`);
      }
    }
  });
});
