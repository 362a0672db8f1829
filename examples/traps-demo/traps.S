/* The machine-level plumbing of the traps demo: the trap entry point (saves every register
 * into a trap frame and calls the C handler), the switch into U-mode with mret, the way
 * back, and the PMP set-up U-mode needs on real hardware and on QEMU. */

    /* CSR instructions are Zicsr; the examples are compiled for plain rv64imac. */
    .file "traps.S"
    .option arch, +zicsr

    .equ FRAME_SIZE, 8 * 36      /* x0..x31, mepc, mcause, mtval, padding (16-byte aligned) */
    .equ CONTEXT_SIZE, 8 * 14    /* ra, s0..s11, padding */

    .text

/* void run_in_user_mode(void (*entry)(void), void *user_stack_top)
 * Saves the M-mode context, then "returns" with mret into U-mode at entry. Returns to its
 * caller (in M-mode) when U-mode asks to leave, see handle_trap. */
    .globl run_in_user_mode
    .type run_in_user_mode, @function
run_in_user_mode:
    addi    sp, sp, -CONTEXT_SIZE
    sd      ra, 0(sp)
    sd      s0, 8(sp)
    sd      s1, 16(sp)
    sd      s2, 24(sp)
    sd      s3, 32(sp)
    sd      s4, 40(sp)
    sd      s5, 48(sp)
    sd      s6, 56(sp)
    sd      s7, 64(sp)
    sd      s8, 72(sp)
    sd      s9, 80(sp)
    sd      s10, 88(sp)
    sd      s11, 96(sp)
    /* mscratch holds the M-mode stack while U-mode runs; trap_entry swaps it with sp. */
    csrw    mscratch, sp
    csrw    mepc, a0             /* where mret goes */
    li      t0, 3 << 11          /* mstatus.MPP: the mode mret returns to; 0 = U-mode */
    csrc    mstatus, t0
    la      ra, user_exit        /* if the U-mode function returns, it leaves through ecall */
    mv      sp, a1
    mret                         /* M-mode -> U-mode */
    .size run_in_user_mode, . - run_in_user_mode

/* Runs in U-mode when the entry function returns: asks M-mode to take over again. */
    .type user_exit, @function
user_exit:
    li      a7, 2                /* SYS_RETURN_TO_M, see main.c */
    ecall
1:  j       1b
    .size user_exit, . - user_exit

/* Every trap lands here (mtvec, direct mode: the low two bits of the address are 0). */
    .globl trap_entry
    .type trap_entry, @function
    .balign 4
