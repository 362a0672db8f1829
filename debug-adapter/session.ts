// The DAP session: translates Debug Adapter Protocol requests into calls on the machine, its run control and the
// debugger's models, and machine events into DAP events. No emulation logic lives here.
import {
  DebugSession, ExitedEvent, InitializedEvent, OutputEvent, StoppedEvent, TerminatedEvent, Event, Thread, ErrorDestination,
} from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Hart } from '../emulator/hart';
import { Access } from '../emulator/mmu';
import {
  EVENTS, REQUESTS, privilegeInfo, type ExitsArguments, type LaunchArguments, type PageTablesArguments, type PrivilegeEventBody, type TranslateArguments,
  type VmTranslateArguments,
} from './protocol';
import { validateLaunchArguments, type ResolvedLaunch } from './launch-config';
import { loadTarget, LaunchError, type Target } from './target';
import { Breakpoints, TRAP_FILTERS } from './breakpoints';
import { Execution, type StepKind, type Stop } from './execution';
import { Stacks } from './stack';
import { scopes, setVariable, type ScopeModel, type VariableNode } from './variables';
import { frameEvalContext, machineEvalContext } from './machine-context';
import { evaluateExpression, formatValue, type EvalContext } from './expression';
import type { CallerFrame } from './unwind';
import { runConsoleCommand } from './console-commands';
import { formatMemoryReference, hartReader, parseMemoryReference, readMemory, writeMemory, type ByteReader, type MemoryRead } from './memory';
import { disassembleRequest } from './disassembly';
import { translateResponseBody } from './page-walk';
import { GuestTerminal } from './guest-terminal';
import { loadVmTarget, type VmTarget } from './vm-target';
import { PrefixedConsole, VmDebugger } from './vm-session';
import { VmStacks } from './vm-stack';
import { isVmFilter, VM_EXIT_FILTERS } from './vm-filters';
import { exitsBody, pageTables, runVmCommand, VM_HELP, vmTranslate } from './vm-requests';
import { formatVmReference } from './vm-memory';
import type { Vcpu } from '../hypervisor/vcpu';

/** A user-facing failure of one request: sent as its error response, and the session goes on. */
class RequestError extends Error {}

/** Requests that make sense only once a program is loaded. */
const NEEDS_TARGET = new Set([
  'threads', 'stackTrace', 'scopes', 'variables', 'setVariable', 'continue', 'next', 'stepIn', 'stepOut', 'pause', 'evaluate',
  'readMemory', 'writeMemory', 'disassemble', 'setBreakpoints', 'setFunctionBreakpoints', 'setInstructionBreakpoints',
  'setExceptionBreakpoints', 'dataBreakpointInfo', 'setDataBreakpoints', 'exceptionInfo', 'configurationDone', REQUESTS.translate,
  REQUESTS.vmTranslate, REQUESTS.pageTables, REQUESTS.exits,
]);

/** Requests only a session under the VMM answers. */
const VM_REQUESTS = new Set<string>([REQUESTS.vmTranslate, REQUESTS.pageTables, REQUESTS.exits]);

/** What one session has loaded: the machine and the models over it. */
interface Loaded {
  launch: ResolvedLaunch;
  target: Target;
  breakpoints: Breakpoints;
  execution: Execution;
  stacks: Stacks;
  /** Under the VMM: threads are vCPUs, and guests are seen through their own state (see vm-session.ts). */
  vm?: VmDebugger;
  /** Under the VMM: the VMs' consoles, prefixed per VM. */
  vmConsole?: PrefixedConsole;
}

/** Breakpoint requests, replayed on restart so the new machine gets the same breakpoints. */
interface Requested {
  sources: Map<string, DebugProtocol.SourceBreakpoint[]>;
  functions: DebugProtocol.FunctionBreakpoint[];
  instructions: DebugProtocol.InstructionBreakpoint[];
  data: DebugProtocol.DataBreakpoint[];
  filters: string[];
  filterOptions: DebugProtocol.ExceptionFilterOptions[];
}

const threadId = (hart: number): number => hart + 1;

/**
 * The console relay the client runs in its terminal. Both bundles that hold this session (dist/debugAdapter.js and,
 * inline, dist/extension.js) sit next to it in dist/.
 */
const CONSOLE_RELAY = path.join(__dirname, 'consoleRelay.js');
/** How long the client may take to open the terminal before the console falls back to the Debug Console. */
const RUN_IN_TERMINAL_TIMEOUT_MS = 60_000;

export class RingsideDebugSession extends DebugSession {
  private loaded: Loaded | undefined;
  private requested: Requested = { sources: new Map(), functions: [], instructions: [], data: [], filters: [], filterOptions: [] };
  /** variablesReference → the hart, the frame's depth (0: the live hart) and the path of names from the scope down to the node. */
  private handles = new Map<number, { hart: number; depth: number; path: string[] }>();
  private nextHandle = 1;
  private lastStop: Stop | undefined;
  private configured = false;
  private output: number[] = [];
  private outputScheduled = false;
  /** The client said in initialize that it can run the console relay in a terminal. */
  private clientRunsInTerminal = false;
  /** The guest's serial line in an integrated terminal ("console": "integratedTerminal"); otherwise the Debug Console. */
  private terminal: GuestTerminal | undefined;

