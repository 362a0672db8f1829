// Hover text, as Markdown, for what the cursor is on: an instruction (from the instruction table, with its
// Popek–Goldberg class in words), a CSR (from the CSR table), a register, or a label/constant/macro (from the assembler).
import { basename } from 'node:path';
import type { SymbolInfo } from '../assembler/api';
import { csrByName, type CsrDef, type CsrField } from '../emulator/csr/table';
import type { CompressedRow, InstructionRow } from '../emulator/isa/instructions';
import { lineContext, statementAt, type Word } from './document';
import { expandStatement } from './expansion';
import { lookupMnemonic, type Mnemonic } from './mnemonics';
import { symbolAt } from './navigation';
import { registerInfo } from './registers';

export interface HoverRequest {
  /** The hovered line's text, its 0-based number and the 0-based character. */
  text: string;
  line: number;
  character: number;
  /** The file the line belongs to (as the assembler names it) and the symbols of its latest assembly. */
  file: string;
  symbols: readonly SymbolInfo[];
}

export interface HoverResult { markdown: string; word: Word }

/** Privilege levels as encoded in CSR numbers (bits 9:8) and SYSTEM instructions (bits 29:28). */
const LEVELS = ['U', 'S', 'H', 'M'] as const;
const MODE_NAMES: Record<(typeof LEVELS)[number], string> = { U: 'U-mode', S: 'S-mode', H: 'HS-mode', M: 'M-mode' };

const hex = (v: number | bigint): string => `0x${v.toString(16)}`;

export function hover(req: HoverRequest): HoverResult | undefined {
  const { word, slot } = lineContext(req.text, req.character);
  if (word.text === '' || slot.kind === 'comment') return undefined;
  const markdown = slot.kind === 'operation'
    ? operationHover(word.text, req)
    : operandHover(word.text, req);
  return markdown === undefined ? undefined : { markdown, word };
}

function operationHover(name: string, req: HoverRequest): string | undefined {
  const m = lookupMnemonic(name);
  if (m) return mnemonicHover(m, name, req);
  return symbolHover(name, req);
}

function operandHover(name: string, req: HoverRequest): string | undefined {
  const symbol = symbolHover(name, req);
  if (symbol) return symbol;
  const reg = registerInfo(name);
  if (reg) return `**${reg.abi}** (${reg.arch}) — ${reg.file} register: ${reg.role}`;
  const csr = csrByName.get(name);
  return csr ? csrHover(csr) : undefined;
}

// ---- instructions ----

/** The SYSTEM encoding carries the lowest privilege level allowed to execute the instruction in bits 29:28. */
const requiredMode = (row: InstructionRow): string => MODE_NAMES[LEVELS[(row.match >>> 28) & 3]];

/** The Popek–Goldberg class of a row in the words of the course (see CONCEPTS.md). */
export function popekGoldberg(row: InstructionRow): string {
  switch (row.pg) {
    case 'privileged': return `privileged: traps when executed below ${requiredMode(row)}; sensitive`;
    case 'sensitive': return 'sensitive but not privileged: changes or reveals the machine configuration without trapping (a virtualization hole)';
    case 'csr': return 'depends on the CSR: accessing a CSR above the current privilege traps';
    case 'innocuous': return 'innocuous: runs directly, never traps for virtualization';
  }
}

const hexBits = (v: number, width: 16 | 32): string => `0x${(v >>> 0).toString(16).padStart(width / 4, '0')}`;
const encoding = (r: InstructionRow | CompressedRow, width: 16 | 32): string =>
  `Encoding: mask \`${hexBits(r.mask, width)}\`, match \`${hexBits(r.match, width)}\` (${r.format} format)`;

const syntax = (name: string, operands: string): string => `\`\`\`riscv-asm\n${name}${operands ? ` ${operands}` : ''}\n\`\`\``;

function mnemonicHover(m: Mnemonic, written: string, req: HoverRequest): string {
  switch (m.kind) {
    case 'base': return baseHover(m.row, m.suffix ? `${m.row.name}.${m.suffix}` : m.row.name, req);
    case 'compressed': return compressedHover(m.row, m.base);
    case 'pseudo': return pseudoHover(written, req);
  }
}

function baseHover(row: InstructionRow, name: string, req: HoverRequest): string {
  const parts = [`**${name}** — ${popekGoldberg(row)}`, syntax(name, row.operands), row.summary];
  const here = row.pg === 'csr' ? csrOperandNote(req) : undefined;
  if (here) parts.push(here);
  parts.push(`${encoding(row, 32)} · extension ${row.ext}`);
  return parts.join('\n\n');
}

