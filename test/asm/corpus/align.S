# Alignment directives in code and data: GNU pads code with nops (c.nop where C is on) and data with zeros.
# .align is a power of two on RISC-V; .p2align and .balign take a fill value and a maximum skip.
.text
.globl _start
_start:
  addi a0, a0, 1
  .align 2
  c.nop
  .align 3
  nop
  .p2align 4
  c.addi a0, 1
  .balign 16
  c.addi a0, 1
  .balign 8
  c.addi a0, 1
  .p2align 5
.option push
.option norvc
  addi a0, a0, 2
  .p2align 4
.option pop
  c.addi a0, 1
  .balign 4
  c.addi a0, 1
  .align 6
  nop
  .balign 4, 0
  ret
.data
  .byte 1
  .align 3
  .byte 2
  .balign 4
  .byte 3
  .p2align 2, 0xee
  .byte 4
  .balign 16, 0xaa
  .byte 5
  .balign 8, 0x55, 7
  .byte 6
  .balign 8, 0x55, 2
  .half 7
  .p2align 3, 0x11, 1
  .word 8
  .balign 32
data_end:
  .byte 9
