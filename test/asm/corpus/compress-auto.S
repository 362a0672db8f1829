# Automatic compression: which full-size instructions GNU as encodes as RVC when C is on, and which it must not.
# Each pair shows a compressible form next to one just outside the compressed encoding (range or register).
.text
.globl _start
_start:
  addi a0, a0, 1
  addi a0, a0, 31
  addi a0, a0, -32
  addi a0, a0, 32
  addi a0, a0, 0
  addi sp, sp, -16
  addi sp, sp, 496
  addi sp, sp, -512
  addi sp, sp, -528
  addi sp, sp, 8
  addi s0, sp, 8
  addi s0, sp, 1020
  addi a0, sp, 1024
  addi t0, sp, 8
  addi a0, zero, 5
  addi a0, zero, -32
  addi a0, zero, 32
  addi a0, a1, 0
  addi zero, zero, 0
  addiw a0, a0, 0
  addiw a0, a0, 31
  addiw a0, a0, 32
  addiw a0, a1, 1
  add a0, a0, a1
  add a0, a1, a0
  add a0, a1, a2
  add a0, zero, a1
  sub s0, s0, a5
  sub s0, s0, a6
  sub s0, a5, s0
  xor s1, s1, a0
  or a2, a2, a3
  and a4, a4, a5
  and a4, a5, a4
  subw s0, s0, s1
  addw a0, a0, a1
  addw a0, a0, t0
  andi s0, s0, -32
  andi s0, s0, 31
  andi s0, s0, 32
  andi t0, t0, 1
  slli a0, a0, 1
  slli t6, t6, 63
  slli a0, a1, 1
  slli a0, a0, 0
  srli s0, s0, 1
  srli t0, t0, 1
  srai a5, a5, 63
  lui a0, 1
  lui a0, 0x1f
  lui a0, 0x20
  lui a0, 0xfffff
  lui a0, 0xfffe0
  lui sp, 1
  lui zero, 1
  lw a0, 0(a1)
  lw a0, 124(a1)
  lw a0, 128(a1)
  lw a0, 2(a1)
  lw t0, 0(a1)
  ld a0, 248(a1)
  ld a0, 256(a1)
  ld a0, 4(a1)
  sw a0, 0(a1)
  sd s1, 8(s0)
  sd t1, 8(s0)
  lw a0, 0(sp)
  lw ra, 252(sp)
  lw ra, 256(sp)
  ld ra, 504(sp)
  ld ra, 512(sp)
  ld zero, 8(sp)
  sw zero, 0(sp)
  sd ra, 8(sp)
  sd ra, 504(sp)
  sd ra, 4(sp)
  fld fa0, 8(a1)
  fld ft0, 8(a1)
  fsd fs1, 0(a5)
  fld ft0, 8(sp)
  fsd f31, 504(sp)
  flw fa0, 0(a1)
  fsw fa0, 0(sp)
  mv a0, a1
  mv a0, zero
  mv s0, sp
  jalr ra, 0(a0)
  jalr zero, 0(ra)
  jalr zero, 4(ra)
  jalr t0, 0(a0)
  ebreak
  nop
1:
  beq s0, zero, 1b
  bne a5, zero, 1f
  beq t0, zero, 1f
  beq zero, s0, 1f
  bne s0, s1, 1f
  jal zero, 1f
  jal ra, 1f
1:
  nop
