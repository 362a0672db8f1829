# Address operators: %hi/%lo for absolute addresses, %pcrel_hi/%pcrel_lo with numeric and named labels.
# %hi of a label at 0x8000_0000 does not fit lui's sign-extended 32 bits on RV64, so %hi/%lo take constants here.
.equ DEVICE, 0x10001000
.equ ODD, 0x12345fff
.text
.globl _start
_start:
  lui a0, %hi(DEVICE)
  addi a0, a0, %lo(DEVICE)
  lui a1, %hi(DEVICE + 0x800)
  ld a1, %lo(DEVICE + 0x800)(a1)
  lui a2, %hi(ODD)
  sw zero, %lo(ODD)(a2)
1:
  auipc a0, %pcrel_hi(value)
  addi a0, a0, %pcrel_lo(1b)
1:
  auipc t0, %pcrel_hi(table)
  ld t1, %pcrel_lo(1b)(t0)
  sd t1, %pcrel_lo(1b)(t0)
.Lgot_table:
  auipc s0, %pcrel_hi(table + 16)
  addi s0, s0, %pcrel_lo(.Lgot_table)
named_hi:
  auipc s1, %pcrel_hi(far_value)
  lw s2, %pcrel_lo(named_hi)(s1)
  fld fa0, %pcrel_lo(named_hi)(s1)
  lui t2, %hi(0x12345fff)
  addi t2, t2, %lo(0x12345fff)
  lui t3, %hi(-1)
  addi t3, t3, %lo(-1)
  lui t4, %hi(0x7ffff7ff)
  jalr ra, %lo(0x7ffff7ff)(t4)
3:
  auipc ra, %pcrel_hi(_start)
  jalr ra, %pcrel_lo(3b)(ra)

.data
value:
  .dword 0x1122334455667788
  .dword value
table:
  .zero 64
.balign 8
  .skip 3000
far_value:
  .word 42
