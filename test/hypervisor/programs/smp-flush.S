# Two vCPUs of one VM: vCPU 0 starts vCPU 1 (SBI HSM) and then flushes the whole TLB (sfence.vma) again and again,
# which drops the VM's shadow trees, while vCPU 1 keeps storing to and loading from memory on its own hart.
.section .text
.globl _start
_start:
  la t0, trap
  csrw stvec, t0
  li a7, 0x48534D           # HSM hart_start(1, second, 0)
  li a6, 0
  li a0, 1
  la a1, second
  li a2, 0
  ecall
  bnez a0, fail
  la s0, flag
  li s1, 400
1:
  sfence.vma                # every tree of the VM goes, the one vCPU 1 runs on too
  li t0, 200                # give vCPU 1 time to run on its next tree
2:
  addi t0, t0, -1
  bnez t0, 2b
  addi s1, s1, -1
  bnez s1, 1b
3:
  ld t0, 0(s0)              # wait for vCPU 1 to finish its rounds
  beqz t0, 3b
  la a1, msg
  j print

second:                      # vCPU 1: a0 = its hartid
  la s0, counter
  li s1, 200000
4:
  ld t0, 0(s0)
  addi t0, t0, 1
  sd t0, 0(s0)
  addi s1, s1, -1
  bnez s1, 4b
  ld t0, 0(s0)
  li t1, 200000
  bne t0, t1, fail
  la t0, flag
  li t1, 1
  sd t1, 0(t0)
5:
  wfi
  j 5b

.balign 4
trap:
fail:
  la a1, bad
print:
  li a7, 0x4442434E         # DBCN console_write(3, msg)
  li a6, 0
  li a0, 3
  li a2, 0
  ecall
  li a7, 0x53525354         # SRST system_reset(shutdown, no reason)
  li a6, 0
  li a0, 0
  li a1, 0
  ecall

.section .rodata
msg: .ascii "ok\n"
bad: .ascii "ko\n"
.section .data
.balign 8
counter: .dword 0
flag: .dword 0
