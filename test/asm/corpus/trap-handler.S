# A realistic M-mode program: installs a vectored trap handler, saves every register, delegates and dispatches.
# Exercises CSR traffic, frame offsets with macros and .rept, jump tables in .rodata, and mret.
.equ FRAME, 32 * 8
.equ MCAUSE_INT, 1 << 63
.macro save_gprs
  .irp n, 1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
    sd x\n, (\n * 8)(sp)
  .endr
.endm
.macro restore_gprs
  .irp n, 1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
    ld x\n, (\n * 8)(sp)
  .endr
.endm
.text
.globl _start
_start:
  la sp, stack_top
  la t0, trap_vector
  ori t0, t0, 1
  csrw mtvec, t0
  li t0, 0xb109
  csrw medeleg, t0
  li t0, 0x222
  csrw mideleg, t0
  li t0, (1 << 11) | (1 << 7) | (1 << 3)
  csrs mie, t0
  csrsi mstatus, 8
  li t1, 3 << 11
  csrc mstatus, t1
  li t1, 1 << 11
  csrs mstatus, t1
  la t2, supervisor
  csrw mepc, t2
  csrwi satp, 0
  sfence.vma
  fence.i
  mret

.balign 4
trap_vector:
  j exception
  .rept 2
  j unexpected
  .endr
  j msoft
  .rept 3
  j unexpected
  .endr
  j mtimer
  .rept 3
  j unexpected
  .endr
  j mexternal
unexpected:
  wfi
  j unexpected

exception:
  addi sp, sp, -FRAME
  save_gprs
  csrr a0, mcause
  csrr a1, mepc
  csrr a2, mtval
  li t0, MCAUSE_INT
  and t0, a0, t0
  bnez t0, 1f
  slli t1, a0, 3
  la t2, cause_table
  add t2, t2, t1
  ld t2, 0(t2)
  jalr t2
  csrr a1, mepc
  addi a1, a1, 4
  csrw mepc, a1
1:
  restore_gprs
  addi sp, sp, FRAME
  mret

msoft:
  csrrci zero, mip, 8
  mret
mtimer:
  li t0, 0x2004000
  li t1, -1
  sd t1, 0(t0)
  mret
mexternal:
  csrr t0, mip
  mret

on_ecall:
  li a0, 0
  ret
on_illegal:
  csrr a0, mtval
  ret
on_other:
  ebreak
  ret

supervisor:
  csrr a0, sstatus
  csrw stvec, zero
  csrr a1, scause
  ecall
  sret

.section .rodata
.balign 8
cause_table:
  .dword on_other, on_other, on_illegal, on_other
  .dword on_other, on_other, on_other, on_other
  .dword on_ecall, on_ecall, on_other, on_ecall

.bss
.balign 16
stack:
  .skip 4096
stack_top:
