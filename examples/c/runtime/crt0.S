/* Start-up code for Ringside's bare-metal C examples: the first instructions the machine runs.
 * The machine (and QEMU's virt board) starts the program in M-mode at the ELF entry point
 * with a0 = hart id and a1 = device tree address, which these examples do not need. */
    .file "crt0.S"
    .section .text.init, "ax", @progbits
    .globl _start
    .type _start, @function
_start:
    /* gp is the base of small-data accesses; it must be set without the linker
     * "relaxing" this very sequence into a gp-relative one. */
    .option push
    .option norelax
    la      gp, __global_pointer$
    .option pop
    la      sp, __stack_top

    /* Turn the FPU on (mstatus.FS = Initial) so that code built for F/D may use it; on a hart
     * without F the field is read-only zero and this does nothing. */
    .option push
    .option arch, +zicsr
    li      t0, 1 << 13
    csrs    mstatus, t0
    .option pop

    /* Zero .bss (RAM may hold anything on real hardware; here it is already zero). */
    la      t0, __bss_start
    la      t1, __bss_end
1:  bgeu    t0, t1, 2f
    sd      zero, 0(t0)
    addi    t0, t0, 8
    j       1b
2:
    call    main
    /* main's return value, in a0, is the exit code. */
    call    exit
3:  j       3b
    .size _start, . - _start
