# Guest kernel sv39-basic: an S-mode kernel turns on Sv39 paging and uses it.
# Shows: a 1 GiB identity gigapage for the kernel, a 2 MiB megapage alias of the kernel in the upper half
# (read and executed through), 4 KiB pages printed from by virtual address, a remap followed by sfence.vma
# that makes the new page visible, a store through the new mapping, and a load from an unmapped address
# (load page fault, scause 13, stval = the address) that the kernel catches and steps over.
#
# Upper-half map (KVA = 0xffff_ffc0_0000_0000, root entry 256):
#   KVA + 0x0000_0000  4 KiB  -> msg_page    R
#   KVA + 0x0000_1000  4 KiB  -> page_a, then page_b after the remap   RW
#   KVA + 0x0000_2000  unmapped
#   KVA + 0x0020_0000  2 MiB  -> 0x8020_0000 (this kernel)   RWX
.include "kernel.inc"

        .equ KVA, 0xffffffc000000000
        .equ KERNEL_PA, 0x80200000

        .section .rodata
kernel_name: .asciz "sv39-basic"

        .text
kmain:
        addi sp, sp, -16
        sd ra, 0(sp)
        # root[2]: 0x8000_0000..0xc000_0000 identity (OpenSBI's own 2 MiB stays PMP-protected; never touched).
        la s0, root
        li t0, 0x80000000
        PTE t1, t0, PTE_V|PTE_R|PTE_W|PTE_X|PTE_A|PTE_D|PTE_G
        sd t1, 2*8(s0)
        # root[256] -> l1; l1[0] -> l0; l1[1] = the 2 MiB alias of the kernel.
        la t0, l1
        PTE t1, t0, PTE_V
        li t2, 256*8                    # beyond a 12-bit store offset
        add t2, s0, t2
        sd t1, 0(t2)
        la s1, l1
        la t0, l0
        PTE t1, t0, PTE_V
        sd t1, 0(s1)
        li t0, KERNEL_PA
        PTE t1, t0, PTE_V|PTE_R|PTE_W|PTE_X|PTE_A|PTE_D
        sd t1, 8(s1)
        la s2, l0
        la t0, msg_page
        PTE t1, t0, PTE_V|PTE_R|PTE_A
        sd t1, 0(s2)
        la t0, page_a
        PTE t1, t0, PTE_V|PTE_R|PTE_W|PTE_A|PTE_D
        sd t1, 8(s2)

        # Paging on. satp reads back as written: mode 8 (Sv39), ASID 0, the root's PPN.
        srli s3, s0, 12
        li t0, SATP_SV39
        or s3, s3, t0
        csrw satp, s3
        sfence.vma
        csrr t0, satp
        sub t1, t0, s3
        seqz t1, t1
        CHECK "satp reads back Sv39 with the root's PPN", t1
        srli t0, t0, 60
        SIG 0, t0, t1

        # Print a string that is only at a virtual address.
        PUTS "through the upper half: "
        li a0, KVA
        call puts
        NL

        # The page at KVA + 4 KiB is page_a; remap it to page_b, fence that address, and read again.
        li s4, KVA + 0x1000
        PUTS "before the remap: "
        mv a0, s4
        call puts
        NL
        ld t0, 0(s4)
        SIG 1, t0, t1
        la t0, page_b
        PTE t1, t0, PTE_V|PTE_R|PTE_W|PTE_A|PTE_D
        sd t1, 8(s2)
        sfence.vma s4, zero
        PUTS "after the remap:  "
        mv a0, s4
        call puts
        NL
        ld t0, 0(s4)
        SIG 2, t0, t1
        # A store through the new mapping lands in page_b (read back through the identity map).
        li t0, 0x5a5a
        sd t0, 64(s4)
        la t1, page_b
        ld t1, 64(t1)
        sub t1, t1, t0
        seqz t1, t1
        CHECK "a store through the remapped page reaches page_b", t1

        # The megapage alias: the same bytes, and code runs there (auipc sees an upper-half pc).
        la t0, page_b
        li t1, KERNEL_PA
        sub t0, t0, t1
        li t1, KVA + 0x200000
        add t0, t0, t1                  # page_b's alias
        ld t0, 64(t0)
        li t1, 0x5a5a
        sub t1, t1, t0
        seqz t1, t1
        CHECK "the 2 MiB alias reads the same data", t1
        la t0, where_am_i
        li t1, KERNEL_PA
        sub t0, t0, t1
        li t1, KVA + 0x200000
        add t0, t0, t1
        jalr t0
        li t1, KVA
        sltu t1, a0, t1
        xori t1, t1, 1
        CHECK "code runs through the alias (pc in the upper half)", t1
        SIG 3, t1, t2

        # An unmapped address faults; the handler records scause and stval and steps over the load.
        li t0, KVA + 0x2000
        ld t1, 0(t0)
        la t0, fault
        ld t1, 0(t0)
        SHOW "unmapped load: scause", t1
        SIG 4, t1, t2
        ld t1, 8(t0)
        SHOW "unmapped load: stval", t1
        SIG 5, t1, t2

        # A global fence with paging still on: the kernel keeps running and the final state is printed mapped.
        sfence.vma zero, zero
        ld ra, 0(sp)
        addi sp, sp, 16
        ret

# Returns its own pc.
where_am_i:
        auipc a0, 0
        ret

# The only expected trap: a page fault from S-mode. Record it and step over the instruction.
trap_handler:
        la t0, fault
        sd a1, 0(t0)
        sd a2, 8(t0)
        addi sp, sp, -16
        sd ra, 0(sp)
        call skip_insn
        ld ra, 0(sp)
        addi sp, sp, 16
        ret

        .data
        .balign 8
fault:  .dword 0, 0
signature:
        .dword 0, 0, 0, 0, 0, 0
signature_end:

        .balign 4096
msg_page:
        .asciz "hello from a virtual address"
        .balign 4096
page_a:
        .asciz "page A"
        .balign 4096
page_b:
        .asciz "page B"
        .balign 4096

        .bss
        .balign 4096
root:   .space 4096
l1:     .space 4096
l0:     .space 4096
