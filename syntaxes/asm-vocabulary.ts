// The assembly words the instruction table does not hold: GNU pseudo-instructions and assembler directives.
// The TextMate grammar generator (generate-grammar.ts) and the language server's completion both read these lists;
// real instructions, registers and CSR names come from the emulator's tables, never from here.

/** A word a student can type, with what completion and hover show for it. */
export interface AsmWord {
  /** As written in source: 'li', '.word'. */
  name: string;
  /** Operand syntax in the instruction table's style ('rd,imm', 'csr,rs1'); '' when there are none. */
  operands: string;
  /** One line for completion details and hover text. */
  summary: string;
}

/**
 * GNU as pseudo-instructions (the RISC-V Assembly Programmer's Manual's table, as binutils accepts them).
 * The short forms `jal target`, `jalr rs1` and `fence` with no operands share the table's names, so they are not here.
 * An operand named `csr` marks the CSR pseudo-instructions: the grammar scopes CSR names in their operands.
 */
export const pseudoInstructions: readonly AsmWord[] = [
  { name: 'nop', operands: '', summary: 'no operation (addi zero, zero, 0)' },
  { name: 'li', operands: 'rd,imm', summary: 'load an immediate of any size (lui, addi(w), slli as needed)' },
  { name: 'la', operands: 'rd,symbol', summary: 'load the address of symbol (auipc + addi; from the GOT when position-independent)' },
  { name: 'lla', operands: 'rd,symbol', summary: 'load the pc-relative address of symbol (auipc + addi)' },
  { name: 'lga', operands: 'rd,symbol', summary: 'load the address of symbol from the GOT (auipc + ld)' },
  { name: 'la.tls.ie', operands: 'rd,symbol', summary: 'load the thread-pointer offset of a TLS symbol from the GOT (initial-exec)' },
  { name: 'la.tls.gd', operands: 'rd,symbol', summary: 'load the address of a TLS symbol\'s GOT entry (global-dynamic)' },
  { name: 'mv', operands: 'rd,rs1', summary: 'copy a register (addi rd, rs1, 0)' },
  { name: 'not', operands: 'rd,rs1', summary: 'bitwise complement (xori rd, rs1, -1)' },
  { name: 'neg', operands: 'rd,rs2', summary: 'negate (sub rd, zero, rs2)' },
  { name: 'negw', operands: 'rd,rs2', summary: 'negate word, sign-extended (subw rd, zero, rs2)' },
  { name: 'sext.w', operands: 'rd,rs1', summary: 'sign-extend the low word (addiw rd, rs1, 0)' },
  { name: 'zext.b', operands: 'rd,rs1', summary: 'zero-extend the low byte (andi rd, rs1, 255)' },
  { name: 'seqz', operands: 'rd,rs1', summary: 'rd = 1 if rs1 == 0, else 0 (sltiu rd, rs1, 1)' },
  { name: 'snez', operands: 'rd,rs2', summary: 'rd = 1 if rs2 != 0, else 0 (sltu rd, zero, rs2)' },
  { name: 'sltz', operands: 'rd,rs1', summary: 'rd = 1 if rs1 < 0, else 0 (slt rd, rs1, zero)' },
  { name: 'sgtz', operands: 'rd,rs2', summary: 'rd = 1 if rs2 > 0, else 0 (slt rd, zero, rs2)' },
  { name: 'beqz', operands: 'rs1,target', summary: 'branch if rs1 == 0 (beq rs1, zero, target)' },
  { name: 'bnez', operands: 'rs1,target', summary: 'branch if rs1 != 0 (bne rs1, zero, target)' },
  { name: 'blez', operands: 'rs1,target', summary: 'branch if rs1 <= 0 (bge zero, rs1, target)' },
  { name: 'bgez', operands: 'rs1,target', summary: 'branch if rs1 >= 0 (bge rs1, zero, target)' },
  { name: 'bltz', operands: 'rs1,target', summary: 'branch if rs1 < 0 (blt rs1, zero, target)' },
  { name: 'bgtz', operands: 'rs1,target', summary: 'branch if rs1 > 0 (blt zero, rs1, target)' },
  { name: 'bgt', operands: 'rs1,rs2,target', summary: 'branch if rs1 > rs2, signed (blt rs2, rs1, target)' },
  { name: 'ble', operands: 'rs1,rs2,target', summary: 'branch if rs1 <= rs2, signed (bge rs2, rs1, target)' },
  { name: 'bgtu', operands: 'rs1,rs2,target', summary: 'branch if rs1 > rs2, unsigned (bltu rs2, rs1, target)' },
  { name: 'bleu', operands: 'rs1,rs2,target', summary: 'branch if rs1 <= rs2, unsigned (bgeu rs2, rs1, target)' },
  { name: 'j', operands: 'target', summary: 'jump (jal zero, target)' },
  { name: 'jr', operands: 'rs1', summary: 'jump to the address in rs1 (jalr zero, 0(rs1))' },
  { name: 'ret', operands: '', summary: 'return from a subroutine (jalr zero, 0(ra))' },
  { name: 'call', operands: 'symbol', summary: 'call a subroutine anywhere in ±2 GiB (auipc ra + jalr ra); `call rd, symbol` links through rd' },
  { name: 'tail', operands: 'symbol', summary: 'tail-call a subroutine anywhere in ±2 GiB (auipc t1 + jalr zero)' },
  { name: 'csrr', operands: 'rd,csr', summary: 'read a CSR (csrrs rd, csr, zero)' },
  { name: 'csrw', operands: 'csr,rs1', summary: 'write a CSR (csrrw zero, csr, rs1)' },
  { name: 'csrs', operands: 'csr,rs1', summary: 'set the CSR bits that are set in rs1 (csrrs zero, csr, rs1)' },
  { name: 'csrc', operands: 'csr,rs1', summary: 'clear the CSR bits that are set in rs1 (csrrc zero, csr, rs1)' },
  { name: 'csrwi', operands: 'csr,zimm', summary: 'write a 5-bit immediate to a CSR (csrrwi zero, csr, zimm)' },
  { name: 'csrsi', operands: 'csr,zimm', summary: 'set CSR bits from a 5-bit immediate (csrrsi zero, csr, zimm)' },
  { name: 'csrci', operands: 'csr,zimm', summary: 'clear CSR bits from a 5-bit immediate (csrrci zero, csr, zimm)' },
  { name: 'rdcycle', operands: 'rd', summary: 'read the cycle counter (csrrs rd, cycle, zero)' },
  { name: 'rdtime', operands: 'rd', summary: 'read the real-time clock (csrrs rd, time, zero)' },
  { name: 'rdinstret', operands: 'rd', summary: 'read the instructions-retired counter (csrrs rd, instret, zero)' },
  { name: 'frcsr', operands: 'rd', summary: 'read fcsr (csrrs rd, fcsr, zero)' },
  { name: 'fscsr', operands: 'rd,rs1', summary: 'swap fcsr with rs1 (csrrw rd, fcsr, rs1); `fscsr rs1` only writes it' },
  { name: 'frrm', operands: 'rd', summary: 'read the dynamic rounding mode (csrrs rd, frm, zero)' },
  { name: 'fsrm', operands: 'rd,rs1', summary: 'swap the dynamic rounding mode with rs1 (csrrw rd, frm, rs1); `fsrm rs1` only writes it' },
  { name: 'fsrmi', operands: 'rd,zimm', summary: 'swap the dynamic rounding mode with an immediate (csrrwi rd, frm, zimm)' },
  { name: 'frflags', operands: 'rd', summary: 'read the accrued FP exception flags (csrrs rd, fflags, zero)' },
  { name: 'fsflags', operands: 'rd,rs1', summary: 'swap the FP exception flags with rs1 (csrrw rd, fflags, rs1); `fsflags rs1` only writes them' },
  { name: 'fsflagsi', operands: 'rd,zimm', summary: 'swap the FP exception flags with an immediate (csrrwi rd, fflags, zimm)' },
  { name: 'fmv.s', operands: 'fd,fs1', summary: 'copy a single (fsgnj.s fd, fs1, fs1)' },
  { name: 'fabs.s', operands: 'fd,fs1', summary: 'single absolute value (fsgnjx.s fd, fs1, fs1)' },
  { name: 'fneg.s', operands: 'fd,fs1', summary: 'single negation (fsgnjn.s fd, fs1, fs1)' },
  { name: 'fmv.d', operands: 'fd,fs1', summary: 'copy a double (fsgnj.d fd, fs1, fs1)' },
  { name: 'fabs.d', operands: 'fd,fs1', summary: 'double absolute value (fsgnjx.d fd, fs1, fs1)' },
  { name: 'fneg.d', operands: 'fd,fs1', summary: 'double negation (fsgnjn.d fd, fs1, fs1)' },
  { name: 'unimp', operands: '', summary: 'an instruction that is always illegal: it traps (csrrw zero, cycle, zero, or c.unimp)' },
];

