// Runs a booting Linux until its busybox shell prompts: the one loop behind the linux-boot and linux-boot-vmm rows,
// bare under OpenSBI or as a VM's kernel. Only this loop is timed.
import type { Machine } from '../emulator/machine';
import { SHELL_PROMPT } from '../test/support/initramfs';

/** Gives up on a boot that has not prompted after this many instructions (a boot takes about 1.2 G). */
const MAX_INSTRUCTIONS = 4_000_000_000;
/** The machine runs in slices this long between looks at the console, so it stops at most this far past the prompt. */
const SLICE = 1_000_000;

export interface PromptRun { seconds: number; instructions: number; prompted: boolean; why: string }

/** Runs until the console shows the prompt, the machine stops otherwise, or `instructions()` passes the limit. */
export function runToPrompt(machine: Machine, consoleText: () => string, instructions: () => number): PromptRun {
  const t0 = process.hrtime.bigint();
  let why = `no prompt after ${MAX_INSTRUCTIONS / 1e9} G instructions`;
  let prompted = false;
  while (instructions() < MAX_INSTRUCTIONS) {
    const stop = machine.run(SLICE);
    const text = consoleText();
    if (text.includes(SHELL_PROMPT)) { prompted = true; break; }
    if (stop.kind !== 'limit') {
      const panic = /Kernel panic - not syncing: .*|unhandled signal .*/.exec(text)?.[0];
      why = `the boot ended (${stop.kind}) before the prompt${panic ? `: ${panic.trim()}` : ''}`;
      break;
    }
  }
  return { seconds: Number(process.hrtime.bigint() - t0) / 1e9, instructions: instructions(), prompted, why };
}
