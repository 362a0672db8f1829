// The assembler differential harness: builds corpus programs with Debian's GNU binutils and with ours, and
// compares the images. Every mismatch is reported as a readable line, with both sides disassembled where it is code.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseElf, SHF_ALLOC, type ElfImage } from '../../emulator/loader/elf';
import { CC, REPO_ROOT, requireTool, runCli, type GuestResult } from '../support/toolchain';

export const ASM_DIR = path.join(REPO_ROOT, 'test', 'asm');
export const CORPUS_DIR = path.join(ASM_DIR, 'corpus');
export const ERRORS_DIR = path.join(ASM_DIR, 'errors');
export const LINK_LD = path.join(ASM_DIR, 'link.ld');

export const AS = 'riscv64-unknown-elf-as';
export const LD = 'riscv64-unknown-elf-ld';
export const OBJDUMP = 'riscv64-unknown-elf-objdump';
export const AS_FLAGS = ['-march=rv64imafdc_zicsr_zifencei_h', '-mabi=lp64d', '-mno-relax'];

/** The output sections link.ld makes, in order; the comparison covers exactly these. */
export const OUTPUT_SECTIONS = ['.text', '.rodata', '.data', '.bss'];

export interface Program {
  /** corpus-relative name: 'li.S' for a one-file program, 'two-file-calls' for a folder of files. */
  name: string;
  /** Absolute paths, in link order. */
  files: string[];
}

/** Each top-level corpus .S file is a program; each folder is one program of its .S files in name order. */
export function corpusPrograms(): Program[] {
  const programs: Program[] = [];
  for (const e of fs.readdirSync(CORPUS_DIR, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const p = path.join(CORPUS_DIR, e.name);
    if (e.isDirectory()) {
      const files = fs.readdirSync(p).filter((f) => f.endsWith('.S')).sort().map((f) => path.join(p, f));
      if (files.length) programs.push({ name: e.name, files });
    } else if (e.name.endsWith('.S')) {
      programs.push({ name: e.name, files: [p] });
    }
  }
  return programs;
}

/** A line the C preprocessor treats as a directive: GNU's side runs cpp on exactly the files that have one. */
const CPP_DIRECTIVE = /^\s*#\s*(include|define|undef|if|ifdef|ifndef|elif|else|endif|error|warning|line|pragma)\b/m;

export function usesCpp(text: string): boolean {
  return CPP_DIRECTIVE.test(text);
}

function run(cmd: string, args: string[], cwd: string): { ok: boolean; out: string } {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.error) throw new Error(`cannot run ${cmd}: ${r.error.message}`);
  return { ok: r.status === 0, out: `${r.stdout}${r.stderr}` };
}

export interface GnuBuild {
  /** The linked ELF, or undefined when a step failed. */
  elf?: string;
  /** Everything the tools printed (warnings included), with the failing command when one failed. */
  log: string;
}

/**
 * The GNU side of the contract: cpp (for files with directives), as per file, ld with link.ld.
 * cpp keeps its line markers (no -P) so that as -g attributes lines to the original source.
 */
export function buildGnu(files: string[], outDir: string, o: { debug?: boolean } = {}): GnuBuild {
  for (const t of [AS, LD]) requireTool(t);
  fs.mkdirSync(outDir, { recursive: true });
  const objects: string[] = [];
  let log = '';
  for (const [i, file] of files.entries()) {
    const dir = path.dirname(file), base = path.basename(file, '.S');
    let input = file;
    if (usesCpp(fs.readFileSync(file, 'utf8'))) {
      requireTool(CC);
      input = path.join(outDir, `${i}-${base}.s`);
      const args = ['-E', '-x', 'assembler-with-cpp', '-I', dir, file, '-o', input];
      const r = run(CC, args, dir);
      log += r.out;
      if (!r.ok) return { log: `${log}\n$ ${CC} ${args.join(' ')} failed` };
    }
    const obj = path.join(outDir, `${i}-${base}.o`);
    const args = [...AS_FLAGS, ...(o.debug ? ['-g'] : []), '-I', dir, '-o', obj, input];
    const r = run(AS, args, dir);
    log += r.out;
    if (!r.ok) return { log: `${log}\n$ ${AS} ${args.join(' ')} failed` };
    objects.push(obj);
  }
  const elf = path.join(outDir, 'gnu.elf');
  const args = ['--no-relax', '--no-warn-rwx-segments', '-T', LINK_LD, '-o', elf, ...objects];
  const r = run(LD, args, outDir);
  log += r.out;
  if (!r.ok) return { log: `${log}\n$ ${LD} ${args.join(' ')} failed` };
  return { elf, log };
}

