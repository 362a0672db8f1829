# hello.S — a bare-metal RISC-V program in plain assembly: prints over the UART, drops from M-mode
# to U-mode, makes a system call (ecall) that traps back to M-mode, and exits through the test finisher.
# Build and run:  ringside asm hello.S -o hello.elf && ringside run hello.elf

        .equ UART, 0x10000000           # ns16550a transmit register on QEMU's virt board
        .equ FINISHER, 0x100000         # SiFive test finisher: 0x5555 = pass
        .equ SYS_PUTS, 1

        .text
        .globl _start
_start:
        la      sp, stack_top
        la      t0, trap_handler
        csrw    mtvec, t0
        # PMP: let U-mode reach all memory (entry 0, NAPOT over everything, R W X)
        li      t0, -1
        csrw    pmpaddr0, t0
        li      t0, 0x1f
        csrw    pmpcfg0, t0
        la      a0, hello
        call    puts
        # mret to user_main in U-mode: MPP = 0
        li      t0, 3 << 11
        csrc    mstatus, t0
        la      t0, user_main
        csrw    mepc, t0
        mret

# U-mode: ask M-mode to print a line, then to stop.
user_main:
        la      a0, from_user
        li      a7, SYS_PUTS
        ecall
        li      a7, 0
        ecall
1:      j       1b

# M-mode trap handler: mcause 8 is an ecall from U-mode; a7 selects the call.
trap_handler:
        csrr    t0, mcause
        li      t1, 8
        bne     t0, t1, fail
        beqz    a7, pass
        call    puts
        csrr    t0, mepc
        addi    t0, t0, 4               # return past the ecall
        csrw    mepc, t0
        mret
pass:   li      t0, FINISHER
        li      t1, 0x5555
        sw      t1, 0(t0)
fail:   li      t0, FINISHER
        li      t1, (1 << 16) | 0x3333  # exit code 1
        sw      t1, 0(t0)
        j       fail

# puts(a0): writes the NUL-terminated string at a0 to the UART.
puts:   li      t2, UART
1:      lbu     t3, 0(a0)
        beqz    t3, 2f
        sb      t3, 0(t2)
        addi    a0, a0, 1
        j       1b
2:      ret

        .section .rodata
hello:      .asciz "Hello from M-mode!\n"
from_user:  .asciz "Hello from U-mode, through an ecall!\n"

        .bss
        .align 4
stack:  .zero 4096
stack_top:
