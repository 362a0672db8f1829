# Numeric local labels: 1: reused many times, with 1b/1f always meaning the nearest one in that direction.
# Several digits interleave, and labels share addresses with named ones.
.text
.globl _start
_start:
1:
  addi a0, a0, -1
  bnez a0, 1b
  beqz a0, 1f
  nop
1:
  j 1f
1:
  j 1b
2:
1:
  beq a0, a1, 1b
  beq a0, a1, 2b
  beq a0, a1, 2f
  beq a0, a1, 1f
1:
2:
  bne a0, a1, 1b
  bne a0, a1, 2b
3:
  jal 3f
  jal 3b
3:
  j 1f
  j 10f
1:
10:
  nop
  j 10b
named:
1:
  j named
  j 1b
1:
  j 1b
  la a0, 1b
  la a0, 1f
1:
  ret
