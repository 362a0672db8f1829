// The VM custom requests (ringside/vmTranslate, ringside/pageTables, ringside/exits) and the Debug Console commands
// over the same answers (translate, pt, p2m, exits, vms), so that the panels and the console always agree.
import { Access } from '../emulator/mmu';
import type { Vm } from '../hypervisor/vm';
import type { Vcpu } from '../hypervisor/vcpu';
import type { DecisionKind, ExitView } from '../hypervisor/trap-log';
import { evaluateExpression } from './expression';
import { pteFlags, sizeText } from './page-walk';
import type {
  ExitsArguments, ExitsResponseBody, PageTablesArguments, PageTablesResponseBody, VmTranslateArguments, VmTranslateResponseBody, VmWalkLevel,
} from './protocol';
import type { VmDebugger } from './vm-session';

const hex = (v: bigint | number): string => `0x${BigInt.asUintN(64, BigInt(v)).toString(16)}`;
const ACCESS: Record<string, Access> = { load: Access.Load, store: Access.Store, fetch: Access.Fetch };
const TWO32 = 4294967296;

export class VmRequestError extends Error {}

/** The vCPU a request means: the one named, else the focused one when it is in that VM, else the VM's first. */
function vcpuFor(vm: Vm, index: number | undefined, focus: Vcpu): Vcpu {
  if (index === undefined) return focus.vm === vm ? focus : vm.vcpus[0];
  const v = vm.vcpus[index];
  if (!v) throw new VmRequestError(`${vm.name} has no vCPU ${index}: it has ${vm.vcpus.length}`);
  return v;
}

const level = (lvl: number, pteAddress: bigint | number, pte: bigint | number): VmWalkLevel => ({ level: lvl, pteAddress: hex(pteAddress), pte: hex(pte), flags: pteFlags(Number(BigInt(pte) & 0xffn)) });

/** A guest address through the guest's walk, the p2m and the shadow tree the vCPU runs on now. */
export function vmTranslate(d: VmDebugger, a: VmTranslateArguments, focus: Vcpu): VmTranslateResponseBody {
  if (typeof a.address !== 'string') throw new VmRequestError("'ringside/vmTranslate' needs address: an expression such as sp or 0x80200000");
  if (a.space !== 'gva' && a.space !== 'gpa') throw new VmRequestError("'ringside/vmTranslate' needs space: \"gva\" or \"gpa\"");
  const vm = d.vmByName(a.vm), v = vcpuFor(vm, a.vcpu, focus);
  const address = BigInt.asUintN(64, evaluateExpression(a.address, d.context(v)).value);
  const access = ACCESS[a.access ?? 'load'] ?? Access.Load;
  const out: VmTranslateResponseBody = { address: hex(address), text: '' };
  const lines = [`${hex(address)} in ${v.name} (${a.space === 'gva' ? 'guest-virtual' : 'guest-physical'})`];
  let gpa: bigint | undefined = address;
  if (a.space === 'gva') {
    const ctx = vm.walkContextOf(v);
    if (ctx.satpHi >>> 28 === 0) {
      out.guest = { mode: 'Bare', levels: [], gpa: hex(address) };
      lines.push('  guest: satp is Bare: guest-physical = guest-virtual');
    } else {
      const w = vm.walker.walk(address, access, ctx);
      const fault = w.fault ? `cause ${w.fault.cause}` : undefined;
      out.guest = { mode: w.mode, levels: w.levels.map((l) => level(l.level, l.pteAddress, l.pte)), gpa: w.pa === undefined ? undefined : hex(w.pa), fault };
      lines.push(`  guest walk (${w.mode}, PTEs at guest-physical addresses):`);
      for (const l of out.guest.levels) lines.push(`    level ${l.level}: PTE at gpa ${l.pteAddress} = ${l.pte}  ${l.flags}`);
      lines.push(w.pa === undefined ? `    => guest page fault (${fault})` : `    => gpa ${hex(w.pa)}`);
      gpa = w.pa;
    }
  }
  if (gpa !== undefined) {
    const mpa = gpa < 2n ** 53n ? vm.memory.machineAddress(Number(gpa)) : -1;
    const why = mpa >= 0 ? undefined : vm.devices.find(Number(gpa), 1) ? `a device of ${vm.name}, emulated by the VMM (trapped MMIO)` : `not guest RAM of ${vm.name}`;
    out.p2m = { gpa: hex(gpa), mpa: mpa >= 0 ? hex(mpa) : undefined, why };
    lines.push(`  p2m: gpa ${hex(gpa)} → ${mpa >= 0 ? `mpa ${hex(mpa)}` : why}`);
  }
  if (a.space === 'gva') {
    const root = vm.shadowRoot(v), n = Number(BigInt.asIntN(64, address));
    const leaf = vm.shadow.lookup(root, n % TWO32 | 0, Math.floor(n / TWO32) | 0);
    const mpa = leaf.pte === 0 ? undefined : Math.floor(leaf.pte / 1024) * 4096 + Number(address & 4095n);
    out.shadow = { tree: `${root.kind} (guest ASID ${root.guestAsid}, real ASID ${root.asid})`, levels: leaf.path.map((l) => level(l.level, l.pteAddress, l.pte)), mpa: mpa === undefined ? undefined : hex(mpa) };
    lines.push(`  shadow tree ${out.shadow.tree} (PTEs at machine addresses):`);
    for (const l of out.shadow.levels) lines.push(`    level ${l.level}: PTE at mpa ${l.pteAddress} = ${l.pte}  ${l.flags}`);
    lines.push(mpa === undefined ? '    => not filled yet (the next access faults into the VMM, which fills it)' : `    => mpa ${hex(mpa)}`);
  }
  out.text = lines.join('\n');
  return out;
}

