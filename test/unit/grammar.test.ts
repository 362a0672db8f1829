// The TextMate grammar for RISC-V assembly, run through VS Code's own tokenizer (vscode-textmate + vscode-oniguruma):
// scopes of realistic lines, every table mnemonic, the language configuration, and that the committed grammar is
// exactly what the generator makes from the tables.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as oniguruma from 'vscode-oniguruma';
import { INITIAL, parseRawGrammar, Registry, type IGrammar, type StateStack } from 'vscode-textmate';
import { compressed, instructions } from '../../emulator/isa/instructions';
import { csrNumberByName } from '../../emulator/csr/table';
import { ABI_NAMES, FP_ABI_NAMES } from '../../emulator/isa/disasm';
import { pseudoInstructions } from '../../assembler/instruction';
import { KNOWN_DIRECTIVES } from '../../assembler/object';
import { relocationOperators } from '../../syntaxes/generate-grammar';
import { GRAMMAR_PATH, grammarJson, SCOPE_NAME } from '../../syntaxes/generate-grammar';

const ROOT = join(__dirname, '..', '..');

interface Token {
  text: string;
  scopes: string[];
}

let onigReady: Promise<void> | undefined;
function loadOniguruma(): Promise<void> {
  onigReady ??= (async () => {
    const wasm = readFileSync(join(ROOT, 'node_modules', 'vscode-oniguruma', 'release', 'onig.wasm'));
    await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  })();
  return onigReady;
}

async function loadGrammar(): Promise<IGrammar> {
  await loadOniguruma();
  const registry = new Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (sources: string[]) => new oniguruma.OnigScanner(sources),
      createOnigString: (s: string) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scopeName: string) =>
      scopeName === SCOPE_NAME ? parseRawGrammar(readFileSync(GRAMMAR_PATH, 'utf8'), GRAMMAR_PATH) : null,
  });
  const grammar = await registry.loadGrammar(SCOPE_NAME);
  assert.ok(grammar, 'the grammar loads');
  return grammar;
}

