/* Benchmark workload: a mix of unpredictable branches, loads and stores to a 128 KiB table,
 * 64- and 32-bit multiplies, an occasional divide, and calls: roughly what "ordinary" code
 * does, unlike the tight loops of crc32 and sieve. Prints a checksum and exits 0. */
#include "runtime.h"

#define TABLE_WORDS (16 * 1024) /* 128 KiB of uint64_t */
#define ITERATIONS 12000000UL

static uint64_t table[TABLE_WORDS];

static __attribute__((noinline)) uint64_t step(uint64_t v, uint64_t x) {
  switch ((x >> 60) & 3) {
  case 0: return v * 0x9e3779b97f4a7c15UL + x;
  case 1: return (v >> 7) ^ (v << 9) ^ x;
  case 2: return (uint32_t)v * (uint32_t)(x >> 32) + (uint32_t)(v >> 32);
  default: return v + (x | 1) / ((v & 0xff) + 1);
  }
}

int main(void) {
  uint64_t x = 0x853c49e6748fea9bUL, sum = 0;
  for (unsigned i = 0; i < TABLE_WORDS; i++) table[i] = i * 0x2545f4914f6cdd1dUL;
  for (uint64_t i = 0; i < ITERATIONS; i++) {
    x = x * 6364136223846793005UL + 1442695040888963407UL;
    unsigned idx = (unsigned)(x >> 33) & (TABLE_WORDS - 1);
    uint64_t v = table[idx];
    if (v & 1) {
      v = step(v, x);
    } else if (v & 2) {
      v = (v >> 1) ^ (x >> 17);
    } else {
      int32_t w = (int32_t)v;
      w = w * 7 - (int32_t)(x >> 40);
      v = (v & ~0xffffffffUL) | (uint32_t)w;
    }
    table[idx] = v;
    sum += v ^ table[(idx + 1) & (TABLE_WORDS - 1)];
  }
  print("mix checksum: ");
  print_hex(sum);
  putchar('\n');
  return 0;
}