  constructor() {
    super();
    this.setDebuggerLinesStartAt1(true);
    this.setDebuggerColumnsStartAt1(true);
  }

  // ---- protocol plumbing: every failure is one clear message, never a stack trace ----

  protected override dispatchRequest(request: DebugProtocol.Request): void {
    const args: unknown = request.arguments;
    if (args !== undefined && (typeof args !== 'object' || args === null || Array.isArray(args))) {
      this.fail(request, `the arguments of '${request.command}' must be a JSON object`);
      return;
    }
    request.arguments ??= {};
    if (NEEDS_TARGET.has(request.command) && !this.loaded) {
      this.fail(request, `'${request.command}' needs a running program: send 'launch' first`);
      return;
    }
    super.dispatchRequest(request);
  }

  /** The library reports exceptions from handlers with their stack; ours are reported by `guard` instead. */
  protected override sendErrorResponse(response: DebugProtocol.Response, codeOrMessage: number | DebugProtocol.Message, format?: string,
    variables?: Record<string, string>, dest?: ErrorDestination): void {
    if (typeof codeOrMessage === 'number' && format === '{_stack}') {
      super.sendErrorResponse(response, { id: 1104, format: `internal error in '${response.command}': ${variables?._exception ?? 'unknown'}`, showUser: true });
      return;
    }
    super.sendErrorResponse(response, codeOrMessage as DebugProtocol.Message, format, variables, dest);
  }

  private fail(request: DebugProtocol.Request, message: string): void {
    const response: DebugProtocol.Response = { seq: 0, type: 'response', request_seq: request.seq, command: request.command, success: false };
    super.sendErrorResponse(response, { id: 1, format: message.replace(/[{}]/g, ''), showUser: true });
  }

  /** Runs a handler; a RequestError (or a model's error) becomes the response's message. */
  private guard(response: DebugProtocol.Response, body: () => void): void {
    try {
      body();
      this.sendResponse(response);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      super.sendErrorResponse(response, { id: 2, format: message.replace(/[{}]/g, ''), showUser: true });
    }
  }

  private get l(): Loaded {
    return this.loaded!;
  }

  private hartOf(thread: unknown): Hart {
    const harts = this.l.target.machine.harts;
    if (typeof thread !== 'number' || !Number.isInteger(thread) || thread < 1 || thread > harts.length) {
      throw new RequestError(`thread ${String(thread)} does not exist: threads are 1..${harts.length}, one per hart`);
    }
    return harts[thread - 1];
  }

  /** The hart requests without a thread refer to: the one that stopped last. */
  private get focus(): Hart {
    return this.l.target.machine.harts[this.lastStop?.hart ?? 0];
  }

  /** Under the VMM, the vCPU requests without a thread refer to: the one that stopped last. */
  private get focusVcpu(): Vcpu {
    const vm = this.l.vm!;
    return this.lastStop ? vm.vcpuOf(vm.threadOfStop(this.lastStop)) : vm.vcpus[0];
  }

  /** The thread a stop is reported on: its hart's, or under the VMM its vCPU's. */
  private threadOfStop(s: Stop): number {
    return this.l.vm ? this.l.vm.threadOfStop(s) : threadId(s.hart);
  }



  private needStopped(): void {
    if (this.l.execution.running) throw new RequestError('the program is running: pause it first');
  }

  // ---- initialize, launch, configuration ----

  protected override initializeRequest(response: DebugProtocol.InitializeResponse, args: DebugProtocol.InitializeRequestArguments): void {
    this.clientRunsInTerminal = args.supportsRunInTerminalRequest === true;
    response.body = {
      supportsConfigurationDoneRequest: true,
      supportsConditionalBreakpoints: true,
      supportsHitConditionalBreakpoints: true,
      supportsLogPoints: true,
      supportsFunctionBreakpoints: true,
      supportsInstructionBreakpoints: true,
      supportsDataBreakpoints: true,
      supportsDataBreakpointBytes: true,
      supportsEvaluateForHovers: true,
      supportsSetVariable: true,
      supportsReadMemoryRequest: true,
      supportsWriteMemoryRequest: true,
      supportsDisassembleRequest: true,
      supportsSteppingGranularity: true,
      supportsExceptionInfoRequest: true,
      supportsExceptionOptions: false,
      supportsExceptionFilterOptions: true,
      exceptionBreakpointFilters: [...TRAP_FILTERS, ...VM_EXIT_FILTERS].map(({ matches: _m, ...f }) => f),
      supportsRestartRequest: true,
      supportsTerminateRequest: true,
      supportsValueFormattingOptions: true,
      supportsDelayedStackTraceLoading: true,
      supportsSingleThreadExecutionRequests: false,
    };
    this.sendResponse(response);
  }

  protected override launchRequest(response: DebugProtocol.LaunchResponse, args: DebugProtocol.LaunchRequestArguments): void {
    this.guard(response, () => {
      if (this.loaded) throw new RequestError('a program is already running in this session');
      const a = args as LaunchArguments;
      const v = validateLaunchArguments(a, typeof a.cwd === 'string' ? a.cwd : process.cwd());
      if (!v.ok) throw new RequestError(v.error);
      this.load(v.launch);
      if (v.launch.console === 'integratedTerminal') this.openTerminal(v.launch);
      this.sendEvent(new InitializedEvent());
    });
  }

