// Generates riscv-asm.tmLanguage.json, the TextMate grammar for GNU RISC-V assembly, from the emulator's tables:
// mnemonics from the instruction table and its compressed rows, register names from the disassembler, CSR names
// from the CSR table; pseudo-instructions, directives, .option words, rounding modes and relocation operators from
// the assembler that accepts them. Nothing here lists them again.
// After changing any of those, run `npx tsx syntaxes/generate-grammar.ts` and commit the JSON:
// test/unit/grammar.test.ts fails while the committed file differs from what this produces.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compressed, instructions } from '../emulator/isa/instructions';
import { csrNumberByName } from '../emulator/csr/table';
import { ABI_NAMES, FP_ABI_NAMES } from '../emulator/isa/disasm';
import { pseudoInstructions } from '../assembler/instruction';
import { KNOWN_DIRECTIVES, OPTION_NAMES } from '../assembler/object';
import { ROUNDING_MODES } from '../assembler/syntax';
import { RELOC_OPS, UNSUPPORTED_RELOC_OPS } from '../assembler/expr';

const roundingModes = Object.keys(ROUNDING_MODES);
/** Relocation operators as written: `%hi`, `%pcrel_lo`, … (GNU's TLS and GOT ones too: they are valid syntax). */
export const relocationOperators: readonly string[] = [...RELOC_OPS, ...UNSUPPORTED_RELOC_OPS].map((op) => `%${op}`);

export const GRAMMAR_PATH = join(__dirname, 'riscv-asm.tmLanguage.json');
export const SCOPE_NAME = 'source.riscv-asm';

/** A TextMate rule, as the JSON grammar spells it. */
interface Rule {
  name?: string;
  match?: string;
  begin?: string;
  end?: string;
  captures?: Captures;
  beginCaptures?: Captures;
  endCaptures?: Captures;
  patterns?: Rule[];
  include?: string;
}
type Captures = Record<string, { name: string }>;

const scope = (s: string): string => `${s}.riscv-asm`;
const include = (name: string): Rule => ({ include: `#${name}` });
const captures = (...names: (string | undefined)[]): Captures =>
  Object.fromEntries(names.flatMap((n, i) => (n ? [[String(i + 1), { name: scope(n) }]] : [])));

// ---- regex pieces ----

/**
 * Where a statement starts: at the line's start, right after a label's colon, a `;` separator or a block comment,
 * or (\G) right after `#define NAME`, whose body is assembly too.
 */
const START = String.raw`(?:^|\G|(?<=[:;]|\*/))\s*`;
/** Names contain dots (c.addi, .word, fs0): a name neither follows nor runs into a name character. */
const WORD_START = String.raw`(?<![\w.$\\%])`;
const WORD_END = String.raw`(?![\w.$])`;
/** A statement's operands end at a comment, a `;` or the end of the line. */
const STATEMENT_END = String.raw`(?=[;#]|/[/*]|$)`;
const SYMBOL = String.raw`[A-Za-z_.$][\w.$]*`;
/** A macro body builds names from parameters: `.Lname\@:`, `\prefix\()_end:`. */
const MACRO_SUBSTITUTION = String.raw`\\(?:@|\(\)|[A-Za-z_][\w$]*)`;
const LABEL = String.raw`(?:[A-Za-z_.$]|${MACRO_SUBSTITUTION})(?:[\w.$]|${MACRO_SUBSTITUTION})*`;
const ESCAPE = String.raw`\\(?:[0-7]{1,3}|x[0-9A-Fa-f]+|[bfnrtv\\"'])`;

/** Longest first, so an alternative never stops at a shorter name's prefix; sorted for a stable file. */
function alternation(names: Iterable<string>): string {
  const sorted = [...new Set(names)].sort((a, b) => b.length - a.length || (a < b ? -1 : a > b ? 1 : 0));
  return sorted.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
}
const words = (names: Iterable<string>): string => `${WORD_START}(?:${alternation(names)})${WORD_END}`;

// ---- mnemonics ----

export type MnemonicKind = 'instruction' | 'compressed' | 'pseudo';
export interface Mnemonic {
  name: string;
  operands: string;
  kind: MnemonicKind;
}

const AMO_ORDERING = ['.aq', '.rl', '.aqrl'];

