/* hello-c: the first C program to run on Ringside. It prints a greeting and a few computed
 * values through the UART and exits with code 0 through the test finisher.
 * Build it with examples/build.sh; run it with `node dist/cli.js run examples/hello-c/hello.elf`
 * (or under QEMU: qemu-system-riscv64 -M virt -bios none -nographic -kernel hello.elf). */
#include "runtime.h"

/* Iterative Fibonacci: fib(90) still fits in 64 bits. */
static uint64_t fib(unsigned n) {
  uint64_t a = 0, b = 1;
  while (n--) {
    uint64_t t = a + b;
    a = b;
    b = t;
  }
  return a;
}

static uint64_t factorial(unsigned n) {
  uint64_t f = 1;
  for (unsigned i = 2; i <= n; i++) f *= i;
  return f;
}

static uint64_t gcd(uint64_t a, uint64_t b) {
  while (b) {
    uint64_t t = a % b;
    a = b;
    b = t;
  }
  return a;
}

/* Number of primes below n, by trial division (exercises divide and remainder). */
static unsigned count_primes(unsigned n) {
  unsigned count = 0;
  for (unsigned k = 2; k < n; k++) {
    unsigned d = 2;
    while (d * d <= k && k % d) d++;
    if (d * d > k) count++;
  }
  return count;
}

/* FNV-1a over a string: exercises byte loads and 64-bit multiplies. */
static uint64_t fnv1a(const char *s) {
  uint64_t h = 0xcbf29ce484222325UL;
  while (*s) {
    h ^= (uint8_t)*s++;
    h *= 0x100000001b3UL;
  }
  return h;
}

static const char greeting[] = "Hello from C on RISC-V!";

int main(void) {
  puts(greeting);
  print("fib(90)          = "); print_udec(fib(90)); putchar('\n');
  print("20!              = "); print_udec(factorial(20)); putchar('\n');
  print("gcd(2^40, 6^15)  = "); print_udec(gcd(1UL << 40, 470184984576UL)); putchar('\n');
  print("primes below 1000 = "); print_udec(count_primes(1000)); putchar('\n');
  print("-7 * 6 / 4       = "); print_dec(-7L * 6 / 4); putchar('\n');
  print("fnv1a(greeting)  = "); print_hex(fnv1a(greeting)); putchar('\n');
  puts("Goodbye.");
  return 0;
}