  private load(launch: ResolvedLaunch): void {
    let target: Target, vmTarget: VmTarget | undefined;
    try {
      target = launch.vmm ? (vmTarget = loadVmTarget(launch, launch.vmm)) : loadTarget(launch);
    } catch (e) {
      if (e instanceof LaunchError) throw new RequestError(`Ringside cannot launch: ${e.message}`);
      throw e;
    }
    const m = target.machine;
    const log = (text: string): void => this.sendEvent(new OutputEvent(`${text}\n`, 'console'));
    const breakpoints = new Breakpoints(m, target.lines, log);
    const stacks = new Stacks(m, target.lines, target.cfi);
    const vm = vmTarget ? new VmDebugger(vmTarget, breakpoints, log) : undefined;
    const execution = vm ? new Execution(m, vm, vm.stacks, launch.maxInstructions ?? Infinity) : new Execution(m, breakpoints, stacks, launch.maxInstructions ?? Infinity);
    execution.events.on('stopped', (s) => this.stopped(s));
    execution.events.on('exited', (e) => this.exited(e.code, e.message));
    let vmConsole: PrefixedConsole | undefined;
    if (vm) {
      const eol = launch.console === 'integratedTerminal' ? '\r\n' : '\n';
      const console = new PrefixedConsole((text) => { for (const b of Buffer.from(text, 'latin1')) this.guestOutput(b); }, eol);
      for (const machineVm of vm.vms) machineVm.events.on('output', (b) => console.byte(machineVm.name, b));
      vmConsole = console;
    } else {
      m.events.on('output', (b) => this.guestOutput(b));
    }
    this.loaded = { launch, target, breakpoints, execution, stacks, vm, vmConsole };
    for (const w of target.warnings) this.sendEvent(new OutputEvent(`ringside: ${w}\n`, 'console'));
  }

  protected override configurationDoneRequest(response: DebugProtocol.ConfigurationDoneResponse): void {
    this.guard(response, () => {
      if (this.configured) return;
      this.configured = true;
      this.begin();
    });
  }

  private begin(): void {
    const l = this.l;
    if (l.launch.stopOnEntry && !l.launch.noDebug) l.execution.announce({ reason: 'entry', hart: 0, description: 'stopped at the entry point' });
    else l.execution.continue();
  }

  protected override restartRequest(response: DebugProtocol.RestartResponse): void {
    this.guard(response, () => {
      if (!this.loaded) throw new RequestError("'restart' needs a running program: send 'launch' first");
      const launch = this.l.launch;
      this.shutdownMachine();
      this.loaded = undefined;
      this.load(launch);
      this.replayBreakpoints();
      this.begin();
    });
  }

  protected override disconnectRequest(response: DebugProtocol.DisconnectResponse): void {
    this.shutdownMachine();
    this.closeTerminal();
    this.sendResponse(response);
    this.shutdown(); // the standalone adapter exits; inline, the library ignores it
  }

  protected override terminateRequest(response: DebugProtocol.TerminateResponse): void {
    this.shutdownMachine();
    this.closeTerminal();
    this.sendResponse(response);
    this.sendEvent(new TerminatedEvent());
  }

  /** Stops running and writes guest disk writes back to their files. */
  private shutdownMachine(): void {
    if (!this.loaded) return;
    this.l.execution.terminate();
    for (const d of this.l.target.disks) {
      try { d.flush(); d.close(); } catch (e) { this.sendEvent(new OutputEvent(`ringside: ${(e as Error).message}\n`, 'stderr')); }
    }
    this.l.target.disks.length = 0;
  }

  // ---- breakpoints ----

  protected override setBreakPointsRequest(response: DebugProtocol.SetBreakpointsResponse, args: DebugProtocol.SetBreakpointsArguments): void {
    this.guard(response, () => {
      const file = args.source?.path;
      if (typeof file !== 'string') throw new RequestError("'setBreakpoints' needs source.path: breakpoints are set in files");
      const bps = Array.isArray(args.breakpoints) ? args.breakpoints : (args.lines ?? []).map((line) => ({ line }));
      this.requested.sources.set(file, bps);
      response.body = { breakpoints: this.l.breakpoints.setSourceBreakpoints(file, bps) };
      this.l.execution.breakpointsChanged();
    });
  }

  protected override setFunctionBreakPointsRequest(response: DebugProtocol.SetFunctionBreakpointsResponse, args: DebugProtocol.SetFunctionBreakpointsArguments): void {
    this.guard(response, () => {
      this.requested.functions = asArray(args.breakpoints, 'breakpoints');
      response.body = { breakpoints: this.l.breakpoints.setFunctionBreakpoints(this.requested.functions) };
      this.l.execution.breakpointsChanged();
    });
  }

