# Macros: parameters, default values, \@ unique labels, macros that call macros, and .rept/.irp loops.
# Expansion happens before encoding, so only the expanded instructions reach the image.
.macro push reg
  addi sp, sp, -8
  sd \reg, 0(sp)
.endm
.macro pop reg
  ld \reg, 0(sp)
  addi sp, sp, 8
.endm
.macro add3 rd, a, b, c=zero
  add \rd, \a, \b
  add \rd, \rd, \c
.endm
.macro countdown reg, from=3
  li \reg, \from
loop\@:
  addi \reg, \reg, -1
  bnez \reg, loop\@
.endm
.macro save_both r1, r2
  push \r1
  push \r2
.endm
.macro restore_both r1, r2
  pop \r2
  pop \r1
.endm
.macro table_entry value
  .dword \value, \value * 2
.endm
.macro empty
.endm
.text
.globl _start
_start:
  push ra
  pop ra
  add3 a0, a1, a2
  add3 a0, a1, a2, a3
  add3 rd=t0, a=t1, b=t2, c=t3
  countdown a0
  countdown t1, 10
  countdown from=5, reg=a2
  save_both s0, s1
  restore_both s0, s1
  empty
.rept 3
  addi a0, a0, 1
.endr
.rept 0
  unimp
.endr
.irp reg, a0, a1, a2, a3
  mv \reg, zero
.endr
.irp n, 1, 2, 4, 8
  slli t0, t0, \n
.endr
.rept 2
.irp r, s2, s3
  push \r
.endr
.endr
  ret
.data
  table_entry 1
  table_entry 0x10
.rept 4
  .byte 0xcc
.endr