/** Reads a guest PTE at a guest-physical address (undefined outside guest RAM). */
function guestPte(vm: Vm, gpa: number): bigint | undefined {
  if (!vm.memory.contains(gpa, 8)) return undefined;
  return vm.memory.read(gpa, 8).reduceRight((x, b) => (x << 8n) | BigInt(b), 0n);
}

const MAX_ROWS = 4096;

/** The guest's own tables from its satp: every leaf (virtual → guest-physical), PTEs read without side effects. */
function guestRows(vm: Vm, v: Vcpu): PageTablesResponseBody['rows'] {
  const satp = v.csr.peek(0x180), mode = Number(satp >> 60n);
  if (mode === 0) return [];
  const levels = mode === 9 ? 4 : 3, rows: PageTablesResponseBody['rows'] = [];
  const walk = (table: bigint, lvl: number, prefix: bigint): void => {
    for (let i = 0; i < 512 && rows.length < MAX_ROWS; i++) {
      const pte = guestPte(vm, Number(table + BigInt(i * 8)));
      if (pte === undefined || (pte & 1n) === 0n) continue;
      const va = prefix | (BigInt(i) << BigInt(12 + 9 * lvl)), pa = ((pte >> 10n) & ((1n << 44n) - 1n)) << 12n;
      if ((pte & 0xan) !== 0n) rows.push({ from: hex(BigInt.asUintN(64, BigInt.asIntN(12 + 9 * levels, va))), to: hex(pa), bytes: 4096 * 2 ** (9 * lvl), flags: pteFlags(Number(pte & 0xffn)) });
      else if (lvl > 0) walk(pa, lvl - 1, va);
    }
  };
  walk((satp & ((1n << 44n) - 1n)) << 12n, levels - 1, 0n);
  return rows;
}

export function pageTables(d: VmDebugger, a: PageTablesArguments, focus: Vcpu): PageTablesResponseBody {
  const vm = d.vmByName(a.vm), v = vcpuFor(vm, a.vcpu, focus);
  let rows: PageTablesResponseBody['rows'], title: string;
  switch (a.which) {
    case 'guest':
      rows = guestRows(vm, v);
      title = `${v.name}'s own page tables (virtual → guest-physical)${rows.length === 0 ? ': satp is Bare' : ''}`;
      break;
    case 'shadow': {
      const root = vm.shadowRoot(v);
      rows = vm.shadow.leavesOf(root).slice(0, MAX_ROWS).map((l) => ({ from: hex(l.va), to: hex(Math.floor(l.pte / 1024) * 4096), bytes: 4096, flags: pteFlags(l.pte & 0xff) }));
      title = `shadow tree ${root.kind} of ${v.name} (virtual → machine), filled on demand: ${rows.length} pages`;
      break;
    }
    case 'p2m':
      rows = vm.memory.runs().map((r) => ({ from: hex(r.gpa), to: hex(r.mpa), bytes: r.bytes }));
      title = `${vm.name}'s p2m (guest-physical → machine)`;
      break;
    default:
      throw new VmRequestError(`'ringside/pageTables' needs which: "guest", "shadow" or "p2m"`);
  }
  const text = [title, ...rows.map((r) => `  ${r.from.padStart(18)} → ${r.to.padStart(12)}  ${sizeText(r.bytes).padStart(8)}${r.flags ? `  ${r.flags}` : ''}`)].join('\n');
  return { which: a.which, rows, text };
}

