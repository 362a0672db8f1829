# Error case: misspelled instructions and pseudo-instructions, each with the closest known name.
# Suggestions come from instructions and pseudo-instructions alike.
# expect: 7:3: unknown instruction 'addd' — did you mean 'add'?
# expect: 8:3: unknown instruction 'lii' — did you mean 'li'?
# expect: 9:3: unknown instruction 'fadd.q' — did you mean 'fadd.d'?
# expect: 10:3: unknown instruction 'csrrww' — did you mean 'csrrw'?
  addd a0, a1, a2
  lii a0, 5
  fadd.q fa0, fa1, fa2
  csrrww a0, mstatus, a1
