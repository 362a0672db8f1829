// The Debug Console's commands: `translate` (a page walk), `info tlb`, GDB's `x/NFU` and `help`. Each returns
// text; a line that is not a command returns undefined, and the adapter evaluates it as an expression instead.
import { Access, type TlbEntry } from '../emulator/mmu';
import { disassemble, newAddressMemory } from '../emulator/isa/disasm';
import type { Hart } from '../emulator/hart';
import type { Machine } from '../emulator/machine';
import { evaluateExpression, ExpressionError, parseExpression, type EvalContext } from './expression';
import { readMemory } from './memory';
import { sizeText, walkText } from './page-walk';

/** What the commands look at: the machine, the hart the user selected, and expressions over that hart. */
export interface ConsoleTarget {
  machine: Machine;
  hart: Hart;
  context: EvalContext;
}

export interface ConsoleOutput {
  output: string;
}

const USAGE = {
  translate: 'usage: translate <address expression> [load|store|fetch]   e.g. translate sp, translate 0x40000000 store',
  info: 'usage: info tlb',
  x: 'usage: x/NFU <address expression>   N count, F format (x d u o t a c i s), U size (b h w g)   e.g. x/4xw sp, x/8i $pc',
} as const;

const HELP = [
  'Debug Console commands (anything else is evaluated as an expression):',
  '  translate <expr> [load|store|fetch]  walk the page tables for a virtual address, level by level',
  '  info tlb                             the selected hart\'s cached translations',
  '  x/NFU <expr>                         examine memory as GDB does: N count, F format x d u o t a c i s, U size b h w g',
  '  help                                 this text',
  'Expressions: registers (a0, x10, $a0, pc, fa0), CSRs (mstatus, $satp), symbols, numbers (10, 0x10, 0b10, -1),',
  'C operators, casts (u32) (i8), typed pointers *(u32*)sp and ((u64*)buf)[2].',
].join('\n');

const hex = (v: bigint | number): string => `0x${v.toString(16)}`;

/** Runs one console line, or returns undefined when the line is not a command (evaluate it as an expression). */
export function runConsoleCommand(line: string, target: ConsoleTarget): ConsoleOutput | undefined {
  const text = line.trim();
  const m = /^(x\/\S*|[A-Za-z_]\w*)(?:\s+(.*))?$/s.exec(text);
  if (!m) return undefined;
  const [word, rest = ''] = [m[1], m[2]?.trim() ?? ''];
  const out = (output: string): ConsoleOutput => ({ output });
  try {
    if (word === 'help' && rest === '') return out(HELP);
    if (word === 'translate') return out(translate(rest, target));
    if (word === 'info') return out(rest === 'tlb' ? infoTlb(target.hart, target.machine) : USAGE.info);
    if (word === 'x' && rest !== '') return out(examine('', rest, target));
    if (word.startsWith('x/')) return out(examine(word.slice(2), rest, target));
  } catch (e) {
    if (e instanceof ExpressionError) return out(`${word.startsWith('x') ? 'x' : word}: ${e.message}`);
    throw e;
  }
  // A word followed by more words that do not form an expression is most likely a mistyped command.
  if (rest !== '' && !parses(text)) {
    return out(`unknown command '${word}': commands are translate, info tlb, x/NFU and help; anything else is evaluated as an expression`);
  }
  return undefined;
}

function parses(text: string): boolean {
  try { parseExpression(text); return true; } catch { return false; }
}

// ---- translate ----

const ACCESSES: Record<string, Access> = { load: Access.Load, store: Access.Store, fetch: Access.Fetch };

function translate(args: string, t: ConsoleTarget): string {
  if (args === '') return USAGE.translate;
  const m = /^(.*?)(?:\s+(load|store|fetch))?$/s.exec(args)!;
  const value = evaluateExpression(m[1], t.context).value;
  return walkText(t.hart.walk(value, ACCESSES[m[2] ?? 'load']));
}

// ---- info tlb ----

const PRIV = ['U', 'S', '?', 'M'];
const MODES: Record<number, string> = { 0: 'Bare', 8: 'Sv39', 9: 'Sv48' };
const KIND_ORDER = { fetch: 0, load: 1, store: 2 };

