# Error case: macro terminators with no macro open, and a repeat terminator with no repeat open.
# Macro definitions that do close are fine before and after.
# expect: 10:1: '.endm' without a matching '.macro'
# expect: 11:1: '.endr' without a matching '.rept' or '.irp'
.macro ok
  nop
.endm
.text
  ok
.endm
.endr
  ok
