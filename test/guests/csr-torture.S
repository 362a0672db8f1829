# Guest kernel csr-torture: every S-level CSR read and written the way a kernel does, sret to U and back, and
# the instructions S and U may not execute. A VMM that emulates these CSRs must give the same values back.
# Shows: sstatus fields (SIE, SPIE, SPP, FS and SD, SUM, MXR, UXL), sie and sip (which bits stick), a software
# interrupt through SSIP with stvec direct and vectored (and ebreak at the vectored base), stvec's reserved mode,
# sscratch swaps, sepc/scause/stval, satp's WARL mode (0 and 8 stick, 5 leaves satp unchanged) and its ASID field,
# scounteren (rdtime from U with TM=1), sret to U with SPP/SPIE and the trap back, and illegal instructions with
# their bits in stval: CSR access, sret, sfence.vma and wfi from U; mret and an M-mode CSR from S.
.include "kernel.inc"

        .section .rodata
kernel_name: .asciz "csr-torture"

# Print "\label=<hex>" for the CSR's current value.
.macro SHOWCSR label, csr
        csrr t6, \csr
        SHOW "\label", t6
.endm

# Print the cause and tval of the last trap the handler recorded, after "\label: ".
.macro LASTTRAP label
        PUTS "\label: scause="
        ld t6, last_cause
        PUTHEX t6
        PUTS " stval="
        ld t6, last_tval
        PUTHEX t6
        NL
.endm

        .text