/**
 * The H extension's instructions, for the grammar until the instruction table carries their rows.
 * The generator takes the union with the table, so this list may be deleted once the rows are there.
 */
export const hypervisorInstructions: readonly AsmWord[] = [
  { name: 'hlv.b', operands: 'rd,(rs1)', summary: 'load a byte as the guest (VS/VU translation and permissions)' },
  { name: 'hlv.bu', operands: 'rd,(rs1)', summary: 'load an unsigned byte as the guest' },
  { name: 'hlv.h', operands: 'rd,(rs1)', summary: 'load a halfword as the guest' },
  { name: 'hlv.hu', operands: 'rd,(rs1)', summary: 'load an unsigned halfword as the guest' },
  { name: 'hlvx.hu', operands: 'rd,(rs1)', summary: 'load an unsigned halfword as the guest, needing execute permission' },
  { name: 'hlv.w', operands: 'rd,(rs1)', summary: 'load a word as the guest' },
  { name: 'hlvx.wu', operands: 'rd,(rs1)', summary: 'load an unsigned word as the guest, needing execute permission' },
  { name: 'hlv.wu', operands: 'rd,(rs1)', summary: 'load an unsigned word as the guest' },
  { name: 'hlv.d', operands: 'rd,(rs1)', summary: 'load a doubleword as the guest' },
  { name: 'hsv.b', operands: 'rs2,(rs1)', summary: 'store a byte as the guest' },
  { name: 'hsv.h', operands: 'rs2,(rs1)', summary: 'store a halfword as the guest' },
  { name: 'hsv.w', operands: 'rs2,(rs1)', summary: 'store a word as the guest' },
  { name: 'hsv.d', operands: 'rs2,(rs1)', summary: 'store a doubleword as the guest' },
  { name: 'hfence.vvma', operands: 'rs1,rs2', summary: 'order guest page-table writes before later VS-stage translations' },
  { name: 'hfence.gvma', operands: 'rs1,rs2', summary: 'order G-stage page-table writes before later guest-physical translations' },
];

