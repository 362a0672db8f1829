/* Echoes the serial line: prints a banner, then sends back every byte the ns16550a receives; 'q' ends the run
   (through the test finisher). The guest of the integrated-terminal console test. */
        .equ UART, 0x10000000           /* RBR (read) and THR (write) at +0 */
        .equ LSR, 5                     /* line status: bit 0 = data ready */
        .equ FINISHER, 0x100000
        .text
        .globl _start
_start:
        li s0, UART
        la s1, banner
print:
        lbu t0, 0(s1)
        beqz t0, echo_loop
        sb t0, 0(s0)
        addi s1, s1, 1
        j print
echo_loop:
        lbu t0, LSR(s0)
        andi t0, t0, 1
        beqz t0, echo_loop
        lbu t1, 0(s0)
        sb t1, 0(s0)
        li t2, 'q'
        bne t1, t2, echo_loop
        li t0, FINISHER
        li t1, 0x5555
        sw t1, 0(t0)
1:      j 1b

        .section .rodata
banner:
        .asciz "echo ready\n"
