# Error case: a CSR name with a typo, and a CSR number past the 12-bit CSR space.
# The assembler suggests the nearest CSR name it knows.
# expect: 6:12: unknown CSR 'sstatuss' — did you mean 'sstatus'?
# expect: 7:12: unknown CSR 'mtvect' — did you mean 'mtvec'?
# expect: 8:12: CSR number 4096 does not fit in 12 bits (0..4095)
  csrr a0, sstatuss
  csrr a0, mtvect
  csrr a0, 4096
