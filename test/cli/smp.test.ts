// Several harts (--smp N): shared memory, CLINT software interrupts between harts, LR/SC and AMOs under
// contention, and OpenSBI's view of the harts — against QEMU's virt board with the same -smp.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Machine } from '../../emulator/machine';
import { FIRMWARE, REPO_ROOT, assembleAndLink, requireFirmware, runCli, runQemu, runRingside, tempDir } from '../support/toolchain';
import { FIXTURES, QEMU_CPU } from '../differential/harness';

const SOURCE = fs.readFileSync(path.join(REPO_ROOT, 'test', 'cli', 'programs', 'smp.S'), 'utf8');
const work = tempDir('ringside-smp-');

function build(harts: number): string {
  return assembleAndLink(SOURCE, path.join(work, `smp${harts}.elf`), {
    asFlags: ['-march=rv64imac_zicsr', '--defsym', `HARTS=${harts}`], ldFlags: ['-T', path.join(FIXTURES, 'link.ld')],
  });
}

const totals = (harts: number): string => `lr/sc counter ${2000 * harts}, amo counter ${2000 * harts}\n`;

describe('several harts (--smp)', function () {
  this.timeout(300_000);

  for (const harts of [1, 2, 4, 8]) {
    it(`${harts} hart${harts > 1 ? 's' : ''}: wake-up IPIs, LR/SC and AMO counters match QEMU -smp ${harts}`, () => {
      const elf = build(harts);
      const qemu = runQemu(elf, { machine: 'virt', extraArgs: ['-smp', String(harts)] });
      assert.equal(qemu.stdout, totals(harts), `QEMU: ${qemu.stdout}${qemu.stderr}`);
      const ours = runRingside(elf, ['--smp', String(harts), '--max-instructions', '50000000']);
      assert.equal(ours.stdout, qemu.stdout, ours.stderr);
      assert.equal(ours.exitCode, 0);
    });
  }

  it('keeps every increment when harts interleave instruction by instruction (LR/SC contention), deterministically', () => {
    const elf = fs.readFileSync(build(4));
    for (const quantum of [1, 2, 3, 7, 64]) {
      const runs = [0, 1].map(() => {
        const m = new Machine({ harts: 4, quantum });
        let out = '';
        m.events.on('output', (b) => { out += String.fromCharCode(b); });
        m.load(elf);
        const stop = m.run(50_000_000);
        return { out, stop, instructions: m.instructions, perHart: m.harts.map((h) => h.retired) };
      });
      assert.deepEqual(runs[0].stop, { kind: 'exit', code: 0 }, `quantum ${quantum}`);
      assert.equal(runs[0].out, totals(4), `quantum ${quantum}`);
      assert.deepEqual(runs[1], runs[0], `quantum ${quantum}: a second run must retire exactly the same instructions`);
      assert.ok(runs[0].perHart.every((n) => n > 2000 * 6), `quantum ${quantum}: every hart did its share (${runs[0].perHart.join(', ')})`);
    }
  });

  it('OpenSBI sees the harts QEMU shows it, with all of them in its domain', () => {
    const bios = requireFirmware(FIRMWARE.openSbiDynamic);
    const ours = runCli(['run', '--smp', '2', '--bios', bios, '--max-instructions', '30000000']);
    const qemu = runQemu('', { machine: 'virt', bios, cpu: QEMU_CPU, extraArgs: ['-smp', '2'], stopAfterMs: 4000 });
    for (const key of ['Platform HART Count', 'Domain0 HARTs', 'Boot HART Base ISA']) {
      const line = (s: string) => new RegExp(`^${key}\\s*: (.*)$`, 'm').exec(s)?.[1];
      assert.ok(line(qemu.stdout), `QEMU printed ${key}:\n${qemu.stdout}`);
      assert.equal(line(ours.stdout), line(qemu.stdout), key);
    }
  });

  it('rejects a hart count it does not have, and --trace with several harts', () => {
    for (const [args, why] of [[['--smp', '9'], /at most 8 harts/], [['--smp', '0'], /--smp needs a positive whole number/], [['--smp', '2', '--trace'], /--trace follows a single hart/]] as const) {
      const r = runCli(['run', ...args, 'x.elf']);
      assert.equal(r.exitCode, 2);
      assert.match(r.stderr, why);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    }
  });
});
