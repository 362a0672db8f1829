# Error case: references to labels that no file defines.
# Each use is reported where it appears, even when the same name is missing twice.
# expect: 8:5: undefined symbol 'nowhere'
# expect: 9:10: undefined symbol 'missing_data'
# expect: 10:15: undefined symbol 'nowhere'
.text
_start:
  j nowhere
  la a0, missing_data
  beq a0, a1, nowhere
