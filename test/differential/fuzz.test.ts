// Seeded random instruction sequences, run in QEMU and Ringside: registers and scratch memory must agree.
// Set RINGSIDE_FUZZ_SEED to start elsewhere and RINGSIDE_FUZZ_COUNT to run more; a failure names its seed.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fuzzProgram, fuzzOps } from './fuzz-program';
import { buildFixture, ENGINES, firstDifference, runInQemu, runInRingside } from './harness';
import { tempDir } from '../support/toolchain';

const FIRST_SEED = Number(process.env.RINGSIDE_FUZZ_SEED ?? 1);
const COUNT = Number(process.env.RINGSIDE_FUZZ_COUNT ?? 200);

describe(`random instruction sequences against QEMU (seeds ${FIRST_SEED}..${FIRST_SEED + COUNT - 1})`, function () {
  this.timeout(600_000);
  const work = tempDir('ringside-fuzz-');

  it('draws from every non-control-flow row of the instruction table', () => {
    const names = new Set(fuzzOps.map((o) => o.name));
    for (const n of ['add', 'mulhsu', 'divu', 'amomaxu.d', 'sc.w', 'c.addi4spn', 'c.lwsp', 'c.subw', 'beq', 'c.bnez', 'jal']) {
      assert.ok(names.has(n), `${n} is not fuzzed`);
    }
  });

  it(`${COUNT} sequences of 64 instructions give identical registers and memory`, () => {
    const failures: string[] = [];
    for (let seed = FIRST_SEED; seed < FIRST_SEED + COUNT; seed++) {
      const src = fuzzProgram(seed);
      const elf = buildFixture(src, path.join(work, `fuzz-${seed}.elf`));
      const qemu = runInQemu(elf);
      const counts = new Set<number>();
      for (const engine of ENGINES) {
        const ours = runInRingside(elf, 1_000_000, engine.options);
        counts.add(ours.instructions);
        if (qemu.stdout !== ours.stdout || qemu.exitCode !== ours.exitCode) {
          const kept = path.join(work, `fuzz-${seed}.S`);
          fs.writeFileSync(kept, src);
          failures.push(`seed ${seed}, ${engine.name} (source kept at ${kept}): ${firstDifference(qemu.stdout, ours.stdout)}`);
        }
      }
      if (counts.size !== 1) failures.push(`seed ${seed}: the engines retired different instruction counts (${[...counts].join(', ')})`);
      if (failures.length >= 5) break;
    }
    assert.deepEqual(failures, [], `reproduce one with RINGSIDE_FUZZ_SEED=<seed> RINGSIDE_FUZZ_COUNT=1 npm test`);
  });
});
