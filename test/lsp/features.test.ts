// Unit tests of the language server's feature modules as pure functions over text and real assembler results,
// without the protocol: hover wording, completion contexts, folding, expansion, and the workspace's include logic.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { csrByName } from '../../emulator/csr/table';
import { instructions } from '../../emulator/isa/instructions';
import { complete } from '../../language-server/completion';
import { AssemblyQueue, diagnosticsFor, toLspDiagnostic } from '../../language-server/diagnostics';
import { lineContext } from '../../language-server/document';
import { expandStatement } from '../../language-server/expansion';
import { foldingRanges } from '../../language-server/folding';
import { csrHover, hover, popekGoldberg } from '../../language-server/hover';
import { registerInfo } from '../../language-server/registers';
import { Workspace } from '../../language-server/workspace';

const row = (name: string) => instructions.find((r) => r.name === name)!;

describe('language server features', () => {
  describe('Popek–Goldberg wording', () => {
    it('derives the mode a privileged instruction needs from its encoding', () => {
      assert.equal(popekGoldberg(row('mret')), 'privileged: traps when executed below M-mode; sensitive');
      for (const n of ['sret', 'sfence.vma', 'wfi']) assert.equal(popekGoldberg(row(n)), 'privileged: traps when executed below S-mode; sensitive');
    });

    it('words the CSR and innocuous classes', () => {
      assert.equal(popekGoldberg(row('csrrw')), 'depends on the CSR: accessing a CSR above the current privilege traps');
      assert.equal(popekGoldberg(row('addi')), 'innocuous: runs directly, never traps for virtualization');
    });

    it('names the CSR on the hovered line when the instruction is a CSR access', () => {
      const h = hover({ text: '  csrrw t0, satp, t1', line: 0, character: 3, file: '/x.S', symbols: [] });
      assert.match(h!.markdown, /`satp` is an S-level CSR, so this traps when executed below S-mode/);
    });
  });

  describe('CSR hover', () => {
    it('reads privilege from bits 9:8 and read-only from bits 11:10', () => {
      assert.match(csrHover(csrByName.get('mhartid')!), /CSR 0xf14, M-level .*read-only/);
      assert.match(csrHover(csrByName.get('sstatus')!), /CSR 0x100, S-level .*read\/write/);
      assert.match(csrHover(csrByName.get('cycle')!), /CSR 0xc00, U-level .*read-only/);
    });

    it('lists fields from the most significant down, with enumerated values', () => {
      const text = csrHover(csrByName.get('mstatus')!);
      assert.ok(text.indexOf('| SD | 63 |') < text.indexOf('| MPP | 12:11 |'));
      assert.match(text, /\| MPP \| 12:11 \| .*\(0 = U, 1 = S, 3 = M\)/);
    });
  });

  describe('registers', () => {
    it('gives architectural names and calling-convention roles', () => {
      assert.deepEqual(['zero', 'ra', 'sp', 'fp', 'a0', 'a7', 't6', 'x10', 'fa1', 'fs11', 'ft0'].map((r) => [registerInfo(r)?.arch, registerInfo(r)?.role]), [
        ['x0', 'hard-wired zero: reads as 0, writes are ignored'], ['x1', 'return address (caller-saved)'], ['x2', 'stack pointer (callee-saved)'],
        ['x8', 'saved register / frame pointer fp (callee-saved)'], ['x10', 'argument and return value (caller-saved)'], ['x17', 'argument (caller-saved)'],
        ['x31', 'temporary (caller-saved)'], ['x10', 'argument and return value (caller-saved)'], ['f11', 'argument and return value (caller-saved)'],
        ['f27', 'saved register (callee-saved)'], ['f0', 'temporary (caller-saved)'],
      ]);
    });
  });

  describe('line context', () => {
    it('tells labels, operations and operand numbers apart', () => {
      assert.deepEqual(lineContext('loop: addi a0, a0, 1', 2).slot, { kind: 'label' });
      assert.deepEqual(lineContext('loop: addi a0, a0, 1', 8).slot, { kind: 'operation', labels: ['loop'] });
      assert.deepEqual(lineContext('loop: addi a0, a0, 1', 19).slot, { kind: 'operand', operation: 'addi', index: 2 });
      assert.deepEqual(lineContext('  ld a0, 8(sp)', 12).slot, { kind: 'operand', operation: 'ld', index: 1 });
      assert.deepEqual(lineContext('  nop # addi', 9).slot, { kind: 'comment' });
      assert.deepEqual(lineContext('#ifdef DEBUG', 3).slot, { kind: 'comment' });
    });
  });

  describe('completion', () => {
    const at = (text: string, character = text.length) => complete({ text, line: 0, character, symbols: [] }).map((i) => i.label);

    it('offers nothing in comments or on a label being defined', () => {
      assert.deepEqual(at('  nop # a'), []);
      assert.deepEqual(at('loo: nop', 2), []);
    });

    it('replaces the typed prefix, dot included', () => {
      const [item] = complete({ text: '  .ma', line: 3, character: 5, symbols: [] }).filter((i) => i.label === '.macro');
      assert.deepEqual(item.textEdit, { range: { start: { line: 3, character: 2 }, end: { line: 3, character: 5 } }, newText: '.macro' });
    });

    it('gives instruction summaries from the table as detail', () => {
      const addi = complete({ text: '  ', line: 0, character: 2, symbols: [] }).find((i) => i.label === 'addi');
      assert.equal(addi?.detail, row('addi').summary);
    });
  });

  describe('pseudo-instruction expansion', () => {
    it('is what the assembler emits for the statement', () => {
      assert.deepEqual(expandStatement('li a0, 0x12345678', []), { instructions: ['lui a0,0x12345', 'addiw a0,a0,1656'], movedLabels: false });
      assert.deepEqual(expandStatement('ret', []), { instructions: ['jalr zero,0(ra)'], movedLabels: false });
    });

    it('recreates the labels the statement names and reports an incomplete statement', () => {
      const symbols = [{ name: 'f', kind: 'label' as const, definition: { file: '/x.S', line: 9, column: 1 }, references: [], global: false }];
      assert.deepEqual(expandStatement('call f', symbols), { instructions: ['auipc ra,0x0', 'jalr ra,8(ra)'], movedLabels: true });
      assert.deepEqual(expandStatement('li a0', []), { error: "'li' needs 2 operands (rd, imm), got 1" });
    });
  });

  describe('folding', () => {
    it('folds comments, conditionals, nested repeats and label bodies', () => {
      const text = ['/* a', '   b */', '#if X', '  .macro m', '  .rept 2', '  nop', '  .endr', '  .endm', '#endif', 'f:', '  nop', '  ret', '', 'g: ret'].join('\n');
      assert.deepEqual(foldingRanges(text).map((r) => [r.startLine, r.endLine, r.kind]), [
        [0, 1, 'comment'], [2, 8, undefined], [3, 7, undefined], [4, 6, undefined], [9, 11, undefined],
      ]);
    });

    it('ignores an unmatched closer and a directive inside a comment', () => {
      assert.deepEqual(foldingRanges('  .endm\n/*\n .macro x\n*/\n  nop').map((r) => [r.startLine, r.endLine]), [[1, 3]]);
    });
  });

  describe('diagnostics', () => {
    it('maps 1-based columns with endColumn to a 0-based range', () => {
      const d = toLspDiagnostic({ file: '/x.S', line: 2, column: 22, endColumn: 26, severity: 'error', message: 'm' });
      assert.deepEqual(d.range, { start: { line: 1, character: 21 }, end: { line: 1, character: 25 } });
    });

    it('reports each diagnostic once per file across assemblies', () => {
      const d = { file: '/a.inc', line: 1, column: 1, endColumn: 2, severity: 'error' as const, message: 'm' };
      assert.equal(diagnosticsFor('/a.inc', [[d], [d, { ...d, file: '/b.S' }]]).length, 1);
    });

    it('coalesces requests made before the queued run', () => {
      const runs: string[] = [];
      const q = new AssemblyQueue((r) => runs.push(r));
      q.request(['/a.S']); q.request(['/a.S', '/b.S']);
      q.flush();
      assert.deepEqual(runs, ['/a.S', '/b.S']);
    });
  });

  describe('workspace', () => {
    let dir: string;
    beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'ringside-lsp-')); });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('assembles an open include as part of its includer, from its unsaved buffer', () => {
      const main = join(dir, 'main.S'), inc = join(dir, 'inc.S');
      writeFileSync(inc, 'helper: ret\n');
      const ws = new Workspace();
      assert.deepEqual(ws.update(main, { text: '.include "inc.S"\ncall helper\n', version: 1 }), [main]);
      ws.assemble(main);
      assert.deepEqual(ws.update(inc, { text: 'helper: addi a0, a0, 4096\n', version: 1 }), [main], 'the includer is re-assembled');
      const affected = ws.assemble(main);
      assert.ok(affected.has(inc));
      assert.deepEqual(diagnosticsFor(inc, ws.diagnosticSets()).map((d) => d.message), ['immediate 4096 does not fit in 12 bits (-2048..2047)']);
      assert.deepEqual(diagnosticsFor(main, ws.diagnosticSets()), []);
      assert.equal(ws.analysisFor(inc)?.root, main);
    });

    it('makes an included file a root again when its includer closes', () => {
      const main = join(dir, 'main.S'), inc = join(dir, 'inc.S');
      writeFileSync(inc, 'helper: ret\n');
      const ws = new Workspace();
      ws.update(inc, { text: 'helper: ret\n', version: 1 });
      ws.assemble(inc);
      ws.update(main, { text: '.include "inc.S"\n', version: 1 });
      ws.assemble(main);
      assert.equal(ws.analysisFor(inc)?.root, main, 'no longer assembled on its own');
      const { roots } = ws.close(main);
      assert.deepEqual(roots, [inc]);
    });
  });

  describe('robustness', () => {
    it('never throws on malformed lines, at any position', () => {
      const lines = ['"unterminated', ':::', '1: 2: ,,,', '#include', '/* x', 'addi a0,', 'li', 'csrr ,,(', "'", 'la a0, (((', '.macro', '\t\tsret\t'];
      for (const text of lines) {
        for (let ch = 0; ch <= text.length; ch++) {
          hover({ text, line: 0, character: ch, file: '/x.S', symbols: [] });
          complete({ text, line: 0, character: ch, symbols: [] });
        }
        foldingRanges(text);
      }
    });
  });
});
