# String directives and their escapes: .ascii (no terminator), .asciz and .string (NUL-terminated).
# Escapes: \n \t \\ \" \0 \x41 \101 \b \f \r, several strings per directive, and an empty string.
.text
.globl _start
_start:
  la a0, plain
  ret
.section .rodata
plain:
  .ascii "hello"
  .asciz "hello"
  .string "hello"
escapes:
  .ascii "tab\there\nnewline\\backslash\"quote\0nul"
  .ascii "\x41\x42\x7a \101\102\172 \b\f\r"
  .asciz "two", "strings"
  .string "", "after empty"
  .ascii "a#b ; c"
  .asciz "it's"
  .ascii "\1\12\123"
  .byte 0
  .ascii "x\x7"
