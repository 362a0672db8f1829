# Error case: %pcrel_lo naming a label that does not label an auipc with %pcrel_hi.
# %pcrel_lo's operand is the address of the auipc, not of the data it reaches.
# expect: 12:16: %pcrel_lo(not_auipc) needs 'not_auipc' to label an auipc with %pcrel_hi
# expect: 13:16: %pcrel_lo(target) needs 'target' to label an auipc with %pcrel_hi
.text
.globl _start
_start:
1:
  auipc a0, %pcrel_hi(target)
not_auipc:
  nop
  addi a0, a0, %pcrel_lo(not_auipc)
  addi a0, a0, %pcrel_lo(target)
target:
  nop