function infoTlb(hart: Hart, machine: Machine): string {
  const entries = hart.tlb.entries(machine.ram.base).sort((a, b) =>
    KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || (a.vpage < b.vpage ? -1 : a.vpage > b.vpage ? 1 : a.asid - b.asid));
  if (entries.length === 0) return `TLB of hart ${hart.hartId}: empty`;
  const rows = entries.map((e: TlbEntry) => [e.kind, hex(e.vpage), '->', hex(e.ppage), `${sizeText(4096 * 2 ** (9 * e.level))} page`,
    MODES[e.mode] ?? `mode ${e.mode}`, `asid ${e.asid}`, `${PRIV[e.priv]}-mode`]);
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const heading = `TLB of hart ${hart.hartId}: ${entries.length} entr${entries.length === 1 ? 'y' : 'ies'} (4 KiB each; superpages are cached a 4 KiB piece at a time)`;
  return [heading, ...rows.map((r) => `  ${r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd()}`)].join('\n');
}

// ---- x/NFU ----

type Format = 'x' | 'd' | 'u' | 'o' | 't' | 'a' | 'c' | 'i' | 's';
const SIZES: Record<string, 1 | 2 | 4 | 8> = { b: 1, h: 2, w: 4, g: 8 };

/** GDB's defaults: one unit, hex words; `a` is pointer-sized, `c` bytes. */
function parseFormat(spec: string): { count: number; format: Format; size: 1 | 2 | 4 | 8 } {
  const m = /^(\d*)([a-z]*)$/.exec(spec);
  if (!m) throw new ExpressionError(`'${spec}' is not N, F and U: ${USAGE.x}`, 1);
  const count = m[1] === '' ? 1 : Number(m[1]);
  let format: Format = 'x', size: 1 | 2 | 4 | 8 | undefined;
  for (const c of m[2]) {
    if ('xduotacis'.includes(c)) format = c as Format;
    else if (c in SIZES) size = SIZES[c];
    else throw new ExpressionError(`unknown format letter '${c}': ${USAGE.x}`, 1);
  }
  if (count < 1 || count > 4096) throw new ExpressionError(`count ${count} is out of range: examine 1 to 4096 units at a time`, 1);
  return { count, format, size: size ?? (format === 'a' ? 8 : format === 'c' ? 1 : 4) };
}

/** `0x80000010 <_start+16>`, as GDB labels an address. */
function label(machine: Machine, a: bigint): string {
  const s = machine.symbolAt(a);
  if (!s) return hex(a);
  return a === s.value ? `${hex(a)} <${s.name}>` : `${hex(a)} <${s.name}+${a - s.value}>`;
}

function examine(spec: string, args: string, t: ConsoleTarget): string {
  const { count, format, size } = parseFormat(spec);
  if (args === '') return USAGE.x;
  const start = BigInt.asUintN(64, evaluateExpression(args, t.context).value);
  if (format === 'i') return instructions(t, start, count);
  if (format === 's') return strings(t, start, count);
  return units(t, start, count, format, size);
}

const cannot = (a: bigint): string => `Cannot access memory at address ${hex(a)}`;

/** One unit in a numeric format, as GDB prints it. */
function unit(machine: Machine, v: bigint, format: Format, size: number): string {
  const bits = 8 * size;
  switch (format) {
    case 'x': return `0x${v.toString(16).padStart(2 * size, '0')}`;
    case 'd': return BigInt.asIntN(bits, v).toString();
    case 'u': return v.toString();
    case 'o': return v === 0n ? '0' : `0${v.toString(8)}`;
    case 't': return v.toString(2).padStart(bits, '0');
    case 'a': return label(machine, v);
    default: return `${BigInt.asIntN(bits, v)} ${charLiteral(Number(v & 0xffn))}`;
  }
}