  protected override setInstructionBreakpointsRequest(response: DebugProtocol.SetInstructionBreakpointsResponse, args: DebugProtocol.SetInstructionBreakpointsArguments): void {
    this.guard(response, () => {
      this.requested.instructions = asArray(args.breakpoints, 'breakpoints');
      response.body = { breakpoints: this.l.breakpoints.setInstructionBreakpoints(this.instructionReferences(this.requested.instructions)) };
      this.l.execution.breakpointsChanged();
    });
  }

  /**
   * Under the VMM, instruction breakpoints are guest pcs (gva:vm0:0x…); the machine's breakpoints are virtual pcs,
   * which every guest's code runs at, so they stop any vCPU that reaches that pc.
   */
  private instructionReferences(list: DebugProtocol.InstructionBreakpoint[]): DebugProtocol.InstructionBreakpoint[] {
    const vm = this.l.vm;
    if (!vm) return list;
    return list.map((b) => {
      try {
        const at = vm.address(b.instructionReference, this.focusVcpu);
        return at.space === 'gva' ? { ...b, instructionReference: formatMemoryReference('virtual', at.address) } : b;
      } catch {
        return b; // the breakpoint model reports the reference it cannot read
      }
    });
  }

  protected override setExceptionBreakPointsRequest(response: DebugProtocol.SetExceptionBreakpointsResponse, args: DebugProtocol.SetExceptionBreakpointsArguments): void {
    this.guard(response, () => {
      this.requested.filters = asArray(args.filters, 'filters');
      this.requested.filterOptions = args.filterOptions ?? [];
      response.body = { breakpoints: this.applyExceptionFilters(this.requested.filters, this.requested.filterOptions) };
    });
  }

  /** Bare trap filters go to the hart hooks, VM-exit filters to the VMM hook; one answer per filter, in order. */
  private applyExceptionFilters(filters: string[], options: DebugProtocol.ExceptionFilterOptions[]): DebugProtocol.Breakpoint[] {
    const vmFilter = (id: string): boolean => isVmFilter(id);
    const bare = this.l.breakpoints.setExceptionFilters(filters.filter((f) => !vmFilter(f)), options.filter((o) => !vmFilter(o.filterId)));
    const all = [...filters, ...options.map((o) => o.filterId).filter((f) => !filters.includes(f))];
    const vmFilters = new Map<string, string | undefined>([...filters.filter(vmFilter).map((f): [string, undefined] => [f, undefined]),
      ...options.filter((o) => vmFilter(o.filterId)).map((o): [string, string | undefined] => [o.filterId, o.condition || undefined])]);
    this.l.vm?.watch.setFilters(vmFilters);
    let next = 0;
    return all.map((f) => (!vmFilter(f) ? bare[next++]
      : this.l.vm ? { verified: true } : { verified: false, reason: 'failed' as const, message: `'${f}' is a VM-exit filter: it applies only when the launch configuration has "vmm"` }));
  }

  protected override dataBreakpointInfoRequest(response: DebugProtocol.DataBreakpointInfoResponse, args: DebugProtocol.DataBreakpointInfoArguments): void {
    this.guard(response, () => {
      if (typeof args.name !== 'string') throw new RequestError("'dataBreakpointInfo' needs a name: an expression naming memory, such as total or *(u64*)(sp+8)");
      if (args.variablesReference !== undefined && !args.asAddress) {
        const node = this.variableNode(args.variablesReference, args.name);
        if (!node?.evaluateName || !node.evaluateName.startsWith('*')) {
          response.body = { dataId: null, description: `${args.name} is a register, not memory: add a data breakpoint on an address (e.g. *(u64*)${node?.evaluateName ?? args.name})` };
          return;
        }
      }
      response.body = this.l.breakpoints.dataBreakpointInfo(args.name, this.evalContext(args.frameId).context, args.bytes, args.asAddress);
    });
  }

  protected override setDataBreakpointsRequest(response: DebugProtocol.SetDataBreakpointsResponse, args: DebugProtocol.SetDataBreakpointsArguments): void {
    this.guard(response, () => {
      this.requested.data = asArray(args.breakpoints, 'breakpoints');
      response.body = { breakpoints: this.l.breakpoints.setDataBreakpoints(this.requested.data) };
    });
  }

  private replayBreakpoints(): void {
    const b = this.l.breakpoints, r = this.requested;
    for (const [file, bps] of r.sources) b.setSourceBreakpoints(file, bps);
    b.setFunctionBreakpoints(r.functions);
    b.setDataBreakpoints(r.data);
    b.setInstructionBreakpoints(this.instructionReferences(r.instructions));
    this.applyExceptionFilters(r.filters, r.filterOptions);
    this.l.execution.breakpointsChanged();
  }

  // ---- execution ----

  protected override continueRequest(response: DebugProtocol.ContinueResponse): void {
    this.guard(response, () => {
      response.body = { allThreadsContinued: true };
      this.resume(() => this.l.execution.continue());
    });
  }

  protected override nextRequest(response: DebugProtocol.NextResponse, args: DebugProtocol.NextArguments): void {
    this.guard(response, () => this.step(args.threadId, 'over', granularity(args.granularity)));
  }

  protected override stepInRequest(response: DebugProtocol.StepInResponse, args: DebugProtocol.StepInArguments): void {
    this.guard(response, () => this.step(args.threadId, 'in', granularity(args.granularity)));
  }

