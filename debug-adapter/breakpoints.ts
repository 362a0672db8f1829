// Every kind of breakpoint a session has — source lines, functions, instructions, data, trap filters — and the
// policy that decides, when the machine stops for one, whether the user sees it (conditions, hit counts, logpoints).
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { Machine } from '../emulator/machine';
import type { DebugStop, Hart, TrapEvent, Watchpoint } from '../emulator/hart';
import { exceptionNames, interruptNames } from '../emulator/csr/table';
import { evaluateExpression, ExpressionError, type EvalContext } from './expression';
import { machineEvalContext } from './machine-context';
import { formatMemoryReference, parseMemoryReference } from './memory';
import type { SourceLines } from './source-lines';
import type { Stop, StopPolicy } from './execution';
import { privilegeInfo } from './protocol';

const hex = (v: bigint | number): string => `0x${BigInt.asUintN(64, BigInt(v)).toString(16)}`;
/** A pc as harts hold it: a number, upper-half addresses negative. */
const asPc = (a: bigint): number => Number(BigInt.asIntN(64, a));

/** Trap filters in the Breakpoints view: one per cause group, any trap, and privilege changes. */
interface TrapFilter extends DebugProtocol.ExceptionBreakpointsFilter {
  /** The traps it holds; the privilege filter has none (it stops after the change, from the hart's event). */
  matches?: (t: TrapEvent) => boolean;
}

const FILTERS: TrapFilter[] = [
  { filter: 'illegal', label: 'Illegal instruction', matches: (t) => !t.interrupt && t.cause === 2 },
  { filter: 'ecall', label: 'Environment call (ecall from U/S/M)', matches: (t) => !t.interrupt && [8, 9, 11].includes(t.cause) },
  { filter: 'breakpoint', label: 'Breakpoint (ebreak)', matches: (t) => !t.interrupt && t.cause === 3 },
  { filter: 'page-fault', label: 'Page faults', matches: (t) => !t.interrupt && [12, 13, 15].includes(t.cause) },
  { filter: 'access-fault', label: 'Access faults', matches: (t) => !t.interrupt && [1, 5, 7].includes(t.cause) },
  { filter: 'misaligned', label: 'Misaligned accesses', matches: (t) => !t.interrupt && [0, 4, 6].includes(t.cause) },
  { filter: 'timer', label: 'Timer interrupts', matches: (t) => t.interrupt && [5, 7].includes(t.cause) },
  { filter: 'software', label: 'Software interrupts', matches: (t) => t.interrupt && [1, 3].includes(t.cause) },
  { filter: 'external', label: 'External interrupts', matches: (t) => t.interrupt && [9, 11].includes(t.cause) },
  { filter: 'any', label: 'Any trap', description: 'every exception and interrupt, before it is taken', matches: () => true },
  { filter: 'privilege', label: 'Privilege change', description: 'every change of privilege mode (trap entry, mret, sret)' },
];

export const TRAP_FILTERS: TrapFilter[] = FILTERS.map((f) => ({
  default: false, supportsCondition: true,
  conditionDescription: 'stop only when this is true: registers, CSRs, memory (*(u64*)(sp+8)), symbols, and cause, tval, epc of the trap',
  description: f.description ?? 'stops at the trapping instruction, before the trap is taken',
  ...f,
}));

interface Counted {
  id: number;
  condition?: string;
  hitCondition?: string;
  logMessage?: string;
  hits: number;
}

interface CodeBreakpoint extends Counted {
  kind: 'breakpoint' | 'function breakpoint' | 'instruction breakpoint';
  pcs: number[];
}

interface DataBreakpoint extends Counted {
  watch: Watchpoint;
  label: string;
}

/** A DAP hit condition: "5" or ">= 5" (from the 5th hit on), "== 5", "> 5", "% 5" (every 5th). */
function hitConditionMet(text: string, hits: number): boolean {
  const m = /^\s*(>=|==|=|>|%)?\s*(\d+)\s*$/.exec(text);
  if (!m) throw new BreakpointError(`hit count "${text}" is not understood: write 5, >= 5, == 5, > 5 or % 5`);
  const n = Number(m[2]);
  switch (m[1]) {
    case '==': case '=': return hits === n;
    case '>': return hits > n;
    case '%': return n > 0 && hits % n === 0;
    default: return hits >= n;
  }
}

