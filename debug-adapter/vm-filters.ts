// VM-exit breakpoints: the exception filters of a VMM session (any exit, one per exit cause group, injected traps),
// their conditions, and the VMM debug hook that stops the machine after the VMM acted on an exit a filter or a step wants.
import type { DebugProtocol } from '@vscode/debugprotocol';
import { decode } from '../emulator/isa/decode';
import type { Vmm } from '../hypervisor/vmm';
import type { Vcpu } from '../hypervisor/vcpu';
import type { ExitView } from '../hypervisor/trap-log';
import { SBI_EXTENSIONS } from '../hypervisor/sbi/dispatch';
import { evaluateExpression, ExpressionError, type EvalContext } from './expression';

/** A VM-exit filter in the Breakpoints view, with the exits it matches. */
export interface VmExitFilter extends DebugProtocol.ExceptionBreakpointsFilter {
  matches(e: ExitView): boolean;
}

/** The base instruction an exit trapped on ("csrrw", "sret" ...), or "" when unknown. */
function opName(e: ExitView): string {
  return e.raw < 0 ? '' : decode(e.raw).op.name;
}

const illegal = (e: ExitView): boolean => !e.interrupt && e.cause === 2;
const isCsrOp = (name: string): boolean => name.startsWith('csrr');

const FILTERS: Omit<VmExitFilter, 'default' | 'supportsCondition' | 'conditionDescription'>[] = [
  { filter: 'vm-exit', label: 'VM exit (any)', description: 'every exit of a guest into the VMM, after the VMM acted on it', matches: () => true },
  { filter: 'vm-privileged', label: 'VM exit: privileged instruction', description: 'a guest instruction that trapped as illegal in real U-mode (CSR access, sret, sfence.vma, wfi, or one the VMM reflects)', matches: illegal },
  { filter: 'vm-csr', label: 'VM exit: CSR access', matches: (e) => illegal(e) && isCsrOp(opName(e)) },
  { filter: 'vm-sret', label: 'VM exit: sret', matches: (e) => illegal(e) && opName(e) === 'sret' },
  { filter: 'vm-sfence', label: 'VM exit: sfence.vma', matches: (e) => illegal(e) && opName(e) === 'sfence.vma' },
  { filter: 'vm-wfi', label: 'VM exit: wfi', matches: (e) => illegal(e) && opName(e) === 'wfi' },
  { filter: 'vm-sbi', label: 'VM exit: SBI call', description: 'an ecall from the guest kernel (a hypercall); conditions may use eid, fid and extension names: eid == TIME', matches: (e) => e.kind === 'sbi' },
  { filter: 'vm-shadow-fault', label: 'VM exit: shadow page fault', description: 'a real page fault: the shadow table lacked the entry (filled, or reflected as the guest\'s own fault)', matches: (e) => !e.interrupt && [12, 13, 15].includes(e.cause) && e.kind !== 'mmio' },
  { filter: 'vm-mmio', label: 'VM exit: MMIO', description: 'a guest access to a device register, emulated by the VMM', matches: (e) => e.kind === 'mmio' },
  { filter: 'vm-inject', label: 'Trap injected into guest', description: 'the VMM delivered a trap (exception or interrupt) into the guest kernel', matches: (e) => e.kind === 'injected' },
];

export const VM_EXIT_FILTERS: VmExitFilter[] = FILTERS.map((f) => ({
  default: false, supportsCondition: true,
  conditionDescription: 'stop only when this is true: the vCPU\'s registers, cause, epc (the trapping pc), eid and fid (SBI), and SBI extension names (TIME, HSM ...)',
  description: 'stops after the VMM handled the exit: the VMM frame says what it did',
  ...f,
}));

const VM_FILTER_IDS = new Set(VM_EXIT_FILTERS.map((f) => f.filter));
export const isVmFilter = (id: string): boolean => VM_FILTER_IDS.has(id);

/** SBI extension names as condition constants (their first extension id): eid == TIME. */
const SBI_NAMES: Record<string, bigint> = Object.fromEntries(SBI_EXTENSIONS.map((x) => [x.name.toUpperCase(), BigInt(x.eids[0])]));

