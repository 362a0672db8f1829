# .option norvc / rvc / push / pop and .option arch, +c / -c switch automatic compression on and off.
# The same four instructions are repeated under each setting so every switch shows in the bytes.
.macro four
  addi a0, a0, 1
  mv a1, a2
  ld ra, 8(sp)
  li a3, 5
.endm
.text
.globl _start
_start:
  four
.option norvc
  four
.option rvc
  four
.option push
.option norvc
  four
.option push
.option rvc
  four
.option pop
  four
.option pop
  four
.option arch, -c
  four
.option arch, +c
  four
.option push
.option arch, -c
  four
.option pop
  c.nop
  c.addi a0, 2
  four
