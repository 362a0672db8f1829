# Error case: .include of a file that is neither next to this source nor in an include directory.
# The message names the file as written.
# expect: 5:10: cannot open include file 'no-such-file.inc'
.text
.include "no-such-file.inc"
  nop
