// Assembler diagnostics in LSP terms: 1-based line/column/endColumn become 0-based ranges, grouped by the file
// they belong to (an .include'd file's problems are reported on that file, not on the file that includes it).
import { DiagnosticSeverity, type Diagnostic as LspDiagnostic } from 'vscode-languageserver';
import type { Diagnostic } from '../assembler/api';

export function toLspDiagnostic(d: Diagnostic): LspDiagnostic {
  const line = Math.max(0, d.line - 1), start = Math.max(0, d.column - 1);
  return {
    range: { start: { line, character: start }, end: { line, character: Math.max(start, d.endColumn - 1) } },
    severity: d.severity === 'error' ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
    source: 'ringside',
    message: d.message,
  };
}

/** The diagnostics that belong to `file`, from any number of assemblies, each reported once. */
export function diagnosticsFor(file: string, sets: Iterable<readonly Diagnostic[]>): LspDiagnostic[] {
  const seen = new Set<string>();
  const out: LspDiagnostic[] = [];
  for (const set of sets) {
    for (const d of set) {
      const key = `${d.line}:${d.column}:${d.endColumn}:${d.severity}:${d.message}`;
      if (d.file !== file || seen.has(key)) continue;
      seen.add(key);
      out.push(toLspDiagnostic(d));
    }
  }
  return out;
}

/**
 * Coalesces re-assembly requests. Changes that arrive before the queued run are folded into it, and the run
 * reads each buffer's newest text, so only the last version is assembled and published.
 */
export class AssemblyQueue {
  private readonly pending = new Set<string>();
  private queued = false;

  constructor(private readonly run: (root: string) => void) {}

  request(roots: Iterable<string>): void {
    for (const r of roots) this.pending.add(r);
    if (this.queued || this.pending.size === 0) return;
    this.queued = true;
    // Deferred to the next turn of the event loop so notifications already received join this run.
    setImmediate(() => this.flush());
  }

  /** Runs every pending assembly now (also used directly by tests and before answering requests). */
  flush(): void {
    this.queued = false;
    const roots = [...this.pending];
    this.pending.clear();
    for (const r of roots) this.run(r);
  }
}
