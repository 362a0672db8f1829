// The debugger's Variables model: scopes (registers, privilege, CSRs, floating point) as a tree of VariableNodes,
// and setVariable. DAP-free and vscode-free: the adapter turns nodes into scopes/variables responses.
import { ABI_NAMES } from '../emulator/isa/disasm';
import { csrByName, csrByNumber, exceptionNames, interruptNames, MSTATUS_FIELDS, type CsrField } from '../emulator/csr/table';
import { CSR } from '../emulator/csr/file';
import type { Hart } from '../emulator/hart';
import { privilegeInfo } from './protocol';
import { csrGroups, csrNode, fieldNode, fieldValue } from './csr-variables';
import { fpNodes, setFp } from './fp-variables';
import type { CallerFrame } from './unwind';
import {
  addressRef, formatInt, isInteger, NOT_SAVED, parseInteger, VariableError, virtualRef, type Editable, type ScopeModel, type VariableNode,
} from './variable-model';

export { NOT_SAVED, VariableError, type Editable, type ScopeModel, type VariableNode } from './variable-model';

const MISA_F = 1n << 5n;

/**
 * The scopes of a stopped hart, or of one of its caller frames: then Registers is that frame's (named for it, since
 * the other scopes stay the hart's: CSRs, privilege and FP registers are not saved per frame). Floating point
 * appears when misa says F exists.
 */
export function scopes(hart: Hart, caller?: CallerFrame): ScopeModel[] {
  const registers: ScopeModel = caller
    ? { name: `Registers (frame ${caller.depth})`, presentationHint: 'registers', variables: (hex) => callerRegisterNodes(hart, caller, hex) }
    : { name: 'Registers', presentationHint: 'registers', variables: (hex) => registerNodes(hart, hex) };
  const list: ScopeModel[] = [
    registers,
    { name: 'Privilege', variables: (hex) => privilegeNodes(hart, hex) },
    { name: 'CSRs', presentationHint: 'registers', variables: () => csrGroups(hart) },
  ];
  if ((hart.csr.peek(CSR.misa) & MISA_F) !== 0n) list.push({ name: 'Floating point', presentationHint: 'registers', variables: (hex) => fpNodes(hart, hex) });
  return list;
}

// ---- registers ----

/**
 * pc, then x0..x31 named by their ABI names (as the disassembly and the user's source name them, and as the Watch
 * view accepts them); the x-number is the type, shown on hover. Values that are addresses of RAM get a memoryReference.
 */
function registerNodes(hart: Hart, hex: boolean): VariableNode[] {
  const pc: VariableNode = {
    name: 'pc', value: formatInt(hart.pcBig, true), type: 'program counter', evaluateName: 'pc',
    memoryReference: virtualRef(hart.pcBig), editable: { kind: 'pc' },
  };
  return [pc, ...ABI_NAMES.map((abi, i) => {
    const v = hart.reg(i);
    const node: VariableNode = { name: abi, value: formatInt(v, hex, true), type: `x${i}`, evaluateName: abi };
    const ref = v === 0n ? undefined : addressRef(hart, v);
    if (ref) node.memoryReference = ref;
    if (i !== 0) node.editable = { kind: 'x', index: i };
    return node;
  })];
}

/**
 * A caller frame's pc and registers as the unwinder recovered them; the ones it could not are NOT_SAVED rather than
 * the callee's values. None can be edited: they are copies on the stack or in the callee's registers, not the hart's.
 */
