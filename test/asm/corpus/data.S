# Data directives of every width, with expressions and label values, and the zero-fill/space directives.
# Values that do not fit a width are truncated by GNU only with a warning, so every value here fits.
.text
.globl _start
_start:
  la a0, bytes
  ret
.data
bytes:
  .byte 0, 1, 127, 128, 255, -1, -128
  .byte 'a', 0x41, 0b101, 017, 1 + 2 * 3
halves:
  .half 0, 0x7fff, 0xffff, -1, -32768
  .short 0x1234, 'b', 2 << 8
words:
  .word 0, 0x7fffffff, 0xffffffff, -1, -0x80000000
  .long 0x12345678, halves, words - bytes
quads:
  .dword 0, 0x7fffffffffffffff, 0xffffffffffffffff, -1
  .quad 0x123456789abcdef0, -0x8000000000000000
  .dword bytes, quads + 8, _start, quads - words
  .8byte 42
  .4byte 43
  .2byte 44
fill:
  .zero 5
  .space 3
  .space 4, 0xab
  .skip 2
  .skip 3, 0x7f
  .zero 1
  .fill 3, 2, 0x1234
  .fill 2, 4, -1
  .fill 2, 1, 0x99
end_of_data:
  .word end_of_data - bytes
