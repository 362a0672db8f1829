# Branches and jumps at the edges of their ranges, and the long forms GNU substitutes when a target is too far.
# Out-of-range conditional branches become an inverted branch over a jal; c.beqz/c.j widen to 32 bits.
.text
.globl _start
_start:
  beq a0, a1, b_max
  .skip 4090
b_max:
  bne a0, a1, _start + 2
  beq a0, a1, b_far
  .skip 4096
b_far:
  nop
c_start:
  c.beqz a0, c_max
  .skip 252
c_max:
  c.bnez s0, c_start
  c.beqz a0, c_far
  .skip 256
c_far:
  c.j cj_max
  .skip 2044
cj_max:
  c.j cj_far
  .skip 2048
cj_far:
  j j_back
  beqz s1, far_back
  bnez a0, j_back
  jal ra, j_back
j_back:
  nop
far_back:
  nop
