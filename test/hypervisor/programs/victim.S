# The victim next to a malicious VM: it fills 64 KiB of its RAM with a secret pattern, turns on its own Sv39
# tables, then checks the pattern round after round, printing a letter per round (SBI) and a last line through
# its UART (trapped MMIO). Any mismatch prints "BAD" and ends with a system-failure reset.
.equ SECRET, 0x80300000
.equ SECRET_BYTES, 0x10000
.equ ROUNDS, 26
.section .text
.globl _start
_start:
  la sp, stack_top
  li t0, SECRET             # dword i = 0x5ec2e7 << 40 + i * 0x1000193
  li t1, SECRET_BYTES
  add t1, t0, t1
  li t2, 0x5ec2e70000000000
  li t3, 0x1000193
1:
  sd t2, 0(t0)
  add t2, t2, t3
  addi t0, t0, 8
  bltu t0, t1, 1b
  la t0, root               # gigapage 2: RAM, supervisor RWX; gigapage 0: devices RW
  li t1, (0x80000000 >> 12) << 10 | 0xcf
  sd t1, 16(t0)
  li t1, 0xc7
  sd t1, 0(t0)
  srli t0, t0, 12
  li t1, 8 << 60
  or t0, t0, t1
  csrw satp, t0
  sfence.vma
  li s0, 0                  # round
round:
  li t0, SECRET
  li t1, SECRET_BYTES
  add t1, t0, t1
  li t2, 0x5ec2e70000000000
  li t3, 0x1000193
2:
  ld t4, 0(t0)
  bne t4, t2, bad
  add t2, t2, t3
  addi t0, t0, 8
  bltu t0, t1, 2b
  addi a0, s0, 'a'          # legacy console_putchar: one letter per round
  li a7, 1
  ecall
  addi s0, s0, 1
  li t0, ROUNDS
  bltu s0, t0, round
  li t0, 0x10000000         # "\nok\n" through the UART
  li t1, '\n'
  sb t1, 0(t0)
  li t1, 'o'
  sb t1, 0(t0)
  li t1, 'k'
  sb t1, 0(t0)
  li t1, '\n'
  sb t1, 0(t0)
  li a1, 0                  # shutdown, no reason
  j reset
bad:
  la a1, badmsg
  li a0, 4
  li a2, 0
  li a6, 0
  li a7, 0x4442434E         # DBCN console_write
  ecall
  li a1, 1                  # shutdown, system failure
reset:
  li a7, 0x53525354
  li a6, 0
  li a0, 0
  ecall
  j reset
.section .data
badmsg: .ascii "BAD\n"
.balign 4096
root: .space 4096
.space 4096
stack_top:
