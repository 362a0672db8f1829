// The preprocessor against GCC's: each .S in test/asm/cpp goes through `riscv64-linux-gnu-gcc -E -P -x
// assembler-with-cpp` and through ours, and the two texts must match up to the whitespace normalize() forgives.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { preprocess } from '../../assembler/preprocess';
import { CC, REPO_ROOT, requireTool } from '../support/toolchain';

const CPP_DIR = path.join('test', 'asm', 'cpp');
const INCLUDE_DIR = path.join(CPP_DIR, 'include');

/**
 * The differences forgiven, and only these. Outside string and character literals (an unterminated one runs to the
 * end of its line, as cpp lexes it in assembler mode), every run of whitespace counts as one space, and that space
 * counts only between two characters of [A-Za-z0-9_.$], where dropping it could join two tokens into one. Leading and
 * trailing whitespace and blank lines are ignored. Why: cpp writes a space where a macro's name or argument had one
 * and drops the rest (`li a0, 5` where the source had `li  a0,  FIVE`), adds spaces around expansions so tokens do not
 * paste (`+ $`), and with -P squeezes out the blank lines where directives were.
 */
export function normalize(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    let s = '';
    let pendingSpace = false;
    for (let i = 0; i < line.length;) {
      const c = line[i];
      if (/\s/.test(c)) {
        pendingSpace = s !== '';
        i++;
        continue;
      }
      let end = i + 1;
      if (c === '"' || c === "'") {
        end = line.length;
        for (let j = i + 1; j < line.length; j++) {
          if (line[j] === '\\') j++;
          else if (line[j] === c) { end = j + 1; break; }
        }
      }
      if (pendingSpace && /[\w.$]/.test(s[s.length - 1]) && /[\w.$]/.test(c)) s += ' ';
      pendingSpace = false;
      s += line.slice(i, end);
      i = end;
    }
    if (s !== '') out.push(s);
  }
  return out;
}

function readRepoFile(p: string): string | undefined {
  const abs = path.resolve(REPO_ROOT, p);
  return fs.existsSync(abs) && fs.statSync(abs).isFile() ? fs.readFileSync(abs, 'utf8') : undefined;
}

function gccPreprocess(file: string): string {
  requireTool(CC);
  const r = spawnSync(CC, ['-E', '-P', '-x', 'assembler-with-cpp', '-I', INCLUDE_DIR, file], { cwd: REPO_ROOT, encoding: 'utf8' });
  if (r.error) throw new Error(`cannot run ${CC}: ${r.error.message}`);
  assert.equal(r.status, 0, `${CC} -E failed on ${file}:\n${r.stderr}`);
  return r.stdout;
}

describe('preprocessor against riscv64-linux-gnu-gcc -E -P -x assembler-with-cpp', () => {
  const sources = fs.readdirSync(path.join(REPO_ROOT, CPP_DIR)).filter((f) => f.endsWith('.S')).sort();

  it('has its corpus', () => {
    assert.ok(sources.length >= 5, `expected the .S files of ${CPP_DIR}, found ${sources.join(', ')}`);
  });

  for (const name of sources) {
    it(`${name}: same text as GCC's cpp`, () => {
      const file = path.join(CPP_DIR, name);
      const expected = normalize(gccPreprocess(file));
      const r = preprocess(file, { readFile: readRepoFile, includeDirs: [INCLUDE_DIR] });
      assert.deepEqual(r.diagnostics.filter((d) => d.severity === 'error'), []);
      assert.deepEqual(normalize(r.lines.map((l) => l.text).join('\n')), expected);
    });
  }

  it('normalize() keeps the spaces that separate tokens and the text of literals', () => {
    assert.deepEqual(normalize('  li  a0 ,  5 \n\n  5 . 5 "a  b" \'c  d\n'), ['li a0,5', '5 . 5"a  b"\'c  d']);
    assert.notDeepEqual(normalize('x y'), normalize('xy'));
  });
});
