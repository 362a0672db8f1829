# Error case: instructions given too few or too many operands.
# The message states the operands the instruction takes, in the order it takes them.
# expect: 7:3: 'add' needs 3 operands (rd, rs1, rs2), got 2
# expect: 8:3: 'sw' needs 2 operands (rs2, offset(rs1)), got 1
# expect: 9:3: 'ret' takes no operands, got 1
# expect: 10:3: 'fmadd.s' needs 4 or 5 operands (fd, fs1, fs2, fs3[, rm]), got 3
  add a0, a1
  sw a0
  ret a0
  fmadd.s fa0, fa1, fa2