/** Why the machine stopped at an exit: the exit, and the filter that matched (none for a step). */
export interface ExitStop {
  vcpu: Vcpu;
  exit: ExitView;
  filter?: string;
}

/** What a step in progress wants to see: exits of this vCPU that the guest can observe, from its stepped code. */
export interface ExitStep {
  vcpu: Vcpu;
  /** Whether an exit at a guest pc belongs to the stepped code (the instruction or source line being stepped). */
  covers(pc: number): boolean;
  /** Whether an interrupt injected meanwhile ends the step too (it moves the guest to its handler). */
  interrupts: boolean;
}

/** Exit kinds a guest never sees: a shadow fill re-runs the instruction, a VMM interrupt changes nothing for it. */
const TRANSPARENT = new Set(['filled', 'interrupt']);

/**
 * Holds the enabled VM-exit filters and installs the VMM's debug hook. The hook runs after the VMM decided (see
 * VmmDebugHook): a stop shows the decision as done, with the guest's registers already holding its result.
 */
export class VmExitWatch {
  private filters = new Map<string, string | undefined>();
  step: ExitStep | undefined;
  /** The stop the hook asked for, until the policy reports it. */
  pending: ExitStop | undefined;
  /** Exits guests could observe, per vCPU: a step's progress counts them (see Execution's CodeMap.progress). */
  private readonly visible = new Map<Vcpu, number>();

  constructor(private readonly vmm: Vmm, private readonly context: (v: Vcpu) => EvalContext, private readonly log: (text: string) => void) {
    vmm.events.on('exit', (r) => {
      if (TRANSPARENT.has(r.kind)) return;
      const v = vmm.vms[r.vm].vcpus[r.vcpu];
      this.visible.set(v, (this.visible.get(v) ?? 0) + 1);
    });
    vmm.debugHook = (v, from, to) => this.hook(v, from, to);
  }

  visibleExits(v: Vcpu): number {
    return this.visible.get(v) ?? 0;
  }

  /** The VM filters among those the user enabled (the others are the bare machine's), with their conditions. */
  setFilters(filters: Map<string, string | undefined>): void {
    this.filters = new Map([...filters].filter(([id]) => isVmFilter(id)));
  }

  private hook(v: Vcpu, from: number, to: number): boolean {
    if (this.filters.size === 0 && this.step?.vcpu !== v) return false;
    for (const e of this.vmm.log.query({ from, to, limit: to - from })) {
      const stop = this.judge(v, e);
      if (stop) { this.pending = stop; return true; }
    }
    return false;
  }

  private judge(v: Vcpu, e: ExitView): ExitStop | undefined {
    if (e.vm !== v.vm.id || e.vcpu !== v.index) return undefined;
    const s = this.step;
    if (s?.vcpu === v && !TRANSPARENT.has(e.kind) && ((s.interrupts && e.interrupt) || s.covers(e.pc))) return { vcpu: v, exit: e };
    for (const f of VM_EXIT_FILTERS) {
      if (!this.filters.has(f.filter) || !f.matches(e)) continue;
      if (this.conditionHolds(v, e, this.filters.get(f.filter))) return { vcpu: v, exit: e, filter: f.filter };
    }
    return undefined;
  }

  /** A condition that cannot be evaluated stops (saying why in the Debug Console), as code breakpoints do. */
  private conditionHolds(v: Vcpu, e: ExitView, condition: string | undefined): boolean {
    if (condition === undefined || condition.trim() === '') return true;
    const base = this.context(v);
    const extra: Record<string, bigint> = {
      ...SBI_NAMES, cause: BigInt(e.cause), epc: BigInt.asUintN(64, BigInt(e.pc)), eid: v.reg(17), fid: v.reg(16),
    };
    try {
      return evaluateExpression(condition, { ...base, symbol: (n) => extra[n] ?? base.symbol(n) }).value !== 0n;
    } catch (err) {
      if (!(err instanceof ExpressionError)) throw err;
      this.log(`condition "${condition}" cannot be evaluated (${err.message}); stopping`);
      return true;
    }
  }
}
