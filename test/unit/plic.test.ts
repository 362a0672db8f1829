// The PLIC and the UART's interrupt line: priorities, enables, thresholds, claim/complete, and an external
// interrupt taken by M-mode code on both engines.
import assert from 'node:assert/strict';
import { Plic } from '../../emulator/devices/plic';
import { Machine, RAM_BASE } from '../../emulator/machine';
import { CSR, I, J, S, U, program } from './encode';

const PRIORITY = 0, ENABLE = 0x2000, THRESHOLD = 0x200000, CLAIM = 0x200004;

describe('PLIC', () => {
  it('claims the highest-priority enabled source above the threshold, lowest id on ties', () => {
    const p = new Plic(2);
    p.write(PRIORITY + 4 * 3, 4, 2);
    p.write(PRIORITY + 4 * 5, 4, 6);
    p.write(PRIORITY + 4 * 7, 4, 6);
    p.write(ENABLE, 4, (1 << 3) | (1 << 5) | (1 << 7));
    for (const s of [3, 5, 7]) p.setLevel(s, true);
    assert.equal(p.interruptPending(0), true);
    assert.equal(p.interruptPending(1), false, 'nothing enabled for context 1');
    assert.equal(p.read(CLAIM), 5);
    assert.equal(p.read(CLAIM), 7);
    p.write(THRESHOLD, 4, 2);
    assert.equal(p.interruptPending(0), false, 'source 3 (priority 2) is not above threshold 2');
    assert.equal(p.read(CLAIM), 0);
    p.write(THRESHOLD, 4, 0);
    assert.equal(p.read(CLAIM), 3);
  });

  it('keeps a claimed level source from pending again until it is completed', () => {
    const p = new Plic(2);
    p.write(PRIORITY + 4 * 10, 4, 1);
    p.write(ENABLE, 4, 1 << 10);
    p.setLevel(10, true);
    assert.equal(p.read(CLAIM), 10);
    p.setLevel(10, true);
    assert.equal(p.interruptPending(0), false, 'in flight');
    p.write(CLAIM, 4, 10);
    assert.equal(p.interruptPending(0), true, 'still high after completion: pending again');
    p.read(CLAIM);
    p.setLevel(10, false);
    p.write(CLAIM, 4, 10);
    assert.equal(p.interruptPending(0), false);
  });

  it('delivers the UART interrupt to M-mode through claim and complete', () => {
    const T0 = 5, T1 = 6, A0 = 10, A1 = 11, A2 = 12;
    const words = [
      U('auipc', T0, 0), I('addi', T0, T0, 4 * 17), CSR('csrrw', 0, 0x305, T0),       // [0..2] mtvec = handler
      U('lui', T1, 0xc000), I('addi', T0, 0, 1), S('sw', T0, T1, 40),                  // [3..5] priority[10] = 1
      U('lui', T1, 0xc002), I('addi', T0, 0, 1 << 10), S('sw', T0, T1, 0),             // [6..8] enable source 10, context 0
      U('lui', T0, 1), I('addi', T0, T0, -0x800), CSR('csrrs', 0, 0x304, T0),          // [9..11] mie.MEIE
      U('lui', T1, 0x10000), I('addi', T0, 0, 2), S('sb', T0, T1, 1),                  // [12..14] UART IER = ETBEI
      CSR('csrrsi', 0, 0x300, 8), J('jal', 0, 0),                                       // [15..16] MIE, spin
      CSR('csrrs', A0, 0x342, 0),                                                       // [17] handler: a0 = mcause
      U('lui', T1, 0xc200), I('lw', A1, T1, 4),                                         // a1 = claim
      U('lui', T0, 0x10000), I('lbu', A2, T0, 2),                                       // a2 = IIR (acknowledges THRE)
      S('sw', A1, T1, 4),                                                               // complete
      U('lui', T1, 0x100), U('lui', T0, 5), I('addi', T0, T0, 0x555), S('sw', T0, T1, 0), // finish
    ];
    const results = (['interpreter', 'translator'] as const).map((engine) => {
      const m = new Machine({ engine, translateAfter: 1 });
      m.load(program(words), BigInt(RAM_BASE));
      assert.deepEqual(m.run(10_000), { kind: 'exit', code: 0 });
      return [m.hart.reg(A0), m.hart.reg(A1), m.hart.reg(A2), BigInt(m.instructions)];
    });
    assert.deepEqual(results[0].slice(0, 3), [(1n << 63n) | 11n, 10n, 0xc2n], 'machine external interrupt, source 10, THRE');
    assert.deepEqual(results[1], results[0]);
  });
});
