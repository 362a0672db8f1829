// The preprocessor's behaviour on its own: where each output line comes from (through includes, continuations,
// comments and invocations over lines), every diagnostic with its place, the macro and include facts, and fuzzing.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { preprocess, type PreprocessResult } from '../../assembler/preprocess';
import type { Diagnostic } from '../../assembler/api';
import { REPO_ROOT } from '../support/toolchain';

/** Preprocesses main.S over an in-memory file system (the language server's way: unsaved buffers). */
function pp(files: Record<string, string>, opts: { includeDirs?: string[]; defines?: Record<string, string> } = {}): PreprocessResult {
  return preprocess('main.S', { readFile: (p) => files[p], ...opts });
}

const texts = (r: PreprocessResult): string[] => r.lines.map((l) => l.text.trim()).filter((t) => t !== '');
const where = (r: PreprocessResult): string[] => r.lines.filter((l) => l.text.trim()).map((l) => `${l.file}:${l.line} ${l.text.trim()}`);
const brief = (d: Diagnostic): string => `${d.severity} ${d.file}:${d.line}:${d.column}-${d.endColumn} ${d.message}`;

/** The one diagnostic a case should produce, checked in full. */
function only(r: PreprocessResult): string {
  assert.equal(r.diagnostics.length, 1, r.diagnostics.map(brief).join('\n'));
  return brief(r.diagnostics[0]);
}

describe('preprocess: line mapping', () => {
  it('names the file and line of every output line, through nested includes', () => {
    const r = pp({
      'main.S': 'a\n#include "inc/one.inc"\nb\n',
      'inc/one.inc': 'one1\n#include "two.inc"\none3\n',
      'inc/two.inc': '\ntwo2\n',
    });
    assert.deepEqual(where(r), ['main.S:1 a', 'inc/one.inc:1 one1', 'inc/two.inc:2 two2', 'inc/one.inc:3 one3', 'main.S:3 b']);
    assert.deepEqual(r.includes, ['inc/one.inc', 'inc/two.inc']);
    assert.deepEqual(r.diagnostics, []);
  });

  it('gives a continued line, a comment over lines and an invocation over lines the number of their first line', () => {
    const r = pp({ 'main.S': 'x \\\n y\nz /* a\nb */ w\n#define F(a, b) a+b\nF(1,\n2) after\nlast\n' });
    // `1 +2`, spaced as GCC spaces it: a number followed by + could be one pp-number (1e+2).
    assert.deepEqual(where(r), ['main.S:1 x  y', 'main.S:3 z   w', 'main.S:6 1 +2 after', 'main.S:8 last']);
  });

  it('keeps lines without macros byte for byte, and the columns before the first expansion', () => {
    const r = pp({ 'main.S': '#define N 4\n\tli  a0,\t0x10   # note\n  addi a0, a0, N\n' });
    assert.deepEqual(r.lines.map((l) => l.text), ['\tli  a0,\t0x10   # note', '  addi a0, a0, 4']);
  });

  it('reads a function-like macro name at the end of a line as plain text when no ( follows', () => {
    const r = pp({ 'main.S': '#define F(x) [x]\nF\nG\n' });
    assert.deepEqual(where(r), ['main.S:2 F', 'main.S:3 G']);
  });

  it('accepts CRLF line ends and a last line without a newline', () => {
    assert.deepEqual(where(pp({ 'main.S': '#define A 1\r\nA\r\nB' })), ['main.S:2 1', 'main.S:3 B']);
  });
});