/** GNU as directives for RISC-V ELF. Words with a leading dot that are not here are left unhighlighted (a typo shows). */
export const directives: readonly AsmWord[] = [
  // Sections
  { name: '.text', operands: '', summary: 'assemble into the code section' },
  { name: '.data', operands: '', summary: 'assemble into the initialised data section' },
  { name: '.bss', operands: '', summary: 'assemble into the zero-initialised data section' },
  { name: '.section', operands: 'name[,"flags"[,@type]]', summary: 'assemble into a named section (flags a, w, x; type @progbits or @nobits)' },
  { name: '.pushsection', operands: 'name[,"flags"[,@type]]', summary: 'switch to a named section, remembering the current one' },
  { name: '.popsection', operands: '', summary: 'go back to the section before the matching .pushsection' },
  { name: '.previous', operands: '', summary: 'go back to the section in use before the last switch' },
  // Symbols
  { name: '.globl', operands: 'symbol', summary: 'make a symbol visible to the linker' },
  { name: '.global', operands: 'symbol', summary: 'make a symbol visible to the linker (same as .globl)' },
  { name: '.local', operands: 'symbol', summary: 'keep a symbol local to this file' },
  { name: '.weak', operands: 'symbol', summary: 'make a symbol global, but let another definition override it' },
  { name: '.hidden', operands: 'symbol', summary: 'keep a global symbol out of other modules\' view' },
  { name: '.type', operands: 'symbol,@function|@object', summary: 'set a symbol\'s ELF type' },
  { name: '.size', operands: 'symbol,expr', summary: 'set a symbol\'s ELF size, usually . - symbol' },
  { name: '.equ', operands: 'symbol,expr', summary: 'give a symbol a value' },
  { name: '.set', operands: 'symbol,expr', summary: 'give a symbol a value (it may be set again)' },
  { name: '.equiv', operands: 'symbol,expr', summary: 'give a symbol a value; an error if it is already defined' },
  { name: '.comm', operands: 'symbol,size[,align]', summary: 'declare a common symbol of size bytes' },
  { name: '.lcomm', operands: 'symbol,size[,align]', summary: 'reserve size zeroed bytes in .bss for a local symbol' },
  // Alignment and location
  { name: '.align', operands: 'n[,fill[,max]]', summary: 'align to 2^n bytes (on RISC-V the same as .p2align)' },
  { name: '.p2align', operands: 'n[,fill[,max]]', summary: 'align to 2^n bytes' },
  { name: '.balign', operands: 'bytes[,fill[,max]]', summary: 'align to a multiple of bytes' },
  { name: '.org', operands: 'expr[,fill]', summary: 'advance the location counter to expr within the section' },
  // Data
  { name: '.byte', operands: 'expr[,...]', summary: '8-bit values' },
  { name: '.2byte', operands: 'expr[,...]', summary: '16-bit values, unaligned' },
  { name: '.half', operands: 'expr[,...]', summary: '16-bit values' },
  { name: '.short', operands: 'expr[,...]', summary: '16-bit values' },
  { name: '.4byte', operands: 'expr[,...]', summary: '32-bit values, unaligned' },
  { name: '.word', operands: 'expr[,...]', summary: '32-bit values' },
  { name: '.long', operands: 'expr[,...]', summary: '32-bit values' },
  { name: '.int', operands: 'expr[,...]', summary: '32-bit values' },
  { name: '.8byte', operands: 'expr[,...]', summary: '64-bit values, unaligned' },
  { name: '.dword', operands: 'expr[,...]', summary: '64-bit values' },
  { name: '.quad', operands: 'expr[,...]', summary: '64-bit values' },
  { name: '.uleb128', operands: 'expr[,...]', summary: 'unsigned LEB128 values' },
  { name: '.sleb128', operands: 'expr[,...]', summary: 'signed LEB128 values' },
  { name: '.float', operands: 'number[,...]', summary: 'IEEE single-precision values' },
  { name: '.double', operands: 'number[,...]', summary: 'IEEE double-precision values' },
  { name: '.zero', operands: 'size', summary: 'size zero bytes' },
  { name: '.space', operands: 'size[,fill]', summary: 'size bytes of fill (default 0)' },
  { name: '.skip', operands: 'size[,fill]', summary: 'size bytes of fill (same as .space)' },
  { name: '.fill', operands: 'repeat[,size[,value]]', summary: 'repeat copies of a size-byte value' },
  { name: '.ascii', operands: '"string"[,...]', summary: 'string bytes, with no terminating NUL' },
  { name: '.asciz', operands: '"string"[,...]', summary: 'NUL-terminated strings' },
  { name: '.string', operands: '"string"[,...]', summary: 'NUL-terminated strings (same as .asciz)' },
  { name: '.incbin', operands: '"file"[,skip[,count]]', summary: 'a file\'s bytes, verbatim' },
  // Macros, repetition and conditional assembly
  { name: '.macro', operands: 'name [param[=default][,...]]', summary: 'define a macro; its body refers to parameters as \\param' },
  { name: '.endm', operands: '', summary: 'end a macro definition' },
  { name: '.exitm', operands: '', summary: 'leave the current macro expansion early' },
  { name: '.purgem', operands: 'name', summary: 'forget a macro definition' },
  { name: '.rept', operands: 'count', summary: 'assemble the block up to .endr count times' },
  { name: '.irp', operands: 'param,value[,...]', summary: 'assemble the block up to .endr once per value, with \\param set to it' },
  { name: '.irpc', operands: 'param,chars', summary: 'assemble the block up to .endr once per character, with \\param set to it' },
  { name: '.endr', operands: '', summary: 'end a .rept, .irp or .irpc block' },
  { name: '.if', operands: 'expr', summary: 'assemble the block if expr is not zero' },
  { name: '.ifdef', operands: 'symbol', summary: 'assemble the block if symbol is defined' },
  { name: '.ifndef', operands: 'symbol', summary: 'assemble the block if symbol is not defined' },
  { name: '.ifb', operands: 'text', summary: 'assemble the block if the (macro) argument is blank' },
  { name: '.ifnb', operands: 'text', summary: 'assemble the block if the (macro) argument is not blank' },
  { name: '.ifc', operands: 'string1,string2', summary: 'assemble the block if the two strings are the same' },
  { name: '.ifnc', operands: 'string1,string2', summary: 'assemble the block if the two strings differ' },
  { name: '.else', operands: '', summary: 'the alternative block of an .if' },
  { name: '.elseif', operands: 'expr', summary: 'a further condition of an .if' },
  { name: '.endif', operands: '', summary: 'end an .if block' },
  { name: '.include', operands: '"file"', summary: 'assemble another source file here' },
  { name: '.error', operands: '"message"', summary: 'stop with an error message' },
  { name: '.warning', operands: '"message"', summary: 'print a warning' },
  { name: '.print', operands: '"message"', summary: 'print a message while assembling' },
  { name: '.end', operands: '', summary: 'stop assembling this file' },
  // RISC-V
  { name: '.option', operands: 'push|pop|rvc|norvc|relax|norelax|pic|nopic|arch,+ext', summary: 'change assembler options for the code that follows' },
  { name: '.attribute', operands: 'tag,value', summary: 'record a RISC-V ELF attribute (arch, unaligned_access, stack_align)' },
  { name: '.insn', operands: 'format,fields...', summary: 'emit an instruction from its format and encoding fields' },
  // Debug information, as compilers emit it
  { name: '.file', operands: '[fileno] "name"', summary: 'name the source file (for debug information)' },
  { name: '.loc', operands: 'fileno line [column]', summary: 'the source line the following code comes from' },
  { name: '.ident', operands: '"string"', summary: 'a tag (such as the compiler version) in the .comment section' },
  { name: '.cfi_startproc', operands: '', summary: 'start a function\'s call-frame information' },
  { name: '.cfi_endproc', operands: '', summary: 'end a function\'s call-frame information' },
  { name: '.cfi_def_cfa', operands: 'register,offset', summary: 'the canonical frame address is register + offset' },
  { name: '.cfi_def_cfa_offset', operands: 'offset', summary: 'the canonical frame address is now at this offset' },
  { name: '.cfi_offset', operands: 'register,offset', summary: 'register was saved at this offset from the canonical frame address' },
  { name: '.cfi_restore', operands: 'register', summary: 'register has its value at function entry again' },
];