export class BreakpointError extends Error {}

export class Breakpoints implements StopPolicy {
  private nextId = 1;
  private readonly sources = new Map<string, CodeBreakpoint[]>();
  private functions: CodeBreakpoint[] = [];
  private instructions: CodeBreakpoint[] = [];
  private data: DataBreakpoint[] = [];
  private filters = new Map<string, string | undefined>();
  /** The filter that held each hart's pending trap. */
  private readonly heldBy = new Map<number, string>();
  private readonly unsubscribe: (() => void)[] = [];

  constructor(private readonly machine: Machine, private readonly lines: SourceLines, private readonly log: (text: string) => void) {}

  /** A file's breakpoints, replacing the previous ones; each is placed on the line's first instruction. */
  setSourceBreakpoints(file: string, requested: DebugProtocol.SourceBreakpoint[]): DebugProtocol.Breakpoint[] {
    const placed: CodeBreakpoint[] = [];
    const out = requested.map((b) => {
      const addrs = this.lines.lineToAddresses(file, b.line);
      const bp = this.counted(b, 'breakpoint', addrs.map(asPc));
      if (addrs.length === 0) {
        return { id: bp.id, verified: false, line: b.line, reason: 'failed' as const, message: 'no code for this line: the program has no line information here' };
      }
      placed.push(bp);
      const at = this.lines.addressToLine(addrs[0]);
      return { id: bp.id, verified: true, line: at?.line ?? b.line, instructionReference: formatMemoryReference('virtual', addrs[0]) };
    });
    this.sources.set(file, placed);
    return out;
  }

  setFunctionBreakpoints(requested: DebugProtocol.FunctionBreakpoint[]): DebugProtocol.Breakpoint[] {
    this.functions = [];
    return requested.map((b) => {
      const sym = this.machine.symbols.find((s) => s.name === b.name && s.type !== 'object' && s.type !== 'section' && s.type !== 'file');
      const bp = this.counted(b, 'function breakpoint', sym ? [asPc(sym.value)] : []);
      if (!sym) return { id: bp.id, verified: false, reason: 'failed' as const, message: `no function named '${b.name}' in the program's symbols` };
      this.functions.push(bp);
      const at = this.lines.addressToLine(sym.value);
      return { id: bp.id, verified: true, line: at?.line, instructionReference: formatMemoryReference('virtual', sym.value) };
    });
  }

  setInstructionBreakpoints(requested: DebugProtocol.InstructionBreakpoint[]): DebugProtocol.Breakpoint[] {
    this.instructions = [];
    return requested.map((b) => {
      let address: bigint;
      try {
        address = parseMemoryReference(b.instructionReference).address + BigInt(b.offset ?? 0);
      } catch (e) {
        return { verified: false, reason: 'failed' as const, message: (e as Error).message };
      }
      const bp = this.counted(b, 'instruction breakpoint', [asPc(address)]);
      this.instructions.push(bp);
      return { id: bp.id, verified: true, instructionReference: formatMemoryReference('virtual', address) };
    });
  }

  /** What a data breakpoint on an expression would watch: the memory it names, or why it cannot. */
  dataBreakpointInfo(expression: string, context: EvalContext, bytes?: number, asAddress = false): DebugProtocol.DataBreakpointInfoResponse['body'] {
    let address: bigint, length: number;
    try {
      const r = evaluateExpression(expression, context);
      if (asAddress || r.address === undefined) { address = r.value; length = bytes ?? 8; }
      else { address = r.address; length = bytes ?? typeSize(r.type); }
    } catch (e) {
      return { dataId: null, description: (e as Error).message };
    }
    return {
      dataId: `${formatMemoryReference('virtual', address)}:${length}`,
      description: `${length} bytes at ${hex(address)} (${expression})`,
      accessTypes: ['read', 'write', 'readWrite'], canPersist: false,
    };
  }

