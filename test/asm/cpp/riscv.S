// A small RISC-V program in the style of the fixtures: CSR names, register macros and assembler macros together.
#define MSTATUS_MIE (1 << 3)
#define CSR_MSTATUS mstatus
#define PTE_V 0x001
#define PTE_R 0x002
#define PTE_W 0x004
#define PTE(ppn, flags) (((ppn) << 10) | (flags))
#define STORE(r, off) sd r, (off) * 8(sp)
#define FUNC(name) .globl name; .type name, @function; name:

  .section .text.init, "ax", @progbits
FUNC(_start)
  csrs CSR_MSTATUS, MSTATUS_MIE   # enable machine interrupts (don't forget mie)
  li t0, PTE(0x80000, PTE_V | PTE_R | PTE_W)
  lui a0, %hi(message)
  addi a0, a0, %lo(message)
1:  STORE(ra, 0)
  STORE(s0, 1)
  bnez a0, 1b
  j 1f
1:
.macro PUSH reg
  addi sp, sp, -8
  sd \reg, 0(sp)
.endm
  PUSH a0
#if __riscv_xlen == 64
  ld a1, 0(sp)
#else
  lw a1, 0(sp)
#endif
  .data
message: .asciz "hello, world\n"   // a C++ comment