/** Every mnemonic the grammar knows: the table's rows, then the vocabulary's words the table lacks. */
export function mnemonics(): Mnemonic[] {
  const out = new Map<string, Mnemonic>();
  const add = (name: string, operands: string, kind: MnemonicKind): void => {
    if (!out.has(name)) out.set(name, { name, operands, kind });
  };
  for (const r of instructions) {
    add(r.name, r.operands, 'instruction');
    // lr, sc and the AMOs take the ordering suffixes .aq, .rl and .aqrl.
    if (r.format === 'AMO') for (const s of AMO_ORDERING) add(`${r.name}${s}`, r.operands, 'instruction');
  }
  for (const r of compressed) add(r.name, r.operands, 'compressed');
  for (const w of pseudoInstructions) add(w.name, w.operands, 'pseudo');
  return [...out.values()];
}

const MNEMONIC_SCOPES: Record<MnemonicKind, string> = {
  instruction: 'keyword.other.instruction',
  compressed: 'keyword.other.instruction.compressed',
  pseudo: 'keyword.other.instruction.pseudo',
};

/** Operand words only some instructions take: CSR names, rounding modes, fence sets. Read from the operand syntax. */
type OperandContext = 'csr' | 'rounding' | 'fence' | 'plain';
function operandContext(operands: string): OperandContext {
  const kinds = operands.split(',').map((s) => s.trim());
  if (kinds.includes('csr')) return 'csr';
  if (kinds.includes('rm') || kinds.includes('rmx')) return 'rounding';
  if (kinds.includes('pred')) return 'fence';
  return 'plain';
}
const CONTEXT_PATTERNS: Record<OperandContext, string[]> = {
  csr: ['csr-names'],
  rounding: ['rounding-modes'],
  fence: ['fence-sets'],
  plain: [],
};

function instructionRules(): Rule[] {
  const all = mnemonics();
  const kinds: MnemonicKind[] = ['instruction', 'compressed', 'pseudo'];
  return (['csr', 'rounding', 'fence', 'plain'] as const).flatMap((context): Rule[] => {
    const here = all.filter((m) => operandContext(m.operands) === context);
    const groups = kinds.filter((k) => here.some((m) => m.kind === k));
    if (groups.length === 0) return [];
    const alternatives = groups.map((k) => `(${alternation(here.filter((m) => m.kind === k).map((m) => m.name))})`);
    return [{
      name: scope('meta.instruction'),
      begin: `${START}(?:${alternatives.join('|')})${WORD_END}`,
      beginCaptures: captures(...groups.map((k) => MNEMONIC_SCOPES[k])),
      end: STATEMENT_END,
      patterns: [...CONTEXT_PATTERNS[context].map(include), include('operands')],
    }];
  });
}

// ---- directives ----

/** Directives whose first operand names something: a section, a macro, a symbol given a value. */
const SECTION_DIRECTIVES = ['.section'];
const MACRO_DIRECTIVES = ['.macro'];
const DEFINING_DIRECTIVES = ['.equ', '.set', '.equiv'];
const OPTION_DIRECTIVES = ['.option'];

function directiveRules(): Rule[] {
  const known = new Set(KNOWN_DIRECTIVES);
  const special = [...SECTION_DIRECTIVES, ...MACRO_DIRECTIVES, ...DEFINING_DIRECTIVES, ...OPTION_DIRECTIVES];
  for (const d of special) if (!known.has(d)) throw new Error(`directive ${d} is not one the assembler accepts (assembler/object.ts)`);
  const rule = (names: string[], patterns: Rule[]): Rule => ({
    name: scope('meta.directive'),
    begin: `${START}(${alternation(names)})${WORD_END}`,
    beginCaptures: captures('keyword.control.directive'),
    end: STATEMENT_END,
    patterns: [...patterns, include('operands')],
  });
  const firstName = (name: string): Rule => ({ match: String.raw`\G\s*(${SYMBOL})`, captures: captures(name) });
  return [
    rule(SECTION_DIRECTIVES, [firstName('entity.name.section')]),
    rule(MACRO_DIRECTIVES, [
      firstName('entity.name.function.macro'),
      { match: String.raw`(:)(req|vararg)\b`, captures: captures('punctuation.separator.qualifier', 'storage.modifier.qualifier') },
      { match: String.raw`(=)\s*("(?:[^"\\]|\\.)*"|[^,\s;#]*)`, captures: captures('keyword.operator.assignment') },
      { match: String.raw`${WORD_START}[A-Za-z_][\w$]*${WORD_END}`, name: scope('variable.parameter.macro') },
    ]),
    rule(DEFINING_DIRECTIVES, [firstName('variable.other.constant')]),
    rule(OPTION_DIRECTIVES, [
      { match: words([...OPTION_NAMES]), name: scope('constant.language.option') },
      { match: String.raw`(?<![\w.$])[+-][a-z][a-z0-9_]*${WORD_END}`, name: scope('constant.language.option.extension') },
    ]),
    rule(KNOWN_DIRECTIVES.filter((n) => !special.includes(n)), []),
  ];
}