  setDataBreakpoints(requested: DebugProtocol.DataBreakpoint[]): DebugProtocol.Breakpoint[] {
    this.data = [];
    const out = requested.map((b) => {
      const m = /^(.*):(\d+)$/.exec(b.dataId);
      let address: bigint;
      try {
        if (!m) throw new BreakpointError(`data breakpoint id "${b.dataId}" is not understood; add it again from the Variables or Watch view`);
        address = parseMemoryReference(m[1]).address;
      } catch (e) {
        return { verified: false, reason: 'failed' as const, message: (e as Error).message };
      }
      const access = b.accessType ?? 'write';
      const watch: Watchpoint = { address: asPc(address), length: Number(m![2]), read: access !== 'write', write: access !== 'read' };
      const bp: DataBreakpoint = { ...this.counted(b, 'breakpoint', []), watch, label: `${watch.length} bytes at ${hex(address)}` };
      this.data.push(bp);
      return { id: bp.id, verified: true, message: bp.label };
    });
    this.machine.setWatchpoints(this.data.map((d) => d.watch));
    return out;
  }

  /** The trap filters the user enabled, with their conditions; traps they match are held before they are taken. */
  setExceptionFilters(filters: string[], options: DebugProtocol.ExceptionFilterOptions[] = []): DebugProtocol.Breakpoint[] {
    this.filters = new Map([...filters.map((f): [string, string | undefined] => [f, undefined]),
      ...options.map((o): [string, string | undefined] => [o.filterId, o.condition || undefined])]);
    const unknown = [...this.filters.keys()].filter((f) => !TRAP_FILTERS.some((t) => t.filter === f));
    for (const u of this.unsubscribe.splice(0)) u();
    const trapFilters = TRAP_FILTERS.filter((f) => f.matches && this.filters.has(f.filter));
    for (const h of this.machine.harts) {
      h.holdTrap = trapFilters.length > 0 ? (t) => this.hold(h, t) : undefined;
      if (this.filters.has('privilege')) {
        this.unsubscribe.push(h.events.on('privilegeChange', (e) => {
          if (this.conditionHolds(h, this.filters.get('privilege'))) h.requestStop({ kind: 'privilege', from: e.from, to: e.to });
        }));
      }
    }
    return [...this.filters.keys()].map((f) => unknown.includes(f)
      ? { verified: false, reason: 'failed' as const, message: `unknown trap filter '${f}'` }
      : { verified: true });
  }

  breakpointPcs(): number[] {
    return this.codeBreakpoints().flatMap((b) => b.pcs);
  }

  private codeBreakpoints(): CodeBreakpoint[] {
    return [...[...this.sources.values()].flat(), ...this.functions, ...this.instructions];
  }

  judge(hart: Hart, why: DebugStop): Stop | undefined {
    switch (why.kind) {
      case 'breakpoint': return this.judgeCode(hart, why.pc);
      case 'watch': return this.judgeData(hart, why);
      case 'trap': return this.describeTrap(hart, why.trap);
      case 'privilege': return {
        reason: 'exception', hart: hart.hartId,
        description: `privilege change: ${privilegeInfo(why.from).mode}-mode → ${privilegeInfo(why.to).mode}-mode`,
        exception: { id: 'privilege', description: `privilege change from ${privilegeInfo(why.from).mode}-mode to ${privilegeInfo(why.to).mode}-mode` },
      };
      case 'trapReturn': case 'firmware': return undefined;
    }
  }

  /** A trap about to be taken: hold it when an enabled filter matches and its condition holds. */
  private hold(h: Hart, t: TrapEvent): boolean {
    for (const f of TRAP_FILTERS) {
      if (!f.matches || !this.filters.has(f.filter) || !f.matches(t)) continue;
      if (!this.conditionHolds(h, this.filters.get(f.filter), t)) continue;
      this.heldBy.set(h.hartId, f.filter);
      return true;
    }
    return false;
  }

