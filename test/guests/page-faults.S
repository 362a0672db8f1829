# Guest kernel page-faults: a kernel that lives off page faults. U programs run one after another in one Sv39
# address space; the kernel maps pages when they are first touched, copies a shared page on the first write
# to it, and kills a program whose fault it cannot fix, printing scause and stval.
# Shows: demand paging on store (15) and load (13) faults with stval = the address; copy-on-write through a
# read-only PTE with a software (RSW) bit; fatal faults: an unmapped load, a fetch from an unmapped page (12), a
# store to read-only code, a U load of a kernel (non-U) page; the kernel reading user memory with SUM=1 and
# faulting with SUM=0; an S-mode fetch from a U page faulting even with SUM=1; MXR letting a load read an
# execute-only page; and A/D bits on a page mapped with both clear.
#
# A/D: QEMU 7.2 and Ringside both update A and D in hardware (Svadu-style); the privileged spec also allows a
# page fault instead (Svade). The kernel handles both: a fault on its A/D page whose PTE lacks A (or D, for a
# store) sets the bit in software and retries, so it prints the same PTE flags either way, and never how many
# such faults it took.
#
# User map: VA 0x10000 code (U R X), 0x11000 data/stack (U R W), 0x20000..0x23fff demand region (empty at first),
# 0x30000 the COW page (U R + COW, shared with cow_original), 0x40000 execute-only (U X), 0x50000 the A/D page
# (U R W, A = D = 0). The kernel's gigapage (identity, not U) is in the same table.
.include "kernel.inc"

        .equ DEMAND, 0x20000
        .equ DEMAND_END, 0x24000
        .equ COW_VA, 0x30000
        .equ XONLY_VA, 0x40000
        .equ AD_VA, 0x50000
        .equ UNMAPPED_CODE, 0x60000
        .equ USER_CODE, 0x10000
        .equ USER_DATA, 0x11000
        .equ USER_STACK_TOP, 0x12000
        .equ ORIG_MAGIC, 0x6c616e696769726f  # "original"
        .equ POOL_PAGES, 8

        .section .rodata
kernel_name: .asciz "page-faults"

# "label: scause=<hex> stval=<hex>" for the kernel-mode fault the handler last recorded.
.macro KFAULT label
        PUTS "\label: scause="
        ld t6, kfault
        PUTHEX t6
        PUTS " stval="
        ld t6, kfault + 8
        PUTHEX t6
        NL
.endm

# Run the U program at \entry (its offset in the user page); print "\label: exit <code>" or nothing if killed
# (the handler prints that).
.macro RUN label, entry
        PUTS "run \label\n"
        la a0, \entry
        la t0, user_page
        sub a0, a0, t0
        li t0, USER_CODE
        add a0, a0, t0
        call run_user
        bltz a0, 1f
        PUTS "\label: exit "
        PUTDEC a0
        NL
1:
.endm

        .text
