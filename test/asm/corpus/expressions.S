# Assembly-time expressions in immediates and data: every operator, precedence, symbol differences and '.'.
# .equ/.set constants and character literals feed the same evaluator.
.data
table:
  .word 1, 2, 3, 4
table_end:
# A difference of labels is constant once both are defined in one section; GNU takes it as an immediate
# only through .equ (a label difference written in an instruction operand is rejected).
.equ TABLE_SIZE, table_end - table
.equ BASE, 0x100
.set SHIFT, 3
.equ MASK, (1 << SHIFT) - 1
.equ NEG, -BASE
.set COUNTER, 1
.set COUNTER, COUNTER + 1
.text
.globl _start
_start:
  addi a0, zero, 1 + 2
  addi a0, zero, 10 - 3
  addi a0, zero, 6 * 7
  addi a0, zero, 100 / 7
  addi a0, zero, -100 / 7
  addi a0, zero, 100 % 7
  addi a0, zero, -100 % 7
  addi a0, zero, 1 << 10
  addi a0, zero, 1024 >> 3
  li a0, -64 >> 2
  li a0, -64 / 4
  addi a0, zero, 0xff & 0x0f
  addi a0, zero, 0xf0 | 0x0f
  addi a0, zero, 0xff ^ 0x0f
  addi a0, zero, ~0
  addi a0, zero, ~0xff & 0x7ff
  addi a0, zero, -(3 + 4)
  addi a0, zero, - - 5
  addi a0, zero, (2 + 3) * 4
  addi a0, zero, 2 + 3 * 4
  addi a0, zero, 1 + 2 << 3
  addi a0, zero, 1 | 2 + 4
  addi a0, zero, 6 | 1 + 1
  addi a0, zero, 2 * 3 << 1
  addi a0, zero, BASE
  addi a0, zero, NEG
  addi a0, zero, MASK
  addi a0, zero, BASE + MASK * 2
  addi a0, zero, COUNTER
  addi a0, zero, 'A'
  addi a0, zero, 'z' - 'a'
  addi a0, zero, '\n'
  addi a0, zero, '0' + 9
  addi a0, zero, 0b1011
  addi a0, zero, 017
  li a1, TABLE_SIZE
  addi a1, zero, TABLE_SIZE / 4
  li a2, 0x1000 * 0x1000
  li a3, BASE << 20
start:
  nop
  nop
  nop
end:
  slli a0, a0, SHIFT
  andi a0, a0, MASK
  ori a0, a0, 'B' & 0x3f
.data
  .word end - start
  .word (end - start) / 2
  .word table_end - table
  .word . - table
  .byte 'x', '\t', '\\', '\''
  .dword end - _start
  .dword _start + 4
  .dword table + (table_end - table) / 2
  .word BASE * 4 + NEG
