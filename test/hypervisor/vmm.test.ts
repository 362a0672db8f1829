// The VMM runs an S-mode kernel de-privileged: its SBI calls, CSR accesses, sret and sfence.vma trap and are
// emulated, its page tables are shadowed, its UART is emulated by trapped MMIO, and its own faults reach it.
import assert from 'node:assert/strict';
import { kernel, runVms } from './harness';

describe('VMM: trap-and-emulate', () => {
  for (const engine of ['interpreter', 'translator'] as const) {
    it(`runs an S-mode kernel in U-mode and emulates what it may not do (${engine})`, () => {
      const r = runVms([{ kernel: kernel('smoke.S') }], { engine });
      assert.equal(r.console(0), 'HiDBCN!\nU\nM=\n');
      assert.deepEqual(r.stop, { kind: 'exit', code: 0 });
      const vm = r.vmm.vms[0];
      assert.equal(vm.state, 'halted');
      assert.equal(vm.haltReason, 'shutdown (no reason)');
      const log = r.vmm.log.query({ limit: 1000 });
      const lines = log.map((e) => `${e.kind}: ${e.decision}`);
      const has = (re: RegExp) => assert.ok(lines.some((l) => re.test(l)), `${re} in\n${lines.join('\n')}`);
      has(/^emulated: emulate csrw stvec/);
      has(/^sbi: SBI Legacy console_putchar/);
      has(/^sbi: SBI DBCN console_write: 6 bytes/);
      has(/^emulated: emulate csrw satp \(now 0x8000000000080/);
      has(/^emulated: emulate sfence\.vma: flush shadow all pages/);
      has(/^mmio: MMIO uart0 \(ns16550a\) \+0x0 ← 0x55 \(sb\)/);
      has(/^emulated: emulate sret to U-mode/);
      has(/^injected: inject instruction page fault at 0x[0-9a-f]+: user access to a supervisor page/);
      has(/^filled: fill shadow fetch 0x80200000 → gpa 0x80200000 → mpa 0x/);
      has(/^sbi: SBI SRST system_reset: shutdown \(no reason\)/);
      const satp = log.find((e) => e.decision.startsWith('emulate csrw satp'))!;
      assert.equal(satp.instruction, 'csrw\tsatp,t0');
      assert.equal(satp.causeName, 'illegal instruction');
      // The guest ran in real U-mode all along: every exit came from U-mode into the VMM.
      assert.equal(r.machine.hart.stats.traps[8], log.filter((e) => e.cause === 8 && !e.interrupt).length);
    });
  }

  it('maps guest RAM onto machine frames other than its own addresses (the p2m is not the identity)', () => {
    const r = runVms([{ kernel: kernel('smoke.S') }]);
    const mem = r.vmm.vms[0].memory;
    assert.notEqual(mem.machineAddress(0x8020_0000), 0x8020_0000);
    assert.equal(mem.machineAddress(0x7fff_f000), -1);
    assert.equal(mem.machineAddress(0x8000_0000 + mem.size), -1);
  });

  it('runs two VMs side by side with separate consoles, on one hart and on two', () => {
    for (const harts of [1, 2]) {
      const r = runVms([{ kernel: kernel('smoke.S') }, { kernel: kernel('smoke.S'), name: 'second' }], { harts });
      assert.equal(r.console(0), 'HiDBCN!\nU\nM=\n', `vm0 on ${harts} hart(s)`);
      assert.equal(r.console(1), 'HiDBCN!\nU\nM=\n', `second on ${harts} hart(s)`);
      assert.deepEqual(r.vmm.vms.map((v) => v.state), ['halted', 'halted']);
      assert.ok(r.vmm.log.query({ vm: 1, limit: 1 }).length === 1);
    }
  });
});
