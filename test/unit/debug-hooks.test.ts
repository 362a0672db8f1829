// The machine's debugger hooks: breakpoints stop before the instruction on both engines (also inside hot translated
// loops), held traps change nothing, watchpoints stop right after the access, and none of it changes the run's outcome.
import assert from 'node:assert/strict';
import { assemble } from '../../assembler/assemble';
import { Machine, type Engine, type StopReason } from '../../emulator/machine';
import { CSR } from '../../emulator/csr/file';
import { Cause, type TrapEvent } from '../../emulator/hart';

/** A loop that sums 1..2000 into `total`, then loads from an address with no memory (a load access fault in M-mode). */
const PROGRAM = `
  .globl _start
_start:
  la t0, handler
  csrw mtvec, t0
  li a0, 0
  li a1, 2000
loop:
  add a0, a0, a1
  addi a1, a1, -1
  bnez a1, loop
after:
  la t1, total
  sd a0, 0(t1)
  ld a2, 0(t1)
faulting:
  ld a3, 0(zero)
  j .
  .align 2
handler:
  csrr a4, mcause
  li t2, 0x100000
  li t3, 0x5555
  sw t3, 0(t2)
  .data
total: .dword 0
`;

function machine(engine: Engine): { m: Machine; sym: (n: string) => number } {
  const r = assemble({ files: ['p.S'], readFile: () => PROGRAM });
  assert.ok(r.elf, r.diagnostics.map((d) => d.message).join('\n'));
  const m = new Machine({ engine, translateAfter: 2 });
  m.load(r.elf);
  const sym = (n: string): number => Number(r.symbols.find((s) => s.name === n)!.value);
  return { m, sym };
}

/** Runs in small slices, as the debug adapter does, until something other than the slice's end stops the machine. */
function runToStop(m: Machine): StopReason {
  for (let i = 0; i < 1000; i++) {
    const s = m.run(1000);
    if (s.kind !== 'limit') return s;
  }
  return { kind: 'limit' };
}

for (const engine of ['translator', 'interpreter'] as const) {
  describe(`debugger hooks (${engine})`, () => {
    it('a breakpoint stops before its instruction, also once the loop around it runs translated', () => {
      const { m, sym } = machine(engine);
      m.setBreakpoints([sym('after')]);
      const s = runToStop(m);
      assert.equal(s.kind, 'debug');
      assert.equal(m.hart.pc, sym('after'));
      assert.equal(m.hart.reg(10), 2001000n, 'the loop ran to its end first');
      assert.equal(m.hart.reg(11), 0n);
      // A breakpoint in the middle of the hot loop, set after it has been translated, stops in the next iteration.
      const { m: m2, sym: sym2 } = machine(engine);
      m2.run(200);
      m2.setBreakpoints([sym2('loop') + 4]);
      assert.equal(runToStop(m2).kind, 'debug');
      assert.equal(m2.hart.pc, sym2('loop') + 4);
      const left = m2.hart.reg(11);
      m2.clearDebugStops();
      m2.step();
      assert.equal(runToStop(m2).kind, 'debug');
      assert.equal(m2.hart.reg(11), left - 1n, 'one iteration later');
    });

    it('a held trap leaves every register and CSR as it was; stepping then takes it', () => {
      const { m, sym } = machine(engine);
      const seen: TrapEvent[] = [];
      m.hart.holdTrap = (t) => { seen.push(t); return true; };
      const s = runToStop(m);
      assert.equal(s.kind, 'debug');
      assert.equal(m.hart.pc, sym('faulting'));
      assert.equal(seen.length, 1);
      assert.equal(seen[0].cause, Cause.loadAccess);
      assert.equal(seen[0].handler, BigInt(sym('handler')));
      assert.equal(m.hart.csr.lo[CSR.mcause], 0, 'mcause untouched');
      assert.equal(m.trapped, 0, 'a held trap is not counted');
      m.hart.holdTrap = undefined;
      m.clearDebugStops();
      m.step();
      assert.equal(m.hart.pc, sym('handler'));
      assert.equal(m.hart.csr.lo[CSR.mcause], Cause.loadAccess);
      assert.deepEqual(runToStop(m), { kind: 'exit', code: 0 });
    });

    it('watchpoints stop right after a write, and after a read, of the watched bytes', () => {
      const { m, sym } = machine(engine);
      m.setWatchpoints([{ address: sym('total'), length: 8, read: false, write: true }]);
      let s = runToStop(m);
      assert.equal(s.kind, 'debug');
      assert.equal(m.hart.pc, sym('after') + 12, 'after the sd (la is two instructions)');
      assert.ok(s.kind === 'debug' && s.why.kind === 'watch' && s.why.write);
      m.setWatchpoints([{ address: sym('total') + 4, length: 1, read: true, write: false }]);
      m.clearDebugStops();
      s = runToStop(m);
      assert.ok(s.kind === 'debug' && s.why.kind === 'watch' && !s.why.write);
      assert.equal(m.hart.pc, sym('faulting'), 'after the ld that reads byte 4');
      assert.equal(m.hart.reg(12), 2001000n);
      m.setWatchpoints([]);
      m.clearDebugStops();
      assert.deepEqual(runToStop(m), { kind: 'exit', code: 0 });
    });

    it('a run with breakpoints hit and resumed ends in the same state, at the same instruction count', () => {
      const plain = machine(engine).m;
      assert.deepEqual(runToStop(plain), { kind: 'exit', code: 0 });
      const { m, sym } = machine(engine);
      m.setBreakpoints([sym('loop'), sym('faulting')]);
      let hits = 0;
      for (let s = runToStop(m); s.kind === 'debug'; s = runToStop(m)) {
        hits++;
        m.clearDebugStops();
        m.step();
      }
      assert.equal(hits, 2001);
      assert.equal(m.instructions, plain.instructions);
      assert.equal(m.trapped, plain.trapped);
      assert.equal(m.hart.reg(14), plain.hart.reg(14));
    });
  });
}
