# A small S-mode kernel for the VMM's first tests: SBI console (legacy and DBCN), Sv39 on, a UART store through
# its own page tables (trapped MMIO), then U-mode code on a supervisor page, which must fault into the kernel.
.section .text
.globl _start
_start:
  la sp, stack_top
  la t0, trap
  csrw stvec, t0
  li a0, 'H'
  li a7, 1                  # legacy console_putchar
  ecall
  li a0, 'i'
  li a7, 1
  ecall
  li a7, 0x4442434E         # DBCN console_write(6, msg)
  li a6, 0
  li a0, 6
  la a1, msg
  li a2, 0
  ecall
  la t0, root               # gigapage 2: 0x80000000 RWX (a supervisor page); gigapage 0: devices RW
  li t1, (0x80000000 >> 12) << 10 | 0xcf
  sd t1, 16(t0)
  li t1, 0xc7
  sd t1, 0(t0)
  srli t0, t0, 12
  li t1, 8 << 60
  or t0, t0, t1
  csrw satp, t0
  sfence.vma
  li t0, 0x10000000         # the UART, through the guest's own mapping
  li t1, 'U'
  sb t1, 0(t0)
  li t1, '\n'
  sb t1, 0(t0)
  la t0, user
  csrw sepc, t0
  li t0, 1 << 8             # SPP = U
  csrc sstatus, t0
  sret
user:
  li a7, 64                 # never runs: this page has no U bit
  ecall
.balign 4                   # stvec's low bits are its mode
trap:
  csrr a0, scause
  addi a0, a0, 'A'          # scause 12 prints 'M'
  li a7, 1
  ecall
  csrr t0, stval
  la t1, user
  bne t0, t1, 1f
  li a0, '='                # stval is the faulting pc
  li a7, 1
  ecall
1:
  li a0, '\n'
  li a7, 1
  ecall
  li a7, 0x53525354         # SRST system_reset(shutdown, no reason)
  li a6, 0
  li a0, 0
  li a1, 0
  ecall
.section .data
msg: .ascii "DBCN!\n"
.balign 4096
root: .space 4096
.space 4096
stack_top:
