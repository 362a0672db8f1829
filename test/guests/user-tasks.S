# Guest kernel user-tasks: three U-mode tasks, each in its own Sv39 address space (own root table, ASIDs 1-3),
# scheduled round-robin by a kernel that takes their syscalls (ecall) and timer interrupts (SBI set_timer).
# Shows: per-task satp switches without a fence (distinct ASIDs), the same user virtual addresses backed by
# different pages (each task's private page keeps its own value across switches), syscalls write / yield /
# exit, the kernel reading user buffers with sstatus.SUM, and timer preemption of a compute loop.
#
# The printed order is fixed whatever the timer does: tasks A and B print and yield cooperatively; only task C,
# which prints nothing while computing, is preempted by the timer (the kernel switches on a tick only when C
# runs), and C computes until it has been preempted at least once, then waits (yielding) until it is the last
# task before printing its result.
#
# Syscalls (a7): 64 write(a0 = buffer, a1 = length) -> a1; 93 exit(a0 = code); 124 yield;
# 1000 preemptions() -> how often the timer took the CPU from this task; 1001 alive() -> tasks not yet exited.
# User map (every task): VA 0x10000 its code (U R X), VA 0x11000 its data and stack page (U R W);
# the kernel's gigapage (identity, not U) in every table.
.include "kernel.inc"

        .equ NTASKS, 3
        .equ INTERVAL, 1000             # time units between ticks
        .equ USER_CODE, 0x10000
        .equ USER_DATA, 0x11000
        .equ USER_STACK_TOP, 0x12000
        .equ PRIVATE, 0x11800           # where each task keeps its own letter

        # struct task
        .equ T_SATP, 0
        .equ T_STATE, 8                 # 0 runnable, 1 exited
        .equ T_EXIT, 16
        .equ T_YIELDS, 24
        .equ T_PREEMPTS, 32
        .equ T_PREEMPTIBLE, 40
        .equ T_FRAME, 48
        .equ T_SIZE, 56

        .equ SYS_WRITE, 64
        .equ SYS_EXIT, 93
        .equ SYS_YIELD, 124
        .equ SYS_PREEMPTIONS, 1000
        .equ SYS_ALIVE, 1001

        .section .rodata
kernel_name: .asciz "user-tasks"
task_names: .ascii "ABC"
        .balign 8
user_code_pages: .dword user_a, user_b, user_c

        .text
kmain:
        addi sp, sp, -16
        sd ra, 0(sp)
        li s0, 0                        # task index
1:      call make_task
        addi s0, s0, 1
        li t0, NTASKS
        blt s0, t0, 1b
        sfence.vma                      # the new tables, once; switches between ASIDs need no fence
        la t0, tasks
        li t1, 1
        sd t1, 2*T_SIZE + T_PREEMPTIBLE(t0)
        PUTS "kernel: starting 3 tasks (ASIDs 1, 2, 3)\n"

        # Ticks from now on. The kernel itself runs with sstatus.SIE = 0; U-mode always takes them.
        li t0, SIE_STIE
        csrs sie, t0
        rdtime a0
        li t0, INTERVAL
        add a0, a0, t0
        call sbi_set_timer

        # Into task A; the last exit comes back to tasks_finished on this stack.
        la t0, kctx
        sd sp, 0(t0)
        la t0, current
        sd zero, 0(t0)
        la t0, tasks
        ld t1, T_SATP(t0)
        csrw satp, t1
        ld a0, T_FRAME(t0)
        j trap_return

tasks_finished:
        ld sp, kctx
        la t0, kernel_frame
        csrw sscratch, t0
        csrw satp, zero
        sfence.vma
        li t0, SIE_STIE
        csrc sie, t0
        li a0, -1
        call sbi_set_timer
        PUTS "kernel: all tasks done\n"
        # Signature: exit codes, yields of A and B, and whether C was preempted (never how often).
        la s0, tasks
        la s1, signature
        li s2, 0
2:      ld t0, T_EXIT(s0)
        sd t0, 0(s1)
        ld t0, T_YIELDS(s0)
        sd t0, 8(s1)
        addi s0, s0, T_SIZE
        addi s1, s1, 16
        addi s2, s2, 1
        li t0, 2
        blt s2, t0, 2b
        ld t0, T_EXIT(s0)
        sd t0, 0(s1)
        ld t0, T_PREEMPTS(s0)
        snez t0, t0
        sd t0, 8(s1)
        ld t0, syscalls
        sd t0, 16(s1)
        ld ra, 0(sp)
        addi sp, sp, 16
        ret

# Task s0: its page tables, its data page, its first frame (entering U at USER_CODE) and its satp.
make_task:
        li t0, 4096 * 3
        mul t0, t0, s0
        la s1, tables
        add s1, s1, t0                  # root; l1 = root + 4 KiB; l0 = root + 8 KiB
        li t0, 0x80000000
        PTE t1, t0, PTE_V|PTE_R|PTE_W|PTE_X|PTE_A|PTE_D|PTE_G
        sd t1, 16(s1)
        li t0, 4096
        add t2, s1, t0
        PTE t1, t2, PTE_V
        sd t1, 0(s1)                    # root[0] -> l1
        add t3, t2, t0
        PTE t1, t3, PTE_V
        sd t1, 0(t2)                    # l1[0] -> l0
        la t0, user_code_pages
        slli t1, s0, 3
        add t0, t0, t1
        ld t0, 0(t0)
        PTE t1, t0, PTE_V|PTE_R|PTE_X|PTE_U|PTE_A
        sd t1, 16*8(t3)                 # l0[16]: VA 0x10000 code
        la t0, data_pages
        slli t1, s0, 12
        add t0, t0, t1
        PTE t1, t0, PTE_V|PTE_R|PTE_W|PTE_U|PTE_A|PTE_D
        sd t1, 17*8(t3)                 # l0[17]: VA 0x11000 data and stack
        # The task's frame sits at the top of its kernel stack.
        la t0, kstacks
        addi t1, s0, 1
        slli t1, t1, 12
        add t0, t0, t1
        addi t0, t0, -TF_SIZE
        li t1, USER_CODE
        sd t1, 0(t0)
        li t1, USER_STACK_TOP
        sd t1, 16(t0)
        csrr t1, sstatus
        li t2, SSTATUS_SPP | SSTATUS_SIE | SSTATUS_SUM
        not t2, t2
        and t1, t1, t2
        ori t1, t1, SSTATUS_SPIE
        sd t1, TF_SSTATUS(t0)
        la t2, tasks
        li t1, T_SIZE
        mul t1, t1, s0
        add t2, t2, t1
        sd t0, T_FRAME(t2)
        srli t1, s1, 12
        addi t3, s0, 1
        slli t3, t3, 44                 # ASID = index + 1
        or t1, t1, t3
        li t3, SATP_SV39
        or t1, t1, t3
        sd t1, T_SATP(t2)
        ret

# ---------------------------------------------------------------- traps

# s0 = the current task, s1 = the frame. Registers are free here: trap_entry saved them all in the frame.
trap_handler:
        addi sp, sp, -16
        sd ra, 0(sp)
        mv s1, a0
        ld t0, current
        li t1, T_SIZE
        mul t0, t0, t1
        la s0, tasks
        add s0, s0, t0
        li t0, INTERRUPT | 5
        beq a1, t0, timer
        li t0, 8
        beq a1, t0, syscall
        PUTS "kernel: task "
        call put_task_name
        PUTS " killed: scause="
        PUTHEX a1
        PUTS " stval="
        PUTHEX a2
        NL
        li t0, 1
        sd t0, T_STATE(s0)
        li t0, -1
        sd t0, T_EXIT(s0)
        j schedule

timer:
        rdtime a0
        li t0, INTERVAL
        add a0, a0, t0
        call sbi_set_timer
        ld t0, T_PREEMPTIBLE(s0)
        beqz t0, resume
        ld t0, T_PREEMPTS(s0)
        addi t0, t0, 1
        sd t0, T_PREEMPTS(s0)
        j schedule

