// The fixture corpus, run in QEMU and in Ringside: console output and exit code must be identical.
// Where QEMU 7.2 departs from the RISC-V specification, the fixture is checked against a spec-derived .expected file.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildFixture, ENGINES, FIXTURES, firstDifference, runInQemu, runInRingside } from './harness';
import { tempDir } from '../support/toolchain';

/**
 * Single lines where Ringside deliberately differs from QEMU, with the value Ringside must print instead.
 * Each has its reason; anything else that differs is a bug.
 */
const MPRV_CLEARED = 'an MRET or SRET that changes the privilege mode to one below M also sets MPRV=0 (privileged spec ' +
  '1.12, 3.1.6.3); QEMU does so only from 8.0 ("Clear mstatus.MPRV when leaving M-mode for priv spec 1.12+")';

const LINE_DEVIATIONS: Record<string, { line: string; ringside: string; reason: string }[]> = {
  pmp: [{
    line: 'pmpcfg2 after writing W alone', ringside: '0000000000000010',
    reason: 'R=0, W=1 is reserved in pmpcfg (WARL); QEMU 7.2 stores it, Spike clears W, as we do',
  }],
  xret: [
    { line: 'mret to S, MPRV was 1', ringside: '0000000000000020', reason: MPRV_CLEARED },
    { line: 'mret to U, MPRV was 1', ringside: '0000000000000000', reason: MPRV_CLEARED },
    { line: 'sret in M to S, MPRV was 1', ringside: '0000000000000022', reason: MPRV_CLEARED },
    { line: 'sret in M to U, MPRV was 1', ringside: '0000000000000020', reason: MPRV_CLEARED },
  ],
};

/**
 * Text that QEMU 7.2 gets wrong wherever it appears in a fixture's output (a field of a matrix line, or a whole
 * line): each occurrence of `qemu` in QEMU's output stands for `ringside`, the spec's answer. QEMU must still
 * print it at least once, so that a fixed QEMU (or a changed fixture) is noticed.
 */
const PTE_ACCESS_FAULT = 'a page-table walk that reads a PTE where there is no memory (a PMA violation) raises an ' +
  'access fault for the original access type (privileged spec 1.12, 4.3.2 step 2); QEMU 7.2 raises a page fault';

const INTERRUPT_PRIORITY = 'simultaneous interrupts are taken in the order MEI, MSI, MTI, SEI, SSI, STI (privileged ' +
  'spec 1.12, 3.1.9; SEI, SSI, STI in S-mode, 4.1.3); without AIA, QEMU 7.2 takes the lowest-numbered one first';

const TEXT_DEVIATIONS: Record<string, { qemu: string; ringside: string; reason: string }[]> = {
  'pagefault-perms': [{
    qemu: ' amo=0d', ringside: ' amo=0f',
    reason: 'AMOs never raise load page faults (privileged spec 1.12, 4.3.1: an AMO on an unreadable page raises a ' +
      'store/AMO page fault); QEMU 7.2 checks the page for reading first and reports cause 13',
  }],
  'ad-bits': [{
    qemu: 'amo R: 0f pte=43', ringside: 'amo R: 0f pte=03',
    reason: 'an AMO on a read-only page takes a store/AMO page fault at the permission check, before any A/D ' +
      'update (privileged spec 1.12, 4.3.2 steps 5 and 7); QEMU 7.2 first translates it as a load, which sets A',
  }],
  'interrupts-s': [
    { qemu: 'order: M i1, M i3, M i5, M i7, M i9 ', ringside: 'order: M i3, M i7, M i9, M i1, M i5 ', reason: INTERRUPT_PRIORITY },
    { qemu: 'order: S i1, S i5, S i9 ', ringside: 'order: S i9, S i1, S i5 ', reason: INTERRUPT_PRIORITY },
  ],
  'pmp-perms': [{
    qemu: ' amo=05', ringside: ' amo=07',
    reason: 'an AMO that PMP denies raises exception code 7, "store/AMO access fault" (privileged spec 1.12, table 3.6; ' +
      'code 5 is for loads only); QEMU 7.2 reports a load access fault, as in amo-traps.S',
  }],
  'pte-format': ['l0 table outside memory', 'l1 table outside memory'].map((what) => ({
    qemu: `${what}: ld=0d st=0f x=0c`, ringside: `${what}: ld=05 st=07 x=01`, reason: PTE_ACCESS_FAULT,
  })).concat(['root table outside memory (MPRV)', 'root table at 0 (MPRV)'].map((what) => ({
    qemu: `${what}: ld=0d st=0f x=--`, ringside: `${what}: ld=05 st=07 x=--`, reason: PTE_ACCESS_FAULT,
  }))),
};

const work = tempDir('ringside-fixtures-');
const fixtures = fs.readdirSync(FIXTURES).filter((f) => f.endsWith('.S')).sort();

describe('fixture corpus: QEMU and Ringside agree', function () {
  this.timeout(120_000);

  it('has the corpus (every instruction group, exceptions, CSRs, interrupts)', () => {
    assert.ok(fixtures.length >= 15, `expected the fixture corpus in ${FIXTURES}, found ${fixtures.length} files`);
  });

  for (const file of fixtures) {
    const name = file.replace(/\.S$/, '');
    const expectedFile = path.join(FIXTURES, `${name}.expected`);
    const specExpected = fs.existsSync(expectedFile);
    it(`${name}${specExpected ? ' (against its spec-reviewed .expected: QEMU deviates, see test/fixtures/README.md)' : ''}`, () => {
      const elf = buildFixture(fs.readFileSync(path.join(FIXTURES, file), 'utf8'), path.join(work, `${name}.elf`));
      let reference: string;
      if (specExpected) {
        reference = fs.readFileSync(expectedFile, 'utf8');
      } else {
        const qemu = runInQemu(elf);
        assert.equal(qemu.exitCode, 0, `QEMU exit code ${qemu.exitCode}: ${qemu.stderr}`);
        reference = applyDeviations(name, qemu.stdout);
      }
      const counts = ENGINES.map((engine) => {
        const ours = runInRingside(elf, 50_000_000, engine.options);
        assert.equal(ours.exitCode, 0, `Ringside (${engine.name}) exit code ${ours.exitCode} ${ours.stderr}\n${ours.stdout.slice(-2000)}`);
        assert.ok(ours.stdout === reference, `${engine.name}: ${firstDifference(reference, ours.stdout)}`);
        return ours.instructions;
      });
      assert.equal(new Set(counts).size, 1, `the engines retired different instruction counts: ${counts.join(', ')}`);
    });
  }
});

function applyDeviations(name: string, output: string): string {
  const deviations = LINE_DEVIATIONS[name] ?? [];
  let out = output;
  for (const d of TEXT_DEVIATIONS[name] ?? []) {
    assert.ok(out.includes(d.qemu), `deviation '${d.qemu}' in ${name} no longer appears in QEMU's output; update TEXT_DEVIATIONS`);
    out = out.split(d.qemu).join(d.ringside);
  }
  for (const d of deviations) {
    const re = new RegExp(`^${d.line.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}=[0-9a-f]+$`, 'm');
    assert.match(out, re, `deviation '${d.line}' in ${name} no longer appears in QEMU's output; update LINE_DEVIATIONS`);
    out = out.replace(re, `${d.line}=${d.ringside}`);
  }
  return out;
}
