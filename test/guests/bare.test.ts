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
  'user-tasks': [
    // The whole interleaving: A and B alternate, C prints only once it is the last task left.
    /^kernel: starting 3 tasks \(ASIDs 1, 2, 3\)\ntask A: step 1\ntask B: step 1\ntask C: computing\ntask A: step 2\ntask B: step 2\ntask A: private page intact\ntask A: done\nkernel: task A exited with code 0\ntask B: private page intact\ntask B: done\nkernel: task B exited with code 0\ntask C: preempted while computing; sum of squares 1..1000 = 333833500\nkernel: task C exited with code 7\nkernel: all tasks done$/m,
  ],
  'page-faults': [
    'demand fault: scause=000000000000000f stval=0000000000020000 -> mapped a zeroed page',
    'demand fault: scause=000000000000000d stval=0000000000023000 -> mapped a zeroed page',
    'demand: exit 102',
    'copy-on-write fault: scause=000000000000000f stval=0000000000030000 -> copied the page',
    'cow: exit 3',
    'cow: the shared original is unchanged: pass',
    /^run bad-load\nkilled: scause=000000000000000d stval=000000000dead000$/m,
    /^run bad-fetch\nkilled: scause=000000000000000c stval=0000000000060000$/m,
    /^run write-code\nkilled: scause=000000000000000f stval=0000000000010000$/m,
    /^run kernel-page\nkilled: scause=000000000000000d stval=0000000080200000$/m,
    'S reads a U page with SUM=1: pass',
    'S reads a U page with SUM=0: scause=000000000000000d stval=0000000000011000',
    'S fetches from a U page (SUM=1): scause=000000000000000c stval=0000000000010000',
    'load from an execute-only page, MXR=0: scause=000000000000000d stval=0000000000040000',
    'load from an execute-only page, MXR=1: pass',
    'A/D page after a load: A=1 D=0',
    'A/D page after a store: A=1 D=1',
  ],
  'timer': [
    'time is monotonic over 200 reads: pass',
    'sip.STIP is set no earlier than the deadline: pass',
    'with sstatus.SIE=0 no interrupt is taken: pass',
    'setting sstatus.SIE takes the pending timer interrupt: pass',
    'waited in wfi for 3 ticks',
    'time advanced by the intervals waited: pass',
    'wfi with SIE=0 wakes without taking the interrupt: pass',
    'then SIE=1 takes it: pass',
    'sie.STIE=0 masks a pending timer interrupt: pass',
    'set_timer(far future) clears sip.STIP: pass',
  ],
  'csr-torture': [
    'sstatus +SUM +MXR=80000002000c6000',
    'sstatus FS=Dirty (SD set)=8000000200006000',
    'sstatus.UXL=2',
    'sie after writing all ones=0000000000000222',
    'sip after writing all ones=0000000000000002',
    'software interrupt, stvec direct: scause=8000000000000001 stval=0000000000000000',
    'entries through vector 1: 1',
    'ebreak (vectored: at the base): scause=0000000000000003',
    'entries through vector 1 after the exception: 1',
    'mret from S: scause=0000000000000002 stval=0000000030200073',
    'csrr mstatus from S: scause=0000000000000002 stval=00000000300022f3',
    'csrrw sscratch returns the old value and writes the new: pass',
    'sepc after writing ...1236=0000000080201236',
    'satp takes mode 8 (Sv39) with the root\'s PPN: pass',
    'writing mode 5 leaves satp unchanged: pass',
    'rdtime from U with scounteren.TM=1 does not trap: pass',
    'ecall from U: sstatus.SPP=0: pass',
    'ecall from U: sstatus.SPIE=1 (U ran with SIE=1): pass',
    'csrr sstatus from U: scause=0000000000000002 stval=00000000100022f3',
    'sret from U: scause=0000000000000002 stval=0000000010200073',
    'sfence.vma from U: scause=0000000000000002 stval=0000000012000073',
    'wfi from U: scause=0000000000000002 stval=0000000010500073',
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

    it(`${kernel.name}: the interpreter alone ends in the same console and signature as the translator`, () => {
      const translated = runBare(kernel), interpreted = runBare(kernel, { engine: 'interpreter' });
      assert.equal(interpreted.console, translated.console, firstDifference(translated.console, interpreted.console));
      assert.deepEqual(interpreted.signature, translated.signature);
    });
  }
});
