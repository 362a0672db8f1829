# Two-file program, library half: functions the main file calls, and data both files use.
# Its .text follows 1-main.S's .text in the image, and its .data follows that file's .data.
.text
.globl square
square:
  mul a0, a0, a0
  ret

.globl add_one
add_one:
  la t0, main_table
  ld t1, 8(t0)
  addi a0, a0, 1
  add a0, a0, t1
  ret

helper_local:
  call finish
  j helper_local

.data
.balign 8
.globl lib_counter
lib_counter:
  .dword 100
lib_private:
  .word 7