trap_entry:
    csrrw   sp, mscratch, sp     /* sp = M-mode stack, mscratch = the interrupted sp */
    addi    sp, sp, -FRAME_SIZE
    sd      x1, 1*8(sp)
    sd      x3, 3*8(sp)
    sd      x4, 4*8(sp)
    sd      x5, 5*8(sp)
    sd      x6, 6*8(sp)
    sd      x7, 7*8(sp)
    sd      x8, 8*8(sp)
    sd      x9, 9*8(sp)
    sd      x10, 10*8(sp)
    sd      x11, 11*8(sp)
    sd      x12, 12*8(sp)
    sd      x13, 13*8(sp)
    sd      x14, 14*8(sp)
    sd      x15, 15*8(sp)
    sd      x16, 16*8(sp)
    sd      x17, 17*8(sp)
    sd      x18, 18*8(sp)
    sd      x19, 19*8(sp)
    sd      x20, 20*8(sp)
    sd      x21, 21*8(sp)
    sd      x22, 22*8(sp)
    sd      x23, 23*8(sp)
    sd      x24, 24*8(sp)
    sd      x25, 25*8(sp)
    sd      x26, 26*8(sp)
    sd      x27, 27*8(sp)
    sd      x28, 28*8(sp)
    sd      x29, 29*8(sp)
    sd      x30, 30*8(sp)
    sd      x31, 31*8(sp)
    csrr    t0, mscratch
    sd      t0, 2*8(sp)          /* the interrupted sp */
    sd      zero, 0(sp)
    csrr    t0, mepc
    sd      t0, 32*8(sp)
    csrr    t0, mcause
    sd      t0, 33*8(sp)
    csrr    t0, mtval
    sd      t0, 34*8(sp)

    mv      a0, sp
    call    handle_trap          /* returns 0: resume the interrupted code; 1: leave U-mode */
    bnez    a0, leave_user_mode

    ld      t0, 32*8(sp)
    csrw    mepc, t0             /* the handler may have moved it past the instruction */
    addi    t0, sp, FRAME_SIZE
    csrw    mscratch, t0         /* the M-mode stack for the next trap */
    ld      x1, 1*8(sp)
    ld      x3, 3*8(sp)
    ld      x4, 4*8(sp)
    ld      x5, 5*8(sp)
    ld      x6, 6*8(sp)
    ld      x7, 7*8(sp)
    ld      x8, 8*8(sp)
    ld      x9, 9*8(sp)
    ld      x10, 10*8(sp)
    ld      x11, 11*8(sp)
    ld      x12, 12*8(sp)
    ld      x13, 13*8(sp)
    ld      x14, 14*8(sp)
    ld      x15, 15*8(sp)
    ld      x16, 16*8(sp)
    ld      x17, 17*8(sp)
    ld      x18, 18*8(sp)
    ld      x19, 19*8(sp)
    ld      x20, 20*8(sp)
    ld      x21, 21*8(sp)
    ld      x22, 22*8(sp)
    ld      x23, 23*8(sp)
    ld      x24, 24*8(sp)
    ld      x25, 25*8(sp)
    ld      x26, 26*8(sp)
    ld      x27, 27*8(sp)
    ld      x28, 28*8(sp)
    ld      x29, 29*8(sp)
    ld      x30, 30*8(sp)
    ld      x31, 31*8(sp)
    ld      x2, 2*8(sp)          /* sp last */
    mret                         /* back to the mode in mstatus.MPP, at mepc */

/* U-mode is done: drop its trap frame and return from run_in_user_mode, in M-mode. */
leave_user_mode:
    addi    sp, sp, FRAME_SIZE
    ld      ra, 0(sp)
    ld      s0, 8(sp)
    ld      s1, 16(sp)
    ld      s2, 24(sp)
    ld      s3, 32(sp)
    ld      s4, 40(sp)
    ld      s5, 48(sp)
    ld      s6, 56(sp)
    ld      s7, 64(sp)
    ld      s8, 72(sp)
    ld      s9, 80(sp)
    ld      s10, 88(sp)
    ld      s11, 96(sp)
    addi    sp, sp, CONTEXT_SIZE
    ret
    .size trap_entry, . - trap_entry

/* int pmp_allow_all(void)
 * With physical memory protection, U-mode may touch only what a PMP entry grants, and with
 * no entry set it may touch nothing: QEMU and real hardware need this before U-mode runs.
 * Entry 0 becomes a NAPOT region covering all addresses with read, write and execute.
 * A machine without PMP registers makes the first csrw trap: a temporary mtvec pointing
 * just past the set-up turns that trap into a skip. Returns 1 if PMP was set up, else 0. */
    .globl pmp_allow_all
    .type pmp_allow_all, @function
pmp_allow_all:
    csrr    t2, mtvec
    la      t0, 1f
    csrw    mtvec, t0
    li      a0, 0
    li      t0, -1
    csrw    pmpaddr0, t0         /* all ones with NAPOT: the whole address space */
    li      t0, 0x1f             /* pmp0cfg: A = NAPOT (3 << 3), X, W, R */
    csrw    pmpcfg0, t0
    li      a0, 1
    .balign 4
1:  csrw    mtvec, t2
    ret
    .size pmp_allow_all, . - pmp_allow_all