/** For a CSR instruction, what its CSR operand on this line means for trapping. */
function csrOperandNote(req: HoverRequest): string | undefined {
  const statement = statementAt(req.text, req.character);
  const csr = statement?.split(/[\s,]+/).map((t) => csrByName.get(t)).find((c) => c !== undefined);
  if (!csr) return undefined;
  const level = LEVELS[(csr.num >> 8) & 3];
  return `Here: \`${csr.name}\` is ${level === 'U' ? 'a' : 'an'} ${level}-level CSR, so this traps when executed below ${MODE_NAMES[level]}.`;
}

function compressedHover(c: CompressedRow, base: InstructionRow | undefined): string {
  const parts = [`**${c.name}** — compressed (16-bit) form of \`${c.expands}\``, syntax(c.name, c.operands)];
  if (base) parts.push(`Expands to:\n${syntax(base.name, base.operands)}`, base.summary, `Popek–Goldberg: ${popekGoldberg(base)}`);
  parts.push(`${encoding(c, 16)} · extension C`);
  return parts.join('\n\n');
}

function pseudoHover(written: string, req: HoverRequest): string {
  const name = written.toLowerCase();
  const statement = statementAt(req.text, req.character) ?? name;
  const expansion = expandStatement(statement, req.symbols);
  if ('error' in expansion) return `**${name}** — pseudo-instruction\n\nThis line does not assemble yet: ${expansion.error}`;
  const classes = [...new Set(expansion.instructions.map((i) => lookupMnemonic(i.split(' ')[0])))]
    .flatMap((m) => (m?.kind === 'base' && m.row.pg !== 'innocuous' ? [`\`${m.row.name}\`: ${popekGoldberg(m.row)}`] : []));
  const lines = [`**${name}** — pseudo-instruction; \`${statement}\` assembles to (before compression):`,
    `\`\`\`riscv-asm\n${expansion.instructions.join('\n')}\n\`\`\``];
  if (expansion.movedLabels) lines.push('Labels it names are placed just after it here, so pc-relative offsets differ from the linked program.');
  lines.push(classes.length ? `Popek–Goldberg: ${classes.join('; ')}` : 'Popek–Goldberg: innocuous: runs directly, never traps for virtualization');
  return lines.join('\n\n');
}

// ---- CSRs ----

const bits = (f: CsrField): string => (f.width === 1 ? `${f.lsb}` : `${f.lsb + f.width - 1}:${f.lsb}`);

const fieldRow = (f: CsrField): string => {
  const values = f.values ? ` (${Object.entries(f.values).map(([v, n]) => `${v} = ${n}`).join(', ')})` : '';
  return `| ${f.name} | ${bits(f)} | ${f.desc}${values} |`;
};

export function csrHover(csr: CsrDef): string {
  const level = LEVELS[(csr.num >> 8) & 3];
  const access = ((csr.num >> 10) & 3) === 3 ? 'read-only' : 'read/write';
  const parts = [`**${csr.name}** — CSR ${hex(csr.num)}, ${level}-level (accessible from ${MODE_NAMES[level]} and above), ${access}`, csr.desc];
  if (csr.fields?.length) {
    const sorted = [...csr.fields].sort((a, b) => b.lsb - a.lsb);
    parts.push(['| Field | Bits | Description |', '| --- | --- | --- |', ...sorted.map(fieldRow)].join('\n'));
  }
  return parts.join('\n\n');
}

// ---- symbols ----

function symbolHover(name: string, req: HoverRequest): string | undefined {
  const s = symbolAt(req.symbols, name, req.file, req.line, req.character);
  if (!s) return undefined;
  const where = `Defined in ${basename(s.definition.file)}:${s.definition.line}`;
  switch (s.kind) {
    case 'label': return [`**${s.name}** — label in ${s.section ?? 'no section'}${s.global ? ', global' : ''}`,
      s.value === undefined ? 'Address: known once the sources assemble without errors' : `Address: \`${hex(s.value)}\``, where].join('\n\n');
    case 'equ': return [`**${s.name}** — constant (.equ)${s.global ? ', global' : ''}`,
      s.value === undefined ? 'Value: known once the sources assemble without errors' : `Value: ${BigInt.asIntN(64, s.value)} (\`${hex(BigInt.asUintN(64, s.value))}\`)`, where].join('\n\n');
    case 'macro': return [`**${s.name}** — macro`, where].join('\n\n');
  }
}
