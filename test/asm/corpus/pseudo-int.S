# Integer pseudo-instructions: moves, negation, set-if, branches with swapped operands, jumps and returns.
# GNU expands each to one base instruction (compressed where C allows); the expansion is the reference.
.text
.globl _start
_start:
  nop
  mv a0, a1
  mv t0, x31
  not a0, a1
  not t6, t6
  neg a0, a1
  neg s0, s0
  negw a0, a1
  negw a5, a5
  sext.w a0, a1
  sext.w a0, a0
  seqz a0, a1
  snez a0, a1
  sltz a0, a1
  sgtz a0, a1
back:
  beqz a0, back
  bnez s0, back
  blez a0, back
  bgez a0, back
  bltz a0, fwd
  bgtz a0, fwd
  bgt a0, a1, fwd
  ble a0, a1, fwd
  bgtu a0, a1, fwd
  bleu a0, a1, fwd
  beqz t0, fwd
  bnez t0, fwd
fwd:
  j back
  j fwd2
  jal fwd2
  jal t0, fwd2
  jr a0
  jr t0
  jr 8(a0)
  jalr a0
  jalr t1
  jalr 16(a1)
  jalr ra, a0
  jalr t0, 4(a1)
  jalr x0, a0, 0
  ret
fwd2:
  call fwd
  tail fwd
  unimp
  c.unimp
  ebreak
  ecall
  nop
