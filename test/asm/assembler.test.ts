// Differential tests of our GNU-as compatible assembler against Debian's binutils, over test/asm/corpus, plus its
// diagnostics on test/asm/errors. The first describe checks the oracle side alone (corpus, tools, generated files).
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { instructions } from '../../emulator/isa/instructions';
import { parseElf, SHF_ALLOC } from '../../emulator/loader/elf';
import { CC, REPO_ROOT, requireTool, tempDir } from '../support/toolchain';
import { generateTables, hSource } from './corpus/generate';
import {
  AS, CORPUS_DIR, ERRORS_DIR, LD, OBJDUMP, OUTPUT_SECTIONS, buildGnu, buildOurs, compareImages, compareLines, corpusPrograms,
  decodedLines, expectations, usesCpp, type GnuBuild, type Program,
} from './harness';

const programs = corpusPrograms();
const errorFiles = fs.readdirSync(ERRORS_DIR).filter((f) => f.endsWith('.S')).sort();
const work = tempDir('ringside-asm-');

/** GNU builds are shared by the describes; each is made once per run. */
const gnuBuilds = new Map<string, GnuBuild>();
function gnu(p: Program, debug: boolean): GnuBuild {
  const key = `${p.name}${debug ? ' -g' : ''}`;
  let b = gnuBuilds.get(key);
  if (!b) {
    b = buildGnu(p.files, path.join(work, 'gnu', p.name + (debug ? '-g' : '')), { debug });
    gnuBuilds.set(key, b);
  }
  return b;
}
function gnuElf(p: Program, debug: boolean): string {
  const b = gnu(p, debug);
  if (!b.elf) throw new Error(`GNU could not build ${p.name} (see the GNU half of this file):\n${b.log}`);
  return b.elf;
}

/** Ours, once per program; a failed build fails the test with what the assembler printed. */
function ours(p: Program): string {
  const out = path.join(work, 'ours', `${p.name}.elf`);
  if (fs.existsSync(out)) return out;
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const r = buildOurs(p.files, out);
  if (r.exitCode !== 0 || !fs.existsSync(out)) {
    throw new Error(`our assembler rejected ${p.name} (exit ${r.exitCode}), which GNU assembles:\n${r.stdout}${r.stderr}`);
  }
  return out;
}

