# Error case: a branch and a jump to a label in another section, beyond even jal's reach of about 1 MiB.
# GNU widens a far beq into bne over jal, so beq fails only when that jal cannot reach either.
# expect: 8:15: branch target 'far' is 1048588 bytes away, beyond beq's reach even widened to bne over jal (-1048576..1048574)
# expect: 9:11: jump target 'far' is 1048580 bytes away, out of range for jal (-1048576..1048574)
.text
.globl _start
_start:
  beq a0, a1, far
  jal ra, far
.data
  .skip 0x100000
far:
  .byte 0
