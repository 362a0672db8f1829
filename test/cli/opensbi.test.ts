// Debian's OpenSBI 1.1 (fw_dynamic.bin) boots on Ringside's board as on QEMU's virt: the same banner and
// platform lines, from a device tree Ringside generates and the registers its boot ROM would leave.
import assert from 'node:assert/strict';
import { FIRMWARE, requireFirmware, runCli, runQemu } from '../support/toolchain';
import { QEMU_CPU } from '../differential/harness';

/** Lines where Ringside's machine deliberately or not yet matches QEMU's, with Ringside's value and why. */
const DIFFERENCES: Record<string, { ringside: string; why: string }> = {
  'Boot HART MHPM Count': { ringside: '0', why: 'the hardware performance counters are read-only zero' },
};

function report(output: string): Map<string, string> {
  const lines = new Map<string, string>();
  for (const m of output.matchAll(/^(Platform|Firmware|Runtime|Domain0|Boot HART)([^:]*?)\s*:\s?(.*)$/gm)) lines.set(`${m[1]}${m[2]}`.trim(), m[3].trim());
  return lines;
}

describe('OpenSBI 1.1 boots on the virt board', function () {
  this.timeout(120_000);

  it('prints the same banner and platform report as under QEMU virt', () => {
    const bios = requireFirmware(FIRMWARE.openSbiDynamic);
    const ours = runCli(['run', '--bios', bios, '--max-instructions', '20000000']);
    assert.match(ours.stdout, /OpenSBI v1\.1/);
    assert.equal(ours.exitCode, 124, 'with no kernel to start, the run ends at the instruction limit');
    const qemu = runQemu('', { machine: 'virt', bios, cpu: QEMU_CPU, stopAfterMs: 4000 });
    const want = report(qemu.stdout), got = report(ours.stdout);
    assert.ok(want.size >= 30, `QEMU printed the platform report:\n${qemu.stdout}`);
    for (const [key, value] of want) {
      const expected = DIFFERENCES[key]?.ringside ?? value;
      assert.equal(got.get(key), expected, `${key}${DIFFERENCES[key] ? ` (differs from QEMU's '${value}': ${DIFFERENCES[key].why})` : ''}`);
    }
  });
});
