# A small S-mode guest kernel for the VMM debugger tests (linked at 0x80200000, SBI through ecall): it prints G,
# turns Sv39 on (csrw satp, sfence.vma: both exits), drops to U-mode through an alias of its memory, makes a
# system call there (an ecall the VMM injects into this kernel), and shuts down from the handler.
.section .text
.globl _start
_start:
  la sp, stack_top
  la t0, trap
  csrw stvec, t0
  li a0, 'G'
  li a7, 1                  # SBI legacy console_putchar
  ecall
  la t0, root
  li t1, (0x80000000 >> 12) << 10 | 0xcf
  sd t1, 16(t0)             # gigapage 2 (0x80000000): this kernel, supervisor RWX
  li t1, (0x80000000 >> 12) << 10 | 0xdf
  sd t1, 8(t0)              # gigapage 1 (0x40000000): the same memory again, for user mode
  srli t0, t0, 12
  li t1, 8 << 60
  or t0, t0, t1
  csrw satp, t0             # Sv39 on
  sfence.vma
  la t0, user
  li t1, 0x40000000
  sub t0, t0, t1            # user's alias in gigapage 1
  csrw sepc, t0
  li t0, 1 << 8
  csrc sstatus, t0          # SPP = U
  li a0, 21
  li a7, 64
  sret
.globl user
user:
  ecall                     # system call from U-mode
  j user
.balign 4                   # stvec's low bits are its mode
trap:
  csrr t0, scause
  li a0, 'K'
  li a7, 1
  ecall
  li a0, '\n'
  li a7, 1
  ecall
  li a7, 0x53525354         # SRST system_reset(shutdown, no reason)
  li a6, 0
  li a0, 0
  li a1, 0
  ecall
.section .data
.balign 4096
root: .space 4096
.space 4096
stack_top:
