// The machine's API and its promises: determinism, identical engines, timer interrupts at an exact
// instruction, wfi, run limits, typed events, sparse memory. Programs are built from the instruction table.
import assert from 'node:assert/strict';
import { Machine, RAM_BASE, type MachineOptions } from '../../emulator/machine';
import { B, CSR, I, J, R, S, SYS, U, program } from './encode';

const BASE = BigInt(RAM_BASE);
const T0 = 5, T1 = 6, A0 = 10, A1 = 11, A2 = 12, A3 = 13;
const ENGINES: MachineOptions[] = [{ engine: 'interpreter' }, { engine: 'translator', translateAfter: 1 }, { engine: 'translator' }];

function boot(words: number[], options: MachineOptions = {}): Machine {
  const m = new Machine(options);
  m.load(program(words), BASE);
  return m;
}

/** Lets S- and U-mode reach all memory: with PMP entries implemented, they can reach none until M-mode says so. */
const OPEN_PMP = [I('addi', T0, 0, -1), CSR('csrrw', 0, 0x3b0, T0), I('addi', T0, 0, 0x1f), CSR('csrrw', 0, 0x3a0, T0)];

/** Exit through the SiFive test finisher with code 0 (t1 = 0x100000, t0 = 0x5555). */
const FINISH = [U('lui', T1, 0x100), U('lui', T0, 5), I('addi', T0, T0, 0x555), S('sw', T0, T1, 0)];

describe('machine', () => {
  it('runs a loop identically on both engines (registers, instruction count)', () => {
    // a0 = sum of 1..1000, computed with a backward branch.
    const words = [I('addi', A1, 0, 1000), I('addi', A0, 0, 0), R('add', A0, A0, A1), I('addi', A1, A1, -1), B('bne', A1, 0, -8), ...FINISH];
    const results = ENGINES.map((e) => {
      const m = boot(words, e);
      assert.deepEqual(m.run(), { kind: 'exit', code: 0 });
      return { a0: m.hart.reg(A0), n: m.instructions };
    });
    for (const r of results) assert.deepEqual(r, { a0: 500500n, n: 2 + 3 * 1000 + 4 });
  });

  it('a trap in a later iteration of a translated loop sees every register the loop wrote', () => {
    // a2 counts iterations; the load faults when a1 steps past the end of RAM (third iteration).
    const words = [I('addi', A2, A2, 1), I('ld', A0, A1, 0), I('addi', A1, A1, 8), I('addi', A3, A3, -1), B('bne', A3, 0, -16)];
    const states = ENGINES.map((e) => {
      const m = boot(words, e);
      m.hart.setReg(A1, BASE + BigInt(m.ram.size) - 16n);
      m.hart.setReg(A3, 100n);
      m.run(1000);
      return [m.hart.reg(A1), m.hart.reg(A2), m.hart.reg(A3), m.hart.csr.get(0x342), m.hart.csr.get(0x343)];
    });
    assert.deepEqual(states[0], [BASE + 0x800_0000n, 3n, 98n, 1n, 0n]); // then stuck: mtvec = 0 is not memory
    for (const s of states) assert.deepEqual(s, states[0]);
  });

  it('an AMO that rewrites the next instruction is seen at once, also inside a translated block', () => {
    // amoswap.w stores `addi a0, zero, 2` over the `addi a0, zero, 1` that follows it.
    const words = [U('auipc', T0, 0), I('addi', T0, T0, 12), R('amoswap.w', 0, T0, T1), I('addi', A0, 0, 1), ...FINISH];
    for (const e of ENGINES) {
      const m = boot(words, e);
      m.hart.setReg(T1, BigInt(I('addi', A0, 0, 2) >>> 0));
      assert.deepEqual(m.run(1000), { kind: 'exit', code: 0 });
      assert.equal(m.hart.reg(A0), 2n, `${e.engine} ${e.translateAfter ?? ''}`);
    }
  });

  it('compiles hot blocks on the translator', () => {
    const m = boot([I('addi', A1, 0, 1000), R('add', A0, A0, A1), I('addi', A1, A1, -1), B('bne', A1, 0, -8), ...FINISH]);
    m.run();
    assert.ok((m.translator?.compiled ?? 0) >= 1);
  });

  it('takes the timer interrupt at the same instruction on every engine, when mtime reaches mtimecmp', () => {
    // mtvec = handler; mtimecmp = 50 ticks (5000 instructions at 100 per tick); MTIE, MIE; spin.
    const handler = 4 * 12;
    const words = [
      U('auipc', T0, 0), I('addi', T0, T0, handler), CSR('csrrw', 0, 0x305, T0),          // mtvec
      U('lui', T1, 0x2004), I('addi', T0, 0, 50), S('sd', T0, T1, 0),                       // mtimecmp = 50
      I('addi', T0, 0, 0x80), CSR('csrrs', 0, 0x304, T0), CSR('csrrsi', 0, 0x300, 8),      // mie.MTIE, mstatus.MIE
      J('jal', 0, 0), SYS('ecall'), SYS('ecall'),                                           // spin (pad to the handler)
      CSR('csrrs', A0, 0x342, 0), CSR('csrrs', A1, 0xb02, 0), ...FINISH,                   // handler: a0 = mcause, a1 = minstret
    ];
    const seen = ENGINES.map((e) => {
      const m = boot(words, e);
      assert.deepEqual(m.run(), { kind: 'exit', code: 0 });
      return [m.hart.reg(A0), m.hart.reg(A1)];
    });
    const [mcause, minstret] = seen[0];
    assert.equal(mcause, (1n << 63n) | 7n);
    // Taken when 5000 instructions have retired; the handler's first instruction makes it 5001 when a1 reads it.
    assert.equal(minstret, 5001n);
    for (const s of seen) assert.deepEqual(s, seen[0]);
  });

  it('Sstc: stimecmp raises a supervisor timer interrupt in S-mode at the same instruction on every engine', () => {
    const STCE_HI = 0x8000_0000 | 0;
    const words = [
      ...OPEN_PMP,
      U('lui', T0, STCE_HI >>> 12), I('addi', T1, 0, 32), R('sll', T0, T0, T1), CSR('csrrs', 0, 0x30a, T0), // menvcfg.STCE
      I('addi', T0, 0, 2), CSR('csrrs', 0, 0x306, T0),                                                     // mcounteren.TM
      I('addi', T0, 0, 0x20), CSR('csrrs', 0, 0x303, T0),                                                  // mideleg.STI
      U('auipc', T0, 0), I('addi', T0, T0, 4 * 16), CSR('csrrw', 0, 0x105, T0),                            // stvec = handler
      U('auipc', T0, 0), I('addi', T0, T0, 4 * 7), CSR('csrrw', 0, 0x341, T0),                             // mepc = S code
      U('lui', T0, 1), I('addi', T0, T0, -0x800), CSR('csrrs', 0, 0x300, T0), SYS('mret'),                 // MPP = S
      // S-mode: stimecmp = 40 ticks; sie.STIE; sstatus.SIE; spin
      I('addi', T0, 0, 40), CSR('csrrw', 0, 0x14d, T0), I('addi', T0, 0, 0x20), CSR('csrrs', 0, 0x104, T0),
      CSR('csrrsi', 0, 0x100, 2), J('jal', 0, 0),
      // handler (S-mode): a0 = scause, a1 = time
      CSR('csrrs', A0, 0x142, 0), CSR('csrrs', A1, 0xc01, 0), ...FINISH,
    ];
    const seen = ENGINES.map((e) => {
      const m = boot(words, e);
      m.run(100_000);
      return [m.hart.reg(A0), m.hart.reg(A1), BigInt(m.instructions)];
    });
    assert.equal(seen[0][0], (1n << 63n) | 5n, 'supervisor timer interrupt');
    assert.equal(seen[0][1], 40n);
    for (const s of seen) assert.deepEqual(s, seen[0]);
  });

  it('an interrupt destined for M-mode goes before one destined for S-mode, whatever their causes', () => {
    // In S-mode with SIE=1: SEI (delegated, to S) and SSI (not delegated, to M) are both pending and enabled.
    const m = boot([J('jal', 0, 0)]);
    const h = m.hart, c = h.csr;
    c.set(0x303, 1n << 9n);                 // mideleg: SEI
    c.set(0x304, (1n << 9n) | (1n << 1n));  // mie: SEIE, SSIE
    c.set(0x344, (1n << 9n) | (1n << 1n));  // mip: SEIP, SSIP
    c.set(0x300, 1n << 1n);                 // mstatus.SIE
    h.priv = 1;
    assert.equal(h.takeInterrupt(), true);
    assert.equal(h.priv, 3, 'taken in M-mode');
    assert.equal(BigInt.asUintN(64, c.get(0x342)), (1n << 63n) | 1n, 'mcause: supervisor software interrupt');
  });

  it('wfi with an armed timer sleeps until it fires, without retiring instructions', () => {
    const words = [
      U('lui', T1, 0x2004), I('addi', T0, 0, 1000), S('sd', T0, T1, 0),                  // mtimecmp = 1000 ticks
      I('addi', T0, 0, 0x80), CSR('csrrs', 0, 0x304, T0),                                 // mie.MTIE (mstatus.MIE stays 0)
      SYS('wfi'), CSR('csrrs', A0, 0xc01, 0), ...FINISH,                                  // a0 = time
    ];
    const m = boot(words);
    assert.deepEqual(m.run(), { kind: 'exit', code: 0 });
    assert.equal(m.hart.reg(A0), 1000n);
    assert.ok(m.instructions < 20);
  });

  it('reports a wfi that nothing can wake, a trap loop, and the instruction limit', () => {
    assert.deepEqual(boot([SYS('wfi')]).run(), { kind: 'idle' });
    const stuck = boot([I('addi', T0, 0, 0), I('jalr', 0, T0, 0)]).run(); // jump to 0 with mtvec = 0
    assert.deepEqual(stuck, { kind: 'stuck', cause: 1, hart: 0 });
    const m = boot([J('jal', 0, 0)]);
    assert.deepEqual(m.run(12345), { kind: 'limit' });
    assert.equal(m.instructions, 12345);
  });

  it('emits typed trap and privilege-change events', () => {
    // After OPEN_PMP: mtvec = the mret, mepc = the ecall (MPP resets to U); the mret is also the handler.
    const m = boot([
      ...OPEN_PMP,
      U('auipc', T0, 0), I('addi', T0, T0, 24), CSR('csrrw', 0, 0x305, T0),
      U('auipc', T0, 0), I('addi', T0, T0, 16), CSR('csrrw', 0, 0x341, T0),
      SYS('mret'), SYS('ecall'),
    ]);
    const traps: number[] = [], changes: string[] = [];
    m.hart.events.on('trap', (t) => traps.push(t.cause));
    m.hart.events.on('privilegeChange', (c) => changes.push(`${c.from}->${c.to}`));
    m.run(40);
    assert.deepEqual(traps.slice(0, 2), [8, 8], 'ecall from U-mode, twice');
    assert.deepEqual(changes.slice(0, 3), ['3->0', '0->3', '3->0']);
  });

  it('allocates memory only where the guest writes', () => {
    const m = new Machine({ memory: 1024 * 1024 * 1024 });
    m.load(program([...FINISH]), BASE);
    m.run();
    assert.ok(m.ram.allocatedBytes <= 64 * 1024, `${m.ram.allocatedBytes} bytes allocated for a 1 GiB guest`);
  });
});
