// A per-line scan of a source text for block structure: section switches, named labels, macro and repeat
// blocks, preprocessor conditionals and multi-line comments. Shared by the outline and folding ranges.
import { parseStatement, splitLine, type Arg, type Statement } from '../assembler/syntax';

export type BlockKind = 'macro' | 'repeat' | 'conditional' | 'comment';

/** A block from its opening line to its closing line (0-based, inclusive). */
export interface Block { kind: BlockKind; start: number; end: number; name?: string }

export interface LineFacts {
  /** 0-based line numbers where a section starts, with the section's name. */
  sections: { line: number; name: string }[];
  /** Named (not numeric) labels by line. */
  labels: { line: number; name: string }[];
  blocks: Block[];
}

const OPENERS: Record<string, BlockKind> = { '.macro': 'macro', '.rept': 'repeat', '.irp': 'repeat', '.irpc': 'repeat' };
const CLOSERS: Record<string, BlockKind> = { '.endm': 'macro', '.endr': 'repeat' };
const SECTION_DIRECTIVES = new Set(['.text', '.data', '.bss', '.rodata']);
const CPP_OPEN = /^\s*#\s*(if|ifdef|ifndef)\b/;
const CPP_CLOSE = /^\s*#\s*endif\b/;

export function scanLines(text: string): LineFacts {
  const facts: LineFacts = { sections: [], labels: [], blocks: [] };
  const open: { kind: BlockKind; start: number; name?: string }[] = [];
  const lines = text.split(/\r?\n/);
  let commentStart: number | undefined;
  lines.forEach((raw, n) => {
    if (commentStart !== undefined) {
      if (!raw.includes('*/')) return;
      if (n > commentStart) facts.blocks.push({ kind: 'comment', start: commentStart, end: n });
      commentStart = undefined;
      raw = raw.slice(raw.indexOf('*/') + 2);
    }
    const line = stripBlockComments(raw);
    if (line.unclosed) commentStart = n;
    if (CPP_OPEN.test(line.text)) { open.push({ kind: 'conditional', start: n }); return; }
    if (CPP_CLOSE.test(line.text)) { close(open, 'conditional', n, facts); return; }
    for (const piece of splitLine(line.text)) statement(piece, n, open, facts);
  });
  return facts;
}

/** Removes `/* … *\/` spans on one line; reports a comment left open at the end of the line. */
function stripBlockComments(line: string): { text: string; unclosed: boolean } {
  let text = line;
  for (let i = text.indexOf('/*'); i >= 0; i = text.indexOf('/*')) {
    const end = text.indexOf('*/', i + 2);
    if (end < 0) return { text: text.slice(0, i), unclosed: true };
    text = text.slice(0, i) + ' '.repeat(end + 2 - i) + text.slice(end + 2);
  }
  return { text, unclosed: false };
}

/** The assembler's own statement parser; a line it cannot parse has no structure to show. */
function parse(piece: Arg): Statement | undefined {
  try { return parseStatement(piece); } catch { return undefined; }
}

function statement(piece: Arg, n: number, open: { kind: BlockKind; start: number; name?: string }[], facts: LineFacts): void {
  const st = parse(piece);
  if (!st) return;
  for (const l of st.labels) if (!/^\d+$/.test(l.text)) facts.labels.push({ line: n, name: l.text });
  const op = st.op?.text.toLowerCase() ?? '', first = /^[\w.$]+/.exec(st.args[0]?.text ?? '')?.[0];
  if (OPENERS[op]) open.push({ kind: OPENERS[op], start: n, name: op === '.macro' ? first : undefined });
  else if (CLOSERS[op]) close(open, CLOSERS[op], n, facts);
  else if (SECTION_DIRECTIVES.has(op)) facts.sections.push({ line: n, name: op });
  else if (op === '.section') facts.sections.push({ line: n, name: first ?? '.section' });
}

/** Closes the innermost open block of this kind; an unmatched closer is ignored (the assembler reports it). */
function close(open: { kind: BlockKind; start: number; name?: string }[], kind: BlockKind, n: number, facts: LineFacts): void {
  const i = open.map((b) => b.kind).lastIndexOf(kind);
  if (i < 0) return;
  const [b] = open.splice(i, open.length - i);
  facts.blocks.push({ ...b, end: n });
}
