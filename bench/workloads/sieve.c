/* Benchmark workload: the sieve of Eratosthenes up to LIMIT, run ROUNDS times.
 * Byte stores striding through a 1 MiB array (so memory access dominates), then a counting pass.
 * Prints the number of primes found (78498 below 10^6) and a checksum; exits 0. */
#include "runtime.h"

#define LIMIT 1000000
#define ROUNDS 20

static uint8_t composite[LIMIT + 1];

static unsigned sieve(void) {
  memset(composite, 0, sizeof composite);
  for (unsigned i = 2; i * i <= LIMIT; i++) {
    if (composite[i]) continue;
    for (unsigned j = i * i; j <= LIMIT; j += i) composite[j] = 1;
  }
  unsigned count = 0;
  for (unsigned i = 2; i <= LIMIT; i++) count += !composite[i];
  return count;
}

int main(void) {
  uint64_t checksum = 0;
  unsigned count = 0;
  for (int r = 0; r < ROUNDS; r++) {
    count = sieve();
    checksum = checksum * 31 + count;
  }
  print("sieve primes: ");
  print_udec(count);
  print(", checksum: ");
  print_hex(checksum);
  putchar('\n');
  return count == 78498 ? 0 : 1;
}
