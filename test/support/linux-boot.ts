// Booting Debian's Linux (test/support/debian.ts) on the virt board under OpenSBI fw_dynamic: the shared
// command line, and QEMU driven as a person would drive it, typing each command once the shell prompts.
import { spawn } from 'node:child_process';
import { FIRMWARE, QEMU, requireFirmware, requireTool } from './toolchain';
import { SHELL_PROMPT } from './initramfs';
import type { DebianLinux } from './debian';

/**
 * The kernel command line for both machines. earlycon: the kernel log from the first instruction on (through
 * the device tree's stdout-path), so a boot that dies early still says where. panic=-1: a panic reboots at
 * once (QEMU with -no-reboot then exits; Ringside's test finisher ends the run) instead of spinning forever.
 */
export const LINUX_APPEND = 'console=ttyS0 earlycon panic=-1';
/** RAM for both machines: QEMU virt's default, and Ringside's. */
export const LINUX_MEMORY = '128M';

/** Arguments for `ringside run` (without --max-instructions). */
export function ringsideLinuxArgs(linux: DebianLinux): string[] {
  return ['run', '--bios', requireFirmware(FIRMWARE.openSbiDynamic), '--kernel', linux.kernel, '--initrd', linux.initrd,
    '--append', LINUX_APPEND, '--memory', LINUX_MEMORY];
}

export interface QemuLinuxRun {
  /** Everything on the serial console. */
  output: string;
  /** Milliseconds from starting QEMU until the shell's first prompt (undefined if it never came). */
  promptMs: number | undefined;
  /** QEMU's exit code, or undefined when it was stopped at the prompt. */
  exitCode: number | null | undefined;
}

export interface QemuLinuxOptions {
  /** Typed one by one, each after the shell's next prompt. */
  commands?: string[];
  /** Kill QEMU at the first prompt (for timing a boot), instead of typing commands. */
  stopAtPrompt?: boolean;
  /** A guard against a boot that never reaches its prompt or never powers off (default 90 s). */
  guardMs?: number;
}

/**
 * Boots under QEMU with the console on stdio. Output is read as it comes (the 16550 model retries when the
 * pipe is full, so nothing is lost, unlike the HTIF console in toolchain.ts's runQemu); input is written only
 * when the shell prompts, as typed input would be, because the kernel's 8250 driver clears the UART's FIFO
 * when it opens the port and would lose anything typed earlier.
 */
export function bootLinuxUnderQemu(linux: DebianLinux, o: QemuLinuxOptions = {}): Promise<QemuLinuxRun> {
  requireTool(QEMU);
  const bios = requireFirmware(FIRMWARE.openSbiDynamic);
  const args = ['-M', 'virt', '-m', LINUX_MEMORY, '-bios', bios, '-kernel', linux.kernel, '-initrd', linux.initrd,
    '-append', LINUX_APPEND, '-display', 'none', '-monitor', 'none', '-serial', 'stdio', '-no-reboot'];
  const commands = [...(o.commands ?? [])];
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(QEMU, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '', stderr = '', searchFrom = 0, promptMs: number | undefined, stopped = false;
    const guard = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${QEMU} had not ${promptMs === undefined ? 'reached the shell prompt' : 'powered off'} after ${o.guardMs ?? 90_000} ms; console so far:\n${output.slice(-3000)}${stderr}`));
    }, o.guardMs ?? 90_000);
    child.stdin.on('error', () => { /* QEMU exited first (poweroff): the close handler reports it */ });
    child.stdout.setEncoding('latin1');
    child.stderr.setEncoding('latin1');
    child.stderr.on('data', (s: string) => { stderr += s; });
    child.stdout.on('data', (s: string) => {
      output += s;
      const at = output.indexOf(SHELL_PROMPT, searchFrom);
      if (at < 0) return;
      promptMs ??= Number(process.hrtime.bigint() - t0) / 1e6;
      searchFrom = at + SHELL_PROMPT.length;
      if (o.stopAtPrompt) { stopped = true; child.kill('SIGKILL'); return; }
      const next = commands.shift();
      if (next !== undefined) child.stdin.write(`${next}\n`);
    });
    child.on('error', (e) => { clearTimeout(guard); reject(new Error(`cannot run ${QEMU}: ${e.message}`)); });
    child.on('close', (code) => {
      clearTimeout(guard);
      resolve({ output, promptMs, exitCode: stopped ? undefined : code });
    });
  });
}
