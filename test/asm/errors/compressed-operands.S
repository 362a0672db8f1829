# Error case: explicit compressed instructions with operands their 16-bit encodings cannot hold.
# Each message names the instruction and what it needs.
# expect: 8:16: compressed instruction c.addi16sp needs a non-zero multiple of 16
# expect: 9:16: compressed instruction c.addi16sp needs a non-zero multiple of 16
# expect: 10:8: compressed instruction c.lw needs registers x8..x15 (s0, s1, a0..a5), not 't0'
# expect: 11:12: immediate 32 does not fit in 6 bits (-32..31)
# expect: 12:22: compressed instruction c.addi4spn needs a non-zero multiple of 4 (4..1020)
c.addi16sp sp, 0
c.addi16sp sp, 24
  c.lw t0, 0(a0)
  c.li a0, 32
  c.addi4spn s0, sp, 0