  private describeTrap(h: Hart, t: TrapEvent): Stop {
    const name = (t.interrupt ? interruptNames[t.cause] : exceptionNames[t.cause]) ?? `cause ${t.cause}`;
    const target = `${privilegeInfo(t.toPriv).mode}-mode at ${t.toPriv === 3 ? 'mtvec' : 'stvec'}=${hex(t.handler)}`;
    const description = `${name} at ${hex(t.epc)}${t.interrupt ? '' : ` (${t.toPriv === 3 ? 'mtval' : 'stval'}=${hex(t.tval)})`} — will trap to ${target}`;
    const filter = this.heldBy.get(h.hartId) ?? 'any';
    return {
      reason: 'exception', hart: h.hartId, description, text: name,
      exception: { id: filter, description, details: `${t.interrupt ? 'interrupt' : 'exception'} ${t.cause} from ${privilegeInfo(t.fromPriv).mode}-mode` },
    };
  }

  private judgeCode(h: Hart, pc: number): Stop | undefined {
    const hit = this.codeBreakpoints().filter((b) => b.pcs.includes(pc));
    const stopping = hit.filter((b) => this.counts(h, b));
    if (stopping.length === 0) return undefined;
    return { reason: stopping[0].kind, hart: h.hartId, hitBreakpointIds: stopping.map((b) => b.id) };
  }

  private judgeData(h: Hart, why: Extract<DebugStop, { kind: 'watch' }>): Stop | undefined {
    const bp = this.data.find((d) => d.watch === why.watchpoint || (d.watch.address === why.watchpoint.address && d.watch.length === why.watchpoint.length));
    if (!bp || !this.counts(h, bp)) return undefined;
    const what = `${why.write ? 'write' : 'read'} of ${why.bytes} bytes at ${hex(why.address)}`;
    return { reason: 'data breakpoint', hart: h.hartId, hitBreakpointIds: [bp.id], description: `${what} (watching ${bp.label})` };
  }

  /** A breakpoint was reached: its condition, then its hit count; a logpoint logs and never stops. */
  private counts(h: Hart, b: Counted): boolean {
    if (!this.conditionHolds(h, b.condition)) return false;
    b.hits++;
    if (b.hitCondition !== undefined && !this.hitHolds(b)) return false;
    if (b.logMessage === undefined) return true;
    this.log(this.interpolate(h, b.logMessage));
    return false;
  }

  private hitHolds(b: Counted): boolean {
    try {
      return hitConditionMet(b.hitCondition!, b.hits);
    } catch (e) {
      this.log(`breakpoint ${b.id}: ${(e as Error).message}; stopping`);
      return true;
    }
  }

  /** A condition that cannot be evaluated stops (with the reason in the Debug Console), as other debuggers do. */
  private conditionHolds(h: Hart, condition: string | undefined, trap?: TrapEvent): boolean {
    if (condition === undefined || condition.trim() === '') return true;
    try {
      return evaluateExpression(condition, this.context(h, trap)).value !== 0n;
    } catch (e) {
      if (!(e instanceof ExpressionError)) throw e;
      this.log(`condition "${condition}" cannot be evaluated (${e.message}); stopping`);
      return true;
    }
  }

  /** Logpoint text: {expression} parts are evaluated, in hex. */
  private interpolate(h: Hart, message: string): string {
    return message.replace(/\{([^{}]+)\}/g, (_, e: string) => {
      try {
        return hex(evaluateExpression(e, this.context(h)).value);
      } catch (err) {
        return `<${(err as Error).message}>`;
      }
    });
  }

  private context(h: Hart, trap?: TrapEvent): EvalContext {
    const base = machineEvalContext(this.machine, h);
    if (!trap) return base;
    const extra: Record<string, bigint> = { cause: BigInt(trap.cause), tval: trap.tval, epc: trap.epc };
    return { ...base, symbol: (name) => extra[name] ?? base.symbol(name) };
  }

  private counted(b: { condition?: string; hitCondition?: string; logMessage?: string }, kind: CodeBreakpoint['kind'], pcs: number[]): CodeBreakpoint {
    return { id: this.nextId++, kind, pcs, condition: b.condition, hitCondition: b.hitCondition, logMessage: b.logMessage, hits: 0 };
  }
}

/** Bytes of a value of an expression's type (pointers are 8). */
function typeSize(type: string): number {
  if (type.endsWith('*')) return 8;
  return Number(type.slice(1)) / 8;
}

