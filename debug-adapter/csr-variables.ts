// The CSRs scope: every CSR of the CSR table in groups (M, S, counters, FP, PMP), with bit-field children and the
// decodings a reader needs (cause names, satp's mode and root table, trap vectors, PMP entries and their ranges).
import { csrByName, csrTable, exceptionNames, interruptNames, PMPCFG_ENTRY_FIELDS, type CsrDef, type CsrField } from '../emulator/csr/table';
import { CSR, type CsrFile } from '../emulator/csr/file';
import type { Hart } from '../emulator/hart';
import { PMP_ENTRIES } from '../emulator/pmp';
import { addressRef, formatInt, physicalRef, type VariableNode } from './variable-model';

/**
 * CSRs that are not a hart's own: a vCPU's virtual CSRs under the VMM. `ref` gives an address value its
 * memoryReference (in the guest's view), or undefined; `editable` says whether setVariable may write them.
 */
export interface CsrView {
  csr: CsrFile;
  ref(v: bigint): string | undefined;
  editable: boolean;
}

type CsrSource = Hart | CsrView;
const isView = (s: CsrSource): s is CsrView => 'ref' in s;
const refOf = (s: CsrSource, v: bigint): string | undefined => (isView(s) ? s.ref(v) : addressRef(s, v));
const writable = (s: CsrSource, num: number): boolean => (!isView(s) || s.editable) && s.csr.canWrite(num);

export type CsrGroupName = 'M' | 'S' | 'counters' | 'FP' | 'PMP';

const GROUPS: Record<CsrGroupName, string> = {
  M: 'machine level', S: 'supervisor level', counters: 'cycles, time, instructions retired', FP: 'floating-point control and status',
  PMP: `physical memory protection, ${PMP_ENTRIES} entries`,
};

/** CSRs whose value is usually an address: they get a memoryReference when it points at RAM. */
const ADDRESS_CSRS = new Set<number>([CSR.mepc, CSR.sepc, CSR.mtval, CSR.stval, CSR.mscratch, CSR.sscratch]);
const CAUSE_CSRS = new Set<number>([CSR.mcause, CSR.scause]);
const TVEC_CSRS = new Set<number>([CSR.mtvec, CSR.stvec]);
const INTERRUPT_BIT = 1n << 63n;

export function groupOf(def: CsrDef): CsrGroupName {
  if (def.name.startsWith('pmp')) return 'PMP';
  if (def.group === 'user') return def.num < 0x100 ? 'FP' : 'counters';
  if (def.group === 'counters') return 'counters';
  return def.group === 'machine' ? 'M' : 'S';
}

/** The CSRs scope's top level: one node per group. */
export function csrGroups(hart: Hart): VariableNode[] {
  return (Object.keys(GROUPS) as CsrGroupName[]).map((g) => ({
    name: g, value: GROUPS[g], children: (hex: boolean) => (g === 'PMP' ? pmpNodes(hart, hex) : groupNodes(hart, g, hex)),
  }));
}

function groupNodes(hart: Hart, group: CsrGroupName, hex: boolean): VariableNode[] {
  const defs = csrTable.filter((d) => groupOf(d) === group);
  // The hardware performance counters exist only to read 0: folded away so that cycle, time and instret stand out.
  const hpm = defs.filter((d) => d.name.includes('hpm'));
  const nodes = defs.filter((d) => !hpm.includes(d)).map((d) => csrNode(hart, d, hex));
  if (hpm.length === 0) return nodes;
  return [...nodes, { name: 'hpm counters', value: `${hpm.length} registers, not implemented (read 0)`, children: (h) => hpm.map((d) => csrNode(hart, d, h)) }];
}

export const fieldValue = (v: bigint, f: CsrField): bigint => (v >> BigInt(f.lsb)) & ((1n << BigInt(f.width)) - 1n);

