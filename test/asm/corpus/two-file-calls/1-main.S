# Two-file program, main half: calls and tail-calls functions defined in 2-lib.S and reads its global data.
# Each file is assembled separately; cross-file references are resolved when the two are linked in name order.
.text
.globl _start
_start:
  li a0, 6
  call square
  mv s0, a0
  la a1, lib_counter
  ld a2, 0(a1)
  add a0, a0, a2
  call add_one
  lla a3, main_table
  sd a0, 0(a3)
  tail finish

.globl finish
finish:
  la a4, main_message
  ebreak

.data
.globl main_table
main_table:
  .dword 0, 0
main_message:
  .asciz "main"