function callerRegisterNodes(hart: Hart, caller: CallerFrame, hex: boolean): VariableNode[] {
  const { depth, frame } = caller;
  const readOnlyReason = (name: string): string => `cannot set ${name} in frame ${depth}: a caller's registers are what the unwinder recovered, not the hart's; select frame 0 to change the hart's registers`;
  const pc: VariableNode = {
    name: 'pc', value: formatInt(frame.pc, true), type: 'program counter (the return address into this frame)', evaluateName: 'pc',
    memoryReference: virtualRef(frame.pc), readOnlyReason: readOnlyReason('pc'),
  };
  return [pc, ...ABI_NAMES.map((abi, i): VariableNode => {
    const node: VariableNode = { name: abi, value: NOT_SAVED, type: `x${i}`, evaluateName: abi, readOnlyReason: readOnlyReason(abi) };
    if (!frame.known[i]) return { ...node, type: `x${i}, not saved: the callee may have changed it` };
    const v = frame.regs[i];
    node.value = formatInt(v, hex, true);
    const ref = v === 0n ? undefined : addressRef(hart, v);
    if (ref) node.memoryReference = ref;
    return node;
  })];
}

// ---- privilege ----

const mstatusField = (name: string): CsrField => MSTATUS_FIELDS.find((f) => f.name === name)!;

/** The mode (with its ring), the previous-mode fields, MPRV, and the last trap: how the hart got where it is. */
function privilegeNodes(hart: Hart, hex: boolean): VariableNode[] {
  const p = privilegeInfo(hart.priv);
  const mstatus = csrByName.get('mstatus')!;
  return [
    { name: 'mode', value: `${p.mode} (${p.name}, ${p.ring})`, type: 'current privilege mode' },
    ...['MPP', 'SPP', 'MPRV'].map((f) => fieldNode(hart, mstatus, mstatusField(f), hex)),
    lastTrapNode(hart),
    { name: 'traps taken', value: String(hart.stats.traps.reduce((a, b) => a + b, 0)) },
    { name: 'privilege changes', value: String(hart.stats.privilegeChanges) },
  ];
}

function lastTrapNode(hart: Hart): VariableNode {
  const { lastTrap, lastTrapFrom, lastTrapTo } = hart.stats;
  if (lastTrap < 0) return { name: 'last trap', value: 'none yet' };
  const interrupt = lastTrap >= 32, code = interrupt ? lastTrap - 32 : lastTrap;
  const name = (interrupt ? interruptNames : exceptionNames)[code] ?? 'reserved code';
  const from = privilegeInfo(lastTrapFrom).mode, to = privilegeInfo(lastTrapTo).mode;
  // The handler's mode holds the details in its own cause/epc/tval (until a later trap into that mode replaces them).
  const prefix = to === 'M' ? 'm' : 's';
  return {
    name: 'last trap',
    value: `${name} (${interrupt ? 'interrupt' : 'exception'} ${code}), ${from} → ${to}`,
    type: 'the most recent trap the hart took',
    children: (h) => ['cause', 'epc', 'tval'].map((r) => csrNode(hart, csrByName.get(prefix + r)!, h)),
  };
}

// ---- setVariable ----

/** The node at path: a scope name, then names down the tree (e.g. ['CSRs', 'S', 'satp', 'MODE']). */
export function findVariable(hart: Hart, path: readonly string[], hex: boolean, caller?: CallerFrame): VariableNode {
  const scope = scopes(hart, caller).find((s) => s.name === path[0]);
  if (!scope) throw new VariableError(`no scope named ${path[0]}`);
  let nodes = scope.variables(hex), node: VariableNode | undefined;
  for (const name of path.slice(1)) {
    node = nodes.find((n) => n.name === name);
    if (!node) throw new VariableError(`no variable ${path.join(' › ')}: ${name} is not there`);
    nodes = node.children?.(hex) ?? [];
  }
  if (!node) throw new VariableError('setVariable needs a variable, not a scope');
  return node;
}

/**
 * Edits the variable at path with the text the user typed (decimal, hex, negative; a field also takes one of its
 * value names, such as `S` or `Sv39`). Returns the variable as it reads afterwards (a WARL register may keep
 * less than was written). Throws VariableError, naming the variable and what it accepts, for bad input.
 */
