# Error case: a string literal with no closing quote before the end of the line.
# The message points at the opening quote, and the next line is still checked.
# expect: 6:10: unterminated string (missing closing ")
# expect: 7:10: unterminated string (missing closing ")
.data
  .asciz "hello
  .ascii "it's \"quoted\"
  .byte 1
