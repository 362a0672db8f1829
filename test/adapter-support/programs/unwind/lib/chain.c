/* The deep end of the call chain: noinline keeps every frame real at -O2, and a local array forces a stack frame.
 * No call is in tail position: GDB would show a tail-called function's caller twice (a frame it synthesizes from
 * DW_TAG_call_site), which a stack unwinder cannot know. */
#include "chain.h"

extern volatile long sink;

__attribute__((noinline)) long leaf(long x) {
  sink = x;
  return x * 7;
}

__attribute__((noinline)) long recurse(long n, long acc) {
  volatile long scratch[4];
  scratch[n & 3] = acc;
  if (n == 0) return leaf(acc + scratch[0]) - scratch[1];
  long r = recurse(n - 1, acc + n);
  sink = r;
  return r + scratch[n & 3];
}

__attribute__((noinline)) long level2(long x) {
  long a = recurse(3, x + 1);
  sink = a;
  return a + 1;
}

__attribute__((noinline)) long level1(long x) {
  long b = level2(x * 2);
  sink = b;
  return b + 2;
}