describe('assembler corpus: the GNU binutils half (needs no assembler of ours)', () => {
  it('has the Debian tools it compares against', () => {
    for (const t of [AS, LD, OBJDUMP, CC]) requireTool(t);
  });

  it('has up-to-date generated table files (rerun test/asm/corpus/generate.ts after changing the table)', () => {
    for (const [name, text] of generateTables()) {
      const file = path.join(CORPUS_DIR, name);
      assert.ok(fs.existsSync(file), `${name} is missing: run npx tsx test/asm/corpus/generate.ts`);
      assert.equal(fs.readFileSync(file, 'utf8'), text, `${name} is stale: run npx tsx test/asm/corpus/generate.ts`);
    }
  });

  it('takes the H lines from the instruction table as soon as it has H rows', () => {
    const tableHasH = instructions.some((r) => (r.ext as string) === 'H');
    assert.equal(hSource().from, tableHasH ? 'table' : 'list');
    assert.ok(hSource().rows.length >= 15, 'every hlv/hlvx/hsv width and both hfences');
  });

  it('has a corpus of over a thousand lines with multi-file programs, and error cases for every diagnostic family', () => {
    const lines = programs.flatMap((p) => p.files).reduce((n, f) => n + fs.readFileSync(f, 'utf8').split('\n').length, 0);
    assert.ok(lines > 1000, `corpus has only ${lines} lines`);
    assert.ok(programs.filter((p) => p.files.length > 1).length >= 2, 'at least two multi-file programs');
    assert.ok(errorFiles.length >= 15, `only ${errorFiles.length} error cases`);
  });

  it('runs cpp on the GNU side for exactly the files with # directives, which use no // comments', () => {
    const withCpp = programs.flatMap((p) => p.files).filter((f) => usesCpp(fs.readFileSync(f, 'utf8')));
    assert.deepEqual(withCpp.map((f) => path.basename(f)), ['preprocessor.S']);
    // cpp strips // comments and GNU as does not, so such a comment would make the two sides read different text.
    for (const f of withCpp) assert.ok(!/\/\//.test(fs.readFileSync(f, 'utf8')), `${path.basename(f)} has a // comment`);
  });

  for (const p of programs) {
    it(`assembles and links ${p.name} with GNU, without warnings, into link.ld's sections only`, () => {
      const b = gnu(p, false);
      assert.ok(b.elf, `GNU rejects corpus program ${p.name}:\n${b.log}`);
      assert.equal(b.log.trim(), '', `GNU warns on ${p.name}`);
      const elf = parseElf(fs.readFileSync(b.elf));
      const alloc = elf.sections.filter((s) => (s.flags & SHF_ALLOC) !== 0n).map((s) => s.name);
      assert.deepEqual(alloc.filter((n) => !OUTPUT_SECTIONS.includes(n)), [], 'sections outside link.ld (ours would not place them alike)');
      assert.ok(elf.symbols.some((s) => s.name === '_start' && s.bind === 'global'), `${p.name} must define a global _start (the entry point)`);
      for (const f of p.files) {
        const text = fs.readFileSync(f, 'utf8').split('\n');
        assert.ok(text[0].startsWith('# ') && text[1].startsWith('# '), `${path.basename(f)} needs a two-line # header comment`);
      }
      // The line-table test builds with -g; it must not change a byte of what is compared.
      const g = gnu(p, true);
      assert.ok(g.elf, `GNU rejects ${p.name} with -g:\n${g.log}`);
      const dbg = parseElf(fs.readFileSync(g.elf));
      for (const name of OUTPUT_SECTIONS) {
        const a = elf.sections.find((s) => s.name === name), d = dbg.sections.find((s) => s.name === name);
        assert.deepEqual(d?.data, a?.data, `${name} differs between as and as -g`);
      }
    });
  }

  for (const f of errorFiles) {
    it(`errors/${f}: states its expectations, which point into the file, and GNU rejects it or warns`, () => {
      const file = path.join(ERRORS_DIR, f);
      const text = fs.readFileSync(file, 'utf8');
      const lines = text.split('\n');
      const expected = expectations(text);
      assert.ok(expected.length > 0, 'no "# expect: LINE:COL: MESSAGE" header lines');
      for (const e of expected) {
        assert.ok(e.line >= 1 && e.line <= lines.length, `expect line ${e.line} is outside the file`);
        const src = lines[e.line - 1];
        assert.ok(e.column >= 1 && e.column <= src.length, `expect ${e.line}:${e.column} is past the end of "${src}"`);
        assert.notEqual(src[e.column - 1], ' ', `expect ${e.line}:${e.column} points at a space in "${src}"`);
        assert.ok(!src.startsWith('# expect'), `expect ${e.line}:${e.column} points at the header`);
      }
      // GNU only warns about some mistakes (a stray .endm); as's "Warning:" counts, ld's missing-entry note does not.
      const b = buildGnu([file], path.join(work, 'gnu-errors', f));
      assert.ok(!b.elf || /: Warning: /.test(b.log), `GNU accepts ${f} silently, so it is no error case:\n${b.log}`);
    });
  }
});

describe('assembler corpus: our image equals GNU\'s (sections, addresses, symbols)', () => {
  for (const p of programs) {
    it(p.name, () => {
      const g = gnuElf(p, false);
      const problems = compareImages(g, ours(p), decodedLines(gnuElf(p, true)));
      assert.deepEqual(problems, [], `${p.name}: ours differs from GNU:\n  ${problems.join('\n  ')}`);
    });
  }
});

describe('assembler corpus: our DWARF line table agrees with GNU as -g', () => {
  for (const p of programs) {
    it(p.name, () => {
      const g = gnuElf(p, true);
      const gnuRows = decodedLines(g);
      assert.ok(gnuRows.length > 0, 'GNU as -g produced no line rows');
      const problems = compareLines(g, gnuRows, decodedLines(ours(p)));
      const shown = problems.slice(0, 20).concat(problems.length > 20 ? [`... and ${problems.length - 20} more`] : []);
      assert.deepEqual(shown, [], `${p.name}: line table differs from GNU:\n  ${shown.join('\n  ')}`);
    });
  }
});

describe('assembler errors: every expected diagnostic, non-zero exit, no ELF', () => {
  for (const f of errorFiles) {
    it(f, () => {
      const file = path.join(ERRORS_DIR, f);
      const rel = path.relative(REPO_ROOT, file);
      const out = path.join(work, 'errors', `${f}.elf`);
      fs.mkdirSync(path.dirname(out), { recursive: true });
      const r = buildOurs([file], out);
      const printed = `${r.stdout}${r.stderr}`;
      assert.notEqual(r.exitCode, 0, `ours accepted ${f}:\n${printed}`);
      assert.ok(!fs.existsSync(out), 'ours wrote an ELF despite errors');
      const missing = expectations(fs.readFileSync(file, 'utf8'))
        .map((e) => `${rel}:${e.line}:${e.column}: error: ${e.message}`)
        .filter((want) => !printed.split('\n').some((l) => l.trim() === want));
      assert.deepEqual(missing, [], `ours did not print these diagnostics; it printed:\n${printed}`);
    });
  }
});

after(() => {
  fs.rmSync(work, { recursive: true, force: true });
});
