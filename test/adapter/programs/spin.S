/* Spins forever, counting in a0: the guest the pause test interrupts at full speed. */
        .text
        .globl _start
_start:
        li a0, 0
spin:
        addi a0, a0, 1
        j spin