describe('preprocess: features', () => {
  it('searches "file" next to the includer and then the include directories, <file> only the directories', () => {
    const r = pp({ 'main.S': '#include "a.inc"\n#include <b.inc>\n', 'a.inc': 'local_a', 'dir/a.inc': 'dir_a', 'dir/b.inc': 'dir_b', 'b.inc': 'local_b' },
      { includeDirs: ['dir'] });
    assert.deepEqual(texts(r), ['local_a', 'dir_b']);
  });

  it('defines -D macros, function-like ones too, and they override the predefined ones', () => {
    const r = pp({ 'main.S': 'N F(2) __riscv_xlen __ASSEMBLER__\n' }, { defines: { N: '7', 'F(x)': 'x*x', __riscv_xlen: '32' } });
    assert.deepEqual(texts(r), ['7 2*2 32 1']);
    assert.deepEqual(r.diagnostics, []);
  });

  it('reports each #define in order with its parameters, body and place', () => {
    const r = pp({ 'main.S': '#define A 1\n#include "x.inc"\n', 'x.inc': '  #  define F(a, rest...) a +  rest\n#define V(...) __VA_ARGS__\n#undef A\n' });
    assert.deepEqual(r.macros, [
      { name: 'A', params: undefined, body: '1', definition: { file: 'main.S', line: 1, column: 9 } },
      { name: 'F', params: ['a', 'rest...'], body: 'a + rest', definition: { file: 'x.inc', line: 1, column: 13 } },
      { name: 'V', params: ['...'], body: '__VA_ARGS__', definition: { file: 'x.inc', line: 2, column: 9 } },
    ]);
  });

  it('skips #define, #include and #error in a group that is not taken', () => {
    const r = pp({ 'main.S': '#if 0\n#define A 1\n#include "nowhere.inc"\n#error no\n#else\nA\n#endif\n' });
    assert.deepEqual(texts(r), ['A']);
    assert.deepEqual(r.diagnostics, []);
  });

  it('does not expand a macro inside itself, directly or through another', () => {
    assert.deepEqual(texts(pp({ 'main.S': '#define X X+1\n#define P Q\n#define Q P\nX P\n' })), ['X+1 P']);
  });

  it('includes a #pragma once file once, and survives readFile throwing', () => {
    const files: Record<string, string> = { 'main.S': '#include "o.inc"\n#include "o.inc"\n#include "dir.inc"\n', 'o.inc': '#pragma once\nonce\n' };
    const r = preprocess('main.S', { readFile: (p) => { if (p === 'dir.inc') throw new Error('EISDIR'); return files[p]; } });
    assert.deepEqual(texts(r), ['once']);
    assert.match(only(r), /cannot find include file 'dir.inc'/);
  });

  it('joins the tokens of an expansion without pasting them, as cpp does (5 . 5, not 5.5)', () => {
    assert.deepEqual(texts(pp({ 'main.S': '#define F 5\nF.F -F\n#define M(x) -x\nM(-1)\n' })), ['5 . 5 -5', '- -1']);
  });
});

