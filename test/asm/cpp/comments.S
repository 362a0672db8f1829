// Comments the way cpp strips them in assembler mode: # comments stay (apostrophes and all), C comments go.
#define REG a0
# don't expand inside quotes: it's REG's job
  li REG, 1          # it's REG here, and 'REG' there
  li REG, 'x'        // a C++ comment with REG in it
  addi REG, REG, /* inline REG */ 2
  addi REG, REG, 3   /* a comment
                        over two lines with a ' and a " in it */ addi REG, REG, 4
  .ascii "REG /* not a comment */ // nor this"
  .ascii "unterminated REG
  li t0, 'REG  # an unterminated character constant runs to the end of the line
#0x10 is not a directive and stays
# 12 "neither" is this line marker
  #indented REG comment
#
#   
  addi REG, REG, \
       5
#define LONG 1 + \
  2 + \
  3
  li REG, LONG
  li REG, 6 \   
  # a backslash followed by spaces still joins lines
/* a comment at the start */ li REG, 7
