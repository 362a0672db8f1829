// Popek & Goldberg's equivalence property, run: every guest kernel of the corpus prints the same console and
// leaves the same signature on the bare machine (under OpenSBI) and de-privileged under the VMM (trap-and-emulate).
import assert from 'node:assert/strict';
import { guestKernels, runBare, runUnderVmm, type BareRun, type GuestKernel } from './harness';

describe('equivalence: the guest corpus bare vs under trap-and-emulate', function () {
  this.timeout(600_000);
  const bare = new Map<string, BareRun>();
  let kernels: GuestKernel[];
  before(() => { kernels = guestKernels(); });

  for (const name of ['csr-torture', 'page-faults', 'sv39-basic', 'timer', 'user-tasks']) {
    it(`${name}: same console, same final state, clean shutdown`, () => {
      const kernel = kernels.find((k) => k.name === name);
      assert.ok(kernel, `test/guests/${name}.S exists`);
      const b = bare.get(name) ?? runBare(kernel);
      bare.set(name, b);
      const v = runUnderVmm(kernel);
      assert.equal(b.exitCode, 0, `bare run ended cleanly:\n${b.raw.slice(-1500)}`);
      assert.equal(v.console, b.console, 'the console under the VMM is the bare one');
      assert.deepEqual(v.signature, b.signature, 'the signature area under the VMM is the bare one');
      assert.equal(v.exitCode, 0, `under the VMM the kernel shut down through SBI:\n${v.raw.slice(-1500)}`);
      const vm = v.vmm.vms[0];
      assert.equal(vm.haltReason, 'shutdown (no reason)');
      // It really ran de-privileged: privileged instructions were emulated and its memory was shadowed.
      assert.ok(vm.decisions.emulated > 0 && vm.decisions.filled > 0 && vm.decisions.sbi > 0, JSON.stringify(vm.decisions));
    });
  }

  it('the same under the interpreter (no translated code)', () => {
    for (const kernel of kernels) {
      const v = runUnderVmm(kernel, { engine: 'interpreter' });
      assert.equal(v.console, bare.get(kernel.name)?.console ?? runBare(kernel).console, kernel.name);
    }
  });
});