/** Ours: `node dist/cli.js asm FILES... -o OUT`, file paths relative to the repository as diagnostics show them. */
export function buildOurs(files: string[], outElf: string): GuestResult {
  return runCli(['asm', ...files.map((f) => path.relative(REPO_ROOT, f)), '-o', outElf]);
}

/** Address → instruction text (objdump -d -M no-aliases, so compressed forms show as c.*), .text only. */
export function disassemble(elf: string): Map<bigint, string> {
  requireTool(OBJDUMP);
  const r = run(OBJDUMP, ['-d', '-M', 'no-aliases', '-j', '.text', elf], REPO_ROOT);
  if (!r.ok) throw new Error(`${OBJDUMP} -d ${elf} failed:\n${r.out}`);
  const map = new Map<bigint, string>();
  for (const line of r.out.split('\n')) {
    const m = /^\s*([0-9a-f]+):\s+(?:[0-9a-f]{2,8}\s)+\s*(.*)$/.exec(line);
    if (m) map.set(BigInt(`0x${m[1]}`), m[2].replace(/\s+#.*$/, '').replace(/\s+/, ' ').trim());
  }
  return map;
}

export interface LineRow {
  address: bigint;
  file: string;
  /** 0 for the end of a sequence (objdump prints '-'). */
  line: number;
}

/** The rows of `objdump --dwarf=decodedline`, file names reduced to their basenames. */
export function decodedLines(elf: string): LineRow[] {
  requireTool(OBJDUMP);
  const r = run(OBJDUMP, ['--dwarf=decodedline', '-w', elf], REPO_ROOT);
  if (!r.ok) throw new Error(`${OBJDUMP} --dwarf=decodedline ${elf} failed:\n${r.out}`);
  const rows: LineRow[] = [];
  for (const line of r.out.split('\n')) {
    const m = /^(\S+)\s+(\d+|-)\s+(0x[0-9a-f]+)(?:\s+\d+)?(?:\s+x)?\s*$/.exec(line);
    if (m) rows.push({ file: path.basename(m[1]), line: m[2] === '-' ? 0 : Number(m[2]), address: BigInt(m[3]) });
  }
  return rows;
}

/** The row in effect at an address: the last row at or below it (undefined past a sequence's end). */
export function rowAt(rows: LineRow[], address: bigint): LineRow | undefined {
  let best: LineRow | undefined;
  for (const r of rows) if (r.address <= address && (!best || r.address >= best.address)) best = r;
  return best && best.line !== 0 ? best : undefined;
}

const hex = (v: bigint): string => `0x${v.toString(16)}`;

function section(elf: ElfImage, name: string): { addr: bigint; size: bigint; data: Uint8Array } | undefined {
  const s = elf.sections.find((x) => x.name === name && (x.flags & SHF_ALLOC) !== 0n);
  // ld drops empty output sections; an empty section of ours is the same as none.
  return s && s.size > 0n ? s : undefined;
}

/** Symbols the comparison covers: not section/file symbols, not .L locals, not binutils' $x/$d mapping symbols. */
export function comparedSymbols(elf: ElfImage): string[] {
  return elf.symbols
    .filter((s) => s.name !== '' && s.type !== 'section' && s.type !== 'file' && !s.name.startsWith('.L') && !s.name.startsWith('$'))
    .map((s) => `${s.name} = ${hex(s.value)}`)
    .sort();
}

function bytesAround(data: Uint8Array, off: number): string {
  const from = Math.max(0, off - 4);
  return [...data.subarray(from, off + 8)].map((b, i) => (from + i === off ? `[${b.toString(16).padStart(2, '0')}]` : b.toString(16).padStart(2, '0'))).join(' ');
}

/** The source line of an address per a line table (the GNU -g build), for pointing the reader at the source. */
function where(rows: LineRow[] | undefined, address: bigint): string {
  const r = rows && rowAt(rows, address);
  return r ? ` (source ${r.file}:${r.line})` : '';
}

/**
 * Every difference between GNU's image and ours, as readable lines (empty when they agree): entry, each output
 * section's address and bytes (.bss: size), and the symbol sets. `gnuLines` (from the -g build) adds source lines.
 */
export function compareImages(gnuPath: string, oursPath: string, gnuLines?: LineRow[]): string[] {
  const gnu = parseElf(fs.readFileSync(gnuPath)), ours = parseElf(fs.readFileSync(oursPath));
  const problems: string[] = [];
  if (gnu.entry !== ours.entry) problems.push(`entry point: GNU ${hex(gnu.entry)} / ours ${hex(ours.entry)}`);
  for (const name of OUTPUT_SECTIONS) {
    const g = section(gnu, name), o = section(ours, name);
    if (!g && !o) continue;
    if (!g || !o) {
      problems.push(`${name}: GNU ${g ? `${g.size} bytes` : 'absent (empty)'} / ours ${o ? `${o.size} bytes` : 'absent (empty)'}`);
      continue;
    }
    if (g.addr !== o.addr) problems.push(`${name} address: GNU ${hex(g.addr)} / ours ${hex(o.addr)}`);
    if (g.size !== o.size) problems.push(`${name} size: GNU ${g.size} bytes / ours ${o.size} bytes`);
    if (name === '.bss') continue;
    const n = Math.min(g.data.length, o.data.length);
    let off = 0;
    while (off < n && g.data[off] === o.data[off]) off++;
    if (off === n && g.data.length === o.data.length) continue;
    const at = g.addr + BigInt(off);
    if (name === '.text') {
      const gd = disassemble(gnuPath), od = disassemble(oursPath);
      const insn = (d: Map<bigint, string>): string => {
        let best: bigint | undefined;
        for (const a of d.keys()) if (a <= at && (best === undefined || a > best)) best = a;
        return best === undefined ? '(nothing)' : `${best === at ? '' : `${hex(best)}: `}${d.get(best)}`;
      };
      problems.push(`.text first differs at ${hex(at)}${where(gnuLines, at)}: GNU \`${insn(gd)}\` / ours \`${insn(od)}\``);
    } else {
      problems.push(`${name} first differs at ${hex(at)} (offset ${off}): GNU ${bytesAround(g.data, off)} / ours ${bytesAround(o.data, off)}`);
    }
  }
  const gs = comparedSymbols(gnu), os = comparedSymbols(ours);
  const missing = multisetMinus(gs, os), extra = multisetMinus(os, gs);
  if (missing.length) problems.push(`symbols GNU has and ours lacks (or has another value): ${missing.join(', ')}`);
  if (extra.length) problems.push(`symbols ours has and GNU lacks (or has another value): ${extra.join(', ')}`);
  return problems;
}

function multisetMinus(a: string[], b: string[]): string[] {
  const left = new Map<string, number>();
  for (const x of b) left.set(x, (left.get(x) ?? 0) + 1);
  const out: string[] = [];
  for (const x of a) {
    const k = left.get(x) ?? 0;
    if (k > 0) left.set(x, k - 1);
    else out.push(x);
  }
  return out;
}

/**
 * Compares line tables: at every instruction address of GNU's .text, ours must map to the same file and line as
 * GNU does, and every address where GNU starts a row must start a row in ours (so breakpoints land alike).
 */
export function compareLines(gnuElf: string, gnuRows: LineRow[], oursRows: LineRow[]): string[] {
  const problems: string[] = [];
  const oursStarts = new Set(oursRows.filter((r) => r.line !== 0).map((r) => r.address));
  const fmt = (r: LineRow | undefined): string => (r ? `${r.file}:${r.line}` : '(no line)');
  for (const [address, text] of disassemble(gnuElf)) {
    const g = rowAt(gnuRows, address), o = rowAt(oursRows, address);
    if (fmt(g) !== fmt(o)) problems.push(`${hex(address)} \`${text}\`: GNU ${fmt(g)} / ours ${fmt(o)}`);
    else if (gnuRows.some((r) => r.address === address && r.line !== 0) && !oursStarts.has(address)) {
      problems.push(`${hex(address)} \`${text}\`: GNU starts a row for ${fmt(g)} here, ours has none`);
    }
  }
  return problems;
}

/** `# expect: LINE:COL: MESSAGE` header lines of an error case. */
export function expectations(text: string): { line: number; column: number; message: string }[] {
  return [...text.matchAll(/^# expect: (\d+):(\d+): (.+)$/gm)].map((m) => ({ line: Number(m[1]), column: Number(m[2]), message: m[3] }));
}
