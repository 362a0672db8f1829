/* A tiny kernel for the debug adapter's tests: M-mode hands over to an S-mode kernel, which runs a U-mode task
 * that makes a system call (ecall), then turns on Sv39 and touches an unmapped page (a load page fault). */
        .option arch, +zicsr
        .equ FINISHER, 0x100000
        .text
        .globl _start
_start:
        li t0, -1
        csrw pmpaddr0, t0
        li t0, 0x1f
        csrw pmpcfg0, t0                /* PMP: all memory for S and U */
        li t0, (1 << 8) | (1 << 12) | (1 << 13) | (1 << 15)
        csrw medeleg, t0                /* ecall from U and page faults go to S-mode */
        la t0, s_trap
        csrw stvec, t0
        li t0, 3 << 11
        csrc mstatus, t0
        li t0, 1 << 11
        csrs mstatus, t0                /* MPP = S */
        la t0, s_main
        csrw mepc, t0
        mret

s_main:
        la t0, user_main
        csrw sepc, t0
        li t0, 1 << 8
        csrc sstatus, t0                /* SPP = U */
        la sp, user_stack_top
        sret

user_main:
        li a0, 21
        li a7, 1
        ecall                           /* system call 1: doubles a0 */
        addi a1, a0, 1
        la t1, counter
        sd a1, 0(t1)                    /* counter = 43 */
        li a7, 2
        ecall                           /* system call 2: back to the kernel for good */

        .balign 4
s_trap:
        csrr t0, scause
        li t1, 8
        bne t0, t1, fault
        li t1, 2
        beq a7, t1, phase2
        slli a0, a0, 1
        csrr t0, sepc
        addi t0, t0, 4
        csrw sepc, t0
        sret

phase2:
        la sp, kernel_stack_top
        call bump
        call bump
        la t0, root
        srli t0, t0, 12
        li t1, 8 << 60
        or t0, t0, t1
        csrw satp, t0                   /* Sv39 on: devices and RAM mapped, 0x40000000 not */
        sfence.vma
paged:
        li t0, 0x40000000
        ld t1, 0(t0)                    /* load page fault */
        j .

bump:
        addi sp, sp, -16
        sd ra, 8(sp)
        la t0, counter
        ld t1, 0(t0)
        addi t1, t1, 1
        sd t1, 0(t0)
        ld ra, 8(sp)
        addi sp, sp, 16
        ret

fault:
        li t0, FINISHER
        li t1, 0x5555
        sw t1, 0(t0)                    /* exit(0) */
        j .

        .data
        .balign 4096
root:
        .dword (0x0 >> 12 << 10) | 0xc7          /* VA 0..1 GiB: devices, RW */
        .dword 0                                /* VA 1..2 GiB: nothing */
        .dword (0x80000000 >> 12 << 10) | 0xcf   /* VA 2..3 GiB: RAM, RWX */
        .zero 4096 - 24
counter:
        .dword 0
        .balign 16
        .zero 1024
user_stack_top:
        .zero 1024
kernel_stack_top:
