// The `ringside asm` command: assembles and links .S/.s files into an ELF, printing every diagnostic the way
// compilers do (FILE:LINE:COL: error: MESSAGE) so editors and terminals can jump to them.
import { writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { assemble } from '../assembler/assemble';
import { preprocessFor } from '../assembler/sources';
import type { Diagnostic } from '../assembler/api';

export const ASM_HELP = `usage: ringside asm [options] FILE.S... -o OUT.elf

Assembles GNU-syntax RISC-V assembly (RV64IMAFDC, Zicsr, Zifencei, privileged and H instructions) and links
the files into one ELF64 executable with symbols and a DWARF line table. .S files go through the C
preprocessor first (#include, #define, #if); .s and .asm files do not.

options:
  -o FILE              the output ELF (required)
  --text-base ADDR     address of .text (default 0x80000000); .rodata, .data and .bss follow it
  -I DIR               another folder to search for .include and #include files
  -D NAME[=VALUE]      define a preprocessor macro
`;

export class AsmUsageError extends Error {}

interface AsmOptions { files: string[]; out: string; textBase?: bigint; includeDirs: string[]; defines: Record<string, string> }

function parseAsmArgs(args: string[]): AsmOptions {
  const o: AsmOptions = { files: [], out: '', includeDirs: [], defines: {} };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const value = (): string => {
      const v = args[++i];
      if (v === undefined) throw new AsmUsageError(`${a} needs a value`);
      return v;
    };
    if (a === '-o') o.out = value();
    else if (a === '--text-base') {
      const v = value();
      if (!/^(0x[0-9a-f_]+|\d+)$/i.test(v)) throw new AsmUsageError(`--text-base needs an address such as 0x80000000, got '${v}'`);
      o.textBase = BigInt(v.replace(/_/g, ''));
    } else if (a === '-I') o.includeDirs.push(value());
    else if (a.startsWith('-I')) o.includeDirs.push(a.slice(2));
    else if (a === '-D' || a.startsWith('-D')) {
      const [name, v] = (a === '-D' ? value() : a.slice(2)).split('=');
      o.defines[name] = v ?? '1';
    } else if (a.startsWith('-')) throw new AsmUsageError(`unknown option '${a}' (see ringside asm --help)`);
    else o.files.push(a);
  }
  if (o.files.length === 0) throw new AsmUsageError('no source files given (usage: ringside asm FILE.S... -o OUT.elf)');
  if (!o.out) throw new AsmUsageError('no output file: add -o OUT.elf');
  return o;
}

export function formatDiagnostic(d: Diagnostic): string {
  const file = relative(process.cwd(), d.file) || d.file;
  return `${file}:${d.line}:${d.column}: ${d.severity}: ${d.message}`;
}

/** Runs the command; returns the exit code (1 when the sources have errors, 2 for bad usage). */
export function asmCommand(args: string[], stdout: (s: string) => void, stderr: (s: string) => void): number {
  if (args.includes('-h') || args.includes('--help')) { stdout(ASM_HELP); return 0; }
  const o = parseAsmArgs(args);
  const r = assemble({ files: o.files, includeDirs: o.includeDirs, defines: o.defines, textBase: o.textBase }, preprocessFor);
  for (const d of r.diagnostics) stderr(`${formatDiagnostic(d)}\n`);
  if (!r.elf) {
    const n = r.diagnostics.filter((d) => d.severity === 'error').length;
    stderr(`ringside asm: ${n} error${n === 1 ? '' : 's'}; no output written\n`);
    return 1;
  }
  writeFileSync(o.out, r.elf);
  return 0;
}