  protected override stepOutRequest(response: DebugProtocol.StepOutResponse, args: DebugProtocol.StepOutArguments): void {
    this.guard(response, () => this.step(args.threadId, 'out', granularity(args.granularity)));
  }

  /** A step of a hart, or of a vCPU: from its VMM frame back into the guest, else through its guest code. */
  private step(thread: number, kind: StepKind, g: 'line' | 'instruction'): void {
    const vm = this.l.vm;
    if (!vm) { const hart = this.hartOf(thread).hartId; this.resume(() => this.l.execution.step(hart, kind, g)); return; }
    const v = vm.vcpuOf(thread), back = vm.leaveExit(v);
    this.resume(() => {
      if (back) { this.l.execution.announce(back); return; }
      vm.beginStep(v, kind, g);
      this.l.execution.step(v.hart.hartId, kind, g);
    });
  }

  protected override pauseRequest(response: DebugProtocol.PauseResponse): void {
    this.guard(response, () => this.l.execution.pause());
  }

  /** Resumes after the response is sent, so that `stopped` never arrives before the request's own response. */
  private resume(go: () => void): void {
    if (this.l.execution.exited) throw new RequestError('the program has exited: restart the session to run it again');
    this.needStopped();
    this.invalidate();
    this.l.vm?.resuming();
    setImmediate(go);
  }

  private invalidate(): void {
    this.handles.clear();
    this.l.stacks.invalidate();
    this.l.vm?.stacks.invalidate();
  }

  private stopped(s: Stop): void {
    this.lastStop = s;
    this.invalidate();
    this.l.vmConsole?.flush();
    this.flushOutput();
    const thread = this.threadOfStop(s);
    this.l.vm?.stopped();
    const e = new StoppedEvent(s.reason, thread, s.text) as DebugProtocol.StoppedEvent;
    e.body.allThreadsStopped = true;
    if (s.description) e.body.description = s.description;
    if (s.hitBreakpointIds) e.body.hitBreakpointIds = s.hitBreakpointIds;
    this.sendEvent(e);
    const priv = this.l.vm ? this.l.vm.vcpuOf(thread).vpriv : this.l.target.machine.harts[s.hart].priv;
    const body: PrivilegeEventBody = { threadId: thread, ...privilegeInfo(priv) };
    this.sendEvent(new Event(EVENTS.privilege, body));
  }

  private exited(code: number, message: string): void {
    this.l.vmConsole?.flush();
    this.flushOutput();
    this.sendEvent(new OutputEvent(`ringside: ${message}\n`, 'console'));
    this.sendEvent(new ExitedEvent(code));
    this.sendEvent(new TerminatedEvent());
  }

  // ---- guest console ----

  private guestOutput(byte: number): void {
    this.output.push(byte);
    if (this.outputScheduled) return;
    this.outputScheduled = true;
    setImmediate(() => this.flushOutput());
  }

  private flushOutput(): void {
    this.outputScheduled = false;
    if (this.output.length === 0) return;
    const bytes = Buffer.from(this.output);
    this.output = [];
    if (this.terminal) this.terminal.write(bytes);
    else this.sendEvent(new OutputEvent(bytes.toString('latin1'), 'stdout'));
  }

  /** Bytes for the guest's UART, as if typed on its serial line. */
  private guestInput(bytes: Uint8Array): void {
    if (!this.loaded) return; // between machines on restart
    if (this.l.vm) this.focusVcpu.vm.input(bytes);
    else this.l.target.machine.uart.receive(bytes);
    this.l.execution.wake();
  }

  /**
   * Moves the guest's console to an integrated terminal: listens on 127.0.0.1, then asks the client to run the relay
   * that connects there. Output until it connects is kept. Keys arrive raw: Enter is '\r', as QEMU's -serial stdio
   * passes it, since a 16550 guest reads what a serial terminal sends (Linux's tty maps it with ICRNL).
   */
  private openTerminal(launch: ResolvedLaunch): void {
    if (!this.clientRunsInTerminal) {
      this.consoleNote('"console": "integratedTerminal" needs a client that can run programs in a terminal (runInTerminal), and this one cannot; the guest\'s console is in the Debug Console');
      return;
    }
    if (!fs.existsSync(CONSOLE_RELAY)) {
      this.consoleNote(`the console relay ${CONSOLE_RELAY} is missing (run npm run build); the guest's console is in the Debug Console`);
      return;
    }
    const terminal = new GuestTerminal();
    this.terminal = terminal;
    terminal.events.on('input', (b) => this.guestInput(b));
    terminal.events.on('lost', () => this.leaveTerminal(terminal, 'the guest\'s terminal was closed; its console continues in the Debug Console'));
    terminal.listening.then((port) => {
      if (this.terminal !== terminal) return;
      const program = launch.programs[0] ?? launch.kernel ?? launch.bios ?? 'guest';
      const args: DebugProtocol.RunInTerminalRequestArguments = {
        kind: 'integrated', title: `Ringside: ${path.basename(program)}`, cwd: launch.cwd,
        args: [process.execPath, CONSOLE_RELAY, String(port)],
        // Inline, process.execPath is the editor's Electron, which runs a script as Node only when told so.
        env: { ELECTRON_RUN_AS_NODE: '1' },
      };
      this.runInTerminalRequest(args, RUN_IN_TERMINAL_TIMEOUT_MS, (r) => {
        if (!r.success) this.leaveTerminal(terminal, `the client could not open a terminal (${r.message ?? 'no reason given'}); the guest's console is in the Debug Console`);
      });
    }, (e: Error) => this.leaveTerminal(terminal, `cannot listen on 127.0.0.1 for the guest's terminal (${e.message}); the guest's console is in the Debug Console`));
  }

