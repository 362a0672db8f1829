# Guest kernel timer: timer interrupts through SBI (TIME set_timer; never stimecmp), sie/sip and wfi.
# Shows: `time` never goes backwards (rdtime and csrr time); STIP becomes pending in sip at or after the deadline
# while sstatus.SIE = 0 without a trap; the interrupt is taken once SIE is set; wfi waits for N ticks; wfi wakes
# with SIE = 0 and the interrupt waits for SIE; sie.STIE = 0 masks a pending timer; set_timer far in the future
# clears STIP. Nothing printed depends on how fast the machine is: only pass/fail and tick counts the kernel
# itself decides.
.include "kernel.inc"

        .equ INTERVAL, 5000             # time units (0.5 ms at the virt board's 10 MHz)
        .equ TICKS, 3                   # ticks the wfi loop waits for

        .section .rodata
kernel_name: .asciz "timer"

        .text
kmain:
        addi sp, sp, -16
        sd ra, 0(sp)
        li s11, 0                       # bit i set: check i passed (the signature keeps them)

        # 1. 200 reads of the time CSR, alternating rdtime and csrr time: none is below the one before.
        li t2, 1
        rdtime t0
        li t3, 100
1:      rdtime t1
        sltu t4, t1, t0
        beqz t4, 2f
        li t2, 0
2:      csrr t0, time
        sltu t4, t0, t1
        beqz t4, 3f
        li t2, 0
3:      addi t3, t3, -1
        bnez t3, 1b
        CHECK "time is monotonic over 200 reads", t2
        or s11, s11, t2

        # 2. Timer enabled in sie, interrupts off in sstatus: STIP shows in sip, no trap.
        csrc sstatus, SSTATUS_SIE
        li t0, SIE_STIE
        csrs sie, t0
        rdtime a0
        li t0, INTERVAL
        add a0, a0, t0
        mv s0, a0                       # the deadline
        call sbi_set_timer
4:      csrr t0, sip
        andi t0, t0, SIE_STIE
        beqz t0, 4b
        rdtime t0
        sltu t1, t0, s0
        xori t1, t1, 1
        CHECK "sip.STIP is set no earlier than the deadline", t1
        slli t1, t1, 1
        or s11, s11, t1
        ld t0, ticks
        seqz t0, t0
        CHECK "with sstatus.SIE=0 no interrupt is taken", t0
        slli t0, t0, 2
        or s11, s11, t0

        # 3. Setting SIE takes the pending interrupt at once (the handler counts it and arms the next one, which
        # on a slow or busy host may already be due as well: at least one tick, then).
        csrs sstatus, SSTATUS_SIE
        nop
        ld t0, ticks
        snez t0, t0
        CHECK "setting sstatus.SIE takes the pending timer interrupt", t0
        slli t0, t0, 3
        or s11, s11, t0

        # 4. Sleep in wfi until TICKS interrupts have come; time has moved on by at least the intervals between.
5:      wfi
        ld t0, ticks
        li t1, TICKS
        blt t0, t1, 5b
        PUTS "waited in wfi for "
        PUTDEC t0
        PUTS " ticks\n"
        rdtime t0
        li t1, (TICKS - 1) * INTERVAL
        add t1, s0, t1
        sltu t1, t0, t1
        xori t1, t1, 1
        CHECK "time advanced by the intervals waited", t1
        slli t1, t1, 4
        or s11, s11, t1

        # 5. wfi wakes on a pending enabled interrupt even with sstatus.SIE=0; the interrupt then waits for SIE.
        csrc sstatus, SSTATUS_SIE
        rdtime a0
        li t0, INTERVAL
        add a0, a0, t0
        call sbi_set_timer
6:      wfi
        csrr t0, sip
        andi t0, t0, SIE_STIE
        beqz t0, 6b                     # (wfi may also return early: sleep again until STIP)
        ld t0, ticks
        addi t0, t0, -TICKS
        seqz t0, t0
        CHECK "wfi with SIE=0 wakes without taking the interrupt", t0
        slli t0, t0, 5
        or s11, s11, t0
        csrs sstatus, SSTATUS_SIE
        nop
        ld t0, ticks
        addi t0, t0, -(TICKS + 1)
        seqz t0, t0
        CHECK "then SIE=1 takes it", t0
        slli t0, t0, 6
        or s11, s11, t0

        # 6. sie.STIE=0 masks a timer that is already due (a deadline in the past); set_timer clears STIP.
        li t0, SIE_STIE
        csrc sie, t0
        rdtime a0
        call sbi_set_timer              # due now
7:      csrr t0, sip
        andi t0, t0, SIE_STIE
        beqz t0, 7b
        li t1, 1000
8:      addi t1, t1, -1
        bnez t1, 8b
        ld t0, ticks
        addi t0, t0, -(TICKS + 1)
        seqz t0, t0
        CHECK "sie.STIE=0 masks a pending timer interrupt", t0
        slli t0, t0, 7
        or s11, s11, t0
        li a0, -1
        call sbi_set_timer
        csrr t0, sip
        andi t0, t0, SIE_STIE
        seqz t0, t0
        CHECK "set_timer(far future) clears sip.STIP", t0
        slli t0, t0, 8
        or s11, s11, t0
        csrc sstatus, SSTATUS_SIE

        ld t0, ticks
        SIG 0, t0, t1
        SIG 1, s11, t1
        ld t0, unexpected
        SIG 2, t0, t1
        ld ra, 0(sp)
        addi sp, sp, 16
        ret

# Timer interrupts: count, then arm the next one (until TICKS) or none. Anything else is counted as unexpected.
trap_handler:
        addi sp, sp, -16
        sd ra, 0(sp)
        sd a0, 8(sp)
        li t0, INTERRUPT | 5
        bne a1, t0, 2f
        la t0, ticks
        ld t1, 0(t0)
        addi t1, t1, 1
        sd t1, 0(t0)
        li a0, -1
        li t2, TICKS
        bge t1, t2, 1f
        rdtime a0
        li t0, INTERVAL
        add a0, a0, t0
1:      call sbi_set_timer
        j 3f
2:      la t0, unexpected
        ld t1, 0(t0)
        addi t1, t1, 1
        sd t1, 0(t0)
        PUTS "unexpected trap: scause="
        PUTHEX a1
        NL
        ld a0, 8(sp)
        call skip_insn
3:      ld ra, 0(sp)
        ld a0, 8(sp)
        addi sp, sp, 16
        ret

        .data
        .balign 8
ticks:  .dword 0
unexpected: .dword 0
signature:
        .dword 0, 0, 0
signature_end:
