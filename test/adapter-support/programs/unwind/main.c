/* A call chain across two files for the unwinder and line-table tests: main -> level1 -> level2 -> recurse x3 -> leaf.
 * Compiled at -O0 and -O2, with and without frame pointers; test/adapter-support compares the stacks with GDB's. */
#include "runtime.h"
#include "lib/chain.h"

volatile long sink;

int main(void) {
  long r = level1(3);
  sink = r;
  print_dec(r);
  putchar('\n');
  return 0;
}
