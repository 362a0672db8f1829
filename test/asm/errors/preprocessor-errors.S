# Error case: preprocessor conditionals out of balance, and an include of a file that is not there.
# Our assembler reports all three; the C preprocessor stops at the missing include.
# expect: 8:2: #endif without a matching #if
# expect: 9:10: cannot find include file 'not-there.h' (looked in: test/asm/errors)
# expect: 10:2: #else without a matching #if
.text
  nop
#endif
#include "not-there.h"
#else
  nop
