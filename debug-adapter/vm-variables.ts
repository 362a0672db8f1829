// The Variables view of a vCPU: "Guest registers" (what the guest's code sees), "Guest view" (its virtual mode and the
// virtual S-level CSRs it believes in) and "Machine" (the real hart under it: real mode, real CSRs, the shadow root).
import { ABI_NAMES } from '../emulator/isa/disasm';
import { csrByName, csrByNumber, type CsrDef } from '../emulator/csr/table';
import { CSR } from '../emulator/csr/file';
import type { Vmm } from '../hypervisor/vmm';
import type { Vcpu } from '../hypervisor/vcpu';
import type { UnwoundFrame } from './unwind';
import { privilegeInfo } from './protocol';
import { csrNode, type CsrView } from './csr-variables';
import { formatInt, NOT_SAVED, parseInteger, VariableError, type ScopeModel, type VariableNode } from './variable-model';
import { formatVmReference, guestPhysical } from './vm-memory';

/** The virtual S-level CSRs a guest kernel reads and writes (each an exit into the VMM under trap-and-emulate). */
const GUEST_CSRS = ['sstatus', 'sie', 'sip', 'stvec', 'sepc', 'scause', 'stval', 'sscratch', 'satp', 'scounteren', 'senvcfg', 'stimecmp'];
/** The real hart's CSRs that say how the VMM runs the guest and how the last exit came in. */
const MACHINE_CSRS = ['mstatus', 'mcause', 'mepc', 'mtval', 'satp', 'medeleg', 'mideleg', 'mie', 'mip', 'mtvec', 'scounteren'];

const defs = (names: string[]): CsrDef[] => names.flatMap((n) => csrByName.get(n) ?? []);

/** An address value's memoryReference in the vCPU's guest-virtual space, when the guest maps it to its RAM. */
function guestRef(v: Vcpu, value: bigint): string | undefined {
  if (value === 0n) return undefined;
  const g = guestPhysical(v, value);
  return 'gpa' in g && g.gpa < 2n ** 53n && v.vm.memory.machineAddress(Number(g.gpa)) >= 0 ? formatVmReference('gva', v.vm, value) : undefined;
}

/**
 * The scopes of a vCPU at a guest frame. `caller` is that frame when it is a caller (guest depth > 0): then the
 * registers are those the unwinder recovered, read-only.
 */
export function vcpuScopes(vmm: Vmm, v: Vcpu, caller?: { depth: number; frame: UnwoundFrame }): ScopeModel[] {
  return [
    caller
      ? { name: `Guest registers (frame ${caller.depth})`, presentationHint: 'registers', variables: (hex) => callerNodes(v, caller.depth, caller.frame, hex) }
      : { name: 'Guest registers', presentationHint: 'registers', variables: (hex) => registerNodes(v, hex) },
    { name: 'Guest view', variables: (hex) => guestViewNodes(v, hex) },
    { name: 'Machine', variables: (hex) => machineNodes(vmm, v, hex) },
  ];
}

function registerNodes(v: Vcpu, hex: boolean): VariableNode[] {
  const pc = BigInt.asUintN(64, BigInt(v.guestPc));
  return [
    { name: 'pc', value: formatInt(pc, true), type: 'the guest\'s program counter: where the vCPU goes on', evaluateName: 'pc', memoryReference: guestRef(v, pc), editable: { kind: 'pc' } },
    ...ABI_NAMES.map((abi, i): VariableNode => {
      const value = v.reg(i);
      const node: VariableNode = { name: abi, value: formatInt(value, hex, true), type: `x${i}`, evaluateName: abi, memoryReference: guestRef(v, value) };
      if (i !== 0) node.editable = { kind: 'x', index: i };
      return node;
    }),
  ];
}

function callerNodes(v: Vcpu, depth: number, frame: UnwoundFrame, hex: boolean): VariableNode[] {
  const why = `a caller frame's registers are what the unwinder recovered; select the guest's top frame to change ${v.name}'s registers`;
  return [
    { name: 'pc', value: formatInt(frame.pc, true), type: 'the return address into this frame', memoryReference: guestRef(v, frame.pc), readOnlyReason: why },
    ...ABI_NAMES.map((abi, i): VariableNode => frame.known[i]
      ? { name: abi, value: formatInt(frame.regs[i], hex, true), type: `x${i}`, memoryReference: guestRef(v, frame.regs[i]), readOnlyReason: why }
      : { name: abi, value: NOT_SAVED, type: `x${i}, not saved in frame ${depth}: the callee may have changed it`, readOnlyReason: why }),
  ];
}

function guestView(v: Vcpu): CsrView {
  return { csr: v.csr, ref: (x) => guestRef(v, x), editable: true };
}

function guestViewNodes(v: Vcpu, hex: boolean): VariableNode[] {
  const p = privilegeInfo(v.vpriv);
  const view = guestView(v);
  return [
    { name: 'mode', value: `${p.mode} (${p.name}, ${p.ring}) — virtual: the guest really runs in U-mode`, type: 'the mode the guest believes it runs in' },
    { name: 'state', value: `${v.state}${v.waiting ? ', waiting in wfi' : ''}; ${v.vm.name} ${v.vm.state}`, type: 'the vCPU\'s SBI HSM state and its VM\'s state' },
    ...defs(GUEST_CSRS).map((d) => csrNode(view, d, hex)),
  ];
}

function machineNodes(vmm: Vmm, v: Vcpu, hex: boolean): VariableNode[] {
  const h = v.hart, p = privilegeInfo(h.priv), on = vmm.currentOn(h.hartId);
  const view: CsrView = { csr: h.csr, ref: () => undefined, editable: false };
  const nodes = defs(MACHINE_CSRS).map((d) => {
    const n = csrNode(view, d, hex);
    n.readOnlyReason = `${d.name} is the real hart's: the VMM owns it (edit the guest's virtual CSRs in Guest view)`;
    if (d.num === CSR.satp) {
      const root = v.vm.shadowRoot(v);
      n.value += ` — shadow tree ${root.kind} of ${v.vm.name}`;
      n.memoryReference = formatVmReference('mpa', undefined, (h.csr.peek(CSR.satp) & ((1n << 44n) - 1n)) << 12n);
    }
    return n;
  });
  return [
    { name: 'hart', value: `hart ${h.hartId}, running ${on ? on.name : 'the VMM\'s idle loop'}`, type: 'the real hart this vCPU is placed on' },
    { name: 'mode', value: `${p.mode} (${p.name}, ${p.ring})`, type: 'the real privilege mode (guests always run in U-mode)' },
    ...nodes,
  ];
}

/** Writes a guest register, its pc, or a virtual CSR (or a field of one) from what the user typed. */
export function applyVcpuEdit(v: Vcpu, node: VariableNode, text: string, what: string): void {
  const e = node.editable;
  if (!e) throw new VariableError(node.readOnlyReason ?? `${what} is read-only`);
  switch (e.kind) {
    case 'x': v.setReg(e.index, parseInteger(text, what)); return;
    case 'pc': setPc(v, parseInteger(text, what)); return;
    case 'csr': writeVirtualCsr(v, e.num, parseInteger(text, what)); return;
    case 'field': {
      const x = parseInteger(text, what) >> BigInt(e.scale);
      const mask = ((1n << BigInt(e.field.width)) - 1n) << BigInt(e.field.lsb);
      writeVirtualCsr(v, e.csr, (v.csr.peek(e.csr) & ~mask) | ((x << BigInt(e.field.lsb)) & mask));
      return;
    }
    case 'f': throw new VariableError(`${what}: floating-point registers of vCPUs are not shown`);
  }
}

function setPc(v: Vcpu, value: bigint): void {
  if ((value & 1n) !== 0n) throw new VariableError(`cannot set pc to 0x${value.toString(16)}: instructions are at even addresses`);
  const pc = Number(BigInt.asIntN(64, value));
  if (v.loaded) v.hart.pc = pc;
  else v.pc = pc;
}

/** A virtual CSR write obeys the same WARL rules as the guest's own csrw (the vCPU's CsrFile applies them). */
function writeVirtualCsr(v: Vcpu, num: number, value: bigint): void {
  if (!v.csr.canWrite(num)) throw new VariableError(`${csrByNumber.get(num)?.name ?? `CSR 0x${num.toString(16)}`} is read-only`);
  v.csr.write(num, Number(BigInt.asIntN(32, value)), Number(BigInt.asIntN(32, value >> 32n)));
}