syscall:
        # Count writes and exits: how often C yields or polls depends on the timer.
        la t0, syscalls
        ld t1, 0(t0)
        addi t1, t1, 1
        ld t2, 17*8(s1)                 # a7
        li t3, SYS_WRITE
        beq t2, t3, 1f
        li t3, SYS_EXIT
        bne t2, t3, 2f
1:      sd t1, 0(t0)
2:      mv a0, s1
        call skip_insn
        ld t0, 17*8(s1)
        li t1, SYS_WRITE
        beq t0, t1, sys_write
        li t1, SYS_YIELD
        beq t0, t1, sys_yield
        li t1, SYS_EXIT
        beq t0, t1, sys_exit
        li t1, SYS_PREEMPTIONS
        beq t0, t1, sys_preemptions
        li t1, SYS_ALIVE
        beq t0, t1, sys_alive
        li t1, -38                      # ENOSYS
        sd t1, 10*8(s1)
        j resume

# Copy out of user memory: allowed only with SUM, and only for the length of the call.
sys_write:
        ld t0, 10*8(s1)
        ld t1, 11*8(s1)
        sd t1, 10*8(s1)
        add t1, t0, t1
        li t2, SSTATUS_SUM
        csrs sstatus, t2
1:      bgeu t0, t1, 2f
        lbu a0, 0(t0)
        call putc
        addi t0, t0, 1
        j 1b
2:      csrc sstatus, t2
        j resume

sys_yield:
        ld t0, T_YIELDS(s0)
        addi t0, t0, 1
        sd t0, T_YIELDS(s0)
        j schedule

sys_exit:
        ld t0, 10*8(s1)
        sd t0, T_EXIT(s0)
        li t1, 1
        sd t1, T_STATE(s0)
        PUTS "kernel: task "
        call put_task_name
        PUTS " exited with code "
        PUTDEC t0
        NL
        j schedule

sys_preemptions:
        ld t0, T_PREEMPTS(s0)
        sd t0, 10*8(s1)
        j resume

sys_alive:
        la t0, tasks
        li t1, 0
        li t2, 0
1:      ld t3, T_STATE(t0)
        seqz t3, t3
        add t1, t1, t3
        addi t0, t0, T_SIZE
        addi t2, t2, 1
        li t3, NTASKS
        blt t2, t3, 1b
        sd t1, 10*8(s1)
        j resume

resume:
        mv a0, s1
        ld ra, 0(sp)
        addi sp, sp, 16
        ret

# Round-robin: the next runnable task after the current one (the current one last). None: all done.
schedule:
        ld t0, current
        li t1, 0                        # tries
1:      addi t0, t0, 1
        li t2, NTASKS
        blt t0, t2, 2f
        li t0, 0
2:      li t2, T_SIZE
        mul t2, t2, t0
        la t3, tasks
        add t3, t3, t2
        ld t2, T_STATE(t3)
        beqz t2, 3f
        addi t1, t1, 1
        li t2, NTASKS
        blt t1, t2, 1b
        j tasks_finished
3:      la t2, current
        sd t0, 0(t2)
        ld t2, T_SATP(t3)
        csrw satp, t2
        ld a0, T_FRAME(t3)
        ld ra, 0(sp)
        addi sp, sp, 16
        ret

# Prints the letter of the task at s0.
put_task_name:
        addi sp, sp, -16
        sd ra, 0(sp)
        sd a0, 8(sp)
        la t6, tasks
        sub t6, s0, t6
        li a0, T_SIZE
        divu t6, t6, a0
        la a0, task_names
        add a0, a0, t6
        lbu a0, 0(a0)
        call putc
        ld ra, 0(sp)
        ld a0, 8(sp)
        addi sp, sp, 16
        ret

# ---------------------------------------------------------------- user programs (one page each)

