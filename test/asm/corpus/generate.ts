// Writes the per-instruction corpus files (table-*.S) from emulator/isa's instruction table, one file per extension.
// Reading the table keeps the corpus complete as rows are added; assembler.test.ts fails when the files are stale.
//   npx tsx test/asm/corpus/generate.ts
import * as fs from 'node:fs';
import * as path from 'node:path';
import { compressed, instructions } from '../../../emulator/isa/instructions';

/** What the generator needs of a row: the table's own rows and the interim H list share this shape. */
export interface RowShape {
  name: string;
  format: string;
  operands: string;
}

/**
 * The hypervisor extension's instructions, used only until the table has rows with ext 'H' (another change adds
 * them). assembler.test.ts checks hSource() switches to the table as soon as such rows exist.
 */
const H_INTERIM_LIST: RowShape[] = [
  ...['hlv.b', 'hlv.bu', 'hlv.h', 'hlv.hu', 'hlvx.hu', 'hlv.w', 'hlvx.wu', 'hlv.wu', 'hlv.d']
    .map((name) => ({ name, format: 'R', operands: 'rd,(rs1)' })),
  ...['hsv.b', 'hsv.h', 'hsv.w', 'hsv.d'].map((name) => ({ name, format: 'R', operands: 'rs2,(rs1)' })),
  { name: 'hfence.vvma', format: 'R', operands: 'rs1,rs2' },
  { name: 'hfence.gvma', format: 'R', operands: 'rs1,rs2' },
];

/** Rows with ext 'H' in the table (the Extension type may not list 'H' yet, hence the widening). */
function tableHRows(): RowShape[] {
  return instructions.filter((r) => (r.ext as string) === 'H');
}

/** Where the H lines come from: the table once it has H rows, else the interim list. */
export function hSource(): { from: 'table' | 'list'; rows: RowShape[] } {
  const rows = tableHRows();
  return rows.length > 0 ? { from: 'table', rows } : { from: 'list', rows: H_INTERIM_LIST };
}

// ---- operand values: edge cases first (x0/x31, f0/f31, min/max immediates), then ordinary ones ----

const X = ['zero', 'x31', 'a0', 's1', 't0', 'x8', 'sp', 'ra', 'tp', 'gp', 'a7', 's11'];
const X_NONZERO = ['x31', 'a0', 'ra', 'sp', 's1', 't0', 'x1', 'gp'];
const X_NOT_0_2 = ['x31', 'a0', 'ra', 's1', 't0', 'x1', 'gp', 'tp'];
const F = ['f0', 'f31', 'fa0', 'ft11', 'fs1', 'f8', 'fa7', 'ft0', 'fs11', 'f15'];
/** Registers a 3-bit compressed field can name: x8..x15 and f8..f15. */
const XC = ['s0', 'a5', 'x8', 'x15', 's1', 'a0', 'a2', 'x12'];
const FC = ['fs0', 'fa5', 'f8', 'f15', 'fs1', 'fa0', 'fa2', 'f12'];
/** Every rounding mode, and '' for the operand left out (GNU then encodes dyn). */
const RM = ['rne', 'rtz', 'rdn', 'rup', 'rmm', 'dyn', ''];
const CSRS = ['mstatus', '0x300', 'sscratch', 'fflags', '0', '4095', 'satp', 'mepc', 'frm', '0x7c0', 'hstatus', 'vsatp'];
const FENCE_SETS: [string, string][] = [
  ['iorw', 'iorw'], ['rw', 'rw'], ['r', 'w'], ['w', 'r'], ['i', 'o'], ['o', 'i'], ['r', 'r'], ['w', 'w'], ['io', 'rw'], ['rw', 'io'],
  ['iorw', 'r'], ['ow', 'ir'],
];

/**
 * Values per operand token, looked up first as `FORMAT:token`, then as `token`. Line i of a row uses value
 * (i + the token's offset) of each list, so registers differ within a line and every value appears.
 */
