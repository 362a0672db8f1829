# Error case: a label defined twice in one file (numeric local labels may repeat; named ones may not).
# The message points at the second definition and names the line of the first.
# expect: 10:1: label 'loop' is already defined at line 7
# expect: 12:1: label '_start' is already defined at line 5
_start:
1:
loop:
  nop
1:
loop:
  nop
_start:
  j loop