/** A cause register's value as the privileged spec names it: `13 (load page fault)`. */
export function causeText(v: bigint, hex: boolean): string {
  const interrupt = (v & INTERRUPT_BIT) !== 0n, code = Number(v & ~INTERRUPT_BIT & 0xffffn);
  const name = (interrupt ? interruptNames[code] : exceptionNames[code]) ?? `reserved ${interrupt ? 'interrupt' : 'exception'} code`;
  if (!interrupt) return `${formatInt(v, hex)} (${name})`;
  return hex ? `${formatInt(v, true)} (${name})` : `interrupt ${code} (${name})`;
}

/** One CSR: its value (with a short decoding), its fields as children, editable when some write can change it. */
export function csrNode(hart: CsrSource, def: CsrDef, hex: boolean, name = def.name): VariableNode {
  const v = hart.csr.peek(def.num);
  const summary = CAUSE_CSRS.has(def.num) ? undefined : summarise(def, v, hex);
  const node: VariableNode = {
    name,
    value: CAUSE_CSRS.has(def.num) ? causeText(v, hex) : summary ? `${formatInt(v, hex)} (${summary})` : formatInt(v, hex),
    type: `${def.desc} (CSR 0x${def.num.toString(16)})`,
    evaluateName: def.name,
  };
  if (writable(hart, def.num)) node.editable = { kind: 'csr', num: def.num };
  if (ADDRESS_CSRS.has(def.num)) node.memoryReference = refOf(hart, v);
  if (TVEC_CSRS.has(def.num)) node.memoryReference = refOf(hart, v & ~3n);
  if (def.num === CSR.satp) node.memoryReference = physicalRef(satpRoot(v));
  const fields = def.fields;
  if (fields?.length) node.children = (h) => fields.map((f) => fieldNode(hart, def, f, h));
  return node;
}

const satpRoot = (v: bigint): bigint => (v & ((1n << 44n) - 1n)) << 12n;

/** The decoding shown after the value: satp's scheme and root, a vector's mode, enumerated fields and set flags. */
function summarise(def: CsrDef, v: bigint, hex: boolean): string | undefined {
  const fields = def.fields ?? [];
  const named = (n: string): string => {
    const f = fields.find((x) => x.name === n)!;
    return f.values?.[Number(fieldValue(v, f))] ?? 'reserved';
  };
  if (def.num === CSR.satp) {
    const mode = named('MODE');
    return mode === 'Bare' ? mode : `${mode}, ASID ${formatInt(fieldValue(v, fields.find((f) => f.name === 'ASID')!), hex)}, root table 0x${satpRoot(v).toString(16)}`;
  }
  if (TVEC_CSRS.has(def.num)) return `${named('MODE')}, handler 0x${(v & ~3n).toString(16)}`;
  const parts = fields.flatMap((f) => {
    const x = fieldValue(v, f);
    if (f.values) return [`${f.name}=${f.values[Number(x)] ?? x}`];
    return f.width === 1 && x === 1n ? [f.name] : [];
  });
  // Flags named in words (medeleg's causes) need commas between them.
  return parts.length ? parts.join(parts.some((p) => p.includes(' ')) ? ', ' : ' ') : undefined;
}

function bitsText(f: CsrField, lsbOffset = 0): string {
  const lo = f.lsb + lsbOffset;
  return f.width === 1 ? `bit ${lo}` : `bits ${lo + f.width - 1}:${lo}`;
}

/**
 * One field of a CSR. `lsbOffset` places a field defined relative to a byte (a PMP entry's) within its register;
 * tvec's BASE is shown (and typed) as the handler address it encodes.
 */