const ESCAPES: Record<number, string> = { 0: '\\000', 7: '\\a', 8: '\\b', 9: '\\t', 10: '\\n', 11: '\\v', 12: '\\f', 13: '\\r', 39: '\\\'', 92: '\\\\' };
const charLiteral = (c: number): string => `'${ESCAPES[c] ?? (c >= 32 && c < 127 ? String.fromCharCode(c) : `\\${c.toString(8).padStart(3, '0')}`)}'`;

function units(t: ConsoleTarget, start: bigint, count: number, format: Format, size: 1 | 2 | 4 | 8): string {
  const perLine = format === 'c' || size <= 2 ? 8 : size === 4 ? 4 : 2;
  const mem = readMemory(t.machine, t.hart, 'virtual', start, count * size);
  const lines: string[] = [];
  for (let i = 0; i < count; i += perLine) {
    const items: string[] = [];
    for (let j = i; j < Math.min(count, i + perLine); j++) {
      const off = j * size;
      if (mem.unreadable.some((u) => off < u.offset + u.length && off + size > u.offset)) {
        if (items.length) lines.push(`${label(t.machine, start + BigInt(i * size))}:\t${items.join('\t')}`);
        lines.push(cannot(start + BigInt(off)));
        return lines.join('\n');
      }
      const v = mem.data.subarray(off, off + size).reduceRight((acc, b) => (acc << 8n) | BigInt(b), 0n);
      items.push(unit(t.machine, v, format, size));
    }
    lines.push(`${label(t.machine, start + BigInt(i * size))}:\t${items.join('\t')}`);
  }
  return lines.join('\n');
}

/** x/Ni: disassembly, `=> ` marking the hart's pc, as GDB does. */
function instructions(t: ConsoleTarget, start: bigint, count: number): string {
  const lines: string[] = [];
  // As GDB (through libopcodes) does: lui/auipc values carry across the listing into `# address` notes.
  const memory = newAddressMemory(t.machine.symbols.find((s) => s.name === '__global_pointer$')?.value);
  const symbolize = (x: bigint) => symbolName(t.machine, x);
  let a = start;
  for (let n = 0; n < count; n++) {
    const half = readMemory(t.machine, t.hart, 'virtual', a, 2);
    let raw = half.data[0] | (half.data[1] << 8), length = 2;
    if (half.unreadable.length === 0 && (raw & 3) === 3) {
      const word = readMemory(t.machine, t.hart, 'virtual', a, 4);
      if (word.unreadable.length !== 0) { lines.push(cannot(a + 2n)); break; }
      raw = new DataView(word.data.buffer).getInt32(0, true);
      length = 4;
    }
    if (half.unreadable.length !== 0) { lines.push(cannot(a)); break; }
    const marker = a === t.hart.pcBig ? '=> ' : '   ';
    lines.push(`${marker}${label(t.machine, a)}:\t${disassemble(raw, a, { symbolize, memory })}`);
    a = BigInt.asUintN(64, a + BigInt(length));
  }
  return lines.join('\n');
}

function symbolName(machine: Machine, a: bigint): string | undefined {
  const s = machine.symbolAt(a);
  return s === undefined ? undefined : a === s.value ? s.name : `${s.name}+0x${(a - s.value).toString(16)}`;
}

/** x/Ns: NUL-terminated strings (at most 200 characters each, as GDB's default print limit). */
function strings(t: ConsoleTarget, start: bigint, count: number): string {
  const lines: string[] = [];
  let a = start;
  for (let n = 0; n < count; n++) {
    const mem = readMemory(t.machine, t.hart, 'virtual', a, 200);
    const bad = mem.unreadable[0]?.offset ?? 200;
    const nul = mem.data.subarray(0, bad).indexOf(0);
    if (bad === 0 || (nul < 0 && bad < 200)) { lines.push(cannot(a + BigInt(bad))); break; }
    const end = nul < 0 ? 200 : nul;
    const body = [...mem.data.subarray(0, end)].map((c) => (c === 34 ? '\\"' : c === 39 ? "'" : charLiteral(c).slice(1, -1))).join('');
    lines.push(`${label(t.machine, a)}:\t"${body}"${nul < 0 ? '...' : ''}`);
    a += BigInt(end + 1);
  }
  return lines.join('\n');
}
