// Code at upper-half virtual addresses (0xffff...), where kernels such as Linux live: the hart holds such a pc
// as a negative number, and every engine must still find the right instruction slot in the page.
import assert from 'node:assert/strict';
import { Machine, RAM_BASE, type MachineOptions } from '../../emulator/machine';
import { B, CSR, I, R, S, SYS, U, program } from './encode';

const T0 = 5, T1 = 6, T2 = 7, A0 = 10, A1 = 11, A2 = 12;
const ENGINES: MachineOptions[] = [{ engine: 'interpreter' }, { engine: 'translator', translateAfter: 1 }, { engine: 'translator' }];
/** The Sv39 root table, at this offset in RAM. */
const ROOT = 0x1_0000;

/**
 * M-mode: open PMP, satp = Sv39 with two gigapages onto the start of RAM (identity, and the top gigabyte
 * 0xffff_ffff_c000_0000), then mret to the S-mode code through its upper-half address.
 * S-mode: a0 = 7, then 100 iterations of a0 += 1, then ecall. The M-mode handler reads mepc and finishes.
 */
const S_CODE = [
  I('addi', A0, 0, 7), I('addi', A2, 0, 100),
  I('addi', A0, A0, 1), I('addi', A2, A2, -1), B('bne', A2, 0, -8),
  SYS('ecall'),
];
const HANDLER = [CSR('csrrs', A1, 0x341, 0), U('lui', T1, 0x100), U('lui', T0, 5), I('addi', T0, T0, 0x555), S('sw', T0, T1, 0)];

function words(): number[] {
  const setup = (handler: number, sCode: number) => [
    I('addi', T0, 0, -1), CSR('csrrw', 0, 0x3b0, T0), I('addi', T0, 0, 0x1f), CSR('csrrw', 0, 0x3a0, T0), // PMP: all
    I('addi', T0, 0, 8), I('slli', T0, T0, 60), U('lui', T1, (RAM_BASE + ROOT) >>> 24), I('addi', T1, T1, ((RAM_BASE + ROOT) >>> 12) & 0xfff),
    R('or', T0, T0, T1), CSR('csrrw', 0, 0x180, T0),                                   // satp = Sv39 | root PPN
    U('auipc', T0, 0), I('addi', T0, T0, handler - 4 * 10), CSR('csrrw', 0, 0x305, T0), // mtvec = handler
    I('addi', T0, 0, 1), I('slli', T0, T0, 11), CSR('csrrs', 0, 0x300, T0),            // mstatus.MPP = S
    U('auipc', T0, 0), I('addi', T0, T0, sCode - 4 * 16),                               // the S code's physical address
    U('lui', T1, 0x40000), I('addi', T2, 0, -1), I('slli', T2, T2, 32), R('or', T1, T1, T2), R('or', T0, T0, T1), // | 0xffff_ffff_4000_0000
    CSR('csrrw', 0, 0x341, T0), SYS('mret'),                                            // mepc; go
  ];
  const n = setup(0, 0).length;
  return [...setup(4 * n, 4 * (n + HANDLER.length)), ...HANDLER, ...S_CODE];
}

describe('code at upper-half virtual addresses', () => {
  for (const e of ENGINES) {
    it(`runs on the ${e.engine}${e.translateAfter ? ' (translating everything)' : ''}`, () => {
      const w = words();
      const m = new Machine(e);
      m.load(program(w), BigInt(RAM_BASE));
      // Gigapage PTEs (PPN of RAM_BASE, V R W X A D) at indices 2 (identity) and 511 (the top gigabyte).
      const pte = Uint8Array.of(0xcf, 0x00, 0x00, 0x20, 0, 0, 0, 0);
      m.ram.writeBytes(ROOT + 8 * 2, pte);
      m.ram.writeBytes(ROOT + 8 * 511, pte);
      assert.deepEqual(m.run(100_000), { kind: 'exit', code: 0 });
      assert.equal(m.hart.reg(A0), 107n);
      assert.equal(m.hart.reg(A1), 0xffff_ffff_c000_0000n + 4n * BigInt(w.length - 1), 'mepc: the ecall, at its upper-half address');
      // Setup (mret included), the S code without its ecall (which traps), the handler.
      assert.equal(m.instructions, w.length - HANDLER.length - S_CODE.length + 2 + 3 * 100 + HANDLER.length);
    });
  }
});