kmain:
        addi sp, sp, -16
        sd ra, 0(sp)
        call build_tables
        srli t0, s0, 12
        li t1, SATP_SV39
        or t0, t0, t1
        csrw satp, t0
        sfence.vma

        # ---- U programs.
        RUN "demand", u_demand
        SIG 0, a0, t0
        RUN "cow", u_cow
        SIG 1, a0, t0
        la t0, cow_original
        ld t0, 0(t0)
        li t1, ORIG_MAGIC
        sub t0, t0, t1
        seqz t0, t0
        CHECK "cow: the shared original is unchanged", t0
        RUN "bad-load", u_bad_load
        RUN "bad-fetch", u_bad_fetch
        RUN "write-code", u_write_code
        RUN "kernel-page", u_kernel_page
        ld t0, pool_used
        PUTS "pages allocated on demand or copy: "
        PUTDEC t0
        NL
        SIG 2, t0, t1
        ld t0, killed
        SIG 3, t0, t1

        # ---- SUM: the kernel reads a user page only with sstatus.SUM=1.
        la t0, user_data
        li t1, 0x5eed
        sd t1, 0(t0)
        li t2, USER_DATA
        sd zero, kfault, t0
        li t0, SSTATUS_SUM
        csrs sstatus, t0
        ld t1, 0(t2)
        csrc sstatus, t0
        li t3, 0x5eed
        sub t1, t1, t3
        seqz t1, t1
        CHECK "S reads a U page with SUM=1", t1
        ld t1, 0(t2)
        KFAULT "S reads a U page with SUM=0"
        ld t0, kfault
        SIG 4, t0, t1

        # ---- An S-mode fetch from a U page faults even with SUM=1 (the handler resumes at ra).
        li t0, SSTATUS_SUM
        csrs sstatus, t0
        li t1, USER_CODE
        jalr ra, 0(t1)
        csrc sstatus, t0
        KFAULT "S fetches from a U page (SUM=1)"

        # ---- MXR: an execute-only page is readable only with MXR=1 (SUM=1 throughout: it is a U page).
        li t0, SSTATUS_SUM
        csrs sstatus, t0
        li t2, XONLY_VA
        ld t1, 0(t2)
        KFAULT "load from an execute-only page, MXR=0"
        li t0, SSTATUS_MXR
        csrs sstatus, t0
        ld t1, 0(t2)
        csrc sstatus, t0
        la t3, xonly_page
        ld t3, 0(t3)
        sub t1, t1, t3
        seqz t1, t1
        CHECK "load from an execute-only page, MXR=1", t1
        SIG 5, t1, t3

        # ---- A/D: a load sets A, a store sets D (in hardware or, on a fault, by the handler).
        li t2, AD_VA
        ld t1, 0(t2)
        ld t3, l0 + 8 * (AD_VA >> 12)
        andi t4, t3, PTE_A
        snez t4, t4
        PUTS "A/D page after a load: A="
        PUTDEC t4
        andi t4, t3, PTE_D
        snez t4, t4
        PUTS " D="
        PUTDEC t4
        NL
        li t1, 77
        sd t1, 0(t2)
        ld t3, l0 + 8 * (AD_VA >> 12)
        andi t4, t3, PTE_A
        snez t4, t4
        PUTS "A/D page after a store: A="
        PUTDEC t4
        andi t4, t3, PTE_D
        snez t4, t4
        PUTS " D="
        PUTDEC t4
        NL
        andi t3, t3, 0xff
        SIG 6, t3, t4
        li t0, SSTATUS_SUM
        csrc sstatus, t0

        csrw satp, zero
        sfence.vma
        ld ra, 0(sp)
        addi sp, sp, 16
        ret

# The table: root (s0) -> l1 -> l0 for VA 0..2 MiB; the kernel's gigapage at root[2].
build_tables:
        la s0, root
        li t0, 0x80000000
        PTE t1, t0, PTE_V|PTE_R|PTE_W|PTE_X|PTE_A|PTE_D|PTE_G
        sd t1, 16(s0)
        la t0, l1
        PTE t1, t0, PTE_V
        sd t1, 0(s0)
        la t2, l0
        PTE t1, t2, PTE_V
        sd t1, 0(t0)
        la t0, user_page
        PTE t1, t0, PTE_V|PTE_R|PTE_X|PTE_U|PTE_A
        sd t1, 8 * (USER_CODE >> 12)(t2)
        la t0, user_data
        PTE t1, t0, PTE_V|PTE_R|PTE_W|PTE_U|PTE_A|PTE_D
        sd t1, 8 * (USER_DATA >> 12)(t2)
        la t0, cow_original
        PTE t1, t0, PTE_V|PTE_R|PTE_U|PTE_A|PTE_COW
        sd t1, 8 * (COW_VA >> 12)(t2)
        la t0, xonly_page
        PTE t1, t0, PTE_V|PTE_X|PTE_U|PTE_A
        sd t1, 8 * (XONLY_VA >> 12)(t2)
        la t0, ad_page
        PTE t1, t0, PTE_V|PTE_R|PTE_W|PTE_U
        sd t1, 8 * (AD_VA >> 12)(t2)
        ret

