/* Constants and function-like macros for preprocessor.S: the C preprocessor runs before the assembler. */
/* A guard makes a second inclusion empty, as in C headers. */
#ifndef PREPROCESSOR_H
#define PREPROCESSOR_H
#define STACK_SIZE 4096
#define REG_BYTES 8
#define SLOT(n) ((n) * REG_BYTES)
#define SAVE(reg, n) sd reg, SLOT(n)(sp)
#define RESTORE(reg, n) ld reg, SLOT(n)(sp)
#define FEATURE_FLOAT 1
#endif
