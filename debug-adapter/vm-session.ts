// A debug session's model of VMs under the VMM: threads are vCPUs, stops at exits carry a VMM frame, and every view
// of a guest (stack, variables, memory, expressions) goes through the guest's own state. session.ts translates to it.
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { DebugStop, Hart } from '../emulator/hart';
import type { Vm } from '../hypervisor/vm';
import type { Vcpu } from '../hypervisor/vcpu';
import type { ExitView } from '../hypervisor/trap-log';
import { csrNumberByName } from '../emulator/csr/table';
import { peekCsr } from './machine-context';
import type { EvalContext } from './expression';
import type { Breakpoints } from './breakpoints';
import type { Granularity, StepKind, Stop, StopPolicy } from './execution';
import { VariableError, type ScopeModel, type VariableNode } from './variable-model';
import { VmExitWatch, type ExitStop } from './vm-filters';
import { VmStacks, vmmFrameName, type VcpuFocus } from './vm-stack';
import { applyVcpuEdit, vcpuScopes } from './vm-variables';
import { GuestView, parseVmReference, type VmAddress } from './vm-memory';
import type { VmTarget } from './vm-target';

const hex = (v: bigint | number): string => `0x${BigInt.asUintN(64, BigInt(v)).toString(16)}`;

export class VmDebugger implements VcpuFocus, StopPolicy {
  readonly vcpus: readonly Vcpu[];
  readonly vms: readonly Vm[];
  readonly watch: VmExitWatch;
  readonly stacks: VmStacks;
  private readonly exits = new Map<Vcpu, ExitView>();
  /** The vCPU a step was asked for, while the step runs and until its stop is reported. */
  private stepping: Vcpu | undefined;

  constructor(readonly target: VmTarget, private readonly breakpoints: Breakpoints, log: (text: string) => void) {
    this.vcpus = target.vcpus;
    this.vms = target.vmm.vms;
    this.stacks = new VmStacks(target.machine, target.vmm, this, target.lines, target.cfi);
    this.watch = new VmExitWatch(target.vmm, (v) => this.context(v), log);
  }

  // ---- threads ----

  threads(): DebugProtocol.Thread[] {
    return this.vcpus.map((v, i) => ({ id: i + 1, name: v.name }));
  }

  /** The vCPU of a DAP thread id; throws naming the threads there are. */
  vcpuOf(thread: unknown): Vcpu {
    if (typeof thread !== 'number' || !Number.isInteger(thread) || thread < 1 || thread > this.vcpus.length) {
      throw new VariableError(`thread ${String(thread)} does not exist: threads are 1..${this.vcpus.length}, one per vCPU (${this.vcpus.map((v) => v.name).join(', ')})`);
    }
    return this.vcpus[thread - 1];
  }

  threadOf(v: Vcpu): number {
    return this.vcpus.indexOf(v) + 1;
  }

  vcpuOn(hart: Hart): Vcpu {
    if (this.stepping?.hart === hart) return this.stepping;
    return this.target.vmm.currentOn(hart.hartId) ?? this.vcpus.find((v) => v.hart === hart) ?? this.vcpus[0];
  }

  /** The thread a stop is reported on. */
  threadOfStop(s: Stop): number {
    return s.thread ?? this.threadOf(this.vcpuOn(this.target.machine.harts[s.hart]));
  }

  atExit(v: Vcpu): ExitView | undefined {
    return this.exits.get(v);
  }

  progress(v: Vcpu): number {
    return this.target.vmm.guestInstructions(v) + this.watch.visibleExits(v);
  }

  // ---- run control ----

  /** The machine is about to run (or step): no vCPU is at an exit any more. */
  resuming(): void {
    this.exits.clear();
    this.stacks.invalidate();
  }

  /** A stop was reported: the step that caused it is over. */
  stopped(): void {
    this.stepping = undefined;
    this.watch.step = undefined;
  }