export function exitsBody(d: VmDebugger, a: ExitsArguments): ExitsResponseBody {
  const q = a.query ?? {};
  const log = d.target.vmm.log;
  return { total: log.total, exits: log.query({ ...q, kind: q.kind as DecisionKind | undefined }).map(exitRow) };
}

const exitRow = (e: ExitView): ExitsResponseBody['exits'][number] => ({
  seq: e.seq, cycle: e.cycle, vm: e.vm, vcpu: e.vcpu, pc: hex(e.pc), cause: e.cause, causeName: e.causeName, interrupt: e.interrupt,
  instruction: e.instruction.replace(/\t/g, ' '), kind: e.kind, decision: e.decision, cost: e.cost,
});

// ---- the Debug Console ----

export const VM_HELP = [
  'VM commands (the selected thread is a vCPU):',
  '  translate <expr> [load|store|fetch]  a guest-virtual address: the guest\'s walk, the p2m hop, the shadow entry',
  '  pt guest|shadow                      the vCPU\'s guest page tables, or the shadow tree it runs on',
  '  p2m                                  the VM\'s guest-physical → machine map',
  '  exits [N] [word]                     the last N exits (default 20), only those whose kind, cause or decision has word',
  '  vms                                  every VM: state, vCPUs, exits, shadow statistics',
].join('\n');

/** Runs a VM console command, or returns undefined when the line is none (the adapter then tries the others). */
export function runVmCommand(d: VmDebugger, line: string, focus: Vcpu): string | undefined {
  const m = /^(\w+)(?:\s+(.*))?$/s.exec(line.trim());
  if (!m) return undefined;
  const [word, rest = ''] = [m[1], m[2]?.trim() ?? ''];
  const vm = focus.vm.name;
  switch (word) {
    case 'translate': {
      if (rest === '') return 'usage: translate <address expression> [load|store|fetch]';
      const t = /^(.*?)(?:\s+(load|store|fetch))?$/s.exec(rest)!;
      return vmTranslate(d, { vm, vcpu: focus.index, address: t[1], space: 'gva', access: t[2] as 'load' | undefined }, focus).text;
    }
    case 'pt':
      if (rest !== 'guest' && rest !== 'shadow') return 'usage: pt guest|shadow';
      return pageTables(d, { vm, vcpu: focus.index, which: rest }, focus).text;
    case 'p2m':
      return pageTables(d, { vm, which: 'p2m' }, focus).text;
    case 'exits': return exitsText(d, rest);
    case 'vms': return vmsText(d);
    default: return undefined;
  }
}

function exitsText(d: VmDebugger, rest: string): string {
  const m = /^(\d+)?\s*(.*)$/s.exec(rest)!;
  const n = m[1] === undefined ? 20 : Number(m[1]), word = m[2].toLowerCase();
  const all = d.target.vmm.log.query({ limit: word ? 100_000 : n });
  const hit = (word ? all.filter((e) => `${e.kind} ${e.causeName} ${e.decision}`.toLowerCase().includes(word)) : all).slice(-n);
  if (hit.length === 0) return word ? `no exits match "${word}"` : 'no exits yet';
  return hit.map((e) => `#${e.seq} ${d.vms[e.vm].vcpus[e.vcpu].name} ${hex(e.pc)} ${e.instruction.replace(/\t/g, ' ') || '-'}: ${e.causeName} → ${e.kind}: ${e.decision} (cost ${e.cost})`).join('\n');
}

function vmsText(d: VmDebugger): string {
  return d.vms.map((vm) => {
    const exits = d.target.vmm.log.query({ vm: vm.id, limit: Number.MAX_SAFE_INTEGER }).length;
    const s = vm.shadow.stats;
    const vcpus = vm.vcpus.map((v) => `${v.name} ${v.state}${v.waiting ? ' (wfi)' : ''} ${v.vpriv === 1 ? 'S' : 'U'}-mode pc ${hex(v.guestPc)}`).join('; ');
    return `${vm.name}: ${vm.state}${vm.haltReason ? ` (${vm.haltReason})` : ''}, ${vm.memory.size / (1 << 20)} MiB, ${exits} exits logged\n  ${vcpus}\n` +
      `  shadow: ${s.roots} trees, ${s.pagesUsed} table pages, ${s.faults} faults, ${s.fills} fills, ${s.flushes} flushes`;
  }).join('\n');
}