describe('RISC-V assembly grammar', () => {
  let grammar: IGrammar;
  before(async () => {
    grammar = await loadGrammar();
  });

  /** Tokenizes lines in order (state carries over, as in an editor). */
  function tokenize(...lines: string[]): Token[][] {
    let state: StateStack = INITIAL;
    return lines.map((line) => {
      const r = grammar.tokenizeLine(line, state);
      state = r.ruleStack;
      return r.tokens.map((t) => ({ text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes }));
    });
  }
  /** The innermost scope of the token whose text is `text` (the n-th such token), e.g. 'variable.other.register.riscv-asm'. */
  function scopeOf(tokens: Token[], text: string, n = 0): string {
    const found = tokens.filter((t) => t.text === text);
    assert.ok(found[n], `no token ${JSON.stringify(text)} in ${JSON.stringify(tokens.map((t) => t.text))}`);
    return found[n].scopes[found[n].scopes.length - 1];
  }
  function expect(line: string, want: Record<string, string>): void {
    const [tokens] = tokenize(line);
    for (const [text, prefix] of Object.entries(want)) {
      const got = scopeOf(tokens, text);
      assert.ok(got.startsWith(prefix), `${JSON.stringify(line)}: ${JSON.stringify(text)} is ${got}, want ${prefix}`);
    }
  }

  it('every regex compiles in Oniguruma', async () => {
    await loadOniguruma();
    const walk = (node: unknown, path: string): void => {
      if (Array.isArray(node)) return node.forEach((x, i) => walk(x, `${path}[${i}]`));
      if (node === null || typeof node !== 'object') return;
      for (const [key, value] of Object.entries(node)) {
        if (['match', 'begin', 'end', 'while'].includes(key) && typeof value === 'string') {
          assert.doesNotThrow(() => new oniguruma.OnigScanner([value]).dispose(), `${path}.${key}: ${value.slice(0, 80)}`);
        } else {
          walk(value, `${path}.${key}`);
        }
      }
    };
    walk(JSON.parse(readFileSync(GRAMMAR_PATH, 'utf8')), '$');
  });

  it('is exactly what the generator makes from the tables (run `npx tsx syntaxes/generate-grammar.ts`)', () => {
    assert.equal(readFileSync(GRAMMAR_PATH, 'utf8'), grammarJson());
  });

  it('scopes a label, a mnemonic, registers, a number and a comment', () => {
    const [tokens] = tokenize('loop: addi a0, a0, -1 # count');
    assert.equal(scopeOf(tokens, 'loop'), 'entity.name.function.label.riscv-asm');
    assert.equal(scopeOf(tokens, ':'), 'punctuation.separator.label.riscv-asm');
    assert.equal(scopeOf(tokens, 'addi'), 'keyword.other.instruction.riscv-asm');
    assert.equal(scopeOf(tokens, 'a0', 0), 'variable.other.register.riscv-asm');
    assert.equal(scopeOf(tokens, 'a0', 1), 'variable.other.register.riscv-asm');
    assert.equal(scopeOf(tokens, '-'), 'keyword.operator.riscv-asm');
    assert.equal(scopeOf(tokens, '1'), 'constant.numeric.integer.decimal.riscv-asm');
    assert.equal(scopeOf(tokens, '#'), 'punctuation.definition.comment.riscv-asm');
    assert.equal(scopeOf(tokens, ' count'), 'comment.line.number-sign.riscv-asm');
    assert.ok(scopeOf(tokens, 'a0').length > 0 && tokens.find((t) => t.text === 'addi')!.scopes.includes('meta.instruction.riscv-asm'));
  });

  it('scopes CSR names in CSR instructions and their pseudo-instructions, and only there', () => {
    expect('csrrw t0, mstatus, t1', { csrrw: 'keyword.other.instruction.riscv-asm', t0: 'variable.other.register', mstatus: 'variable.language.csr.riscv-asm', t1: 'variable.other.register' });
    expect('csrrsi zero, sie, 2', { sie: 'variable.language.csr', 2: 'constant.numeric.integer.decimal' });
    expect('csrr a0, mhartid', { csrr: 'keyword.other.instruction.pseudo.riscv-asm', mhartid: 'variable.language.csr' });
    expect('csrw satp, a0', { satp: 'variable.language.csr' });
    expect('csrwi mie, 0', { csrwi: 'keyword.other.instruction.pseudo', mie: 'variable.language.csr' });
    expect('csrr t0, pmpaddr15', { pmpaddr15: 'variable.language.csr' });
    // A label that happens to share a CSR's name is not a CSR elsewhere.
    const [tokens] = tokenize('la a0, time');
    assert.ok(!tokens.some((t) => t.text.includes('time') && t.scopes.some((s) => s.includes('csr'))), 'time in la is a symbol');
  });

  it('scopes relocation operators', () => {
    expect('lui a0, %hi(msg)', { lui: 'keyword.other.instruction', '%hi': 'support.function.relocation.riscv-asm', '(': 'punctuation.section.parens.begin', ')': 'punctuation.section.parens.end' });
    expect('addi a0, a0, %lo(msg)', { '%lo': 'support.function.relocation' });
    expect('1: auipc a0, %pcrel_hi(sym)', { 1: 'entity.name.function.label.numeric', '%pcrel_hi': 'support.function.relocation' });
    expect('addi a0, a0, %pcrel_lo(1b)', { '%pcrel_lo': 'support.function.relocation', '1b': 'variable.other.label.numeric' });
    expect('lui a5, %tprel_hi(x)', { '%tprel_hi': 'support.function.relocation' });
    expect('add a5, a5, tp, %tprel_add(x)', { '%tprel_add': 'support.function.relocation', tp: 'variable.other.register' });
    expect('auipc a0, %got_pcrel_hi(x)', { '%got_pcrel_hi': 'support.function.relocation' });
  });

  it('scopes directives and strings with escapes', () => {
    const [tokens] = tokenize('msg: .asciz "hi\\n"');
    assert.equal(scopeOf(tokens, 'msg'), 'entity.name.function.label.riscv-asm');
    assert.equal(scopeOf(tokens, '.asciz'), 'keyword.control.directive.riscv-asm');
    assert.equal(scopeOf(tokens, 'hi'), 'string.quoted.double.riscv-asm');
    assert.equal(scopeOf(tokens, '\\n'), 'constant.character.escape.riscv-asm');
    assert.equal(scopeOf(tokens, '"', 1), 'punctuation.definition.string.end.riscv-asm');
    expect('.asciz "a#b;c" # done', { '#': 'punctuation.definition.comment' });
    expect('  .word 0x1F, 0b101, 017, 42', { '.word': 'keyword.control.directive', '0x1F': 'constant.numeric.integer.hexadecimal', '0b101': 'constant.numeric.integer.binary', '017': 'constant.numeric.integer.octal', 42: 'constant.numeric.integer.decimal', ',': 'punctuation.separator.comma' });
    expect('.double 3.25, 0f1.5e3', { '3.25': 'constant.numeric.float', '0f1.5e3': 'constant.numeric.float' });
    expect('.p2align 3', { '.p2align': 'keyword.control.directive' });
    expect('.section .text.init, "ax", @progbits', { '.section': 'keyword.control.directive', '.text.init': 'entity.name.section', '@progbits': 'constant.language.symbol-type' });
    expect('.type main, @function', { '.type': 'keyword.control.directive', '@function': 'constant.language.symbol-type' });
    expect('.equ UART_BASE, 0x10000000', { '.equ': 'keyword.control.directive', UART_BASE: 'variable.other.constant' });
    expect('STACK_SIZE = 4096', { STACK_SIZE: 'variable.other.constant', '=': 'keyword.operator.assignment' });
    expect('.include "common.inc"', { '.include': 'keyword.control.directive', 'common.inc': 'string.quoted.double' });
    // A word with a dot that is no directive is left alone, so a typo shows; .L labels are labels.
    assert.ok(!scopeOf(tokenize('.wrod 1')[0], '.wrod ').startsWith('keyword'));
    expect('.Lloop: j .Lloop', { '.Lloop': 'entity.name.function.label' });
  });

  it('scopes .option arguments', () => {
    expect('.option push', { '.option': 'keyword.control.directive.riscv-asm', push: 'constant.language.option.riscv-asm' });
    expect('.option norvc', { norvc: 'constant.language.option' });
    expect('.option arch, +c', { arch: 'constant.language.option', '+c': 'constant.language.option.extension' });
  });

  it('scopes macros and their parameters', () => {
    const [def, body, end] = tokenize('.macro PUSH reg, size=8', '  addi sp, sp, -\\size', '.endm');
    assert.equal(scopeOf(def, '.macro'), 'keyword.control.directive.riscv-asm');
    assert.equal(scopeOf(def, 'PUSH'), 'entity.name.function.macro.riscv-asm');
    assert.equal(scopeOf(def, 'reg'), 'variable.parameter.macro.riscv-asm');
    assert.equal(scopeOf(def, 'size'), 'variable.parameter.macro.riscv-asm');
    assert.equal(scopeOf(body, '\\size'), 'variable.parameter.macro.riscv-asm');
    assert.equal(scopeOf(end, '.endm'), 'keyword.control.directive.riscv-asm');
    expect('.rept 4', { '.rept': 'keyword.control.directive' });
    expect('.endr', { '.endr': 'keyword.control.directive' });
    expect('.irp r, a0, a1', { '.irp': 'keyword.control.directive' });
  });

  it('tells preprocessor lines from # comments', () => {
    const [include] = tokenize('#include "common.inc"');
    assert.equal(scopeOf(include, '#'), 'punctuation.definition.directive.riscv-asm');
    assert.equal(scopeOf(include, 'include'), 'keyword.control.directive.include.riscv-asm');
    assert.equal(scopeOf(include, '"common.inc"'), 'string.quoted.double.include.riscv-asm');
    assert.ok(include.every((t) => t.scopes.includes('meta.preprocessor.include.riscv-asm')));
    expect('#include <platform.h>', { '<platform.h>': 'string.quoted.other.lt-gt.include' });
    const [comment] = tokenize('# comment');
    assert.equal(scopeOf(comment, ' comment'), 'comment.line.number-sign.riscv-asm');
    const [define] = tokenize('#define UART0 0x10000000');
    assert.equal(scopeOf(define, 'define'), 'keyword.control.directive.define.riscv-asm');
    assert.equal(scopeOf(define, 'UART0'), 'entity.name.function.preprocessor.riscv-asm');
    assert.equal(scopeOf(define, '0x10000000'), 'constant.numeric.integer.hexadecimal.riscv-asm');
    for (const kw of ['if', 'ifdef', 'ifndef', 'elif', 'else', 'endif']) {
      const [t] = tokenize(`#${kw} X`);
      assert.equal(scopeOf(t, kw), 'keyword.control.directive.conditional.riscv-asm', `#${kw}`);
    }
    expect('#undef UART0', { undef: 'keyword.control.directive.undef', UART0: 'entity.name.function.preprocessor' });
    expect('#if defined(DEBUG) && XLEN == 64', { defined: 'keyword.operator.defined', 64: 'constant.numeric' });
    // A # after code, and a # comment that starts with a directive-like word but a space, are comments.
    expect('  nop # include this', { ' include this': 'comment.line.number-sign' });
    expect('# if a0 is zero, skip', { ' if a0 is zero, skip': 'comment.line.number-sign' });
    // A define continued on the next line stays a preprocessor line.
    const [first, cont, after] = tokenize('#define SAVE ld ra, 0(sp); \\', '  sd ra, 0(sp)', 'nop');
    assert.equal(scopeOf(first, 'ld'), 'keyword.other.instruction.riscv-asm');
    assert.equal(scopeOf(first, '\\'), 'constant.character.escape.line-continuation.riscv-asm');
    assert.ok(cont.every((t) => t.scopes.includes('meta.preprocessor.macro.riscv-asm')));
    assert.equal(scopeOf(cont, 'sd'), 'keyword.other.instruction.riscv-asm');
    assert.ok(!after[0].scopes.includes('meta.preprocessor.macro.riscv-asm'), 'the define ends with the unescaped line');
  });

  it('scopes // comments and /* */ comments across lines', () => {
    expect('ret // done', { ret: 'keyword.other.instruction.pseudo', '//': 'punctuation.definition.comment' });
    const [first, second, after] = tokenize('/* block', ' comment */ nop', 'add a0, a1, a2');
    assert.equal(scopeOf(first, ' block'), 'comment.block.riscv-asm');
    assert.equal(scopeOf(second, ' comment '), 'comment.block.riscv-asm');
    assert.equal(scopeOf(second, '*/'), 'punctuation.definition.comment.end.riscv-asm');
    assert.ok(!second.find((t) => t.text === 'nop')!.scopes.includes('comment.block.riscv-asm'));
    assert.equal(scopeOf(after, 'add'), 'keyword.other.instruction.riscv-asm');
    expect('lw a0, /* offset */ 8(sp)', { ' offset ': 'comment.block', 8: 'constant.numeric', sp: 'variable.other.register' });
  });

  it('scopes compressed, FP, fence and privileged instructions', () => {
    expect('c.addi16sp sp, 32', { 'c.addi16sp': 'keyword.other.instruction.compressed.riscv-asm', sp: 'variable.other.register', 32: 'constant.numeric' });
    expect('fadd.d fa0, fa1, fa2, rtz', { 'fadd.d': 'keyword.other.instruction.riscv-asm', fa0: 'variable.other.register.float.riscv-asm', rtz: 'constant.language.rounding-mode.riscv-asm' });
    expect('fcvt.w.s a0, ft0, rne', { a0: 'variable.other.register.riscv-asm', ft0: 'variable.other.register.float', rne: 'constant.language.rounding-mode' });
    expect('fld fs0, 8(sp)', { fs0: 'variable.other.register.float', sp: 'variable.other.register.riscv-asm' });
    expect('fmv.d fa0, fs11', { 'fmv.d': 'keyword.other.instruction.pseudo', fs11: 'variable.other.register.float' });
    expect('fence rw, w', { fence: 'keyword.other.instruction', rw: 'constant.language.fence-set.riscv-asm', w: 'constant.language.fence-set' });
    expect('fence.i', { 'fence.i': 'keyword.other.instruction' });
    expect('sfence.vma', { 'sfence.vma': 'keyword.other.instruction.riscv-asm' });
    expect('sfence.vma a0, zero', { zero: 'variable.other.register' });
    expect('hfence.gvma', { 'hfence.gvma': 'keyword.other.instruction.riscv-asm' });
    expect('hlv.d a0, (a1)', { 'hlv.d': 'keyword.other.instruction', a1: 'variable.other.register' });
    expect('amoswap.w.aq t0, t1, (a0)', { 'amoswap.w.aq': 'keyword.other.instruction.riscv-asm', t0: 'variable.other.register' });
    expect('lr.d.aqrl a0, (a1)', { 'lr.d.aqrl': 'keyword.other.instruction.riscv-asm' });
    expect('mret', { mret: 'keyword.other.instruction' });
  });

  it('scopes numeric labels and their references', () => {
    const [tokens] = tokenize('1: j 1b');
    assert.equal(scopeOf(tokens, '1'), 'entity.name.function.label.numeric.riscv-asm');
    assert.equal(scopeOf(tokens, 'j'), 'keyword.other.instruction.pseudo.riscv-asm');
    assert.equal(scopeOf(tokens, '1b'), 'variable.other.label.numeric.riscv-asm');
    expect('beqz a0, 2f', { beqz: 'keyword.other.instruction.pseudo', '2f': 'variable.other.label.numeric' });
    expect('a: b: nop', { a: 'entity.name.function.label', b: 'entity.name.function.label', nop: 'keyword.other.instruction.pseudo' });
  });

  it('scopes numbers and character literals', () => {
    expect('li a0, 0x1F', { li: 'keyword.other.instruction.pseudo', '0x1F': 'constant.numeric.integer.hexadecimal.riscv-asm' });
    expect('li a0, 0b101', { '0b101': 'constant.numeric.integer.binary.riscv-asm' });
    expect('li a0, 0755', { '0755': 'constant.numeric.integer.octal.riscv-asm' });
    expect('li a0, 0', { 0: 'constant.numeric.integer.decimal.riscv-asm' });
    expect('li a0, 08', { '08': 'invalid.illegal.numeric.riscv-asm' });
    const [tokens] = tokenize("li a0, 'a'");
    assert.ok(tokens.filter((t) => "'a'".includes(t.text) && t.text !== '').every((t) => t.scopes.includes('constant.character.riscv-asm')));
    assert.equal(scopeOf(tokens, 'a'), 'constant.character.riscv-asm');
    expect("li a0, '\\n'", { '\\n': 'constant.character.escape' });
    expect("li a0, '#' # hash", { ' hash': 'comment.line' });
  });

  it('separates statements at ;', () => {
    expect('addi a0, a0, 1; ret', { ';': 'punctuation.separator.statement', ret: 'keyword.other.instruction.pseudo' });
  });

  it('keeps registers and mnemonics whole: no matches inside longer names', () => {
    const [tokens] = tokenize('la a0, my_a0.x');
    assert.ok(!tokens.some((t) => t.text === 'a0' && t.scopes.includes('variable.other.register.riscv-asm') && t !== tokens.find((u) => u.text === 'a0')));
    const [t2] = tokenize('  addix a0');
    assert.ok(!t2.some((t) => t.scopes.some((s) => s.startsWith('keyword.other.instruction'))), 'addix is no mnemonic');
    expect('call fp_helper', { call: 'keyword.other.instruction.pseudo' });
    assert.ok(!tokenize('call fp_helper')[0].some((t) => t.text === 'fp' && t.scopes.some((s) => s.startsWith('variable.other.register'))));
  });

  it('scopes every register name', () => {
    const names = [...Array.from({ length: 32 }, (_, i) => `x${i}`), ...ABI_NAMES, 'fp'];
    for (const r of names) assert.equal(scopeOf(tokenize(`mv ${r}, zero`)[0], r), 'variable.other.register.riscv-asm', r);
    const fnames = [...Array.from({ length: 32 }, (_, i) => `f${i}`), ...FP_ABI_NAMES];
    for (const r of fnames) assert.equal(scopeOf(tokenize(`fmv.d ${r}, fa0`)[0], r), 'variable.other.register.float.riscv-asm', r);
  });

  it('scopes every CSR in the table', () => {
    for (const c of csrNumberByName.keys()) assert.equal(scopeOf(tokenize(`csrr a0, ${c}`)[0], c), 'variable.language.csr.riscv-asm', c);
  });

  it('scopes every table mnemonic (H rows included), compressed row and pseudo-instruction as a mnemonic', () => {
    const rows: [string, string][] = [
      ...instructions.map((r): [string, string] => [r.name, 'keyword.other.instruction.riscv-asm']),
      ...compressed.map((r): [string, string] => [r.name, 'keyword.other.instruction.compressed.riscv-asm']),
      ...pseudoInstructions.map((w): [string, string] => [w.name, 'keyword.other.instruction']),
    ];
    assert.ok(rows.length > 200);
    for (const [name, want] of rows) {
      for (const line of [name, `\t${name} a0`, `label: ${name}`, `nop; ${name} # x`]) {
        const got = scopeOf(tokenize(line)[0], name);
        assert.ok(got.startsWith(want), `${JSON.stringify(line)}: ${name} is ${got}`);
      }
    }
  });

  it('scopes every directive and relocation operator the assembler accepts', () => {
    for (const d of KNOWN_DIRECTIVES) {
      const [tokens] = tokenize(`  ${d} x`);
      assert.equal(scopeOf(tokens, d), 'keyword.control.directive.riscv-asm', d);
    }
    for (const r of relocationOperators) assert.equal(scopeOf(tokenize(`lui a0, ${r}(x)`)[0], r), 'support.function.relocation.riscv-asm', r);
  });
});

