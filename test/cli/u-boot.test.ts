// Debian's S-mode U-Boot, started by OpenSBI fw_jump, reaches its prompt on Ringside's board and runs a
// command typed on stdin (the UART's input).
import assert from 'node:assert/strict';
import { FIRMWARE, requireFirmware, runCli } from '../support/toolchain';

describe('U-Boot (S-mode) under OpenSBI fw_jump', function () {
  this.timeout(300_000);

  it('reaches the => prompt and answers `version`', () => {
    const bios = requireFirmware(FIRMWARE.openSbiJump), uboot = requireFirmware(FIRMWARE.uBootSmode);
    // Any key ('x') stops the autoboot countdown; U-Boot discards the rest of that line.
    const r = runCli(['run', '--bios', bios, '--max-instructions', '80000000', uboot], 'x\nversion\n');
    assert.match(r.stdout, /OpenSBI v1\.1/);
    assert.match(r.stdout, /Hit any key to stop autoboot/);
    assert.match(r.stdout, /=> version\r?\nU-Boot 2023\.01/, r.stdout.slice(-1500));
    assert.match(r.stdout, /GNU ld/);
    assert.equal(r.exitCode, 124, 'U-Boot waits at its prompt until the instruction limit');
  });

  it('reaches the prompt as a guest under Ringside\'s VMM (trap-and-emulate, the VMM provides SBI)', () => {
    const uboot = requireFirmware(FIRMWARE.uBootSmode);
    const r = runCli(['run', '--vmm', 'trap-and-emulate', '--stats', '--max-instructions', '80000000', uboot], 'x\nversion\n');
    assert.doesNotMatch(r.stdout, /OpenSBI/);
    assert.match(r.stdout, /Hit any key to stop autoboot/, r.stdout.slice(-1500));
    assert.match(r.stdout, /=> version\r?\nU-Boot 2023\.01/, r.stdout.slice(-1500));
    assert.equal(r.exitCode, 124, 'U-Boot waits at its prompt until the instruction limit');
    // It polls its UART: every poll is a trapped MMIO access the VMM emulates.
    assert.match(r.stderr, /decisions: emulated \d+, filled \d+, mmio \d+/, r.stderr);
  });
});
