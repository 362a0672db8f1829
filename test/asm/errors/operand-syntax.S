# Error case: operands in the wrong shape: a register where an offset(base) belongs, a missing comma, junk after.
# The message says what shape the instruction expects.
# expect: 7:10: expected offset(register), got 'a1'
# expect: 8:14: expected ',' after operand 2, got 'a2'
# expect: 9:18: unexpected text 'extra' after the operands of 'add'
  nop
  ld a0, a1
  add a0, a1 a2
  add a0, a1, a2 extra