# Runs the U program at a0 with a fresh stack until it exits (a0 = its code) or is killed (a0 = -1).
run_user:
        la t0, kctx
        sd ra, 0(t0)
        sd sp, 8(t0)
        sd s0, 16(t0)
        la t1, user_frame
        sd a0, 0(t1)
        li t2, USER_STACK_TOP
        sd t2, 16(t1)
        csrr t2, sstatus
        li t3, SSTATUS_SPP | SSTATUS_SIE | SSTATUS_SUM | SSTATUS_MXR
        not t3, t3
        and t2, t2, t3
        sd t2, TF_SSTATUS(t1)
        mv a0, t1
        j trap_return

# Back in the kernel with a0 = the program's result.
return_from_user:
        la t0, kernel_frame
        csrw sscratch, t0
        la t0, kctx
        ld ra, 0(t0)
        ld sp, 8(t0)
        ld s0, 16(t0)
        ret

# ---------------------------------------------------------------- traps

trap_handler:
        addi sp, sp, -16
        sd ra, 0(sp)
        mv s1, a0
        mv s2, a1
        mv s3, a2
        ld t0, TF_SSTATUS(s1)
        andi t0, t0, SSTATUS_SPP
        bnez t0, kernel_fault
        li t0, 8
        beq s2, t0, user_exit
        li t0, 13
        beq s2, t0, 1f
        li t0, 15
        bne s2, t0, kill
1:      li t0, DEMAND                   # a load or store in the demand region: map a fresh page
        bltu s3, t0, 2f
        li t0, DEMAND_END
        bgeu s3, t0, 2f
        call alloc_page
        PTE t1, a0, PTE_V|PTE_R|PTE_W|PTE_U|PTE_A|PTE_D
        call set_pte
        PUTS "demand fault: scause="
        PUTHEX s2
        PUTS " stval="
        PUTHEX s3
        PUTS " -> mapped a zeroed page\n"
        j resume
2:      li t0, 15                       # a store to a copy-on-write page: copy it, map the copy writable
        bne s2, t0, kill
        call pte_of
        ld t1, 0(a0)
        andi t2, t1, PTE_COW
        beqz t2, kill
        mv s4, t1
        call alloc_page
        srli t0, s4, 10
        slli t0, t0, 12                 # the original's address
        li t2, 512
3:      ld t3, 0(t0)
        sd t3, 0(a0)
        addi t0, t0, 8
        addi a0, a0, 8
        addi t2, t2, -1
        bnez t2, 3b
        li t0, 4096
        sub a0, a0, t0
        PTE t1, a0, PTE_V|PTE_R|PTE_W|PTE_U|PTE_A|PTE_D
        call set_pte
        PUTS "copy-on-write fault: scause="
        PUTHEX s2
        PUTS " stval="
        PUTHEX s3
        PUTS " -> copied the page\n"
        j resume

kill:
        PUTS "killed: scause="
        PUTHEX s2
        PUTS " stval="
        PUTHEX s3
        NL
        la t0, killed
        ld t1, 0(t0)
        addi t1, t1, 1
        sd t1, 0(t0)
        li a0, -1
        j return_from_user

user_exit:
        ld a0, 10*8(s1)
        j return_from_user

# A fault in the kernel. On the A/D page with the bit the access needs clear: set it and retry (Svade). A fetch
# fault: back to ra. Anything else: record it and step over the instruction.
kernel_fault:
        li t0, -4096
        and t0, s3, t0
        li t1, AD_VA
        bne t0, t1, 2f
        call pte_of
        ld t1, 0(a0)
        li t2, PTE_A
        li t0, 15
        bne s2, t0, 1f
        ori t2, t2, PTE_D
1:      and t3, t1, t2
        beq t3, t2, 2f                  # already set: a real fault
        or t1, t1, t2
        call set_pte
        j resume
