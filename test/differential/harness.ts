// Shared by the differential tests: build a fixture-style program, run it in QEMU and in Ringside.
// QEMU is configured as the same ISA Ringside implements, so any difference is ours to explain.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Machine, type MachineOptions } from '../../emulator/machine';
import { assembleAndLink, runQemu, REPO_ROOT, type GuestResult } from '../support/toolchain';

export const FIXTURES = path.join(REPO_ROOT, 'test', 'fixtures');

/** QEMU's CPU with Ringside's extensions: RV64IMAFDC, Zicsr, Zifencei, M, S and U modes; no H or V. */
export const QEMU_CPU = 'rv64,h=off,v=off';

/** Assembles fixture-convention source text (it may `.include "common.inc"`) into an ELF. */
export function buildFixture(source: string, outElf: string): string {
  return assembleAndLink(source, outElf, {
    asFlags: ['-march=rv64imafdc_zicsr_zifencei', '-I', FIXTURES],
    ldFlags: ['-T', path.join(FIXTURES, 'link.ld')],
  });
}

export function runInQemu(elf: string): GuestResult {
  return runQemu(elf, { machine: 'spike', cpu: QEMU_CPU, timeoutMs: 30_000 });
}

/**
 * Both engines, each made to do the work: the interpreter alone, and the translator compiling every block on
 * first entry (by default it waits until a block is hot, and short test programs would stay interpreted).
 */
export const ENGINES: { name: string; options: MachineOptions }[] = [
  { name: 'interpreter', options: { engine: 'interpreter' } },
  { name: 'translator', options: { engine: 'translator', translateAfter: 1 } },
];

/** Runs an ELF in-process on Ringside's machine (the same code path as `ringside run`, minus the process). */
export function runInRingside(elf: string, maxInstructions = 50_000_000, options: MachineOptions = {}): GuestResult & { instructions: number } {
  const m = new Machine(options);
  m.load(fs.readFileSync(elf));
  const out: number[] = [];
  m.events.on('output', (b) => out.push(b));
  const stop = m.run(maxInstructions);
  const stdout = Buffer.from(out).toString('latin1');
  const instructions = m.instructions;
  if (stop.kind === 'exit') return { stdout, stderr: '', exitCode: stop.code, instructions };
  return { stdout, stderr: `stopped: ${stop.kind}`, exitCode: { limit: 124, idle: 125, stuck: 126, debug: 127 }[stop.kind], instructions };
}

/** The first line where two outputs differ, for a readable assertion message. */
export function firstDifference(a: string, b: string): string {
  const la = a.split('\n'), lb = b.split('\n');
  for (let i = 0; i < Math.max(la.length, lb.length); i++) {
    if (la[i] !== lb[i]) return `line ${i + 1}:\n  QEMU:     ${la[i] ?? '(end of output)'}\n  Ringside: ${lb[i] ?? '(end of output)'}`;
  }
  return 'outputs are identical';
}
