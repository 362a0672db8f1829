// Source lines for the debugger: which file and line a pc belongs to (stack frames, stepping) and which addresses a
// line starts at (source breakpoints), from an ELF's DWARF line tables — our assembler's and gcc's alike.
import * as posix from 'node:path/posix';
import type { ElfImage } from '../emulator/loader/elf';
import { compDirsByLineTable } from '../emulator/loader/dwarf-units';
import { readDebugLineStatements, type StatementLineRow } from '../assembler/dwarf-line';

export interface SourceLocation {
  /** The path as the line table records it, joined to its directory and the compilation directory. */
  file: string;
  line: number;
}

export interface SourceLines {
  /** Every file the line tables name rows in. */
  readonly files: readonly string[];
  /** The line the instruction at pc belongs to, or undefined outside every line-table sequence. */
  addressToLine(pc: bigint): SourceLocation | undefined;
  /**
   * Where a breakpoint on file:line goes: the address of each statement row that starts that line (a line whose code
   * is split, by a loop or the optimizer, starts more than once). A line without code moves to the next line that has
   * some, as debuggers do. `file` may be a full path or a trailing part of one (e.g. `lib/chain.c`).
   */
  lineToAddresses(file: string, line: number): bigint[];
}

/** A row's extent: from its address to the next row of its sequence (or the sequence's end). */
interface Span extends SourceLocation {
  start: bigint;
  end: bigint;
  isStmt: boolean;
}

const section = (image: ElfImage, name: string) => image.sections.find((s) => s.name === name)?.data;

/** Reads an image's line tables; an image without `.debug_line` has no lines (every lookup misses). */
export function lineTable(image: ElfImage): SourceLines {
  const debugLine = section(image, '.debug_line');
  if (!debugLine) return new LineIndex([]);
  const strings = { debugStr: section(image, '.debug_str'), debugLineStr: section(image, '.debug_line_str') };
  const debugInfo = section(image, '.debug_info'), debugAbbrev = section(image, '.debug_abbrev');
  const compDirs = debugInfo && debugAbbrev ? compDirsByLineTable({ debugInfo, debugAbbrev, ...strings }) : new Map<number, string>();
  const table = readDebugLineStatements(debugLine, strings, { compDirAt: (offset) => compDirs.get(offset) });
  return new LineIndex(spans(table.rows, table.sequences.map((s) => s.end)));
}

/** Turns rows into non-empty spans sorted by address; of rows at one address the last one holds, as in addr2line. */
function spans(rows: readonly StatementLineRow[], sequenceEnds: readonly bigint[]): Span[] {
  const out: Span[] = [];
  rows.forEach((r, i) => {
    const next = rows[i + 1];
    const end = next && next.sequence === r.sequence ? next.address : sequenceEnds[r.sequence];
    if (end === undefined || end <= r.address) return;
    out.push({ start: r.address, end, file: r.file, line: r.line, isStmt: r.isStmt });
  });
  return out.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
}

class LineIndex implements SourceLines {
  readonly files: readonly string[];
  /** Statement-start addresses by file, then line. */
  private readonly starts = new Map<string, Map<number, bigint[]>>();

  constructor(private readonly spans: readonly Span[]) {
    this.files = [...new Set(spans.map((s) => s.file))];
    let previous: Span | undefined;
    for (const s of spans) {
      const continues = previous !== undefined && previous.end === s.start && previous.file === s.file && previous.line === s.line;
      if (s.isStmt && !continues) this.addStart(s);
      previous = s;
    }
  }

  private addStart(s: Span): void {
    let lines = this.starts.get(s.file);
    if (!lines) this.starts.set(s.file, (lines = new Map()));
    const list = lines.get(s.line);
    if (list) list.push(s.start); else lines.set(s.line, [s.start]);
  }

  addressToLine(pc: bigint): SourceLocation | undefined {
    let lo = 0, hi = this.spans.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.spans[mid].start <= pc) lo = mid + 1; else hi = mid;
    }
    const s = this.spans[lo - 1];
    return s && pc < s.end ? { file: s.file, line: s.line } : undefined;
  }

  lineToAddresses(file: string, line: number): bigint[] {
    const lines = this.matchingFile(file);
    if (!lines) return [];
    let best: number | undefined;
    for (const l of lines.keys()) if (l >= line && (best === undefined || l < best)) best = l;
    return best === undefined ? [] : [...new Set(lines.get(best))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /** The file's lines: by exact path, else the one recorded path that ends with `file` at a directory boundary. */
  private matchingFile(file: string): Map<number, bigint[]> | undefined {
    const normal = posix.normalize(file);
    const exact = this.starts.get(normal);
    if (exact) return exact;
    const candidates = [...this.starts.keys()].filter((f) => f.endsWith(`/${normal.replace(/^\.\//, '')}`) || normal.endsWith(`/${f}`));
    return candidates.length === 1 ? this.starts.get(candidates[0]) : undefined;
  }
}
