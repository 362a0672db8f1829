// The open buffers and their latest assemblies. Each open file that no other open file includes is a root and is
// assembled with the real assembler, reading open buffers (unsaved text) first and the file system otherwise.
import { readFileSync } from 'node:fs';
import type { AssembleResult, Diagnostic, SymbolInfo } from '../assembler/api';
import { assemble } from '../assembler/assemble';
import { preprocessFor } from '../assembler/sources';

/** One root's latest assembly and every file it read (the root and its includes). */
export interface Analysis {
  root: string;
  files: ReadonlySet<string>;
  result: AssembleResult;
}

export interface OpenBuffer { text: string; version: number }

function readDisk(path: string): string | undefined {
  try { return readFileSync(path, 'utf8'); } catch { return undefined; }
}

export class Workspace {
  private readonly buffers = new Map<string, OpenBuffer>();
  private readonly analyses = new Map<string, Analysis>();

  buffer(path: string): OpenBuffer | undefined { return this.buffers.get(path); }

  /** Records the buffer's text; returns the roots to re-assemble. */
  update(path: string, buffer: OpenBuffer): string[] {
    this.buffers.set(path, buffer);
    return this.rootsReading(path);
  }

  /** Forgets a closed buffer; returns the files whose diagnostics changed and the roots to re-assemble. */
  close(path: string): { affected: Set<string>; roots: string[] } {
    this.buffers.delete(path);
    const own = this.analyses.get(path);
    if (!own) return { affected: new Set(), roots: this.rootsReading(path) };
    this.analyses.delete(path);
    // Open files it included may now be roots of their own.
    const orphans = [...own.files].filter((f) => f !== path && this.buffers.has(f) && this.rootsReading(f).includes(f));
    return { affected: new Set([...own.files, ...filesOf(own.result.diagnostics)]), roots: orphans };
  }

  /** The open files whose assembly reads `path`, or `path` itself when it is open and no open file includes it. */
  rootsReading(path: string): string[] {
    const includers = [...this.analyses.values()].filter((a) => a.root !== path && a.files.has(path)).map((a) => a.root);
    if (includers.length > 0) return includers;
    return this.buffers.has(path) ? [path] : [];
  }

  /** Assembles one root; returns every file whose diagnostics may have changed. */
  assemble(root: string): Set<string> {
    const before = this.analyses.get(root);
    const files = new Set<string>([root]);
    const readFile = (p: string): string | undefined => {
      const text = this.buffers.get(p)?.text ?? readDisk(p);
      if (text !== undefined) files.add(p);
      return text;
    };
    const result = assemble({ files: [root], readFile }, preprocessFor);
    this.analyses.set(root, { root, files, result });
    const affected = new Set([...files, ...filesOf(result.diagnostics), ...(before?.files ?? []), ...filesOf(before?.result.diagnostics ?? [])]);
    // An open file this root includes is assembled as part of it from now on, not on its own.
    for (const f of files) {
      const stale = f !== root ? this.analyses.get(f) : undefined;
      if (!stale) continue;
      this.analyses.delete(f);
      for (const g of [...stale.files, ...filesOf(stale.result.diagnostics)]) affected.add(g);
    }
    return affected;
  }

  /** The assembly that gives `path` its context: a root that includes it, else its own. */
  analysisFor(path: string): Analysis | undefined {
    return [...this.analyses.values()].find((a) => a.root !== path && a.files.has(path)) ?? this.analyses.get(path);
  }

  /** Diagnostics of every assembly, for grouping by file. */
  diagnosticSets(): (readonly Diagnostic[])[] {
    return [...this.analyses.values()].map((a) => a.result.diagnostics);
  }

  /** Symbols visible from `path` (those of the assembly that gives it context). */
  symbolsFor(path: string): readonly SymbolInfo[] {
    return this.analysisFor(path)?.result.symbols ?? [];
  }
}

const filesOf = (ds: readonly Diagnostic[]): string[] => ds.map((d) => d.file);
