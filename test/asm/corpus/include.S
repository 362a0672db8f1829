# .include of a corpus file with constants and a macro; the included code and data land where it is included.
# The line table must attribute the macro's instructions to the right file.
.include "common.inc"
.text
.globl _start
_start:
  li a0, 'H'
  putc a0
  li a0, 'i'
  putc a0
  lui t1, %hi(UART_BASE + 5)
  lbu t2, %lo(UART_BASE + 5)(t1)
  ret
