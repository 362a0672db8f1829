# Three-file program, last file: the final node and a function reached by a tail call from b-nodes.S.
# A .rodata section appears only here, so the image's .rodata is this file's alone.
.text
.globl c_report
c_report:
  la t2, c_name
  lbu t3, 0(t2)
  ret

.section .rodata
c_name:
  .asciz "c"
.data
.globl node_c
node_c:
  .dword 0, 300
