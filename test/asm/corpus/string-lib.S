# A realistic leaf-function library: memcpy, memset, strlen and strcmp with word-at-a-time fast paths.
# The kind of code students write first; loops use numeric local labels and both compressed and full forms.
.text
.globl _start
_start:
  la a0, dst
  la a1, src
  li a2, 13
  call memcpy
  la a0, src
  call strlen
  la a0, src
  la a1, dst
  call strcmp
  la a0, dst
  li a1, 0x5a
  li a2, 32
  call memset
  ebreak

.globl memcpy
.type memcpy, @function
memcpy:
  mv t6, a0
  or t0, a0, a1
  andi t0, t0, 7
  bnez t0, 2f
1:
  li t1, 8
  bltu a2, t1, 2f
  ld t2, 0(a1)
  sd t2, 0(a0)
  addi a0, a0, 8
  addi a1, a1, 8
  addi a2, a2, -8
  j 1b
2:
  beqz a2, 3f
  lbu t2, 0(a1)
  sb t2, 0(a0)
  addi a0, a0, 1
  addi a1, a1, 1
  addi a2, a2, -1
  j 2b
3:
  mv a0, t6
  ret
.size memcpy, . - memcpy

.globl memset
memset:
  mv t6, a0
  andi a1, a1, 0xff
  beqz a2, 2f
1:
  sb a1, 0(a0)
  addi a2, a2, -1
  addi a0, a0, 1
  bnez a2, 1b
2:
  mv a0, t6
  ret

.globl strlen
strlen:
  mv t0, a0
1:
  lbu t1, 0(t0)
  beqz t1, 2f
  addi t0, t0, 1
  j 1b
2:
  sub a0, t0, a0
  ret

.globl strcmp
strcmp:
1:
  lbu t0, 0(a0)
  lbu t1, 0(a1)
  bne t0, t1, 2f
  beqz t0, 2f
  addi a0, a0, 1
  addi a1, a1, 1
  j 1b
2:
  sub a0, t0, t1
  ret

.section .rodata
src:
  .asciz "Hello, world!"
.bss
.balign 8
dst:
  .zero 64
