// The lexical view of one source line the editor features need: the word under the cursor and its role in
// its statement (label, mnemonic or directive, which operand). Lenient: half-typed lines never throw.
import { splitLine } from '../assembler/syntax';

/** A word on a line, with 0-based start and end (exclusive) character offsets. */
export interface Word { text: string; start: number; end: number }

/** Where a position sits in its statement. */
export type Slot =
  /** In (or before) the operation name: a mnemonic or directive goes here. */
  | { kind: 'operation'; labels: string[] }
  /** In operand number `index` (0-based) of `operation`. */
  | { kind: 'operand'; operation: string; index: number }
  /** On a label being defined (`name:`). */
  | { kind: 'label' }
  /** In a comment or a preprocessor line: no assembly vocabulary applies. */
  | { kind: 'comment' };

export interface LineContext {
  /** The word the position touches (empty text when between words). */
  word: Word;
  slot: Slot;
}

const PREPROCESSOR_LINE = /^\s*#\s*(if|ifdef|ifndef|elif|else|endif|define|undef|include|error|warning|pragma|line)\b/;
const WORD_CHAR = /[\w.$]/;

/** The word touching character `ch` (a symbol, mnemonic, directive or register name). */
export function wordAt(line: string, ch: number): Word {
  let start = Math.min(ch, line.length), end = start;
  while (start > 0 && WORD_CHAR.test(line[start - 1])) start--;
  while (end < line.length && WORD_CHAR.test(line[end])) end++;
  return { text: line.slice(start, end), start, end };
}

const LABEL = /^\s*([A-Za-z_.$][\w.$]*|\d+)\s*:/;
const OPERATION = /^\s*([A-Za-z_.$][\w.$]*)/;

/** The role of the word at `ch`: the statement is found after `;` splits, and `#` comments are excluded. */
export function lineContext(line: string, ch: number): LineContext {
  const word = wordAt(line, ch);
  if (PREPROCESSOR_LINE.test(line)) {
    return { word, slot: { kind: 'comment' } };
  }
  const pieces = splitLine(line);
  const piece = pieces.find((p) => ch >= p.column - 1 && ch <= p.column - 1 + p.text.length);
  if (!piece) return { word, slot: { kind: 'comment' } };
  return { word, slot: slotIn(piece.text, ch - (piece.column - 1)) };
}

function slotIn(text: string, ch: number): Slot {
  let offset = 0;
  const labels: string[] = [];
  for (let m = LABEL.exec(text.slice(offset)); m; m = LABEL.exec(text.slice(offset))) {
    const end = offset + m[0].length;
    if (ch < end) return { kind: 'label' };
    labels.push(m[1]);
    offset = end;
  }
  const op = OPERATION.exec(text.slice(offset));
  if (!op) return { kind: 'operation', labels };
  const opEnd = offset + op[0].length;
  if (ch <= opEnd) return { kind: 'operation', labels };
  return { kind: 'operand', operation: op[1], index: operandIndex(text.slice(opEnd, ch)) };
}

/** Counts top-level commas before the cursor (commas inside strings and parentheses do not separate operands). */
function operandIndex(before: string): number {
  let index = 0, depth = 0, quoted = false;
  for (let i = 0; i < before.length; i++) {
    const c = before[i];
    if (quoted) { if (c === '\\') i++; else if (c === '"') quoted = false; continue; }
    if (c === '"') quoted = true;
    else if (c === '(') depth++;
    else if (c === ')') depth = Math.max(0, depth - 1);
    else if (c === ',' && depth === 0) index++;
  }
  return index;
}

/** The statement containing `ch` without its labels (e.g. `li a0, COUNT`), for replaying it through the assembler. */
export function statementAt(line: string, ch: number): string | undefined {
  const piece = splitLine(line).find((p) => ch >= p.column - 1 && ch <= p.column - 1 + p.text.length);
  if (!piece) return undefined;
  let text = piece.text;
  for (let m = LABEL.exec(text); m; m = LABEL.exec(text)) text = text.slice(m[0].length);
  return text.trim() || undefined;
}
