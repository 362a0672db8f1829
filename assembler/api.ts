// The assembler's public contract: what the CLI, the debugger and the language server ask of it.
// One call assembles and links a set of sources into an ELF64 image, with diagnostics and symbol facts.

/** A place in a source file: 1-based line and column. */
export interface SourcePos {
  file: string;
  line: number;
  column: number;
}

export interface Diagnostic extends SourcePos {
  /** Column just past the offending text on the same line (for editors' squiggles). */
  endColumn: number;
  severity: 'error' | 'warning';
  /** One sentence a student understands, e.g. "immediate 5000 does not fit in 12 bits (-2048..2047)". */
  message: string;
}

export type SymbolKind = 'label' | 'equ' | 'macro';

/** A symbol the sources define, with every place that uses it (for go-to-definition, references, hover). */
export interface SymbolInfo {
  name: string;
  kind: SymbolKind;
  definition: SourcePos;
  references: SourcePos[];
  /** Final value once linked (a label's address, an .equ's value); undefined when it could not be computed. */
  value?: bigint;
  /** Section of a label ('.text', '.data', ...). */
  section?: string;
  global: boolean;
}

/** One row of the line table: the instruction or data at address came from file:line. */
export interface LineRow {
  address: bigint;
  file: string;
  line: number;
}

export interface AssembleOptions {
  /** Source files, assembled separately and linked in this order. */
  files: string[];
  /** Reads a source or included file; defaults to the file system. The language server passes unsaved buffers. */
  readFile?: (path: string) => string | undefined;
  /** Extra directories for `.include` and `#include`. */
  includeDirs?: string[];
  /** Address of the first output section (default 0x8000_0000). */
  textBase?: bigint;
  /** Symbols predefined as with `-D NAME=VALUE` for the preprocessor. */
  defines?: Record<string, string>;
}

export interface AssembleResult {
  /** The linked ELF64 executable, present only when there are no errors. */
  elf?: Uint8Array;
  diagnostics: Diagnostic[];
  symbols: SymbolInfo[];
  lines: LineRow[];
  /** Entry point: `_start` if defined, else the start of .text. */
  entry?: bigint;
}
