# li with constants whose GNU expansions differ in shape: addi, lui, lui+addiw, shifts, trailing zeros.
# GNU's choice of sequence (and its compression) is the reference; ours must pick the same one.
.text
.globl _start
_start:
  li a0, 0
  li a0, 1
  li a0, -1
  li a0, 31
  li a0, -32
  li a0, 32
  li a0, 2047
  li a0, 2048
  li a0, -2048
  li a0, -2049
  li a0, 4095
  li a0, 4096
  li a0, 0x7ff
  li a0, 0x800
  li a0, 0x1000
  li a0, 0x12345
  li a0, 0x7ffff000
  li a0, 0x7fffffff
  li a0, 0x80000000
  li a0, -0x80000000
  li a0, 0xffffffff
  li a0, 0x100000000
  li a0, 0x100000001
  li a0, 0x123456789abcdef0
  li a0, -0x8000000000000000
  li a0, 0x7fffffffffffffff
  li a0, 0xffffffffffffffff
  li a0, 0xfffffffffffff800
  li a0, 0xfffffffffffff7ff
  li a0, 0x7ff00000000
  li a0, 0xdeadbeef
  li a0, 0xcafebabe12345678
  li a0, 0x8000000000000000
  li a0, 0x4000000000000000
  li a0, 0x0000000100000000
  li a0, 0x1000000000
  li a0, 0xff00
  li a0, 0xff000000
  li a0, 0xff00000000
  li a0, 0x00ff00ff00ff00ff
  li a0, 1 << 40
  li a0, 1 << 62
  li a0, 3 << 50
  li a0, 0x5555555555555555
  li a0, 0xaaaaaaaaaaaaaaaa
  li a0, -12345678
  li a0, 1000000
  li a0, 100000000000
  li s0, 5
  li x31, 5
  li t0, 0x12345678
  li zero, 7
  li sp, 0x80001000
  li a5, -1
  li a5, 0x800