// ---- preprocessor lines (cpp runs over .S files) ----

/** A preprocessor line ends at a newline not escaped by a backslash (the tokenizer sees each line with its \n). */
const PREPROCESSOR_END = String.raw`(?<!\\)(?=\n)`;

function preprocessorRules(): Rule[] {
  const keyword = (words: string): string => String.raw`^\s*((#)(?:${words}))(?![\w$])`;
  const body = [include('line-continuation'), include('comment-block'), include('comment-double-slash')];
  const statements = ['label', 'assignment', 'directive', 'instruction', 'statement-separator'].map(include);
  return [
    {
      name: scope('meta.preprocessor.include'),
      begin: keyword('include|include_next'),
      beginCaptures: captures('keyword.control.directive.include', 'punctuation.definition.directive'),
      end: PREPROCESSOR_END,
      patterns: [
        ...body,
        { name: scope('string.quoted.double.include'), match: String.raw`"[^"]*"?` },
        { name: scope('string.quoted.other.lt-gt.include'), match: String.raw`<[^>]*>?` },
      ],
    },
    ...(['define', 'undef'] as const).map((kw): Rule => ({
      name: scope('meta.preprocessor.macro'),
      begin: `${keyword(kw)}(?:\\s+([A-Za-z_]\\w*))?`,
      beginCaptures: captures(`keyword.control.directive.${kw}`, 'punctuation.definition.directive', 'entity.name.function.preprocessor'),
      end: PREPROCESSOR_END,
      patterns: [...body, ...statements, include('operands')],
    })),
    {
      name: scope('meta.preprocessor.conditional'),
      begin: keyword('if|ifdef|ifndef|elif|elifdef|elifndef|else|endif'),
      beginCaptures: captures('keyword.control.directive.conditional', 'punctuation.definition.directive'),
      end: PREPROCESSOR_END,
      patterns: [...body, { match: String.raw`\bdefined\b`, name: scope('keyword.operator.defined') }, include('operands')],
    },
    ...(['error', 'warning', 'pragma', 'line'] as const).map((kw): Rule => ({
      name: scope('meta.preprocessor'),
      begin: keyword(kw),
      beginCaptures: captures(`keyword.control.directive.${kw}`, 'punctuation.definition.directive'),
      end: PREPROCESSOR_END,
      patterns: [...body, include('operands')],
    })),
  ];
}

// ---- the grammar ----

/** x0..x31 and f0..f31 with the calling convention's names; fp is s0's second name. */
const integerRegisters = [...Array.from({ length: 32 }, (_, i) => `x${i}`), ...ABI_NAMES, 'fp'];
const floatRegisters = [...Array.from({ length: 32 }, (_, i) => `f${i}`), ...FP_ABI_NAMES];

export function generateGrammar(): object {
  const NUM_START = String.raw`(?<![\w.$])`;
  return {
    information_for_contributors: [
      'Generated by syntaxes/generate-grammar.ts from the instruction, CSR and register tables and the assembler\'s vocabulary.',
      'Do not edit: change those and run `npx tsx syntaxes/generate-grammar.ts`.',
    ],
    name: 'RISC-V Assembly',
    scopeName: SCOPE_NAME,
    fileTypes: ['S', 's', 'asm'],
    patterns: [
      include('comment-block'),
      include('preprocessor'),
      include('comment-number-sign'),
      include('comment-double-slash'),
      include('label'),
      include('assignment'),
      include('directive'),
      include('instruction'),
      include('statement-separator'),
      include('operands'),
    ],
    repository: {
      'comment-block': {
        name: scope('comment.block'),
        begin: String.raw`/\*`,
        beginCaptures: { 0: { name: scope('punctuation.definition.comment.begin') } },
        end: String.raw`\*/`,
        endCaptures: { 0: { name: scope('punctuation.definition.comment.end') } },
      },
      'comment-number-sign': { match: '(#).*$', name: scope('comment.line.number-sign'), captures: captures('punctuation.definition.comment') },
      'comment-double-slash': { match: '(//).*$', name: scope('comment.line.double-slash'), captures: captures('punctuation.definition.comment') },
      preprocessor: { patterns: preprocessorRules() },
      'line-continuation': { match: String.raw`\\$`, name: scope('constant.character.escape.line-continuation') },
      'statement-separator': { match: ';', name: scope('punctuation.separator.statement') },
      label: {
        match: `${START}(?:([0-9]+)|(${LABEL}))(:)`,
        captures: captures('entity.name.function.label.numeric', 'entity.name.function.label', 'punctuation.separator.label'),
      },
      assignment: {
        match: `${START}(${SYMBOL})\\s*(=)(?!=)`,
        captures: captures('variable.other.constant', 'keyword.operator.assignment'),
      },
      directive: { patterns: directiveRules() },
      instruction: { patterns: instructionRules() },
      'csr-names': { match: words(csrNumberByName.keys()), name: scope('variable.language.csr') },
      'rounding-modes': { match: words(roundingModes), name: scope('constant.language.rounding-mode') },
      'fence-sets': { match: String.raw`${WORD_START}[iorw]+${WORD_END}`, name: scope('constant.language.fence-set') },
      operands: {
        patterns: [
          include('line-continuation'),
          include('string'),
          include('character'),
          { match: `(?:${alternation([...relocationOperators])})(?![\\w$])`, name: scope('support.function.relocation') },
          { match: MACRO_SUBSTITUTION, name: scope('variable.parameter.macro') },
          { match: words(integerRegisters), name: scope('variable.other.register') },
          { match: words(floatRegisters), name: scope('variable.other.register.float') },
          include('number'),
          { match: String.raw`${NUM_START}@[A-Za-z_]\w*`, name: scope('constant.language.symbol-type') },
          { match: String.raw`<<|>>|&&|\|\||==|!=|<>|<=|>=|[-+*/%&|^~!<>=]`, name: scope('keyword.operator') },
          { match: ',', name: scope('punctuation.separator.comma') },
          { match: String.raw`\(`, name: scope('punctuation.section.parens.begin') },
          { match: String.raw`\)`, name: scope('punctuation.section.parens.end') },
        ],
      },
      string: {
        name: scope('string.quoted.double'),
        begin: '"',
        beginCaptures: { 0: { name: scope('punctuation.definition.string.begin') } },
        end: '(")|$',
        endCaptures: captures('punctuation.definition.string.end'),
        patterns: [{ match: ESCAPE, name: scope('constant.character.escape') }],
      },
      character: {
        // GNU as also accepts 'a with no closing quote.
        match: String.raw`${NUM_START}(')(?:(${ESCAPE}|\\.)|[^\\'])(')?`,
        name: scope('constant.character'),
        captures: captures('punctuation.definition.character.begin', 'constant.character.escape', 'punctuation.definition.character.end'),
      },
      number: {
        patterns: [
          // 1b, 1f: the nearest numeric label 1 backwards or forwards.
          { match: String.raw`${NUM_START}[0-9]+[bf]${WORD_END}`, name: scope('variable.other.label.numeric') },
          { match: String.raw`${NUM_START}0[xX][0-9A-Fa-f]+${WORD_END}`, name: scope('constant.numeric.integer.hexadecimal') },
          { match: String.raw`${NUM_START}0[bB][01]+${WORD_END}`, name: scope('constant.numeric.integer.binary') },
          { match: String.raw`${NUM_START}0[fFdDeE][+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?${WORD_END}`, name: scope('constant.numeric.float') },
          { match: String.raw`${NUM_START}(?:[0-9]+\.[0-9]*(?:[eE][+-]?[0-9]+)?|[0-9]+[eE][+-]?[0-9]+)${WORD_END}`, name: scope('constant.numeric.float') },
          { match: String.raw`${NUM_START}0[0-7]+${WORD_END}`, name: scope('constant.numeric.integer.octal') },
          { match: String.raw`${NUM_START}(?:0|[1-9][0-9]*)${WORD_END}`, name: scope('constant.numeric.integer.decimal') },
          { match: String.raw`${NUM_START}[0-9][\w.$]*`, name: scope('invalid.illegal.numeric') },
        ],
      },
    },
  };
}

/** The file's exact text: what the generator writes and what the test compares with the committed file. */
export function grammarJson(): string {
  return `${JSON.stringify(generateGrammar(), null, 2)}\n`;
}

if (require.main === module) {
  writeFileSync(GRAMMAR_PATH, grammarJson());
  console.log(`wrote ${GRAMMAR_PATH}`);
}