describe('preprocess: diagnostics', () => {
  it('a missing include file names the directories it looked in', () => {
    assert.equal(only(pp({ 'main.S': 'x\n  #include "foo.inc"\n' }, { includeDirs: ['inc', 'lib'] })),
      "error main.S:2:12-21 cannot find include file 'foo.inc' (looked in: ., inc, lib)");
    assert.equal(only(pp({ 'main.S': '#include <foo.inc>\n' })),
      "error main.S:1:10-19 cannot find include file 'foo.inc' (no include directories were given)");
  });

  it('#include without a file name', () => {
    assert.equal(only(pp({ 'main.S': '#include foo\n' })), 'error main.S:1:10-13 #include expects "FILE" or <FILE>');
    assert.equal(only(pp({ 'main.S': '#include ""\n' })), 'error main.S:1:10-12 empty file name in #include');
  });

  it('#endif, #else and #elif without #if', () => {
    assert.equal(only(pp({ 'main.S': 'a\n#endif\n' })), 'error main.S:2:2-7 #endif without a matching #if');
    assert.equal(only(pp({ 'main.S': '#else\n' })), 'error main.S:1:2-6 #else without a matching #if');
    assert.equal(only(pp({ 'main.S': '# elif 1\n' })), 'error main.S:1:3-7 #elif without a matching #if');
  });

  it('#else after #else and #elif after #else', () => {
    assert.equal(only(pp({ 'main.S': '#if 1\n#else\n#else\n#endif\n' })), 'error main.S:3:2-6 #else after #else (the first #else is at line 2)');
    assert.equal(only(pp({ 'main.S': '#if 1\n#else\n#elif 1\n#endif\n' })), 'error main.S:3:2-6 #elif after #else (the #else is at line 2)');
  });

  it('an unterminated #if points at the #if, in the file that opened it', () => {
    const r = pp({ 'main.S': '#if 1\n#include "a.inc"\n#endif\n', 'a.inc': 'x\n  #ifdef Y\n' });
    assert.equal(only(r), "error a.inc:2:4-9 #ifdef without #endif: this conditional is still open at the end of 'a.inc'");
  });

  it('a file that includes itself stops at 200 levels, once, and a doubly self-including file does not hang', () => {
    const r = pp({ 'main.S': '#include "self.inc"\n', 'self.inc': 'x\n#include "self.inc"\n#include "self.inc"\n' });
    assert.match(only(r), /^error self\.inc:2:10-20 #include nested more than 200 deep: 'self.inc' probably includes itself/);
  });

  it('an include guard makes mutual inclusion fine', () => {
    const guard = (n: string, other: string): string => `#ifndef ${n}\n#define ${n}\n${n.toLowerCase()}\n#include "${other}"\n#endif\n`;
    const r = pp({ 'main.S': '#include "a.inc"\n', 'a.inc': guard('A', 'b.inc'), 'b.inc': guard('B', 'a.inc') });
    assert.deepEqual(texts(r), ['a', 'b']);
    assert.deepEqual(r.diagnostics, []);
  });

  const badIf: [string, string][] = [
    ['#if\n', 'error main.S:1:2-4 #if with no expression'],
    ['#if 1 +\n', "error main.S:1:7-8 #if expression ends too early: an operand is missing"],
    ['#if (1\n', "error main.S:1:6-7 missing ')' in #if expression: a '(' is not closed"],
    ['#if 1 2\n', "error main.S:1:7-8 unexpected '2' in #if expression (missing operator?)"],
    ['#if 1 / 0\n', 'error main.S:1:7-8 division by zero in #if'],
    ['#if 1.5\n', "error main.S:1:5-8 floating-point number '1.5' cannot be used in #if"],
    ['#if 12abc\n', "error main.S:1:5-10 '12abc' is not a valid integer"],
    ['#if "s"\n', 'error main.S:1:5-8 a string cannot be used in #if'],
    ['#if 1 ? 2\n', "error main.S:1:9-10 missing ':' in the '?:' of #if expression"],
    ['#if ()\n', "error main.S:1:5-6 missing expression between '(' and ')'"],
    ['#if defined\n', "error main.S:1:5-12 'defined' needs a macro name: write defined NAME or defined(NAME)"],
    ["#if ''\n", 'error main.S:1:5-7 empty character constant in #if'],
    ['#if = 1\n', "error main.S:1:5-6 '=' cannot start an operand in #if"],
  ];
  for (const [src, expected] of badIf) {
    it(`bad #if: ${JSON.stringify(src.trim())}`, () => {
      const r = pp({ 'main.S': `${src}wrong\n#else\nright\n#endif\n` });
      assert.equal(only(r), expected);
      assert.deepEqual(texts(r), ['right'], 'an erroneous #if counts as false');
    });
  }

  it('wrong numbers of macro arguments', () => {
    const src = '#define F(a, b) a b\n#define V(a, ...) a\n#define N() n\n';
    assert.equal(only(pp({ 'main.S': `${src}x F(1) y\n` })), "error main.S:4:3-4 macro 'F' takes 2 arguments but was given 1");
    assert.equal(only(pp({ 'main.S': `${src}F(1,2,3)\n` })), "error main.S:4:1-2 macro 'F' takes 2 arguments but was given 3");
    assert.equal(only(pp({ 'main.S': `${src}V()V(1)N(1)\n` })), "error main.S:4:8-9 macro 'N' takes 0 arguments but was given 1");
    assert.deepEqual(texts(pp({ 'main.S': `${src}F(1) after\n` })), ['F after'], 'GCC drops the arguments');
  });

  it('an unterminated argument list, at the end of the file and before a directive', () => {
    assert.equal(only(pp({ 'main.S': '#define F(a) a\nx F(1,\n(2\n' })), "error main.S:2:3-4 unterminated argument list invoking macro 'F': the ')' is missing");
    const r = pp({ 'main.S': '#define F(a) a\nF(1\n#define G 2\nG\n' });
    assert.equal(only(r), "error main.S:2:1-2 unterminated argument list invoking macro 'F': the ')' is missing");
    assert.deepEqual(texts(r), ['F(1', '2'], 'the directive still counts');
  });

  it('#error and #warning carry their text; #line is ignored with a warning', () => {
    const r = pp({ 'main.S': '#error stop  here\n#warning careful\n#line 10 "x.S"\nafter\n' });
    assert.deepEqual(r.diagnostics.map(brief), [
      'error main.S:1:2-7 #error stop  here',
      'warning main.S:2:2-9 #warning careful',
      'warning main.S:3:2-6 #line is ignored: Ringside keeps reporting the real file and line',
    ]);
    assert.deepEqual(where(r), ['main.S:4 after']);
  });

  it('bad #define and #undef lines', () => {
    assert.equal(only(pp({ 'main.S': '#define\n' })), 'error main.S:1:2-8 #define needs a macro name');
    assert.equal(only(pp({ 'main.S': '#define 3 x\n' })), "error main.S:1:9-10 macro names must be identifiers, and '3' is not one");
    assert.equal(only(pp({ 'main.S': '#define defined 1\n' })), "error main.S:1:9-16 'defined' cannot be used as a macro name");
    assert.equal(only(pp({ 'main.S': '#define F(a, a) a\n' })), "error main.S:1:14-15 macro 'F' has two parameters named 'a'");
    assert.equal(only(pp({ 'main.S': '#define F(a b) a\n' })), "error main.S:1:13-14 expected ',' or ')' in the parameter list of macro 'F'");
    assert.equal(only(pp({ 'main.S': '#define F(a, 1) a\n' })), "error main.S:1:14-15 expected a parameter name in the parameter list of macro 'F'");
    assert.equal(only(pp({ 'main.S': '#define F(a) a ##\n' })), "error main.S:1:16-18 '##' cannot be at either end of a macro body");
    assert.equal(only(pp({ 'main.S': '#undef\n' })), 'error main.S:1:2-7 #undef needs a macro name');
    assert.equal(only(pp({ 'main.S': '#undef A B\n' })), 'warning main.S:1:10-11 extra text after #undef is ignored');
  });

  it('a redefinition that changes the body warns and names the definition it replaces', () => {
    assert.equal(only(pp({ 'main.S': '#define A 1\n#define A  1\n#define A 2\n' })), "warning main.S:3:9-10 'A' redefined (the previous definition is at main.S:2)");
  });

  it('an unterminated /* comment points at the /*', () => {
    assert.equal(only(pp({ 'main.S': 'a\nb /* c\nd\n' })), "error main.S:2:3-5 unterminated comment: this '/*' has no '*/'");
  });

  it('keeps going after an error and reports them all', () => {
    const r = pp({ 'main.S': '#endif\n#include "x"\n#if 1/0\n#endif\n#error e\n#define F(a) a\nF(1,2)\nok\n#if 1\n' });
    assert.deepEqual(r.diagnostics.map((d) => d.line), [1, 2, 3, 5, 7, 9]);
    assert.deepEqual(texts(r), ['F', 'ok']);
  });

  it('tolerates unmatched quotes in # comments, as cpp does in assembler mode', () => {
    const r = pp({ 'main.S': "#define R a0\n# don't\nli R, 1 # it's R\n  .ascii \"open R\n" });
    assert.deepEqual(r.diagnostics, []);
    assert.deepEqual(texts(r), ["# don't", "li a0, 1 # it's R", '.ascii "open R']);
  });
});

/** A small seeded PRNG (mulberry32), so a failing case can be replayed from its seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FRAGMENTS = ['#define ', '#undef ', '#if ', '#ifdef ', '#ifndef ', '#elif ', '#else', '#endif', '#include ', '#error ',
  '#', '# ', 'defined', '(', ')', ',', '##', '#x', '...', '__VA_ARGS__', 'A', 'B', 'F', 'G(', 'x', '1', '0x10', "'a'", "'",
  '"s"', '"', '/*', '*/', '//', '\\', '\\\n', '\n', '\n', ' ', '\t', '+', '-', '*', '/', '%', '<<', '>>', '&&', '||',
  '?', ':', '!', '~', '<', '>', '"a.inc"', '<a.inc>', '__LINE__', '__COUNTER__', 'li a0, ', '$', '\r', 'é'];