# U-mode helpers, assembled into each program's page as u_puts_\p (the code is position independent, and a
# program may only call into its own page: every program's page is at the same virtual address).
.macro USER_LIB p
# a0 = NUL-terminated string: write(a0, strlen(a0)).
u_puts_\p:
        mv t0, a0
1:      lbu t1, 0(t0)
        beqz t1, 2f
        addi t0, t0, 1
        j 1b
2:      sub a1, t0, a0
        li a7, SYS_WRITE
        ecall
        ret
# a0 as an unsigned decimal number (digits built on the user stack).
u_putdec_\p:
        addi sp, sp, -32
        sd ra, 0(sp)
        addi t0, sp, 31
        sb zero, 0(t0)
        li t2, 10
3:      remu t1, a0, t2
        addi t1, t1, '0'
        addi t0, t0, -1
        sb t1, 0(t0)
        divu a0, a0, t2
        bnez a0, 3b
        mv a0, t0
        call u_puts_\p
        ld ra, 0(sp)
        addi sp, sp, 32
        ret
.endm

# Print a string from U-mode program \p (clobbers a0, a1, a7, t0, t1, ra).
.macro UPUTS p, str
        .subsection 1
.Lu\@:  .asciz "\str"
        .subsection 0
        la a0, .Lu\@
        call u_puts_\p
.endm

.macro SYSCALL n
        li a7, \n
        ecall
.endm

# Program \p writes its letter to its private page, yields, and checks the letter is still there.
.macro PRIVATE_CHECK p, letter, code
        li s0, PRIVATE
        li t0, \code
        sb t0, 0(s0)
        SYSCALL SYS_YIELD
        lbu t0, 0(s0)
        li t1, \code
        bne t0, t1, 1f
        UPUTS \p, "task \letter: private page intact\n"
        j 2f
1:      UPUTS \p, "task \letter: private page CHANGED: FAIL\n"
2:
.endm

# Tasks A and B: print, yield, print, yield, check the private page, exit 0.
.macro COOPERATIVE p, name, code
        .section .user.\p, "ax"
        .balign 4096
user_\p:
        UPUTS \p, "task \name: step 1\n"
        SYSCALL SYS_YIELD
        UPUTS \p, "task \name: step 2\n"
        SYSCALL SYS_YIELD
        PRIVATE_CHECK \p, \name, \code
        UPUTS \p, "task \name: done\n"
        li a0, 0
        SYSCALL SYS_EXIT
        USER_LIB \p
.endm

        COOPERATIVE a, A, 0x41
        COOPERATIVE b, B, 0x42

# Task C: sums the squares of 1..1000 over and over until the timer has preempted it at least once, then waits
# (yielding) until it is the last task, prints the sum and exits 7. Where it was preempted changes nothing printed.
        .section .user.c, "ax"
        .balign 4096
user_c:
        UPUTS c, "task C: computing\n"
1:      li s1, 0
        li t1, 1
        li t2, 1000
2:      mul t3, t1, t1
        add s1, s1, t3
        addi t1, t1, 1
        ble t1, t2, 2b
        SYSCALL SYS_PREEMPTIONS
        beqz a0, 1b
3:      SYSCALL SYS_ALIVE
        li t0, 1
        beq a0, t0, 4f
        SYSCALL SYS_YIELD
        j 3b
4:      UPUTS c, "task C: preempted while computing; sum of squares 1..1000 = "
        mv a0, s1
        call u_putdec_c
        UPUTS c, "\n"
        li a0, 7
        SYSCALL SYS_EXIT
        USER_LIB c

# ---------------------------------------------------------------- data

        .data
        .balign 8
current: .dword 0
kctx:   .dword 0
syscalls: .dword 0                      # write and exit calls
tasks:  .space T_SIZE * NTASKS
signature:
        .dword 0, 0, 0, 0, 0, 0, 0
signature_end:

        .bss
        .balign 4096
tables: .space 4096 * 3 * NTASKS        # per task: root, l1, l0
data_pages: .space 4096 * NTASKS
kstacks: .space 4096 * NTASKS