const VALUES: Record<string, string[]> = {
  rd: X, rs1: X, rs2: X, fd: F, fs1: F, fs2: F, fs3: F, rm: RM,
  // Exact conversions have an rm field that binutils 2.40 does not let the source set.
  rmx: [''],
  imm: ['-2048', '2047', '0', '-1', '1', '1024', '-0x800', '0x7ff'],
  uimm20: ['0', '0xfffff', '0x12345', '1', '0x80000', '524287'],
  'SHIFT64:shamt': ['0', '63', '1', '32', '0x3f'],
  'SHIFT32:shamt': ['0', '31', '1', '16', '0x1f'],
  csr: CSRS,
  zimm: ['0', '31', '1', '16', '0x1f'],
  target: ['1b', '1f', '_start', 'table_end', '.', '.+8'],
  'CIW:rd': XC, 'CIW:uimm': ['4', '1020', '8', '512', '0x3fc'],
  'CL_W:rd': XC, 'CL_W:rs1': XC, 'CL_W:imm': ['0', '124', '4', '64'],
  'CL_D:rd': XC, 'CL_D:fd': FC, 'CL_D:rs1': XC, 'CL_D:imm': ['0', '248', '8', '128'],
  'CS_W:rs2': XC, 'CS_W:rs1': XC, 'CS_W:imm': ['0', '124', '4', '64'],
  'CS_D:rs2': XC, 'CS_D:fs2': FC, 'CS_D:rs1': XC, 'CS_D:imm': ['0', '248', '8', '128'],
  'CI:rd': X_NONZERO, 'CI:imm': ['-32', '31', '1', '-1', '0x1f'],
  'CI_LI:rd': X_NONZERO, 'CI_LI:imm': ['-32', '31', '0', '5'],
  'CI_SP16:imm': ['-512', '496', '16', '-16', '0x100'],
  'CI_LUI:rd': X_NOT_0_2, 'CI_LUI:uimm6': ['1', '31', '0xfffe0', '0xfffff', '0x10'],
  'CB_SHIFT:rd': XC, 'CB_SHIFT:shamt': ['1', '63', '32', '5'],
  'CB_ANDI:rd': XC, 'CB_ANDI:imm': ['-32', '31', '0', '-1'],
  'CA:rd': XC, 'CA:rs2': XC,
  'CB:rs1': XC, 'CB:target': ['1b', '1f', '.', '.-4'],
  'CJ:target': ['1b', '1f', '.', '.+2'],
  'CI_SHIFT:rd': X_NONZERO, 'CI_SHIFT:shamt': ['1', '63', '32', '5'],
  'CI_LWSP:rd': X_NONZERO, 'CI_LWSP:imm': ['0', '252', '4', '128'],
  'CI_LDSP:rd': X_NONZERO, 'CI_LDSP:fd': F, 'CI_LDSP:imm': ['0', '504', '8', '256'],
  'CSS_SW:rs2': X, 'CSS_SW:imm': ['0', '252', '4', '128'],
  'CSS_SD:rs2': X, 'CSS_SD:fs2': F, 'CSS_SD:imm': ['0', '504', '8', '256'],
  'CR_JR:rs1': X_NONZERO, 'CR_JALR:rs1': X_NONZERO,
  'CR_MV:rd': X_NONZERO, 'CR_MV:rs2': X_NONZERO, 'CR_ADD:rd': X_NONZERO, 'CR_ADD:rs2': X_NONZERO,
};
const OFFSET: Record<string, number> = { rd: 0, fd: 0, rs1: 1, fs1: 1, rs2: 2, fs2: 2, fs3: 3 };

function values(format: string, token: string, row: string): string[] {
  const v = VALUES[`${format}:${token}`] ?? VALUES[token];
  if (!v) throw new Error(`generate.ts: no corpus values for operand '${token}' of ${row} (format ${format}); add them to VALUES`);
  return v;
}

/** Splits 'rd,imm(rs1)' into operand templates, each with the tokens it mentions. */
function templates(operands: string): { text: string; tokens: string[] }[] {
  if (operands === '') return [];
  return operands.split(',').map((text) => ({ text, tokens: text.match(/[a-z][a-z0-9]*/g) ?? [] }));
}