/** Arguments of `.option`. */
export const optionArguments: readonly string[] = ['push', 'pop', 'rvc', 'norvc', 'relax', 'norelax', 'pic', 'nopic', 'arch'];

/** Rounding-mode operands of F and D instructions (dyn: use frm). */
export const roundingModes: readonly string[] = ['rne', 'rtz', 'rdn', 'rup', 'rmm', 'dyn'];

/** Relocation operators, written before a parenthesised symbol: `lui a0, %hi(msg)`. */
export const relocationOperators: readonly AsmWord[] = [
  { name: '%hi', operands: '(symbol)', summary: 'the upper 20 bits of an absolute address, rounded for a following %lo (lui)' },
  { name: '%lo', operands: '(symbol)', summary: 'the lower 12 bits of an absolute address (addi, loads, stores)' },
  { name: '%pcrel_hi', operands: '(symbol)', summary: 'the upper 20 bits of symbol - pc (auipc)' },
  { name: '%pcrel_lo', operands: '(label)', summary: 'the lower 12 bits for the %pcrel_hi at label (addi, loads, stores)' },
  { name: '%tprel_hi', operands: '(symbol)', summary: 'the upper 20 bits of a TLS symbol\'s offset from tp (local-exec)' },
  { name: '%tprel_lo', operands: '(symbol)', summary: 'the lower 12 bits of a TLS symbol\'s offset from tp (local-exec)' },
  { name: '%tprel_add', operands: '(symbol)', summary: 'marks the add of tp for linker relaxation (local-exec)' },
  { name: '%tls_ie_pcrel_hi', operands: '(symbol)', summary: 'the upper 20 bits of the pc-relative address of a TLS symbol\'s GOT entry (initial-exec)' },
  { name: '%tls_gd_pcrel_hi', operands: '(symbol)', summary: 'the upper 20 bits of the pc-relative address of a TLS symbol\'s GOT entry (global-dynamic)' },
  { name: '%got_pcrel_hi', operands: '(symbol)', summary: 'the upper 20 bits of the pc-relative address of a symbol\'s GOT entry' },
];
