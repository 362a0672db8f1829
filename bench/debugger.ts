// The debugger's benchmark rows: DAP latencies measured against the built standalone adapter (dist/debugAdapter.js)
// over stdio, as VS Code talks to it, and the cost of breakpoints that are set but never hit, in-process.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { Machine, RAM_BASE } from '../emulator/machine';
import { instructionLength } from '../emulator/isa/decode';

export const DEBUGGER_BENCH = 'debugger';
const ADAPTER = path.resolve(__dirname, '../dist/debugAdapter.js');
const PROGRAMS = path.resolve(__dirname, '../test/adapter/programs');
const NO_LIMIT = 24 * 3600 * 1000;

/** The targets. */
export const DEBUGGER_TARGETS = { stepMs: 5, pauseMs: 50, launchMs: 500, breakpointSlowdown: 0.10 };

export interface DebuggerBench {
  launchMs: number[];
  stepMs: number[];
  pauseMs: number[];
  crc: { plainS: number; withBreakpointsS: number; instructions: number };
}

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function client(): Promise<DebugClient> {
  if (!fs.existsSync(ADAPTER)) throw new Error(`${ADAPTER} is missing: npm run bench builds it first`);
  const dc = new DebugClient('node', ADAPTER, 'ringside');
  dc.defaultTimeout = NO_LIMIT;
  await dc.start();
  return dc;
}

async function untilStopped(dc: DebugClient, request: () => Promise<unknown>): Promise<DebugProtocol.StoppedEvent> {
  const stopped = dc.waitForEvent('stopped', NO_LIMIT);
  await request();
  return await stopped as DebugProtocol.StoppedEvent;
}

/** From `initialize` to the `stopped` event on entry: assembling kernel.S in-process is part of it. */
async function launchToEntry(): Promise<{ ms: number; dc: DebugClient }> {
  const dc = await client();
  const t0 = performance.now();
  await untilStopped(dc, () => Promise.all([
    dc.configurationSequence(),
    dc.launch({ program: path.join(PROGRAMS, 'kernel.S'), cwd: PROGRAMS, stopOnEntry: true }),
  ]));
  return { ms: performance.now() - t0, dc };
}

/** Instruction steps through kernel.S from its entry: into S-mode, U-mode, over the first ecall; the second never returns. */
const STEPS = 25;

/** `next` → `stopped` → stackTrace + scopes + variables (the Registers scope), as VS Code does after each step. */
async function stepRoundTrips(dc: DebugClient, count: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    await untilStopped(dc, () => dc.nextRequest({ threadId: 1, granularity: 'instruction' }));
    const frames = await dc.stackTraceRequest({ threadId: 1 });
    const scopes = await dc.scopesRequest({ frameId: frames.body.stackFrames[0].id });
    await dc.variablesRequest({ variablesReference: scopes.body.scopes[0].variablesReference });
    times.push(performance.now() - t0);
  }
  return times;
}

/** `pause` → `stopped` while spin.S runs at full speed. */
async function pauseLatencies(count: number): Promise<number[]> {
  const dc = await client();
  await untilStopped(dc, () => Promise.all([
    dc.configurationSequence(), dc.launch({ program: path.join(PROGRAMS, 'spin.S'), cwd: PROGRAMS, stopOnEntry: true }),
  ]));
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    await dc.continueRequest({ threadId: 1 });
    await new Promise((r) => setTimeout(r, 100));
    const t0 = performance.now();
    await untilStopped(dc, () => dc.pauseRequest({ threadId: 1 }));
    times.push(performance.now() - t0);
  }
  await dc.stop();
  return times;
}

/**
 * Code addresses the program never executes: function symbols, each dropped once a run reaches it (the machine
 * stops there), until a run ends with none reached. The unhit breakpoints go on the first instructions of the rest.
 */
function unreachedCode(elf: Uint8Array, count: number): number[] {
  const m = new Machine();
  m.load(elf);
  const candidates = new Set(m.symbols.filter((s) => s.type === 'func').map((s) => Number(s.value)));
  m.setBreakpoints(candidates);
  for (;;) {
    const stop = m.run();
    if (stop.kind !== 'debug') break;
    candidates.delete(m.hart.pc);
    m.setBreakpoints(candidates);
    m.clearDebugStops();
  }
  // The first instructions of the functions never called: 10 addresses the run never executes.
  const out: number[] = [];
  for (let k = 0; out.length < count && k < 8; k++) {
    for (const entry of candidates) {
      let a = entry;
      for (let i = 0; i < k; i++) a += instructionLength(m.ram.read8(a - RAM_BASE) | (m.ram.read8(a - RAM_BASE + 1) << 8));
      if (out.length < count && !out.includes(a)) out.push(a);
    }
  }
  if (out.length < count) throw new Error(`the CRC program has too little code it never runs for ${count} breakpoints`);
  return out;
}

function timeRun(elf: Uint8Array, breakpoints: number[]): { s: number; instructions: number } {
  const m = new Machine();
  m.load(elf);
  if (breakpoints.length) m.setBreakpoints(breakpoints);
  const t0 = performance.now();
  const stop = m.run();
  const s = (performance.now() - t0) / 1000;
  if (stop.kind !== 'exit') throw new Error(`the CRC run stopped (${stop.kind}) instead of exiting: a breakpoint was hit`);
  return { s, instructions: m.instructions };
}

export async function benchDebugger(crcElf: string, runs: number): Promise<DebuggerBench> {
  const launchMs: number[] = [];
  let stepMs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const { ms, dc } = await launchToEntry();
    launchMs.push(ms);
    if (i === 0) stepMs = await stepRoundTrips(dc, STEPS);
    await dc.stop();
  }
  const pauseMs = await pauseLatencies(Math.max(5, runs));
  const elf = fs.readFileSync(crcElf);
  const bps = unreachedCode(elf, 10);
  let plainS = Infinity, withBreakpointsS = Infinity, instructions = 0;
  for (let i = 0; i < runs; i++) {
    const a = timeRun(elf, []), b = timeRun(elf, bps);
    plainS = Math.min(plainS, a.s);
    withBreakpointsS = Math.min(withBreakpointsS, b.s);
    instructions = a.instructions;
    if (b.instructions !== a.instructions) throw new Error('breakpoints changed the CRC run');
  }
  return { launchMs, stepMs, pauseMs, crc: { plainS, withBreakpointsS, instructions } };
}
