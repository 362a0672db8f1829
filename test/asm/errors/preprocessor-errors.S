# Error case: preprocessor conditionals out of balance, and an include of a file that is not there.
# Our assembler reports all three; the C preprocessor stops at the missing include.
# expect: 8:1: '#endif' without a matching '#if'
# expect: 9:10: cannot open include file 'not-there.h'
# expect: 10:1: '#else' without a matching '#if'
.text
  nop
#endif
#include "not-there.h"
#else
  nop
