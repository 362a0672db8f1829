/* The call chain's functions (lib/chain.c). */
long level1(long x);
long level2(long x);
long recurse(long n, long acc);
long leaf(long x);
