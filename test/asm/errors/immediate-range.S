# Error case: immediates outside the bits their instruction field holds.
# Every out-of-range operand in the file is reported, not only the first.
# expect: 8:16: immediate 5000 does not fit in 12 bits (-2048..2047)
# expect: 9:16: immediate -2049 does not fit in 12 bits (-2048..2047)
# expect: 10:16: shift amount 64 does not fit in 6 bits (0..63)
# expect: 11:21: immediate 32 does not fit in 5 bits (0..31)
# expect: 12:11: immediate 1048576 does not fit in 20 bits (0..1048575)
  addi a0, a1, 5000
  andi a0, a1, -2049
  slli a0, a1, 64
  csrrwi a0, 0x300, 32
  lui a0, 0x100000