  /**
   * Stepping from the VMM frame returns to the guest: nothing runs (the VMM already acted), and the stop is at the
   * guest's next instruction, or at its trap handler when the VMM injected a trap. Returns that stop, or undefined
   * when the vCPU is not at an exit (then the step runs the guest).
   */
  leaveExit(v: Vcpu): Stop | undefined {
    const e = this.exits.get(v);
    if (!e) return undefined;
    const where = e.kind === 'injected' ? 'the guest kernel\'s trap handler' : 'the guest';
    return { reason: 'step', hart: v.hart.hartId, thread: this.threadOf(v), description: `back in ${where} at ${hex(v.guestPc)}, after: ${e.decision}` };
  }

  /** A step of a vCPU begins: exits it observes from the stepped code stop in the VMM frame (see VmExitWatch). */
  beginStep(v: Vcpu, kind: StepKind, granularity: Granularity): void {
    this.stepping = v;
    const startPc = v.guestPc, from = this.stacks.lineAt(BigInt.asUintN(64, BigInt(startPc)));
    const covers = kind === 'out' ? () => false : (pc: number): boolean => {
      if (pc === startPc) return true;
      if (granularity === 'instruction' || !from) return false;
      const at = this.stacks.lineAt(BigInt.asUintN(64, BigInt(pc)));
      return at?.line === from.line && at.file === from.file;
    };
    this.watch.step = { vcpu: v, covers, interrupts: kind !== 'out' };
  }

  // ---- StopPolicy: code breakpoints as on bare metal, exits from the VMM hook ----

  judge(hart: Hart, why: DebugStop): Stop | undefined {
    if (why.kind !== 'firmware') {
      const s = this.breakpoints.judge(hart, why);
      if (s) s.thread = this.threadOf(this.vcpuOn(hart));
      return s;
    }
    const p = this.watch.pending;
    this.watch.pending = undefined;
    if (!p) return undefined;
    this.exits.set(p.vcpu, p.exit);
    this.stacks.invalidate();
    return this.exitStop(p);
  }

  breakpointPcs(): number[] {
    return this.breakpoints.breakpointPcs();
  }

  private exitStop(p: ExitStop): Stop {
    const e = p.exit, frame = vmmFrameName(e);
    const at = `${e.causeName} at ${hex(e.pc)}${e.instruction ? ` (${e.instruction.replace(/\t/g, ' ')})` : ''}`;
    const stop: Stop = { reason: p.filter ? 'exception' : 'step', hart: p.vcpu.hart.hartId, thread: this.threadOf(p.vcpu), description: `${p.vcpu.name}: ${frame}`, text: frame };
    if (p.filter) stop.exception = { id: p.filter, description: `${p.vcpu.name}: ${at} — the VMM decided: ${e.decision}`, details: `exit ${e.seq}, cost ${e.cost} instructions of VMM work` };
    return stop;
  }

  // ---- frames and variables ----

  /** Guest frame depth of a DAP depth (the VMM frame, when there is one, is above the guest's). */
  private guestDepth(v: Vcpu, depth: number): number {
    return Math.max(0, depth - this.stacks.vmmFrames(v));
  }

  scopes(thread: number, depth: number): ScopeModel[] {
    const v = this.vcpus[thread];
    const d = this.guestDepth(v, depth);
    if (d === 0) return vcpuScopes(this.target.vmm, v);
    const frame = this.stacks.guestFrames(v)[d];
    if (!frame) throw new VariableError(`frame ${depth} of ${v.name} does not exist: ask for the stack trace again`);
    return vcpuScopes(this.target.vmm, v, { depth: d, frame });
  }

  setVariable(thread: number, depth: number, path: readonly string[], text: string, hex: boolean): VariableNode {
    const v = this.vcpus[thread];
    const node = this.find(thread, depth, path, hex);
    applyVcpuEdit(v, node, text, path.slice(1).join('.'));
    this.stacks.invalidate();
    return this.find(thread, depth, path, hex);
  }

