// #include "..." relative to the including file, then the include directories; <...> only the include directories.
#include "sub/local.inc"
#include <shared.inc>
#include "shared.inc"
#include "sub/guarded.inc"
#include "sub/guarded.inc"
#include "sub/once.inc"
#include "sub/once.inc"
#define HEADER "sub/local.inc"
#include HEADER
  li a0, LOCAL + SHARED + GUARDED
  .ascii __FILE__
