// Debian trixie's riscv64 Linux 6.12 boots under OpenSBI fw_dynamic to a busybox shell (an initramfs built
// from trixie's busybox-static) and answers `uname -a` and `cat /proc/cpuinfo` typed on the console: first
// under QEMU, which validates the kernel, the initramfs and the command line, then on Ringside's board.
import assert from 'node:assert/strict';
import { debianLinux, type DebianLinux } from '../support/debian';
import { INIT_MARKER, SHELL_PROMPT } from '../support/initramfs';
import { bootLinuxUnderQemu, LINUX_APPEND, LINUX_MEMORY, ringsideLinuxArgs } from '../support/linux-boot';
import { runCli } from '../support/toolchain';

/** Measured with F/D: /init starts after 0.92 G instructions, and poweroff comes at 1.24 G. */
const MAX_INSTRUCTIONS = 3_000_000_000;

/** `uname -a` of this kernel: Linux, no host name, the release and the package version from the package lists. */
function unameLine(linux: DebianLinux): RegExp {
  const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^Linux \\(none\\) ${esc(linux.release)} #\\d+ SMP Debian ${esc(linux.kernelPackage.version)} \\(\\d{4}-\\d\\d-\\d\\d\\) riscv64 GNU/Linux\\r?$`, 'm');
}

/** The cpuinfo fields both machines must agree on (one hart, an rv64 with the G and C extensions). */
function checkCpuinfo(output: string, machine: string): void {
  const cpuinfo = output.slice(output.indexOf('cat /proc/cpuinfo'));
  assert.match(cpuinfo, /^processor\s*: 0\r?$/m, `${machine}: cpuinfo names processor 0`);
  assert.match(cpuinfo, /^hart\s*: 0\r?$/m, `${machine}: cpuinfo names hart 0`);
  assert.match(cpuinfo, /^isa\s*: rv64imafdc\w*\r?$/m, `${machine}: the ISA the kernel found (from the device tree) is rv64imafdc...`);
  assert.doesNotMatch(cpuinfo, /^processor\s*: 1/m, `${machine}: one hart`);
}

describe('Debian Linux (trixie, 6.12) to a busybox shell', function () {
  // The first run downloads about 113 MB with apt; later runs take both packages from the user's cache. The boot
  // is about 1.24 G instructions on Ringside; at today's few MIPS (see bench/RESULTS.md, linux-boot) that is
  // minutes, so the limit is generous: it guards against a hang, it does not measure speed.
  this.timeout(1_800_000);
  let linux: DebianLinux;
  let qemuUname: string | undefined;

  before(() => {
    linux = debianLinux();
  });

  it('under QEMU: the shell answers uname -a and cat /proc/cpuinfo, then powers off', async () => {
    const r = await bootLinuxUnderQemu(linux, { commands: ['uname -a', 'cat /proc/cpuinfo', 'poweroff -f'] });
    const out = r.output;
    assert.ok(out.includes(INIT_MARKER), `/init ran:\n${out.slice(-2000)}`);
    assert.ok(out.includes(`${SHELL_PROMPT}`), 'the shell prompted');
    assert.match(out, unameLine(linux), out.slice(-3000));
    checkCpuinfo(out, 'QEMU');
    assert.match(out, /reboot: Power down/);
    assert.equal(r.exitCode, 0);
    qemuUname = unameLine(linux).exec(out)?.[0].trimEnd();
  });

  it('on Ringside: the same boot, the same answers, then poweroff ends the run', () => {
    // Typed ahead: Ringside queues all of stdin before the run. When the kernel's 8250 driver opens the port it
    // reads the receiver twice to clear it (seen: the first two bytes go); the leading newlines are what it drops.
    // (This relies on Ringside's UART not modelling the FIFO reset through FCR, which on QEMU drops everything
    // received so far: the QEMU half types each command at its prompt instead.)
    const input = '\n\n\nuname -a\ncat /proc/cpuinfo\npoweroff -f\n';
    const r = runCli([...ringsideLinuxArgs(linux), '--max-instructions', String(MAX_INSTRUCTIONS)], input);
    const out = r.stdout;
    const tail = `\n--- last console output ---\n${out.slice(-4000)}\n--- stderr ---\n${r.stderr}`;
    assert.match(out, /OpenSBI v1\.1/, tail);
    assert.match(out, /Linux version 6\.12\./, `the kernel starts${tail}`);
    // A user-space crash is reported by the kernel (on a machine without F/D: SIGILL at busybox's first FP store).
    const died = /^.*unhandled signal \d+ .*$/m.exec(out)?.[0];
    assert.ok(died === undefined, `user space died: ${died}${tail}`);
    assert.ok(out.includes(INIT_MARKER), `/init runs busybox${tail}`);
    assert.match(out, unameLine(linux), `uname -a${tail}`);
    if (qemuUname) assert.ok(out.includes(qemuUname), `the same uname line as under QEMU: ${qemuUname}`);
    checkCpuinfo(out, 'Ringside');
    assert.match(out, /reboot: Power down/, tail);
    assert.equal(r.exitCode, 0, `poweroff: the test finisher ends the run with 0${tail}`);
  });

  it('as a guest under Ringside\'s VMM (trap-and-emulate, no OpenSBI: the VMM provides SBI): the same answers', () => {
    const input = '\n\n\nuname -a\ncat /proc/cpuinfo\npoweroff -f\n';
    const r = runCli(['run', '--vmm', 'trap-and-emulate', '--stats', '--kernel', linux.kernel, '--initrd', linux.initrd,
      '--append', LINUX_APPEND, '--vm-memory', LINUX_MEMORY, '--max-instructions', String(MAX_INSTRUCTIONS)], input);
    const out = r.stdout;
    const tail = `\n--- last console output ---\n${out.slice(-4000)}\n--- stderr ---\n${r.stderr}`;
    assert.doesNotMatch(out, /OpenSBI/, 'no firmware inside the VM');
    assert.match(out, /Linux version 6\.12\./, `the kernel starts${tail}`);
    assert.ok(out.includes(INIT_MARKER), `/init runs busybox${tail}`);
    assert.match(out, unameLine(linux), `uname -a${tail}`);
    checkCpuinfo(out, 'Ringside VMM');
    assert.match(out, /reboot: Power down/, tail);
    assert.equal(r.exitCode, 0, `poweroff: SBI system_reset halts the VM and ends the run with 0${tail}`);
    // De-privileged for real: hundreds of thousands of exits, and nearly every instruction still ran on the hardware.
    const share = /(\d+\.\d+)% without VMM intervention/.exec(r.stderr);
    assert.ok(share && Number(share[1]) > 99, r.stderr);
    assert.match(r.stderr, /exits by cause: illegal instruction \d+, ecall from U-mode \d+/);
    assert.match(r.stderr, /decisions: emulated \d+, injected \d+, filled \d+, sbi \d+, mmio \d+/);
  });
});
