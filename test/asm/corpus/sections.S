# Section directives: .text/.data/.bss, .section with names and flags, .rodata, and switching back and forth.
# Symbol binding and type directives (.globl/.global/.local/.type/.size) are accepted and change no bytes.
.text
.globl _start
.type _start, @function
_start:
  la a0, message
  la a1, counter
  la a2, buffer
  call helper
  j done
.size _start, . - _start

.section .rodata
message:
  .asciz "read only"
.type message, @object
.size message, 10

.data
.global counter
counter:
  .dword 7

.bss
buffer:
  .zero 128
.local lonely
lonely:
  .zero 8

.section .text.helpers, "ax", @progbits
.type helper, %function
helper:
  addi a0, a0, 1
  ret

.section .rodata.tables, "a"
.align 3
squares:
  .dword 0, 1, 4, 9

.section .data.more, "aw", @progbits
more:
  .word 0xfeedface

.section .bss.extra, "aw", @nobits
.balign 16
extra:
  .skip 40

.text
done:
  la a3, squares
  la a4, more
  la a5, extra
  ebreak
.data
  .byte 1
.section .sdata, "aw"
small:
  .half 2
.section .sbss, "aw", @nobits
tiny:
  .zero 4
