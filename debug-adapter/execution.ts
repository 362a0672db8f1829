// Run control for a debug session: runs the machine in time slices (so `pause` is answered within one slice), steps
// by instruction or line, over calls, out of functions and out of trap handlers, and says why it stopped.
import { performance } from 'node:perf_hooks';
import { Emitter } from '../emulator/events';
import { decode } from '../emulator/isa/decode';
import type { Machine, StopReason } from '../emulator/machine';
import type { DebugStop, Hart, Priv } from '../emulator/hart';
import { exceptionNames } from '../emulator/csr/table';
import type { Decoded } from './disassembly';
import { privilegeInfo } from './protocol';
import type { SourceLocation } from './source-lines';

/** What the user is shown when the machine stops: a DAP `stopped` event's fields, plus exceptionInfo's. */
export interface Stop {
  reason: 'entry' | 'step' | 'breakpoint' | 'exception' | 'pause' | 'data breakpoint' | 'function breakpoint' | 'instruction breakpoint';
  hart: number;
  /** The thread to report when it is not the hart's own (under the VMM, threads are vCPUs: 1-based). */
  thread?: number;
  description?: string;
  text?: string;
  hitBreakpointIds?: number[];
  /** For stops on traps: the filter that matched and the trap in words. */
  exception?: { id: string; description: string; details?: string };
}

export interface ExecutionEvents {
  stopped: Stop;
  exited: { code: number; message: string };
}

/** Decides whether a debugger hook's stop is shown (conditions, hit counts, logpoints) and how it is described. */
export interface StopPolicy {
  /** undefined: not for the user (a condition was false, a logpoint logged); the run goes on. */
  judge(hart: Hart, why: DebugStop): Stop | undefined;
  /** The user's instruction breakpoints, as virtual pcs. */
  breakpointPcs(): number[];
}

/** What stepping needs to know about code: its lines, the calling frame, and where trap handlers are. */
export interface CodeMap {
  lineAt(pc: bigint): SourceLocation | undefined;
  /** The frame that called the function pc is in: where it resumes and its stack pointer, when it can be found. */
  caller(hart: Hart): { pc: number; sp: bigint } | undefined;
  /** pc is in the current mode's trap handler (the function its xtvec points into). */
  inTrapHandler(hart: Hart): boolean;
  /** The instruction at pc as the code running on the hart sees its memory (without side effects). */
  instructionAt(hart: Hart, pc: bigint): Decoded;
  /**
   * A count that grows whenever the code being stepped on the hart moves. When present, an instruction step that
   * leaves it unchanged is taken again: under a VMM, a shadow fill or another vCPU's turn moved nothing the user sees.
   */
  progress?(hart: Hart): number;
}

export type StepKind = 'in' | 'over' | 'out';
export type Granularity = 'line' | 'instruction';

/** Where a run is going; the machine runs until the goal is met or something stops it first. */
type Goal =
  | { kind: 'continue' }
  /** Step until the line changes (or once, for instruction granularity). */
  | { kind: 'step'; hart: number; over: boolean; once: boolean; from: SourceLocation | undefined; priv: Priv }
  /** Run until hart reaches pc with its stack pointer at or above sp (the caller, after a call returns); then `then`. */
  | { kind: 'return'; hart: number; pc: number; sp: bigint; then: Goal | undefined }
  /** Run until the hart's trap handler returns (mret/sret). */
  | { kind: 'trapReturn'; hart: number };


/** A call (jal/jalr linking ra or t0, c.jalr) or an ecall: what stepping over runs to completion. */
function isCall(raw: number): boolean {
  const d = decode(raw);
  const name = d.op.name;
  return name === 'ecall' || name === 'c.jalr' || ((name === 'jal' || name === 'jalr') && (d.rd === 1 || d.rd === 5));
}

/** Machine time one slice may take before the adapter reads its messages again. */
const SLICE_MS = 10;
/** Instructions per machine.run call within a slice (small enough to check the clock often at interpreter speed). */
const CHUNK = 20_000;
/** Single steps per check of the clock, when stepping by line. */
const STEPS_PER_CHECK = 500;

export class Execution {
  readonly events = new Emitter<ExecutionEvents>();
  private state: 'stopped' | 'running' | 'exited' = 'stopped';
  private goal: Goal = { kind: 'continue' };
  private pauseRequested = false;
  private scheduled = false;
  /** The hart that stopped last: resuming first steps it off its breakpoint or through its held trap. */
  private stoppedHart = 0;
  private heldTrap = false;
  /**
   * The stopped hart has not yet run the instruction at its pc, and no breakpoint there was reported: the machine
   * stopped after M-mode software outside it (a VMM) handled a trap. Resuming runs from there, breakpoints and all.
   */
  private resumeInPlace = false;
  private temporary: number[] = [];
  private unsubscribeTrapReturn: (() => void) | undefined;

  constructor(private readonly machine: Machine, private readonly policy: StopPolicy, private readonly code: CodeMap,
    private readonly maxInstructions = Infinity) {}