export function fieldNode(hart: CsrSource, def: CsrDef, f: CsrField, hex: boolean, lsbOffset = 0): VariableNode {
  const field = lsbOffset === 0 ? f : { ...f, lsb: f.lsb + lsbOffset };
  const reg = hart.csr.peek(def.num), x = fieldValue(reg, field);
  const scale = TVEC_CSRS.has(def.num) && f.name === 'BASE' ? 2 : 0;
  const shown = x << BigInt(scale);
  const node: VariableNode = {
    name: f.name,
    // A flag reads as 0 or 1 in either format; tvec's BASE as the handler address it encodes.
    value: f.values ? `${f.values[Number(x)] ?? 'reserved'} (${formatInt(x, hex)})` : f.width === 1 ? String(x) : formatInt(shown, hex),
    type: `${scale === 0 ? f.desc : 'handler address (the field holds it / 4)'} (${def.name} ${bitsText(field)})`,
    evaluateName: fieldExpression(def.name, field),
  };
  if (CAUSE_CSRS.has(def.num) && f.name === 'Code') {
    const interrupt = (reg & INTERRUPT_BIT) !== 0n;
    node.value += ` (${(interrupt ? interruptNames : exceptionNames)[Number(x)] ?? 'reserved'})`;
  }
  if (def.num === CSR.satp && f.name === 'PPN') {
    node.value += ` (root table at 0x${satpRoot(reg).toString(16)})`;
    node.memoryReference = physicalRef(satpRoot(reg));
  }
  if (scale !== 0) node.memoryReference = refOf(hart, shown);
  if (writable(hart, def.num)) node.editable = { kind: 'field', csr: def.num, field, scale };
  return node;
}

/** An expression for a field that the evaluator reads: `(mstatus >> 11) & 0x3`. */
function fieldExpression(csr: string, f: CsrField): string {
  const mask = `0x${((1n << BigInt(f.width)) - 1n).toString(16)}`;
  return f.lsb === 0 ? `${csr} & ${mask}` : `(${csr} >> ${f.lsb}) & ${mask}`;
}

// ---- PMP ----

const PMP_PERMS = ['R', 'W', 'X'] as const;

/** The PMP group: one node per entry (mode, permissions, range), then the raw configuration registers. */
function pmpNodes(hart: Hart, hex: boolean): VariableNode[] {
  const entries = Array.from({ length: PMP_ENTRIES }, (_, i) => pmpEntryNode(hart, i));
  const cfgs = csrTable.filter((d) => d.name.startsWith('pmpcfg') && d.num < CSR.pmpcfg0 + PMP_ENTRIES / 4).map((d) => csrNode(hart, d, hex));
  return [...entries, ...cfgs];
}

function pmpEntryNode(hart: Hart, i: number): VariableNode {
  const cfg = hart.csr.pmp.cfg(i);
  const cfgDef = csrByName.get(`pmpcfg${2 * (i >>> 3)}`)!, addrDef = csrByName.get(`pmpaddr${i}`)!;
  const a = PMPCFG_ENTRY_FIELDS.find((f) => f.name === 'A')!;
  const mode = a.values![(cfg >>> a.lsb) & 3];
  const perms = PMP_PERMS.map((p, bit) => ((cfg >>> bit) & 1 ? p : '-')).join('') + (cfg & 0x80 ? ' locked' : '');
  const range = hart.csr.pmp.range(i);
  const rangeText = range ? ` [0x${range[0].toString(16)}, 0x${range[1].toString(16)})` : '';
  const byte = 8 * (i & 7);
  return {
    name: `pmp${i}`,
    value: mode === 'OFF' ? 'OFF' : `${mode} ${perms}${rangeText}`,
    type: `PMP entry ${i}: ${cfgDef.name} ${bitsText({ name: '', lsb: byte, width: 8, desc: '' })} and ${addrDef.name}`,
    children: (h) => [
      ...PMPCFG_ENTRY_FIELDS.map((f) => fieldNode(hart, cfgDef, f, h, byte)),
      csrNode(hart, addrDef, h),
      range
        ? { name: 'range', value: `[0x${range[0].toString(16)}, 0x${range[1].toString(16)})`, type: 'physical addresses the entry matches', memoryReference: physicalRef(BigInt(range[0])) }
        : { name: 'range', value: 'none (entry off)' },
    ],
  };
}
