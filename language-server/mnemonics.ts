// What the language server knows about a mnemonic: its instruction-table row, compressed row or pseudo-instruction.
// A single lookup shared by hover and completion so both agree on what a name means.
import { compressed, instructions, type CompressedRow, type InstructionRow } from '../emulator/isa/instructions';
import { isPseudo, knownMnemonics } from '../assembler/instruction';

export type Mnemonic =
  | { kind: 'base'; row: InstructionRow; /** AMO ordering suffix (aq, rl, aqrl) written after the row's name. */ suffix?: string }
  | { kind: 'compressed'; row: CompressedRow; base?: InstructionRow }
  | { kind: 'pseudo'; name: string };

const rows = new Map(instructions.map((r) => [r.name, r]));
const compressedRows = new Map(compressed.map((r) => [r.name, r]));

/** Resolves a mnemonic as written (any case); pseudo-instructions win, as they do in the assembler. */
export function lookupMnemonic(written: string): Mnemonic | undefined {
  const name = written.toLowerCase();
  if (isPseudo(name)) return { kind: 'pseudo', name };
  const row = rows.get(name);
  if (row) return { kind: 'base', row };
  const amo = /^(.*)\.(aq|rl|aqrl)$/.exec(name);
  const amoRow = amo ? rows.get(amo[1]) : undefined;
  if (amo && amoRow && amoRow.format === 'AMO') return { kind: 'base', row: amoRow, suffix: amo[2] };
  const c = compressedRows.get(name);
  if (c) return { kind: 'compressed', row: c, base: rows.get(c.expands) };
  return undefined;
}

/** Every mnemonic the assembler accepts, each once, in the assembler's order. */
export function allMnemonics(): string[] {
  return [...new Set(knownMnemonics())];
}