kmain:
        addi sp, sp, -16
        sd ra, 0(sp)

        # ---- sstatus, one field at a time (and what reads back).
        SHOWCSR "sstatus at entry", sstatus
        li t0, SSTATUS_SUM | SSTATUS_MXR
        csrs sstatus, t0
        SHOWCSR "sstatus +SUM +MXR", sstatus
        csrc sstatus, t0
        li t0, SSTATUS_SPP | SSTATUS_SPIE
        csrs sstatus, t0
        SHOWCSR "sstatus +SPP +SPIE", sstatus
        csrc sstatus, t0
        li t0, SSTATUS_FS
        csrc sstatus, t0
        li t0, 1 << 13
        csrs sstatus, t0
        SHOWCSR "sstatus FS=Initial", sstatus
        li t0, SSTATUS_FS
        csrs sstatus, t0
        SHOWCSR "sstatus FS=Dirty (SD set)", sstatus
        csrc sstatus, t0
        SHOWCSR "sstatus FS=Off", sstatus
        csrr t0, sstatus
        srli t0, t0, 32
        andi t0, t0, 3
        SIG 0, t0, t1
        PUTS "sstatus.UXL="
        PUTDEC t0
        NL

        # ---- sie and sip: all ones written, what sticks; then cleared.
        li t0, -1
        csrw sie, t0
        SHOWCSR "sie after writing all ones", sie
        csrw sie, zero
        csrw sip, t0
        SHOWCSR "sip after writing all ones", sip
        csrw sip, zero
        SHOWCSR "sip after writing zero", sip

        # ---- A software interrupt (SSIP) with stvec direct: trap_entry sees scause = interrupt 1.
        li t0, SIE_SSIE
        csrs sie, t0
        csrs sstatus, SSTATUS_SIE
        csrs sip, t0
        nop
        csrc sstatus, SSTATUS_SIE
        LASTTRAP "software interrupt, stvec direct"
        ld t0, last_cause
        SIG 1, t0, t1

        # ---- stvec vectored: the interrupt enters at base + 4 * 1; an exception at base.
        la s0, vectors
        ori t0, s0, 1
        csrw stvec, t0
        csrr t1, stvec
        sub t1, t1, t0
        seqz t1, t1
        CHECK "stvec keeps MODE=1 (vectored)", t1
        li t0, SIE_SSIE
        csrs sstatus, SSTATUS_SIE
        csrs sip, t0
        nop
        csrc sstatus, SSTATUS_SIE
        ld t0, vector1_hits
        PUTS "entries through vector 1: "
        PUTDEC t0
        NL
        SIG 2, t0, t1
        LASTTRAP "software interrupt, stvec vectored"
        # An exception enters at the base. (ebreak, which OpenSBI delegates: an exception OpenSBI redirects
        # itself would come back at stvec with the mode bits set, which QEMU 7.2 does not clear from mepc.)
        ebreak
        PUTS "ebreak (vectored: at the base): scause="
        ld t0, last_cause
        PUTHEX t0
        NL
        ld t0, vector1_hits
        PUTS "entries through vector 1 after the exception: "
        PUTDEC t0
        NL
        # Reserved mode 2: stvec is WARL; print what reads back.
        ori t0, s0, 2
        csrw stvec, t0
        csrr t0, stvec
        sub t0, t0, s0
        SHOW "stvec after writing mode 2, minus the base", t0
        la t0, trap_entry
        csrw stvec, t0
        csrr t1, stvec
        sub t1, t1, t0
        seqz t1, t1
        CHECK "stvec back to direct", t1
        mret                            # illegal in S-mode
        LASTTRAP "mret from S"
        csrr t0, mstatus                # an M-mode CSR from S: illegal
        LASTTRAP "csrr mstatus from S"
        ld t0, last_tval
        SIG 3, t0, t1

        # ---- sscratch: swaps return the old value. (It holds the kernel's trap frame: put back after.)
        csrr s1, sscratch
        li t0, 0x1111222233334444
        csrw sscratch, t0
        li t1, 0x5555666677778888
        csrrw t2, sscratch, t1
        csrr t3, sscratch
        csrw sscratch, s1
        sub t2, t2, t0
        sub t3, t3, t1
        or t2, t2, t3
        seqz t2, t2
        CHECK "csrrw sscratch returns the old value and writes the new", t2

        # ---- sepc, scause, stval: what a kernel writes reads back (sepc's bit 0 never).
        # (An odd value is not tried: QEMU 7.2 keeps sepc's bit 0, which the spec makes always zero.)
        li t0, 0x0000000080201236
        csrw sepc, t0
        SHOWCSR "sepc after writing ...1236", sepc
        li t0, INTERRUPT | 9
        csrw scause, t0
        SHOWCSR "scause after writing interrupt 9", scause
        li t0, 15
        csrw scause, t0
        SHOWCSR "scause after writing 15", scause
        li t0, 0x123456789abcdef0
        csrw stval, t0
        SHOWCSR "stval after writing 123456789abcdef0", stval

        # ---- satp: Bare, Sv39, a reserved mode (no change), and how many ASID bits stick.
        la s2, root
        li t0, 0x80000000
        PTE t1, t0, PTE_V|PTE_R|PTE_W|PTE_X|PTE_A|PTE_D|PTE_G
        sd t1, 16(s2)
        csrw satp, zero
        SHOWCSR "satp after writing 0", satp
        srli s3, s2, 12
        li t0, SATP_SV39
        or s3, s3, t0
        csrw satp, s3
        sfence.vma
        csrr t0, satp
        sub t0, t0, s3
        seqz t0, t0
        CHECK "satp takes mode 8 (Sv39) with the root's PPN", t0
        srli t0, s2, 12
        li t1, 5 << 60
        or t0, t0, t1
        csrw satp, t0
        csrr t0, satp
        sub t0, t0, s3
        seqz t0, t0
        CHECK "writing mode 5 leaves satp unchanged", t0
        li t0, 0xffff << 44
        or t0, s3, t0
        csrw satp, t0
        csrr t0, satp
        srli t0, t0, 44
        li t1, 0xffff
        and t0, t0, t1
        SHOW "satp ASID bits that stick", t0
        csrw satp, s3
        sfence.vma
        csrw satp, zero
        sfence.vma
        SHOWCSR "satp after writing 0 again", satp

        # ---- scounteren: what sticks of its 32 bits; rdtime from U with TM=1. (Not all 64 bits: QEMU 7.2 keeps
        # the upper half of what is a 32-bit register.)
        li t0, 0xffffffff
        csrw scounteren, t0
        SHOWCSR "scounteren after writing ffffffff", scounteren
        csrw scounteren, zero
        li t0, 2                        # TM
        csrw scounteren, t0
        sd zero, last_cause, t0
        la a0, u_rdtime
        call run_user
        ld t0, last_cause
        seqz t0, t0
        CHECK "rdtime from U with scounteren.TM=1 does not trap", t0
        # (Not tried: rdtime from U with TM=0. OpenSBI 1.1 emulates the time CSR for any mode that traps to it,
        # so U reads the time instead of trapping: a firmware's choice a VMM need not copy.)
        csrw scounteren, zero

        # ---- sret to U and the ecall back: where the trap says it came from.
        la a0, u_ecall
        call run_user
        ld t0, ecall_sstatus
        andi t1, t0, SSTATUS_SPP
        seqz t1, t1
        CHECK "ecall from U: sstatus.SPP=0", t1
        andi t1, t0, SSTATUS_SPIE
        snez t1, t1
        CHECK "ecall from U: sstatus.SPIE=1 (U ran with SIE=1)", t1
        ld t0, ecall_cause
        SHOW "ecall from U: scause", t0
        SIG 4, t0, t1

        # ---- What U may not execute: each is an illegal instruction with its bits in stval.
        la a0, u_csr
        call run_user
        LASTTRAP "csrr sstatus from U"
        ld t0, last_tval
        SIG 5, t0, t1
        la a0, u_sret
        call run_user
        LASTTRAP "sret from U"
        la a0, u_sfence
        call run_user
        LASTTRAP "sfence.vma from U"
        la a0, u_wfi
        call run_user
        LASTTRAP "wfi from U"
        ld t0, last_tval
        SIG 6, t0, t1
        ld t0, trap_count
        SHOW "traps taken", t0
        SIG 7, t0, t1

        ld ra, 0(sp)
        addi sp, sp, 16
        ret

