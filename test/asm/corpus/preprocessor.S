# Preprocessed source: includes, object-like and function-like defines, and every conditional form.
# The GNU side runs cpp first; our assembler preprocesses by itself. Lines keep their original numbers.
#include "preprocessor.h"
#include "preprocessor.h"
#define GREETING_LEN 5
#define TWICE(x) ((x) + (x))
#undef TWICE
#define TWICE(x) (2 * (x))

.text
.globl _start
_start:
  li sp, 0x80000000 + STACK_SIZE
  addi sp, sp, -SLOT(3)
  SAVE(ra, 0)
  SAVE(s0, 1)
  SAVE(s1, 2)
  li a0, TWICE(GREETING_LEN)
#if FEATURE_FLOAT
  fmv.d.x fa0, zero
#else
  unimp
#endif
#ifdef STACK_SIZE
  li a1, STACK_SIZE / 2
#endif
#ifndef NOT_DEFINED_ANYWHERE
  li a2, 1
#else
  li a2, 2
#endif
#if defined(REG_BYTES) && REG_BYTES == 8
  li a3, 64
#elif defined(REG_BYTES) && REG_BYTES == 4
  li a3, 32
#else
  li a3, 0
#endif
#if 0
  this line is not assembly and must never reach the assembler
#elif GREETING_LEN > 3
  li a4, GREETING_LEN
#endif
#if !defined(FEATURE_VECTOR)
  li a5, -1
#endif
#if (STACK_SIZE >> 10) == 4 || 0
  li a6, 4
#endif
  RESTORE(s1, 2)
  RESTORE(s0, 1)
  RESTORE(ra, 0)
  addi sp, sp, SLOT(3)
  ret