describe('RISC-V assembly language configuration', () => {
  const config = JSON.parse(readFileSync(join(ROOT, 'language-configuration.json'), 'utf8'));

  it('declares # and /* */ comments, brackets and auto-closing pairs', () => {
    assert.equal(config.comments.lineComment, '#');
    assert.deepEqual(config.comments.blockComment, ['/*', '*/']);
    assert.deepEqual(config.brackets, [['(', ')']]);
    const pairs = config.autoClosingPairs.map((p: { open: string; close: string }) => p.open + p.close);
    for (const p of ['()', '""', "''"]) assert.ok(pairs.includes(p), p);
  });

  it('has a word pattern that keeps dots and % in one word', () => {
    const word = new RegExp(config.wordPattern, 'g');
    const wordsOf = (s: string): string[] => s.match(word) ?? [];
    assert.deepEqual(wordsOf('c.addi16sp'), ['c.addi16sp']);
    assert.deepEqual(wordsOf('.p2align'), ['.p2align']);
    assert.deepEqual(wordsOf('%pcrel_lo'), ['%pcrel_lo']);
    assert.deepEqual(wordsOf('  fadd.d fa0, fa1, fa2'), ['fadd.d', 'fa0', 'fa1', 'fa2']);
    assert.deepEqual(wordsOf('lui a0, %hi(msg)'), ['lui', 'a0', '%hi', 'msg']);
    assert.deepEqual(wordsOf('ld ra, -8(sp)'), ['ld', 'ra', '-8', 'sp']);
    assert.deepEqual(wordsOf('loop: j 1b'), ['loop', 'j', '1b']);
  });

  it('folds .macro/.endm, .rept/.endr and #if/#endif blocks', () => {
    const start = new RegExp(config.folding.markers.start), end = new RegExp(config.folding.markers.end);
    for (const s of ['.macro PUSH reg', '  .rept 4', '.irp r, a0, a1', '.if XLEN == 64', '#if DEBUG', '#ifdef X', '#ifndef X']) assert.ok(start.test(s), s);
    for (const s of ['.endm', '  .endr', '.endif', '#endif']) assert.ok(end.test(s), s);
    for (const s of ['  nop', '# endif of the loop', '.macro_thing', 'x: .word 1']) assert.ok(!start.test(s) && !end.test(s), s);
  });

  it('is the configuration package.json contributes, with the grammar', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    const lang = pkg.contributes.languages.find((l: { id: string }) => l.id === 'riscv-asm');
    assert.deepEqual(lang.extensions, ['.S', '.s', '.asm']);
    assert.equal(lang.configuration, './language-configuration.json');
    const grammar = pkg.contributes.grammars.find((g: { language: string }) => g.language === 'riscv-asm');
    assert.equal(grammar.scopeName, SCOPE_NAME);
    assert.equal(join(ROOT, grammar.path), GRAMMAR_PATH);
  });
});