/** The source lines for one row: enough lines that every value of every operand appears at least once. */
function rowLines(row: RowShape): string[] {
  if (row.name === 'fence') {
    return ['fence', ...FENCE_SETS.map(([p, s]) => `fence ${p}, ${s}`)];
  }
  const ops = templates(row.operands);
  const lists = new Map<string, string[]>();
  for (const op of ops) for (const t of op.tokens) if (t !== 'sp') lists.set(t, values(row.format, t, row.name));
  const n = Math.max(1, ...[...lists.values()].map((l) => l.length));
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const parts = ops.map((op) => op.text.replace(/[a-z][a-z0-9]*/g, (t) => {
      if (t === 'sp') return t;
      const l = lists.get(t)!;
      return l[(i + (OFFSET[t] ?? 0)) % l.length];
    })).filter((p) => p !== '');
    lines.push(parts.length ? `${row.name} ${parts.join(', ')}` : row.name);
  }
  // TLB fences take zero, one or two operands (missing ones are x0).
  if (row.operands === 'rs1,rs2' && /fence/.test(row.name)) lines.push(row.name, `${row.name} a0`, `${row.name} x31`);
  return lines;
}

/** A's .aq/.rl/.aqrl orderings are spellings of one row with the aq and rl bits set. */
function expandOrdering(row: RowShape, ext: string): RowShape[] {
  if (ext !== 'A') return [row];
  return ['', '.aq', '.rl', '.aqrl'].map((s) => ({ ...row, name: row.name + s }));
}

const FILE_NAMES: Record<string, string> = {
  I: 'table-rv64i.S', M: 'table-m.S', A: 'table-a.S', F: 'table-f.S', D: 'table-d.S', C: 'table-c.S',
  Zicsr: 'table-zicsr.S', Zifencei: 'table-zifencei.S', Priv: 'table-priv.S', H: 'table-h.S',
};

function fileText(ext: string, rows: RowShape[], note: string): string {
  const out = [
    `# Every ${ext} instruction of the instruction table with edge operands (x0/x31, f0/f31, min/max immediates).`,
    `# Generated by generate.ts from emulator/isa/instructions.ts${note}; do not edit, rerun the generator.`,
    '',
    // The full-size encodings are the point here; automatic compression has its own corpus files.
    ext === 'C' ? '' : '.option norvc',
    '.text',
    '.globl _start',
    '_start:',
  ].filter((l, i) => l !== '' || i === 2);
  for (const row of rows) {
    expandOrdering(row, ext).forEach((r, k) => {
      out.push('1:');
      // The ordering suffixes only flip two bits: a few lines each show them, the plain row shows every operand.
      for (const l of rowLines(r).slice(0, k === 0 ? undefined : 3)) out.push(`  ${l}`);
    });
  }
  out.push('1:', 'table_end:', '  nop', '');
  return out.join('\n');
}

/** File name → contents for every table-*.S file. */
export function generateTables(): Map<string, string> {
  const byExt = new Map<string, RowShape[]>();
  for (const r of instructions) {
    if ((r.ext as string) === 'H') continue;
    const list = byExt.get(r.ext) ?? [];
    list.push(r);
    byExt.set(r.ext, list);
  }
  byExt.set('C', compressed);
  const files = new Map<string, string>();
  for (const [ext, rows] of byExt) {
    const name = FILE_NAMES[ext];
    if (!name) throw new Error(`generate.ts: no corpus file name for extension '${ext}'; add it to FILE_NAMES`);
    files.set(name, fileText(ext, rows, ''));
  }
  const h = hSource();
  files.set(FILE_NAMES.H, fileText('H', h.rows, h.from === 'list' ? ' (H rows: the interim list in generate.ts, until the table has them)' : ''));
  return files;
}

if (require.main === module) {
  for (const [name, text] of generateTables()) {
    fs.writeFileSync(path.join(__dirname, name), text);
    console.log(`wrote ${name}: ${text.split('\n').length} lines`);
  }
}