  private find(thread: number, depth: number, path: readonly string[], hex: boolean): VariableNode {
    const scope = this.scopes(thread, depth).find((s) => s.name === path[0]);
    if (!scope) throw new VariableError(`no scope named ${path[0]}`);
    let nodes = scope.variables(hex), node: VariableNode | undefined;
    for (const name of path.slice(1)) {
      node = nodes.find((n) => n.name === name);
      if (!node) throw new VariableError(`no variable ${path.join(' › ')}`);
      nodes = node.children?.(hex) ?? [];
    }
    if (!node) throw new VariableError('setVariable needs a variable, not a scope');
    return node;
  }

  /**
   * Expressions over a vCPU: its registers (a caller frame's when depth says so), its virtual CSRs (M-level names
   * are the real hart's), the kernels' symbols, and memory through the guest's own view.
   */
  context(v: Vcpu, depth = 0): EvalContext {
    const view = new GuestView(this.target.machine, v);
    const d = this.guestDepth(v, depth);
    const frame = d > 0 ? this.stacks.guestFrames(v)[d] : undefined;
    return {
      register: (name) => {
        if (name === 'pc') return frame ? frame.pc : BigInt.asUintN(64, BigInt(v.guestPc));
        if (name[0] !== 'x') return undefined;
        const n = Number(name.slice(1));
        if (frame) return frame.known[n] ? frame.regs[n] : undefined;
        return v.reg(n);
      },
      csr: (name) => (name.startsWith('m') ? peekCsr(v.hart, name) : virtualCsr(v, name)),
      symbol: (name) => this.target.machine.symbols.find((s) => s.name === name)?.value,
      read: (va, bytes) => view.readU64(va, bytes),
      whyUnreadable: (va, bytes) => view.whyUnreadable({ space: 'gva', vm: v.vm, address: va }, bytes),
    };
  }

  // ---- memory ----

  view(v: Vcpu): GuestView {
    return new GuestView(this.target.machine, v);
  }

  /** A memoryReference in the session's terms, relative to the focused vCPU's VM. */
  address(ref: string, focus: Vcpu): VmAddress {
    return parseVmReference(ref, this.vms, focus.vm);
  }

  vmByName(name: string | number): Vm {
    const vm = typeof name === 'number' ? this.vms[name] : this.vms.find((m) => m.name === name || String(m.id) === name);
    if (!vm) throw new VariableError(`no VM ${JSON.stringify(name)}: the VMs are ${this.vms.map((m) => m.name).join(', ')}`);
    return vm;
  }
}

function virtualCsr(v: Vcpu, name: string): bigint | undefined {
  const num = csrNumberByName.get(name);
  return num === undefined || !v.csr.has(num) ? undefined : v.csr.peek(num);
}

/**
 * The VMs' consoles in one stream: each VM's output, line by line, prefixed with its name ("[vm0] Hi"). A partial
 * line waits for its end, or for `flush` (the machine stopped, so nothing more comes for now).
 */
export class PrefixedConsole {
  private readonly partial = new Map<string, number[]>();

  /** @param eol what ends a line: "\r\n" for a terminal (raw, as a serial line), "\n" for the Debug Console. */
  constructor(private readonly emit: (text: string) => void, private readonly eol = '\n') {}

  byte(vm: string, b: number): void {
    const line = this.partial.get(vm) ?? [];
    this.partial.set(vm, line);
    if (b === 0x0d) return; // a serial line's CR before LF
    if (b !== 0x0a) { line.push(b); return; }
    this.emit(`[${vm}] ${Buffer.from(line).toString('latin1')}${this.eol}`);
    line.length = 0;
  }

  flush(): void {
    for (const [vm, line] of this.partial) {
      if (line.length === 0) continue;
      this.emit(`[${vm}] ${Buffer.from(line).toString('latin1')}${this.eol}`);
      line.length = 0;
    }
  }
}
