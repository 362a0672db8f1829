// The assembler's promises that need no oracle: every error carries file, line and column with a message a
// student understands, every error of a file is reported, and no input — random or mangled — makes it throw.
import assert from 'node:assert/strict';
import { assemble } from '../../assembler/assemble';
import { preprocessFor } from '../../assembler/sources';
import type { AssembleResult } from '../../assembler/api';

/** Assembles in-memory sources: the first is the main file; others can be .include'd. */
function asm(main: string, others: Record<string, string> = {}): AssembleResult {
  const files: Record<string, string> = { '/src/main.s': main, ...Object.fromEntries(Object.entries(others).map(([k, v]) => [`/src/${k}`, v])) };
  return assemble({ files: ['/src/main.s'], readFile: (p) => files[p] }, preprocessFor);
}

const errors = (r: AssembleResult): string[] => r.diagnostics.map((d) => `${d.line}:${d.column}: ${d.message}`);

describe('assembler diagnostics', () => {
  it('says which immediate does not fit and what range would', () => {
    assert.deepEqual(errors(asm('_start:\n  addi a0, a0, 5000\n')), ['2:16: immediate 5000 does not fit in 12 bits (-2048..2047)']);
  });

  it('suggests the CSR name that was meant', () => {
    assert.deepEqual(errors(asm('  csrr t0, sstatuss\n')), ["1:12: unknown CSR 'sstatuss' — did you mean 'sstatus'?"]);
  });

  it('explains the rule a compressed instruction breaks', () => {
    assert.deepEqual(errors(asm('  c.addi16sp sp, 8\n')), ['1:18: compressed instruction c.addi16sp needs a non-zero multiple of 16']);
  });

  it('reports every error in a file, not just the first, and writes no ELF', () => {
    const r = asm([
      '_start: addi a0, a0, 1',
      '  ad a0, a1, a2',          // unknown instruction
      '  addi a0, a1',            // missing operand
      '  add a0, a1, q7',         // not a register
      '  j nowhere',              // undefined symbol (found when linking? no: reported as well)
      '_start:',                  // duplicate label
      '  .wrod 5',                // unknown directive
      '  .ascii "open',           // unterminated string
    ].join('\n'));
    assert.equal(r.elf, undefined);
    assert.deepEqual(errors(r), [
      "2:3: unknown instruction 'ad' — did you mean 'add'?",
      "3:3: 'addi' needs 3 operands (rd, rs1, imm), got 2",
      "4:15: 'q7' is not an integer register — did you mean 'a7'?",
      "6:1: label '_start' is already defined at line 1",
      "7:3: unknown directive '.wrod' — did you mean '.word'?",
      '8:10: unterminated string (missing closing ")',
    ]);
  });

  it('reports undefined symbols and unreachable branches once the files are linked', () => {
    assert.deepEqual(errors(asm('_start: j nowhere\n')), ["1:11: undefined symbol 'nowhere'"]);
    const far = asm(`_start: beq a0, a1, other\n .section .text.far\nother: ret\n .text\n .zero 8192\n`);
    assert.equal(far.elf !== undefined, true, 'a branch to another section is 4 bytes and reaches when close');
  });

  it('names the file of an error inside an .include', () => {
    const r = asm('.include "defs.inc"\n_start: nop\n', { 'defs.inc': '.equ A, 1\n  lw a0, 0(a9)\n' });
    assert.deepEqual(r.diagnostics.map((d) => `${d.file}:${d.line}:${d.column}`), ['/src/defs.inc:2:12']);
  });

  it('says when an .include file cannot be read', () => {
    assert.deepEqual(errors(asm('.include "missing.inc"\n')), ["1:10: cannot open include file 'missing.inc'"]);
  });
});

describe('assembler robustness: random and mangled sources never throw', () => {
  /** mulberry32: a small seeded PRNG so failures reproduce. */
  const rng = (seed: number) => () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const valid = [
    '_start:', 'li a0, 0x123456789', 'la a1, data', 'call f', '1: addi a0, a0, -1', 'bnez a0, 1b', 'j 2f', '2:',
    '.macro m x\n addi a0, a0, \\x\n.endm', 'm 3', '.rept 3\nnop\n.endr', 'csrrw t0, mstatus, t1', 'fadd.d fa0, fa1, fa2, rtz',
    'lw a0, %lo(data)(a1)', 'lui a1, %hi(data)', '.data', 'data: .word 1, 2, data', '.asciz "x\\n"', '.text', 'f: ret',
    '.option push', '.option norvc', '.option pop', '.align 3', 'amoswap.w.aq a0, a1, (a2)', '.equ K, 5*3', 'li t0, K',
  ];
  const alphabet = ' \t,()%:.#"\'\\-+*/<>|&^~!0123456789abcdefxzsp\n';

  it('5,000 sources of random lines, fragments and characters', () => {
    const r = rng(12345);
    for (let i = 0; i < 5000; i++) {
      const lines: string[] = [];
      const n = 1 + Math.floor(r() * 12);
      for (let k = 0; k < n; k++) {
        const choice = r();
        if (choice < 0.5) lines.push(valid[Math.floor(r() * valid.length)]);
        else if (choice < 0.8) {
          const base = valid[Math.floor(r() * valid.length)], at = Math.floor(r() * (base.length + 1));
          lines.push(base.slice(0, at) + alphabet[Math.floor(r() * alphabet.length)] + base.slice(at + (r() < 0.5 ? 1 : 0)));
        } else lines.push(Array.from({ length: Math.floor(r() * 20) }, () => alphabet[Math.floor(r() * alphabet.length)]).join(''));
      }
      const src = lines.join('\n');
      let result: AssembleResult | undefined;
      assert.doesNotThrow(() => { result = asm(src); }, `source:\n${src}`);
      assert.ok(result!.elf !== undefined || result!.diagnostics.some((d) => d.severity === 'error'), `no ELF and no error for:\n${src}`);
    }
  });
});