# Runs the U-mode code at a0 until it makes an ecall, then returns here (the handler restores this context).
run_user:
        la t0, kctx
        sd ra, 0(t0)
        sd sp, 8(t0)
        sd s0, 16(t0)
        sd s1, 24(t0)
        sd s2, 32(t0)
        sd s3, 40(t0)
        la t1, user_frame
        sd a0, 0(t1)
        la t2, user_stack_top
        sd t2, 16(t1)
        csrr t2, sstatus
        li t3, SSTATUS_SPP | SSTATUS_SIE
        not t3, t3
        and t2, t2, t3
        ori t2, t2, SSTATUS_SPIE
        sd t2, TF_SSTATUS(t1)
        mv a0, t1
        j trap_return

# Back from U: the kernel's context as run_user left it, and sscratch on the kernel's frame again.
return_from_user:
        la t0, kernel_frame
        csrw sscratch, t0
        la t0, kctx
        ld ra, 0(t0)
        ld sp, 8(t0)
        ld s0, 16(t0)
        ld s1, 24(t0)
        ld s2, 32(t0)
        ld s3, 40(t0)
        ret

# Interrupts: record and clear SSIP. An ecall from U: record and go back to run_user's caller. Any other
# exception: record cause and tval, step over the instruction.
trap_handler:
        la t0, trap_count
        ld t1, 0(t0)
        addi t1, t1, 1
        sd t1, 0(t0)
        li t0, 8
        bne a1, t0, 1f
        la t0, ecall_cause
        sd a1, 0(t0)
        ld t1, TF_SSTATUS(a0)
        sd t1, 8(t0)
        j return_from_user
1:      la t0, last_cause
        sd a1, 0(t0)
        sd a2, 8(t0)
        bgez a1, skip_insn
        li t0, SIE_SSIE
        csrc sip, t0
        ret

# The vector table: exceptions at the base, the supervisor software interrupt at entry 1 (counted there).
        .balign 256
vectors:
        j trap_entry
        j vector1
        .rept 14
        j trap_entry
        .endr
vector1:
        csrrw sp, sscratch, sp
        sd t0, 40(sp)
        sd t1, 48(sp)
        la t0, vector1_hits
        ld t1, 0(t0)
        addi t1, t1, 1
        sd t1, 0(t0)
        ld t0, 40(sp)
        ld t1, 48(sp)
        csrrw sp, sscratch, sp
        j trap_entry

# ---- U-mode code (satp is Bare: U runs the kernel's own pages, PMP permitting). Each ends in ecall.
u_rdtime:
        rdtime t0
        ecall
u_ecall:
        ecall
u_csr:
        csrr t0, sstatus
        ecall
u_sret:
        sret
        ecall
u_sfence:
        sfence.vma
        ecall
u_wfi:
        wfi
        ecall

        .data
        .balign 8
last_cause: .dword 0
last_tval: .dword 0
ecall_cause: .dword 0
ecall_sstatus: .dword 0
trap_count: .dword 0
vector1_hits: .dword 0
kctx:   .space 64
signature:
        .dword 0, 0, 0, 0, 0, 0, 0, 0
signature_end:

        .bss
        .balign 4096
root:   .space 4096
        .balign 16
        .space 1024
user_stack_top:
        .space TF_SIZE
        .balign 16
user_frame:
        .space TF_SIZE