  /** Falls back to the Debug Console, with what the terminal had not shown yet. */
  private leaveTerminal(terminal: GuestTerminal, why: string): void {
    if (this.terminal !== terminal) return;
    this.terminal = undefined;
    const unseen = terminal.takePending();
    terminal.close();
    this.consoleNote(why);
    if (unseen.length > 0) this.sendEvent(new OutputEvent(Buffer.from(unseen).toString('latin1'), 'stdout'));
  }

  private closeTerminal(): void {
    this.flushOutput();
    this.terminal?.close();
    this.terminal = undefined;
  }

  private consoleNote(text: string): void {
    this.sendEvent(new OutputEvent(`ringside: ${text}\n`, 'console'));
  }

  // ---- threads and stacks ----

  protected override threadsRequest(response: DebugProtocol.ThreadsResponse): void {
    response.body = { threads: this.l.vm ? this.l.vm.threads() : this.l.target.machine.harts.map((h) => new Thread(threadId(h.hartId), `hart ${h.hartId}`)) };
    this.sendResponse(response);
  }

  protected override stackTraceRequest(response: DebugProtocol.StackTraceResponse, args: DebugProtocol.StackTraceArguments): void {
    this.guard(response, () => {
      this.needStopped();
      const vm = this.l.vm;
      response.body = vm ? vm.stacks.stackTrace(vm.threadOf(vm.vcpuOf(args.threadId)) - 1, args.startFrame ?? 0, args.levels ?? 0)
        : this.l.stacks.stackTrace(this.hartOf(args.threadId), args.startFrame ?? 0, args.levels ?? 0);
    });
  }

  // ---- variables ----

  protected override scopesRequest(response: DebugProtocol.ScopesResponse, args: DebugProtocol.ScopesArguments): void {
    this.guard(response, () => {
      this.needStopped();
      const { hart, depth } = this.decodeFrameId(Number(args.frameId));
      response.body = {
        scopes: this.scopesOf(hart, depth).map((s) => ({
          name: s.name, presentationHint: s.presentationHint, expensive: false, variablesReference: this.handle(hart, depth, [s.name]),
        })),
      };
    });
  }

  protected override variablesRequest(response: DebugProtocol.VariablesResponse, args: DebugProtocol.VariablesArguments): void {
    this.guard(response, () => {
      this.needStopped();
      const h = this.handles.get(args.variablesReference);
      if (!h) throw new RequestError(`variables reference ${args.variablesReference} is stale: the program moved since; expand the view again`);
      const hex = args.format?.hex ?? true;
      const nodes = this.childrenOf(h.hart, h.depth, h.path, hex);
      response.body = { variables: nodes.map((n) => this.dapVariable(h.hart, h.depth, [...h.path, n.name], n)) };
    });
  }

  protected override setVariableRequest(response: DebugProtocol.SetVariableResponse, args: DebugProtocol.SetVariableArguments): void {
    this.guard(response, () => {
      this.needStopped();
      const h = this.handles.get(args.variablesReference);
      if (!h) throw new RequestError(`variables reference ${args.variablesReference} is stale: expand the view again`);
      const path = [...h.path, args.name], hex = args.format?.hex ?? true;
      const hart = this.l.target.machine.harts[h.hart];
      const node = this.l.vm ? this.l.vm.setVariable(h.hart, h.depth, path, String(args.value), hex)
        : setVariable(hart, path, String(args.value), hex, this.callerFrame(hart, h.depth));
      this.l.stacks.invalidate();
      const v = this.dapVariable(h.hart, h.depth, [...h.path, node.name], node);
      response.body = { value: v.value, type: v.type, variablesReference: v.variablesReference, memoryReference: v.memoryReference };
    });
  }

  /** The frame at `depth` of a hart's stack when it is a caller (depth > 0); undefined for the live hart. */
  private callerFrame(hart: Hart, depth: number): CallerFrame | undefined {
    if (depth === 0) return undefined;
    const frame = this.l.stacks.frames(hart)[depth];
    if (!frame) throw new RequestError(`frame ${depth} of hart ${hart.hartId} does not exist: ask for the stack trace again`);
    return { depth, frame };
  }

  /** Scopes of a frame of thread index `index` (a hart, or under the VMM a vCPU). */
  private scopesOf(index: number, depth: number): ScopeModel[] {
    if (this.l.vm) return this.l.vm.scopes(index, depth);
    const hart = this.hartOf(index + 1);
    return scopes(hart, this.callerFrame(hart, depth));
  }

  /** The thread index (0-based) and depth a frameId stands for. */
  private decodeFrameId(id: number): { hart: number; depth: number } {
    if (!this.l.vm) return Stacks.decodeFrameId(id);
    const { thread, depth } = VmStacks.decodeFrameId(id);
    this.l.vm.vcpuOf(thread + 1);
    return { hart: thread, depth };
  }

  /** The hart a frameId names (the focused one without), and the evaluator's view of that frame. */
  private evalContext(frameId: number | undefined): { hart: Hart; context: EvalContext } {
    const vm = this.l.vm;
    if (vm) {
      const v = frameId === undefined ? this.focusVcpu : vm.vcpuOf(this.decodeFrameId(frameId).hart + 1);
      return { hart: v.hart, context: vm.context(v, frameId === undefined ? 0 : this.decodeFrameId(frameId).depth) };
    }
    if (frameId === undefined) return { hart: this.focus, context: machineEvalContext(this.l.target.machine, this.focus) };
    const { hart: index, depth } = Stacks.decodeFrameId(frameId);
    const hart = this.hartOf(index + 1);
    const caller = this.callerFrame(hart, depth);
    return { hart, context: caller ? frameEvalContext(this.l.target.machine, hart, caller) : machineEvalContext(this.l.target.machine, hart) };
  }

  private childrenOf(hart: number, depth: number, path: string[], hex: boolean): VariableNode[] {
    const scope = this.scopesOf(hart, depth).find((s) => s.name === path[0]);
    if (!scope) throw new RequestError(`no scope named ${path[0]}`);
    let nodes = scope.variables(hex);
    for (const name of path.slice(1)) {
      const n = nodes.find((x) => x.name === name);
      if (!n?.children) throw new RequestError(`no variable ${path.join('.')}`);
      nodes = n.children(hex);
    }
    return nodes;
  }

  private variableNode(reference: number, name: string): VariableNode | undefined {
    const h = this.handles.get(reference);
    return h ? this.childrenOf(h.hart, h.depth, h.path, true).find((n) => n.name === name) : undefined;
  }

  private dapVariable(hart: number, depth: number, path: string[], n: VariableNode): DebugProtocol.Variable {
    return {
      name: n.name, value: n.value, type: n.type, evaluateName: n.evaluateName, memoryReference: n.memoryReference,
      variablesReference: n.children ? this.handle(hart, depth, path) : 0,
      presentationHint: n.editable ? undefined : { attributes: ['readOnly'] },
    };
  }

  private handle(hart: number, depth: number, path: string[]): number {
    const id = this.nextHandle++;
    this.handles.set(id, { hart, depth, path });
    return id;
  }

  // ---- evaluate and the Debug Console ----

  protected override evaluateRequest(response: DebugProtocol.EvaluateResponse, args: DebugProtocol.EvaluateArguments): void {
    this.guard(response, () => {
      const text = String(args.expression ?? '');
      if (this.l.execution.running) {
        if (args.context !== 'repl') throw new RequestError('the program is running: pause it to evaluate expressions');
        this.guestInput(Buffer.from(`${text}\n`, 'latin1'));
        response.body = { result: `(sent to the guest's console: ${JSON.stringify(text)})`, variablesReference: 0 };
        return;
      }
      const { hart, context } = this.evalContext(args.frameId);
      if (args.context === 'repl') {
        const input = /^input\s(.*)$/s.exec(text);
        if (input) {
          this.guestInput(Buffer.from(`${input[1]}\n`, 'latin1'));
          response.body = { result: `(queued for the guest's console: ${JSON.stringify(input[1])})`, variablesReference: 0 };
          return;
        }
        const vmOut = this.l.vm ? this.vmCommand(text) : undefined;
        if (vmOut !== undefined) { response.body = { result: vmOut, variablesReference: 0 }; return; }
        const out = runConsoleCommand(text, { machine: this.l.target.machine, hart, context });
        if (out) { response.body = { result: out.output, variablesReference: 0 }; return; }
      }
      const r = evaluateExpression(text, context);
      const hex = args.format?.hex ?? true;
      response.body = {
        result: formatValue(r.value, r.type, hex), type: r.type, variablesReference: 0,
        memoryReference: r.address === undefined ? undefined
          : this.l.vm ? formatVmReference('gva', this.focusVcpu.vm, r.address) : formatMemoryReference('virtual', r.address),
      };
    });
  }

  /** A VM console command (help lists them before the bare machine's), or undefined when the line is none. */
  private vmCommand(text: string): string | undefined {
    if (text.trim() === 'help') return `${VM_HELP}\n\n${runConsoleCommand('help', { machine: this.l.target.machine, hart: this.focus, context: machineEvalContext(this.l.target.machine, this.focus) })!.output}`;
    return runVmCommand(this.l.vm!, text, this.focusVcpu);
  }

  protected override exceptionInfoRequest(response: DebugProtocol.ExceptionInfoResponse): void {
    this.guard(response, () => {
      const x = this.lastStop?.exception;
      if (!x) throw new RequestError('the program did not stop on a trap');
      response.body = { exceptionId: x.id, description: x.description, breakMode: 'always', details: { message: x.details } };
    });
  }

  // ---- memory ----

