# Error case: misspelled directives, each with the closest directive the assembler knows.
# A directive is any word starting with a dot in mnemonic position.
# expect: 6:3: unknown directive '.wrod' — did you mean '.word'?
# expect: 7:1: unknown directive '.sectoin' — did you mean '.section'?
.data
  .wrod 5
.sectoin .rodata
  .byte 1