export function setVariable(hart: Hart, path: readonly string[], text: string, hex: boolean, caller?: CallerFrame): VariableNode {
  const node = findVariable(hart, path, hex, caller);
  // Messages name CSRs and fields as the user knows them (satp.MODE), without the scope and group.
  const what = path.slice(path[0] === 'CSRs' ? 2 : 1).join('.');
  if (!node.editable) throw new VariableError(node.readOnlyReason ?? `${what} is read-only`);
  applyEdit(hart, node.editable, text, what);
  return findVariable(hart, path, hex, caller);
}

/** Writes one edit. `what` names the variable in error messages. */
export function applyEdit(hart: Hart, e: Editable, text: string, what: string): void {
  switch (e.kind) {
    case 'x': hart.setReg(e.index, parseInteger(text, what)); return;
    case 'pc': hart.pc = setPc(parseInteger(text, what)); return;
    case 'f': setFp(hart, e.index, e.as, text, what); return;
    case 'csr': writeCsr(hart, e.num, parseInteger(text, what)); return;
    case 'field': setField(hart, e.csr, e.field, e.scale, text, what); return;
  }
}

/** pc is a JavaScript number in the hart (exact below 2^53; the upper half of the space is negative). */
function setPc(v: bigint): number {
  const signed = BigInt.asIntN(64, v);
  if ((v & 1n) !== 0n) throw new VariableError(`cannot set pc to 0x${v.toString(16)}: instructions are at even addresses`);
  if (signed >= 1n << 53n || signed < -(1n << 53n)) throw new VariableError(`cannot set pc to 0x${v.toString(16)}: no memory is mapped that far (|pc| must be below 2^53)`);
  return Number(signed);
}

function writeCsr(hart: Hart, num: number, v: bigint): bigint {
  try {
    return hart.debugWriteCsr(num, v);
  } catch (err) {
    throw new VariableError((err as Error).message);
  }
}

function setField(hart: Hart, num: number, f: CsrField, scale: number, text: string, what: string): void {
  const x = fieldInput(f, scale, text, what);
  const mask = ((1n << BigInt(f.width)) - 1n) << BigInt(f.lsb);
  const before = hart.csr.peek(num);
  const after = writeCsr(hart, num, (before & ~mask) | (x << BigInt(f.lsb)));
  if (fieldValue(after, f) === x) return;
  // The register's WARL rules kept another value: undo, and say what the field can hold.
  writeCsr(hart, num, before);
  const allowed = f.values ? `; it accepts ${valueList(f)}` : '';
  throw new VariableError(`${what} cannot hold ${text.trim()}: ${csrByNumber.get(num)!.name} keeps ${fieldValue(after, f)} there${allowed}`);
}

const valueList = (f: CsrField): string => Object.entries(f.values ?? {}).map(([v, n]) => `${n} (${v})`).join(', ');

/** A field's new value from a number or one of its value names; tvec BASE is typed as the address. */
function fieldInput(f: CsrField, scale: number, text: string, what: string): bigint {
  const t = text.trim();
  if (f.values && !isInteger(t)) {
    const hit = Object.entries(f.values).find(([, n]) => n.toLowerCase() === t.toLowerCase());
    if (!hit) throw new VariableError(`${what} cannot be "${t}": it accepts ${valueList(f)}`);
    return BigInt(hit[0]);
  }
  const v = parseInteger(t, what);
  if ((v & ((1n << BigInt(scale)) - 1n)) !== 0n) throw new VariableError(`${what} must be a multiple of ${1 << scale}, not 0x${v.toString(16)}`);
  const x = v >> BigInt(scale);
  if (x >> BigInt(f.width) !== 0n) throw new VariableError(`${what} is ${f.width} bit${f.width > 1 ? 's' : ''} wide: 0x${v.toString(16)} does not fit`);
  if (f.values && f.values[Number(x)] === undefined) throw new VariableError(`${what} cannot be ${t}: it accepts ${valueList(f)}`);
  return x;
}
