# Three-file program, middle file: a list node and a function, both used by the other files.
# Its .bss grows the shared .bss after a-start.S's, aligned to its own largest alignment.
.text
.globl report
report:
  la t0, scratch
  sd a1, 0(t0)
  la t1, b_buffer
  sd a1, 0(t1)
  tail c_report

.data
.byte 0x42
.balign 8
.globl node_b
node_b:
  .dword node_c, 20
.bss
.balign 16
b_buffer:
  .zero 24