function randomSource(rnd: () => number): string {
  let s = '';
  const n = Math.floor(rnd() * 80);
  for (let i = 0; i < n; i++) s += FRAGMENTS[Math.floor(rnd() * FRAGMENTS.length)];
  return s;
}

function mutate(src: string, rnd: () => number): string {
  let s = src;
  for (let k = Math.floor(rnd() * 6) + 1; k > 0; k--) {
    const at = Math.floor(rnd() * (s.length + 1));
    const len = Math.floor(rnd() * 20);
    const op = rnd();
    if (op < 0.4) s = s.slice(0, at) + s.slice(at + len);
    else if (op < 0.8) s = s.slice(0, at) + FRAGMENTS[Math.floor(rnd() * FRAGMENTS.length)] + s.slice(at);
    else s = s.slice(0, at) + s.slice(at, at + len).repeat(3) + s.slice(at + len);
  }
  return s;
}

describe('preprocess: fuzzing', () => {
  const corpusDir = path.join(REPO_ROOT, 'test', 'asm', 'cpp');
  const corpus = fs.readdirSync(corpusDir).filter((f) => f.endsWith('.S')).map((f) => fs.readFileSync(path.join(corpusDir, f), 'utf8'));

  function check(files: Record<string, string>, seed: number): void {
    const r = pp(files, { includeDirs: ['.'] });
    for (const d of r.diagnostics) {
      assert.ok(!d.message.startsWith('internal error'), `seed ${seed}: ${d.message}`);
      assert.ok(d.line >= 1 && d.column >= 1 && d.endColumn > d.column, `seed ${seed}: ${brief(d)}`);
    }
    for (const l of r.lines) assert.ok(l.line >= 1 && typeof l.text === 'string' && l.file in files, `seed ${seed}: ${JSON.stringify(l)}`);
  }

  it('returns on 3000 random sources, each including another random one', () => {
    for (let seed = 1; seed <= 3000; seed++) {
      const rnd = prng(seed);
      check({ 'main.S': randomSource(rnd), 'a.inc': randomSource(rnd) }, seed);
    }
  });

  it('returns on 3000 mutations of the differential corpus', () => {
    assert.ok(corpus.length > 0);
    for (let seed = 1; seed <= 3000; seed++) {
      const rnd = prng(seed);
      const src = mutate(corpus[seed % corpus.length], rnd);
      check({ 'main.S': src, 'a.inc': mutate(corpus[(seed + 1) % corpus.length], rnd) }, seed);
    }
  });

  it('returns on pathological nesting and exponential macros', () => {
    const deep = 'F('.repeat(5000) + ')'.repeat(5000);
    const expo = Array.from({ length: 40 }, (_, i) => `#define M${i + 1} M${i} M${i}`).join('\n');
    const r = pp({ 'main.S': `#define F(x) x\n${deep}\n#if ${'('.repeat(5000)}1${')'.repeat(5000)}\n#endif\n#if ${'-'.repeat(5000)}1\n#endif\n${expo}\nM40\n` });
    const messages = r.diagnostics.map((d) => d.message);
    assert.ok(messages.some((m) => m.startsWith('macro arguments nested more than')), messages.join('\n'));
    assert.ok(messages.some((m) => m === '#if expression nested too deeply'), messages.join('\n'));
    assert.ok(messages.some((m) => m.startsWith('macro expansion grew past')), messages.join('\n'));
    assert.ok(!messages.some((m) => m.startsWith('internal error')), messages.join('\n'));
  });
});
