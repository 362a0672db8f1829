# A malicious S-mode kernel driven by a script the test writes into its RAM before it starts: each step writes a
# word (a PTE), sets satp, touches an address, makes an SBI call or runs a privileged instruction, and what it got
# (scause and stval of the trap it took, or a0 and a1) goes to a result table the test reads back.
#
# Script at 0x80480000, 64-byte steps: op, a, b, c, d, e, f, g (op 0 ends the script and shuts the VM down).
#   1 load a        2 store b at a      3 fetch a (jalr)       4 csrw satp, a; sfence.vma
#   5 SBI: a7 = a, a6 = b, a0..a4 = c..g                       6 run privileged stub a (see stubs) with a4 = b
# Results at 0x80500000, 32-byte rows: scause (-1: no trap), stval, a0, a1.
.equ SCRIPT, 0x80480000
.equ RESULTS, 0x80500000
.equ NOTHING, 0x5a5a5a5a5a5a5a5a
.section .text
.globl _start
_start:
  la t0, trap
  csrw stvec, t0
  li s0, SCRIPT
  li s1, RESULTS
next:
  ld t0, 0(s0)
  ld a3, 8(s0)
  ld a4, 16(s0)
  li t1, -1
  sd t1, 0(s1)
  sd zero, 8(s1)
  li a0, NOTHING
  li a1, NOTHING
  la s2, done
  beqz t0, finish
  li t1, 1
  beq t0, t1, op_load
  li t1, 2
  beq t0, t1, op_store
  li t1, 3
  beq t0, t1, op_fetch
  li t1, 4
  beq t0, t1, op_satp
  li t1, 5
  beq t0, t1, op_sbi
  li t1, 6
  beq t0, t1, op_stub
  j done
op_load:
  ld a0, 0(a3)
  j done
op_store:
  sd a4, 0(a3)
  j done
op_fetch:
  jalr ra, 0(a3)
  j done
op_satp:
  csrw satp, a3
  sfence.vma
  j done
op_sbi:
  mv a7, a3
  mv a6, a4
  ld a0, 24(s0)
  ld a1, 32(s0)
  ld a2, 40(s0)
  ld a3, 48(s0)
  ld a4, 56(s0)
  ecall
  j done
op_stub:
  la t1, stubs
  slli t2, a3, 3
  add t1, t1, t2
  jalr ra, 0(t1)
  j done
done:
  sd a0, 16(s1)
  sd a1, 24(s1)
  addi s0, s0, 64
  addi s1, s1, 32
  j next
finish:
  li a7, 0x53525354         # SRST system_reset(shutdown, no reason)
  li a6, 0
  li a0, 0
  li a1, 0
  ecall
  j finish

# Privileged stubs, 8 bytes apart: the instruction (a0 = what it read, a4 = what it writes), then back.
.balign 8
stubs:
  csrw mstatus, a4          # 0: M-level CSRs: illegal from S-mode
  ret
.balign 8
  csrw mtvec, a4            # 1
  ret
.balign 8
  csrw pmpcfg0, a4          # 2
  ret
.balign 8
  csrw pmpaddr0, a4         # 3
  ret
.balign 8
  csrr a0, mhartid          # 4
  ret
.balign 8
  csrw mhartid, a4          # 5: read-only and M-level
  ret
.balign 8
  csrw medeleg, a4          # 6
  ret
.balign 8
  mret                      # 7
  ret
.balign 8
  csrr a0, satp             # 8: the guest's own satp (emulated)
  ret
.balign 8
  csrw satp, a4             # 9: a root anywhere; no sfence
  ret
.balign 8
  csrr a0, sstatus          # 10
  ret
.balign 8
  csrw mie, a4              # 11
  ret
.balign 8
  csrr a0, mscratch          # 12
  ret
.balign 8

.balign 4                   # stvec's low bits are its mode
trap:
  csrr t0, scause
  sd t0, 0(s1)
  csrr t0, stval
  sd t0, 8(s1)
  csrw sepc, s2
  sret
