// How each source file becomes lines for the assembler: `.S` files through the C preprocessor (as gcc does
// with assembler-with-cpp), `.s` and `.asm` files as they are.
import { plainLines, type Preprocessor } from './assemble';
import { preprocess } from './preprocess';

export const preprocessFor: Preprocessor = (file, read, opts) => {
  if (!file.endsWith('.S')) return plainLines(file, read, opts);
  const r = preprocess(file, { readFile: read, includeDirs: opts.includeDirs, defines: opts.defines });
  return { lines: r.lines, diagnostics: r.diagnostics };
};
