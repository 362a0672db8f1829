/* Several harts share memory: hart 0 wakes the others with CLINT software interrupts (they sleep in wfi with
 * interrupts masked), then every hart adds to one counter with an LR/SC loop and to another with amoadd,
 * announces it is done, and hart 0 prints the totals once all are done. Output is the same however the harts
 * interleave, so QEMU's virt board (-smp N) is the oracle. Assemble with --defsym HARTS=N to match -smp N. */
        .equ UART, 0x10000000
        .equ CLINT_MSIP, 0x02000000
        .equ FINISHER, 0x100000
        .equ ROUNDS, 2000

        .section .text.init, "ax", @progbits
        .globl _start
_start:
        csrr    s0, mhartid
        la      sp, stacks + 4096
        slli    t0, s0, 12
        add     sp, sp, t0
        bnez    s0, secondary

        li      s1, HARTS
        li      t1, 1
        li      t2, CLINT_MSIP
1:      bgeu    t1, s1, 2f
        slli    t3, t1, 2
        add     t3, t3, t2
        li      t4, 1
        sw      t4, 0(t3)               /* msip[hart] = 1: wake it */
        addi    t1, t1, 1
        j       1b
2:      call    work
        /* wait until the others are done */
        la      t0, done
        addi    t1, s1, -1
3:      lw      t2, 0(t0)
        bne     t2, t1, 3b
        la      a0, msg_lrsc
        call    puts
        la      t0, counter_lrsc
        ld      a0, 0(t0)
        call    putdec
        la      a0, msg_amo
        call    puts
        la      t0, counter_amo
        ld      a0, 0(t0)
        call    putdec
        li      a0, '\n'
        call    putc
        li      t0, FINISHER
        li      t1, 0x5555
        sw      t1, 0(t0)
4:      j       4b

secondary:
        li      t0, 8                   /* mie.MSIE; mstatus.MIE stays 0: wfi wakes, no trap is taken */
        csrs    mie, t0
5:      wfi
        csrr    t0, mip
        andi    t0, t0, 8
        beqz    t0, 5b
        li      t0, CLINT_MSIP
        slli    t1, s0, 2
        add     t0, t0, t1
        sw      zero, 0(t0)             /* acknowledge */
        call    work
        la      t0, done
        li      t1, 1
        amoadd.w zero, t1, (t0)
6:      wfi
        j       6b

/* ROUNDS increments of counter_lrsc (LR/SC retry loop) and of counter_amo (amoadd). */
work:
        li      t3, ROUNDS
        la      t0, counter_lrsc
        la      t4, counter_amo
        li      t5, 1
7:      lr.d    t1, (t0)
        addi    t1, t1, 1
        sc.d    t2, t1, (t0)
        bnez    t2, 7b
        amoadd.d zero, t5, (t4)
        addi    t3, t3, -1
        bnez    t3, 7b
        ret

putc:   li      t0, UART
8:      lbu     t1, 5(t0)
        andi    t1, t1, 0x20
        beqz    t1, 8b
        sb      a0, 0(t0)
        ret

puts:   mv      t2, ra
        mv      t3, a0
9:      lbu     a0, 0(t3)
        beqz    a0, 10f
        call    putc
        addi    t3, t3, 1
        j       9b
10:     mv      ra, t2
        ret

/* a0 in decimal */
putdec: mv      t5, ra
        la      t3, digits_end
        li      t4, 10
11:     remu    t1, a0, t4
        divu    a0, a0, t4
        addi    t1, t1, '0'
        addi    t3, t3, -1
        sb      t1, 0(t3)
        bnez    a0, 11b
        mv      a0, t3
        call    puts
        mv      ra, t5
        ret

        .section .rodata
msg_lrsc: .asciz "lr/sc counter "
msg_amo:  .asciz ", amo counter "

        .data
        .balign 8
counter_lrsc: .dword 0
counter_amo:  .dword 0
done:   .word 0
digits: .zero 24
digits_end: .byte 0
        .bss
        .balign 4096
stacks: .zero 4096 * 8