  get running(): boolean {
    return this.state === 'running';
  }

  get exited(): boolean {
    return this.state === 'exited';
  }

  /** The user's breakpoints changed: the machine's set is rebuilt (with any temporary ones of a step in progress). */
  breakpointsChanged(): void {
    this.machine.setBreakpoints([...this.policy.breakpointPcs(), ...this.temporary]);
  }

  /** Reports a stop that did not come from running (stop on entry). */
  announce(stop: Stop): void {
    this.stoppedHart = stop.hart;
    this.events.emit('stopped', stop);
  }

  continue(): void {
    this.start({ kind: 'continue' });
  }

  pause(): void {
    if (this.state === 'running') this.pauseRequested = true;
  }

  step(hart: number, kind: StepKind, granularity: Granularity): void {
    const h = this.machine.harts[hart];
    const once = granularity === 'instruction' || this.code.lineAt(h.pcBig) === undefined;
    if (kind === 'out') {
      this.start(this.stepOutGoal(hart));
      return;
    }
    this.start({ kind: 'step', hart, over: kind === 'over', once, from: this.code.lineAt(h.pcBig), priv: h.priv });
  }

  /** The session ends: nothing runs any more, and no event follows. */
  terminate(): void {
    this.state = 'exited';
    this.clearTemporary();
  }

  /** Input arrived for a guest that was idle (waiting in wfi for it): carry on. */
  wake(): void {
    if (this.state === 'running') this.schedule();
  }

  private stepOutGoal(hart: number): Goal {
    const h = this.machine.harts[hart];
    if (this.code.inTrapHandler(h)) return { kind: 'trapReturn', hart };
    const caller = this.code.caller(h);
    return caller ? { kind: 'return', hart, pc: caller.pc, sp: caller.sp, then: undefined } : { kind: 'trapReturn', hart };
  }

  private start(goal: Goal): void {
    if (this.state === 'exited') return;
    this.goal = goal;
    this.state = 'running';
    this.pauseRequested = false;
    this.setGoalHooks();
    const held = this.heldTrap, inPlace = this.resumeInPlace;
    this.heldTrap = false;
    this.resumeInPlace = false;
    if (goal.kind === 'step' && goal.hart === this.stoppedHart) {
      if (!this.stepOnce(goal)) this.schedule();
      return;
    }
    // Off the instruction it stopped at: a breakpoint there must not fire again, a held trap is now taken.
    const off = inPlace ? undefined : this.stepHart(this.stoppedHart, held);
    if (off !== undefined && this.handle(off)) return;
    this.schedule();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(this.tick);
  }

  private readonly tick = (): void => {
    this.scheduled = false;
    const deadline = performance.now() + SLICE_MS;
    while (this.state === 'running') {
      if (this.pauseRequested) { this.finish({ reason: 'pause', hart: this.goalHart(), description: 'paused' }); return; }
      if (this.advance()) return;
      if (performance.now() >= deadline) { this.schedule(); return; }
    }
  };

  /** One piece of work toward the goal. True when the run is over (stopped, exited) or waits for input. */
  private advance(): boolean {
    const g = this.goal;
    if (g.kind === 'step') {
      for (let i = 0; i < STEPS_PER_CHECK && this.goal === g; i++) if (this.stepOnce(g)) return true;
      return false;
    }
    const r = this.machine.run(CHUNK);
    if (r.kind === 'limit') return this.overLimit();
    if (r.kind === 'idle') return true; // asleep until input arrives (wake) or the user pauses
    return this.handle(r);
  }

  private overLimit(): boolean {
    if (this.machine.instructions < this.maxInstructions) return false;
    this.exit(124, `the program ran ${this.maxInstructions} instructions (the launch configuration's maxInstructions) and was stopped`);
    return true;
  }

  /**
   * Executes one instruction on a hart (breakpoints do not apply). With `passTrap`, a trap the debugger would hold
   * is taken: resuming from a held trap, or a step the user asked for, goes into the handler.
   */
  private stepHart(hart: number, passTrap: boolean): StopReason | undefined {
    const h = this.machine.harts[hart];
    const hold = h.holdTrap;
    if (passTrap) h.holdTrap = undefined;
    this.machine.clearDebugStops();
    try {
      return this.machine.step(hart);
    } finally {
      h.holdTrap = hold;
    }
  }

  /** The machine stopped for a reason other than the slice's end. True when the run is over. */
  private handle(r: StopReason): boolean {
    this.machine.clearDebugStops();
    switch (r.kind) {
      case 'exit': this.exit(r.code, `the guest exited with code ${r.code}`); return true;
      case 'limit': return this.overLimit();
      case 'idle': return true;
      case 'stuck': {
        const name = exceptionNames[r.cause] ?? `cause ${r.cause}`;
        this.finish({
          reason: 'exception', hart: r.hart, description: `hart ${r.hart} is stuck: its trap handler itself traps (${name}); check mtvec`,
          exception: { id: 'stuck', description: `every instruction traps (${name}): the trap handler faults` },
        });
        return true;
      }
      case 'debug': return this.hook(r.hart, r.why);
    }
  }

  /** A debugger hook fired: either the goal is met, or the policy decides whether the user sees it. */
  private hook(hart: number, why: DebugStop): boolean {
    const g = this.goal, h = this.machine.harts[hart];
    if (g.kind === 'return' && why.kind === 'breakpoint' && hart === g.hart && why.pc === g.pc && h.reg(2) >= g.sp) {
      this.clearTemporary();
      if (g.then === undefined) { this.finish({ reason: 'step', hart }); return true; }
      this.goal = g.then;
      return g.then.kind === 'step' ? this.stepDone(g.then) : false;
    }
    if (g.kind === 'trapReturn' && why.kind === 'trapReturn' && hart === g.hart) {
      const how = why.from === 3 ? 'mret' : 'sret';
      this.finish({ reason: 'step', hart, description: `returned from the trap handler (${how}) to ${privilegeInfo(why.to).mode}-mode` });
      return true;
    }
    if (why.kind === 'breakpoint' && this.temporary.includes(why.pc) && !this.policy.breakpointPcs().includes(why.pc)) {
      return this.resumeFrom(hart); // a temporary breakpoint reached in a deeper frame (recursion)
    }
    if (g.kind === 'step' && hart === g.hart && (why.kind === 'privilege' || why.kind === 'trapReturn')) return this.stepDone(g, true);
    const stop = this.policy.judge(h, why);
    if (stop === undefined) return this.resumeFrom(hart);
    if (why.kind === 'trap') this.heldTrap = true;
    if (why.kind === 'firmware') this.resumeInPlace = true;
    this.finish(stop);
    return true;
  }

  /** Carries on after a hook the user does not see: the hart first steps off the instruction that stopped it. */
  private resumeFrom(hart: number): boolean {
    const r = this.stepHart(hart, false);
    return r !== undefined && this.handle(r);
  }

  /**
   * One instruction toward a step goal; stepping over a call (or an ecall) instead runs until it returns. True when
   * the run stopped.
   */
  private stepOnce(g: Extract<Goal, { kind: 'step' }>): boolean {
    const h = this.machine.harts[g.hart];
    const { raw, length } = this.code.instructionAt(h, h.pcBig);
    const before = this.code.progress?.(h);
    if (g.over && raw !== undefined && isCall(raw)) {
      const next = h.pc + length;
      this.goal = { kind: 'return', hart: g.hart, pc: next, sp: h.reg(2), then: g.once ? undefined : g };
      this.setTemporary([next]);
    }
    const r = this.stepHart(g.hart, true);
    if (r !== undefined && this.handle(r)) return true;
    if (before !== undefined && this.code.progress!(h) === before) return false;
    return this.goal === g && this.stepDone(g);
  }

  /** After a step: a line step ends on a new line, or on entering or leaving a trap. True when the run stopped. */
  private stepDone(g: Extract<Goal, { kind: 'step' }>, trapped = false): boolean {
    const h = this.machine.harts[g.hart];
    const line = this.code.lineAt(h.pcBig);
    const newLine = line !== undefined && (g.from === undefined || line.line !== g.from.line || line.file !== g.from.file);
    if (!(g.once || newLine || trapped || h.priv !== g.priv)) return false;
    this.finish({ reason: 'step', hart: g.hart, description: h.priv !== g.priv ? `now in ${privilegeInfo(h.priv).mode}-mode` : undefined });
    return true;
  }

  private setTemporary(pcs: number[]): void {
    this.temporary = pcs;
    this.breakpointsChanged();
  }

  private clearTemporary(): void {
    if (this.temporary.length === 0) return;
    this.temporary = [];
    this.breakpointsChanged();
  }

  /** Hooks a goal needs beyond breakpoints: the trap return a step out of a handler waits for. */
  private setGoalHooks(): void {
    this.unsubscribeTrapReturn?.();
    this.unsubscribeTrapReturn = undefined;
    const g = this.goal;
    if (g.kind === 'return') this.setTemporary([g.pc]);
    else this.clearTemporary();
    if (g.kind === 'trapReturn') {
      const h = this.machine.harts[g.hart];
      this.unsubscribeTrapReturn = h.events.on('trapReturn', (e) => h.requestStop({ kind: 'trapReturn', from: e.from, to: e.to }));
    }
  }

  private goalHart(): number {
    return this.goal.kind === 'continue' ? this.stoppedHart : this.goal.hart;
  }

  private finish(stop: Stop): void {
    this.state = 'stopped';
    this.pauseRequested = false;
    this.clearTemporary();
    this.unsubscribeTrapReturn?.();
    this.unsubscribeTrapReturn = undefined;
    this.goal = { kind: 'continue' };
    this.stoppedHart = stop.hart;
    this.events.emit('stopped', stop);
  }

  private exit(code: number, message: string): void {
    this.state = 'exited';
    this.clearTemporary();
    this.events.emit('exited', { code, message });
  }
}
