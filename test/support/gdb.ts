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
  requireTool(QEMU);
  if (spawnSync(GDB, ['--version']).error) {
    throw new Error(`\n\n*** MISSING TOOL: '${GDB}' is not on PATH. ***\nThis test uses GDB as its oracle and FAILS without it: ` +
      "install the Debian package 'gdb-multiarch' (sudo apt-get install gdb-multiarch). .ci/run installs it.\n");
  }
  const qemu = `${QEMU} -machine virt -bios none -kernel ${elf} -display none -monitor none -serial null -S -gdb stdio`;
  const args = ['-nx', '-batch', '-ex', 'set pagination off', '-ex', 'set confirm off', '-ex', `target remote | ${qemu}`];
  for (const b of breakpoints) args.push('-ex', `break ${b}`);
  for (let i = 0; i < stops; i++) args.push('-ex', 'continue', '-ex', 'echo @@stop\\n', '-ex', 'p/x $pc', '-ex', 'bt');
  args.push('-ex', 'kill', elf);
  const r = spawnSync(GDB, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.error) throw new Error(`cannot run ${GDB}: ${r.error.message}`);
  return parseStops(r.stdout, `${r.stdout}${r.stderr}`);
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