2:      la t0, kfault
        sd s2, 0(t0)
        sd s3, 8(t0)
        li t0, 12
        bne s2, t0, 3f
        ld t0, 8(s1)
        sd t0, 0(s1)                    # sepc = ra
        j resume
3:      mv a0, s1
        call skip_insn
resume:
        mv a0, s1
        ld ra, 0(sp)
        addi sp, sp, 16
        ret

# a0 = the l0 entry for stval (s3). Every VA this kernel faults on lies in l0's 2 MiB.
pte_of:
        srli a0, s3, 12
        andi a0, a0, 511
        slli a0, a0, 3
        la t0, l0
        add a0, a0, t0
        ret

# l0 entry for stval (s3) = t1, then fence that address.
set_pte:
        addi sp, sp, -16
        sd ra, 0(sp)
        call pte_of
        sd t1, 0(a0)
        sfence.vma s3, zero
        ld ra, 0(sp)
        addi sp, sp, 16
        ret

# a0 = the next page of the pool (zero: .bss).
alloc_page:
        la t0, pool_used
        ld a0, 0(t0)
        addi t1, a0, 1
        sd t1, 0(t0)
        slli a0, a0, 12
        la t0, pool
        add a0, a0, t0
        ret

# ---------------------------------------------------------------- the user page (mapped at USER_CODE)

.macro EXIT_WITH reg
        mv a0, \reg
        li a7, 93
        ecall
.endm

        .section .user, "ax"
        .balign 4096
user_page:
# Stores to three demand pages, loads from a fourth (zero), reads the stores back: exit with their sum.
u_demand:
        li t0, DEMAND
        li t4, DEMAND + 0x1000
        li t5, DEMAND + 0x2000
        li t1, 0x11
        sd t1, 0(t0)
        li t1, 0x22
        sd t1, 0(t4)
        li t1, 0x33
        sd t1, 0(t5)
        li t2, DEMAND + 0x3000
        ld t3, 0(t2)
        ld t1, 0(t0)
        add t3, t3, t1
        ld t1, 0(t4)
        add t3, t3, t1
        ld t1, 0(t5)
        add t3, t3, t1
        EXIT_WITH t3
# Reads the shared page, writes it (the kernel copies it), reads back: exit 1 + 2 when both read as expected.
u_cow:
        li t0, COW_VA
        ld t1, 0(t0)
        li t2, ORIG_MAGIC
        sub t1, t1, t2
        seqz t3, t1
        li t1, 0x1234
        sd t1, 0(t0)
        ld t1, 0(t0)
        li t2, 0x1234
        sub t1, t1, t2
        seqz t1, t1
        slli t1, t1, 1
        or t3, t3, t1
        EXIT_WITH t3
u_bad_load:
        li t0, 0xdead000
        ld t1, 0(t0)
        EXIT_WITH zero
u_bad_fetch:
        li t0, UNMAPPED_CODE
        jalr t0
        EXIT_WITH zero
u_write_code:
        li t0, USER_CODE
        sd zero, 0(t0)
        EXIT_WITH zero
u_kernel_page:
        li t0, 0x80200000
        ld t1, 0(t0)
        EXIT_WITH zero

# ---------------------------------------------------------------- data

        .data
        .balign 8
kfault: .dword 0, 0
kctx:   .dword 0, 0, 0
killed: .dword 0
pool_used: .dword 0
signature:
        .dword 0, 0, 0, 0, 0, 0, 0
signature_end:

        .balign 4096
cow_original:
        .dword ORIG_MAGIC
        .balign 4096
xonly_page:
        .dword 0x0123456789abcdef
        .balign 4096
ad_page:
        .dword 0
        .balign 4096

        .bss
        .balign 4096
root:   .space 4096
l1:     .space 4096
l0:     .space 4096
user_data: .space 4096
pool:   .space 4096 * POOL_PAGES
        .balign 16
user_frame: .space TF_SIZE
