// GDB as an oracle: runs an ELF on QEMU's virt board under gdb-multiarch, stops at breakpoints and records each
// backtrace, so tests can check the debugger's call stacks against GDB's. A missing GDB or QEMU fails the test.
import { spawnSync } from 'node:child_process';
import { QEMU, requireTool } from './toolchain';

export const GDB = 'gdb-multiarch';

export interface GdbFrame {
  /** Frame 0: the stopped pc; callers: the return address GDB prints. */
  pc: bigint;
  function: string;
}

/**
 * Sets the breakpoints (GDB syntax: `leaf`, `*leaf`, `file.c:12`), then continues up to `stops` times and returns
 * the backtrace at each stop. QEMU is started by GDB itself over a pipe (`target remote | qemu ... -gdb stdio`),
 * so no TCP port can collide with another test run.
 */
export function gdbBacktraces(elf: string, breakpoints: string[], stops: number): GdbFrame[][] {
  const commands = breakpoints.map((b) => `break ${b}`);
  for (let i = 0; i < stops; i++) commands.push('continue', 'echo @@stop\\n', 'p/x $pc', 'bt');
  const r = runGdb(elf, commands);
  return parseStops(r.stdout, `${r.stdout}${r.stderr}`);
}

/** A register's value in a frame as `info registers` prints it, or GDB's `<not saved>`. */
export type GdbRegister = bigint | '<not saved>';

/**
 * Runs to the first stop at `breakpoint`, then selects each of `frames` and records `info registers` there: x1..x31
 * by ABI name (GDB's fp is s0) and pc. What GDB says a caller's registers were.
 */
export function gdbFrameRegisters(elf: string, breakpoint: string, frames: number[]): Map<number, Map<string, GdbRegister>> {
  const commands = [`break ${breakpoint}`, 'continue'];
  for (const f of frames) commands.push(`frame ${f}`, `echo @@frame ${f}\\n`, 'info registers');
  const r = runGdb(elf, commands);
  const out = new Map<number, Map<string, GdbRegister>>();
  for (const chunk of r.stdout.split('@@frame ').slice(1)) {
    const regs = new Map<string, GdbRegister>();
    for (const m of chunk.matchAll(/^(\w+)\s+(0x[0-9a-f]+|<not saved>)/gm)) {
      regs.set(m[1] === 'fp' ? 's0' : m[1], m[2] === '<not saved>' ? m[2] : BigInt(m[2]));
    }
    out.set(Number(/^\d+/.exec(chunk)?.[0]), regs);
  }
  for (const f of frames) {
    if (!out.get(f)?.has('sp')) throw new Error(`GDB printed no registers for frame ${f}:\n${r.stdout}${r.stderr}`);
  }
  return out;
}

/** GDB in batch mode on QEMU's virt board with the ELF as its kernel, running `commands` after connecting. */
function runGdb(elf: string, commands: string[]): { stdout: string; stderr: string } {
  requireTool(QEMU);
  if (spawnSync(GDB, ['--version']).error) {
    throw new Error(`\n\n*** MISSING TOOL: '${GDB}' is not on PATH. ***\nThis test uses GDB as its oracle and FAILS without it: ` +
      "install the Debian package 'gdb-multiarch' (sudo apt-get install gdb-multiarch). .ci/run installs it.\n");
  }
  const qemu = `${QEMU} -machine virt -bios none -kernel ${elf} -display none -monitor none -serial null -S -gdb stdio`;
  const args = ['-nx', '-batch', '-ex', 'set pagination off', '-ex', 'set confirm off', '-ex', `target remote | ${qemu}`];
  for (const c of [...commands, 'kill']) args.push('-ex', c);
  args.push(elf);
  const r = spawnSync(GDB, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.error) throw new Error(`cannot run ${GDB}: ${r.error.message}`);
  return { stdout: r.stdout, stderr: r.stderr };
}

function parseStops(stdout: string, everything: string): GdbFrame[][] {
  const out: GdbFrame[][] = [];
  for (const chunk of stdout.split('@@stop\n').slice(1)) {
    const pc = /^\$\d+ = 0x([0-9a-f]+)$/m.exec(chunk);
    if (!pc) break; // the program ended: no more stops
    const frames: GdbFrame[] = [];
    for (const line of chunk.split('\n')) {
      const m = /^#(\d+)\s+(?:0x([0-9a-f]+) in )?(\S+) \(/.exec(line);
      if (!m) continue;
      if (m[1] !== '0' && !m[2]) throw new Error(`GDB shows frame #${m[1]} without an address (an inlined frame?):\n${everything}`);
      frames.push({ pc: m[1] === '0' ? BigInt(`0x${pc[1]}`) : BigInt(`0x${m[2]}`), function: m[3] });
    }
    if (frames.length === 0) throw new Error(`GDB printed no backtrace at a stop:\n${everything}`);
    out.push(frames);
  }
  return out;
}