  protected override readMemoryRequest(response: DebugProtocol.ReadMemoryResponse, args: DebugProtocol.ReadMemoryArguments): void {
    this.guard(response, () => {
      this.needStopped();
      const { start, read } = this.memoryAccess(String(args.memoryReference), args.offset);
      const r = read(Number(args.count));
      // DAP: the readable bytes from the start, then how many unreadable ones follow them.
      const first = r.unreadable[0];
      const readable = first === undefined ? r.data.length : first.offset;
      response.body = {
        address: `0x${start.toString(16)}`,
        data: Buffer.from(r.data.subarray(0, readable)).toString('base64'),
        unreadableBytes: first === undefined ? 0 : first.length,
      };
    });
  }

  protected override writeMemoryRequest(response: DebugProtocol.WriteMemoryResponse, args: DebugProtocol.WriteMemoryArguments): void {
    this.guard(response, () => {
      this.needStopped();
      const { start, write } = this.memoryAccess(String(args.memoryReference), args.offset);
      const data = Buffer.from(String(args.data), 'base64');
      const written = write(data);
      if (written < data.length && !args.allowPartial) {
        throw new RequestError(`only ${written} of ${data.length} bytes at 0x${start.toString(16)} are writable RAM; nothing beyond was written`);
      }
      this.invalidate();
      response.body = { bytesWritten: written };
    });
  }

  protected override disassembleRequest(response: DebugProtocol.DisassembleResponse, args: DebugProtocol.DisassembleArguments): void {
    this.guard(response, () => {
      this.needStopped();
      const count = Number(args.instructionCount);
      if (!Number.isInteger(count) || count < 0 || count > 100_000) throw new RequestError('instructionCount must be a whole number up to 100000');
      const { address, reader } = this.memoryAccess(String(args.memoryReference), 0);
      response.body = {
        instructions: disassembleRequest(reader, { ...args, instructionCount: count, address },
          this.l.target.machine.symbols, this.l.target.lines),
      };
    });
  }

  /**
   * Memory a reference names, as reads and writes at reference + offset: the focused hart's virtual or physical space,
   * or under the VMM a guest's gva/gpa space or machine memory (mpa).
   */
  private memoryAccess(ref: string, offset: number | undefined): {
    address: bigint; start: bigint; reader: ByteReader; read: (n: number) => MemoryRead; write: (data: Uint8Array) => number;
  } {
    const vm = this.l.vm;
    if (vm) {
      const at = vm.address(ref, this.focusVcpu), view = vm.view(at.vm?.vcpus.includes(this.focusVcpu) === false ? at.vm.vcpus[0] : this.focusVcpu);
      const start = BigInt.asUintN(64, at.address + BigInt(offset ?? 0)), here = { ...at, address: start };
      return { address: at.address, start, reader: view.reader(at.space, at.vm), read: (n) => view.read(here, n), write: (d) => view.write(here, d) };
    }
    const { space, address } = parseMemoryReference(ref);
    const m = this.l.target.machine, h = this.focus, start = BigInt.asUintN(64, address + BigInt(offset ?? 0));
    return { address, start, reader: hartReader(m, h, space), read: (n) => readMemory(m, h, space, start, n), write: (d) => writeMemory(m, h, space, start, d) };
  }

  // ---- custom requests ----

  protected override customRequest(command: string, response: DebugProtocol.Response, args: unknown): void {
    if (VM_REQUESTS.has(command)) { this.vmRequest(command, response, args); return; }
    if (command !== REQUESTS.translate) { super.customRequest(command, response, args); return; }
    this.guard(response, () => {
      this.needStopped();
      const a = args as TranslateArguments;
      if (typeof a.address !== 'string') throw new RequestError(`'${REQUESTS.translate}' needs address: an expression such as sp or 0x80001000`);
      const hart = a.threadId !== undefined ? this.hartOf(a.threadId) : this.focus;
      const va = evaluateExpression(a.address, machineEvalContext(this.l.target.machine, hart)).value;
      const access = a.access === 'store' ? Access.Store : a.access === 'fetch' ? Access.Fetch : Access.Load;
      response.body = translateResponseBody(hart.walk(va, access));
    });
  }

  private vmRequest(command: string, response: DebugProtocol.Response, args: unknown): void {
    this.guard(response, () => {
      const vm = this.l.vm;
      if (!vm) throw new RequestError(`'${command}' needs VMs: launch with a "vmm" configuration`);
      this.needStopped();
      const a = (args ?? {}) as Record<string, unknown>;
      if (command !== REQUESTS.exits && a.vm === undefined) throw new RequestError(`'${command}' needs vm: a VM's name or index`);
      if (command === REQUESTS.vmTranslate) response.body = vmTranslate(vm, a as unknown as VmTranslateArguments, this.focusVcpu);
      else if (command === REQUESTS.pageTables) response.body = pageTables(vm, a as unknown as PageTablesArguments, this.focusVcpu);
      else response.body = exitsBody(vm, a as ExitsArguments);
    });
  }
}

/** DAP's 'statement' granularity steps by line here: a source line is the statement of assembly. */
function granularity(g: DebugProtocol.SteppingGranularity | undefined): 'line' | 'instruction' {
  return g === 'instruction' ? 'instruction' : 'line';
}

function asArray<T>(v: T[] | undefined, what: string): T[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw new RequestError(`${what} must be an array`);
  return v;
}
