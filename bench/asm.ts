// The assembler benchmark row: a generated 10,000-line source assembled and linked in-process (best of
// RUNS, plus the first, cold run), against GNU as + ld on the same file in the same run.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { assemble } from '../assembler/assemble';
import { preprocessFor } from '../assembler/sources';

export const ASM_BENCH = 'asm-10k';
const LINES = 10_000;
/** The issue's target for assembling a 10,000-line file. */
export const ASM_TARGET_MS = 200;

/** A realistic mix: labels, branches back and forth, pseudo-instructions, CSR and FP code, then data. */
export function generateSource(lines: number): string {
  const body = [
    'addi a0, a0, 1', 'li t0, 0x12345678', 'ld a1, 16(sp)', 'sd a1, 24(sp)', 'beqz a0, 1f', 'mv a2, a1', 'add a3, a2, a1',
    'la a4, table', 'lw a5, 0(a4)', 'csrr t1, mstatus', 'csrs mie, t1', 'fadd.d fa0, fa1, fa2', 'slli a0, a0, 3', 'call helper',
    'bne a0, a1, 1b', 'sub s0, s0, s1', 'andi a0, a0, 0xff', 'j 1f', 'sw t2, -8(s0)',
  ];
  const out = ['.text', '.globl _start', '_start:', '1:'];
  for (let i = 0; out.length < lines - 8; i++) {
    if (i % 20 === 0) out.push(`block${i}:`, '1:');
    out.push(`  ${body[i % body.length]}`);
  }
  out.push('1:', 'helper: ret', '.data', '.align 3', 'table: .dword 1, 2, 3, 4', '.word table', '.asciz "end"');
  return out.join('\n') + '\n';
}

function seconds<T>(f: () => T): { value: T; s: number } {
  const t = process.hrtime.bigint();
  const value = f();
  return { value, s: Number(process.hrtime.bigint() - t) / 1e9 };
}

export interface AsmBenchRow { lines: number; coldMs: number; bestMs: number; gnuMs?: number; bytes: number }

export function benchAssembler(dir: string, runs: number, withGnu: boolean): AsmBenchRow {
  const file = path.join(dir, 'asm-10k.s');
  fs.writeFileSync(file, generateSource(LINES));
  const once = () => {
    const r = assemble({ files: [file] }, preprocessFor);
    if (!r.elf) throw new Error(`bench: the generated source did not assemble: ${r.diagnostics.slice(0, 3).map((d) => `${d.line}:${d.column}: ${d.message}`).join('; ')}`);
    return r.elf;
  };
  const cold = seconds(once);
  let best = Infinity;
  for (let i = 0; i < runs; i++) best = Math.min(best, seconds(once).s);
  let gnuMs: number | undefined;
  if (withGnu) {
    let g = Infinity;
    for (let i = 0; i < runs; i++) {
      const t = process.hrtime.bigint();
      const as = spawnSync('riscv64-unknown-elf-as', ['-march=rv64imafdc_zicsr_zifencei', '-mno-relax', '-o', `${file}.o`, file]);
      const ld = spawnSync('riscv64-unknown-elf-ld', ['--no-relax', '-Ttext=0x80000000', '-o', `${file}.elf`, `${file}.o`]);
      if (as.status !== 0 || ld.status !== 0) throw new Error(`bench: GNU could not build the generated source: ${as.stderr}${ld.stderr}`);
      g = Math.min(g, Number(process.hrtime.bigint() - t) / 1e6);
    }
    gnuMs = g;
  }
  return { lines: LINES, coldMs: cold.s * 1000, bestMs: best * 1000, gnuMs, bytes: cold.value.length };
}
