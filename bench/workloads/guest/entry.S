/* A minimal S-mode kernel for the VMM benchmark: it maps guest RAM (and the devices) for user mode with Sv39,
 * ticks at 100 Hz through SBI set_timer, and runs the workload's main in U-mode. The workload prints through the
 * UART (trapped MMIO under the VMM) and ends with the SiFive test finisher: on the bare machine that ends the run,
 * under the VMM it is an unassigned address, and the store access fault that follows becomes an SBI shutdown.
 * The same ELF thus runs bare under OpenSBI and as a VM's kernel, executing the same user instructions. */
    .file "entry.S"
    .equ    KERNEL_ALIAS, 0x40000000        /* the kernel runs at RAM + this: pages without U */
    .section .text.init, "ax", @progbits
    .globl _start
_start:                                 /* S-mode: a0 = hart id, a1 = device tree */
    la      t0, root
    li      t1, 0xd7                    /* 0x0000_0000 (devices): V R W U A D */
    sd      t1, 0(t0)
    li      t1, ((0x80000000 >> 12) << 10) | 0xdf  /* 0x8000_0000 (RAM, for the user program): V R W X U A D */
    sd      t1, 16(t0)
    li      t1, ((0x80000000 >> 12) << 10) | 0xcf  /* 0xc000_0000 (the same RAM, for the kernel): V R W X A D */
    sd      t1, 24(t0)
    li      t3, KERNEL_ALIAS
    la      t2, 1f
    add     t2, t2, t3
    csrw    stvec, t2
    srli    t0, t0, 12
    li      t1, 8 << 60
    or      t0, t0, t1
    csrw    satp, t0
    /* S-mode may not execute a user page, so fetching the next instruction is an instruction page fault, which
     * enters stvec: the same instruction in the kernel's alias. The code is position-independent (auipc, jal). */
1:  sfence.vma
    la      sp, kernel_stack_top        /* the alias, as every address formed from here on */
    csrw    sscratch, sp                /* the trap handler's stack */
    la      t0, trap
    csrw    stvec, t0
    call    arm_timer
    li      t0, 1 << 5                  /* sie.STIE: timer interrupts reach the kernel while user code runs */
    csrs    sie, t0
    la      t0, user_start
    sub     t0, t0, t3                  /* the user program runs at its link address */
    csrw    sepc, t0
    li      t0, 1 << 8                  /* SPP = U */
    csrc    sstatus, t0
    sret

user_start:                             /* crt0.S's start, without its mstatus write (illegal in U-mode) */
    .option push
    .option norelax
    la      gp, __global_pointer$
    .option pop
    la      sp, __stack_top
    la      t0, __bss_start
    la      t1, __bss_end
1:  bgeu    t0, t1, 2f
    sd      zero, 0(t0)
    addi    t0, t0, 8
    j       1b
2:  call    main
    call    exit
3:  j       3b

/* SBI set_timer(time + 10 ms); clobbers a0, a6, a7, t0. */
arm_timer:
    rdtime  a0
    li      t0, 100000
    add     a0, a0, t0
    li      a7, 0x54494D45
    li      a6, 0
    ecall
    ret

    .balign 4
trap:
    csrrw   sp, sscratch, sp
    addi    sp, sp, -48
    sd      ra, 0(sp)
    sd      a0, 8(sp)
    sd      a6, 16(sp)
    sd      a7, 24(sp)
    sd      t0, 32(sp)
    sd      a1, 40(sp)
    csrr    t0, scause
    bgez    t0, exception
    call    arm_timer                   /* the tick: re-arm and return to the workload */
    ld      ra, 0(sp)
    ld      a0, 8(sp)
    ld      a6, 16(sp)
    ld      a7, 24(sp)
    ld      t0, 32(sp)
    ld      a1, 40(sp)
    addi    sp, sp, 48
    csrrw   sp, sscratch, sp
    sret
exception:                              /* the finisher store (cause 7): shut down; anything else: fail */
    li      a1, 0
    li      a0, 7
    beq     t0, a0, 4f
    li      a1, 1
4:  li      a0, 0
    li      a7, 0x53525354
    li      a6, 0
    ecall
5:  j       5b

    /* In .data, not .bss: the user program zeroes .bss at start. */
    .section .data.kernel, "aw", @progbits
    .balign 4096
root:
    .space 4096
    .space 16384
kernel_stack_top:
