# Error case: alignment arguments that are not powers of two, or too large to be byte counts of alignment.
# .align and .p2align take an exponent; .balign takes a byte count that must be a power of two.
# expect: 7:11: alignment 6 is not a power of two
# expect: 8:11: alignment 3 is not a power of two
# expect: 9:12: alignment exponent 64 is too large (at most 16)
.data
  .balign 6
  .balign 3, 0xff
  .p2align 64
