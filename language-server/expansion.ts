// What a pseudo-instruction really becomes: the statement is assembled on its own by the real assembler and the
// bytes are disassembled without aliases, so the hover shows exactly the instructions the assembler emits.
import type { SymbolInfo } from '../assembler/api';
import { assembleSources } from '../assembler/assemble';
import { disassemble } from '../emulator/isa/disasm';

/** The snippet's name; never read from disk (readFile answers for it). */
const SNIPPET = '/ringside-language-server/expansion.s';

export type Expansion =
  /** `movedLabels`: labels were recreated right after the statement, so pc-relative offsets are not the program's. */
  | { instructions: string[]; movedLabels: boolean }
  | { error: string };

/**
 * Assembles `statement` (e.g. `li a0, COUNT`) uncompressed, so the expansion reads in base instructions.
 * Symbols it names are recreated from the document: constants by value, labels as labels after the statement.
 */
export function expandStatement(statement: string, symbols: readonly SymbolInfo[]): Expansion {
  const named = new Set(statement.match(/[A-Za-z_.$][\w.$]*/g) ?? []);
  const known = symbols.filter((s) => named.has(s.name) && s.kind !== 'macro');
  const equs = known.filter((s) => s.kind === 'equ' && s.value !== undefined).map((s) => `.equ ${s.name}, ${s.value}`);
  const labels = known.filter((s) => s.kind === 'label' || s.value === undefined).map((s) => `${s.name}:`);
  const source = ['.option norvc', ...equs, statement, ...labels].join('\n');
  const a = assembleSources({ files: [SNIPPET], readFile: (p) => (p === SNIPPET ? source : undefined) });
  const error = a.diagnostics.find((d) => d.severity === 'error');
  if (error) return { error: error.message };
  const text = a.linked?.sections.find((s) => s.name === '.text');
  return { instructions: text ? disassembleAll(text.bytes.subarray(0, text.size), text.address) : [], movedLabels: labels.length > 0 };
}

/** Disassembles a run of instructions, 16-bit ones where the low two bits say so. */
export function disassembleAll(bytes: Uint8Array, address: bigint): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < bytes.length;) {
    const half = bytes[i] | (bytes[i + 1] << 8);
    const length = (half & 3) === 3 ? 4 : 2;
    const raw = length === 4 ? (half | (bytes[i + 2] << 16) | (bytes[i + 3] << 24)) >>> 0 : half;
    out.push(disassemble(raw, address + BigInt(i), { aliases: false }).replace('\t', ' '));
    i += length;
  }
  return out;
}
