// The guest-kernel corpus on bare machines: each kernel under OpenSBI on Ringside's virt board and on QEMU's must
// print the same console, shut down cleanly through SBI, and say what it is expected to say.
import assert from 'node:assert/strict';
import { guestKernels, runBare, runQemu, signatureChecksum, type BareRun, type GuestKernel, type RunResult } from './harness';
import { firstDifference } from '../differential/harness';

/** Lines each kernel must print (beyond its first and last), so that agreeing machines still have to be right. */
const EXPECTED: Record<string, (string | RegExp)[]> = {
  'sv39-basic': [
    "satp reads back Sv39 with the root's PPN: pass",
    'through the upper half: hello from a virtual address',
    'before the remap: page A',
    'after the remap:  page B',
    'a store through the remapped page reaches page_b: pass',
    'the 2 MiB alias reads the same data: pass',
    'code runs through the alias (pc in the upper half): pass',
    'unmapped load: scause=000000000000000d',
    'unmapped load: stval=ffffffc000002000',
  ],
};

function checkRun(kernel: GuestKernel, r: RunResult, machine: string): void {
  const tail = `\n--- ${machine} console ---\n${r.raw.slice(-3000)}`;
  assert.ok(r.console.startsWith(`== ${kernel.name} ==\n`), `${machine}: the kernel starts and prints its name${tail}`);
  assert.ok(r.console.endsWith(`== ${kernel.name} done ==\n`), `${machine}: the kernel runs to its end${tail}`);
  assert.equal(r.exitCode, 0, `${machine}: SBI SRST shutdown ends the run cleanly${tail}`);
  assert.doesNotMatch(r.console, /FAIL/, `${machine}: no check failed${tail}`);
  for (const line of EXPECTED[kernel.name] ?? []) {
    if (typeof line === 'string') assert.ok(r.console.split('\n').includes(line), `${machine}: prints '${line}'${tail}`);
    else assert.match(r.console, line, `${machine}${tail}`);
  }
}

function checkSignature(kernel: GuestKernel, r: BareRun): void {
  assert.ok(r.signature.length >= 8 && r.signature.length % 8 === 0, `${kernel.name}: a signature of whole dwords`);
  const printed = /^final: checksum=([0-9a-f]{16})$/m.exec(r.console)?.[1];
  assert.equal(printed, signatureChecksum(r.signature).toString(16).padStart(16, '0'),
    'the checksum the kernel printed is the one of the signature in RAM after the run');
}

describe('guest kernels on bare machines (OpenSBI on Ringside and on QEMU virt)', function () {
  this.timeout(300_000);
  const kernels = guestKernels();

  it('the corpus has every kernel the equivalence test needs', () => {
    assert.deepEqual(Object.keys(EXPECTED).sort(), kernels.map((k) => k.name));
  });

  for (const kernel of kernels) {
    it(`${kernel.name}: the same console on Ringside as on QEMU, a clean shutdown, the expected lines`, () => {
      const ours = runBare(kernel);
      checkRun(kernel, ours, 'Ringside');
      checkSignature(kernel, ours);
      const qemu = runQemu(kernel);
      checkRun(kernel, qemu, 'QEMU');
      assert.equal(ours.console, qemu.console, `Ringside and QEMU print the same: ${firstDifference(qemu.console, ours.console)}`);
    });
  }
});
