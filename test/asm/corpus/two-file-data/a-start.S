# Three-file program: the entry file, which walks a list whose nodes are spread over the other two files.
# Global labels in .data point across files, so the linked .data holds addresses only the linker knows.
.text
.globl _start
_start:
  la a0, list_head
  li a1, 0
1:
  beqz a0, 2f
  ld t0, 8(a0)
  add a1, a1, t0
  ld a0, 0(a0)
  j 1b
2:
  call report
  ebreak

.data
.globl list_head
list_head:
  .dword node_b, 1
.bss
.globl scratch
scratch:
  .zero 16
