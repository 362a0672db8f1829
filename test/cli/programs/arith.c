/* Differential test program: M-extension and shift edge cases on values that stress 64-bit
 * arithmetic (sign bits, all ones, INT64_MIN, divide by zero and overflow). Prints one line per
 * operation with a hash of all results, so a mismatch with QEMU names the operation. */
#include "runtime.h"

static const uint64_t values[] = {
  0, 1, 2, 3, 7, 108, 0x7f, 0x80, 0xff, 0x7fffffffUL, 0x80000000UL, 0xffffffffUL, 0x100000000UL,
  0x123456789abcdefUL, 0x7fffffffffffffffUL, 0x8000000000000000UL, 0x8000000000000001UL,
  0xf2fd144e33f86187UL, 0xfffffffffffffffeUL, 0xffffffffffffffffUL, 0xfff0000000000000UL,
  0x00000fffffffffffUL, 0x0010000000000000UL,
};
#define N (sizeof values / sizeof values[0])

/* Each operation as a function so that gcc cannot fold it. */
#define OP(name, expr) \
  static __attribute__((noinline)) uint64_t op_##name(uint64_t a, uint64_t b) { return (expr); }
OP(mul, a * b)
OP(mulh, (uint64_t)({ int64_t r; __asm__("mulh %0,%1,%2" : "=r"(r) : "r"(a), "r"(b)); r; }))
OP(mulhu, (uint64_t)({ uint64_t r; __asm__("mulhu %0,%1,%2" : "=r"(r) : "r"(a), "r"(b)); r; }))
OP(mulhsu, (uint64_t)({ uint64_t r; __asm__("mulhsu %0,%1,%2" : "=r"(r) : "r"(a), "r"(b)); r; }))
OP(div, (uint64_t)({ int64_t r; __asm__("div %0,%1,%2" : "=r"(r) : "r"(a), "r"(b)); r; }))
OP(divu, (uint64_t)({ uint64_t r; __asm__("divu %0,%1,%2" : "=r"(r) : "r"(a), "r"(b)); r; }))
OP(rem, (uint64_t)({ int64_t r; __asm__("rem %0,%1,%2" : "=r"(r) : "r"(a), "r"(b)); r; }))
OP(remu, (uint64_t)({ uint64_t r; __asm__("remu %0,%1,%2" : "=r"(r) : "r"(a), "r"(b)); r; }))
OP(mulw, (uint64_t)({ int64_t r; __asm__("mulw %0,%1,%2" : "=r"(r) : "r"(a), "r"(b)); r; }))
OP(divw, (uint64_t)({ int64_t r; __asm__("divw %0,%1,%2" : "=r"(r) : "r"(a), "r"(b)); r; }))
OP(divuw, (uint64_t)({ int64_t r; __asm__("divuw %0,%1,%2" : "=r"(r) : "r"(a), "r"(b)); r; }))
OP(remw, (uint64_t)({ int64_t r; __asm__("remw %0,%1,%2" : "=r"(r) : "r"(a), "r"(b)); r; }))
OP(remuw, (uint64_t)({ int64_t r; __asm__("remuw %0,%1,%2" : "=r"(r) : "r"(a), "r"(b)); r; }))
OP(sll, a << (b & 63))
OP(srl, a >> (b & 63))
OP(sra, (uint64_t)((int64_t)a >> (b & 63)))
OP(sltu, a < b)
OP(slt, (int64_t)a < (int64_t)b)

static void check(const char *name, uint64_t (*f)(uint64_t, uint64_t)) {
  uint64_t h = 0xcbf29ce484222325UL;
  for (unsigned i = 0; i < N; i++) {
    for (unsigned j = 0; j < N; j++) {
      h ^= f(values[i], values[j]);
      h *= 0x100000001b3UL;
    }
  }
  print(name);
  print(": ");
  print_hex(h);
  putchar('\n');
}

int main(void) {
  check("mul", op_mul); check("mulh", op_mulh); check("mulhu", op_mulhu); check("mulhsu", op_mulhsu);
  check("div", op_div); check("divu", op_divu); check("rem", op_rem); check("remu", op_remu);
  check("mulw", op_mulw); check("divw", op_divw); check("divuw", op_divuw); check("remw", op_remw);
  check("remuw", op_remuw); check("sll", op_sll); check("srl", op_srl); check("sra", op_sra);
  check("sltu", op_sltu); check("slt", op_slt);
  return 0;
}
