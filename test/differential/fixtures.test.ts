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
const LINE_DEVIATIONS: Record<string, { line: string; ringside: string; reason: string }[]> = {
  pmp: [{
    line: 'pmpcfg2 after writing W alone', ringside: '0000000000000010',
    reason: 'R=0, W=1 is reserved in pmpcfg (WARL); QEMU 7.2 stores it, Spike clears W, as we do',
  }],
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
  for (const d of deviations) {
    const re = new RegExp(`^${d.line.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}=[0-9a-f]+$`, 'm');
    assert.match(out, re, `deviation '${d.line}' in ${name} no longer appears in QEMU's output; update LINE_DEVIATIONS`);
    out = out.replace(re, `${d.line}=${d.ringside}`);
  }
  return out;
}
