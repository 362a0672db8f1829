/* F and D on real compiled code: arithmetic, fused multiply-add, square roots, conversions and
 * comparisons in every rounding mode, with the accrued exception flags. Built for rv64gc/lp64d;
 * QEMU's virt board is the oracle: every line must match. */
#include "runtime.h"

static unsigned flags(void) { unsigned f; __asm__ volatile("frflags %0" : "=r"(f)); return f; }
static void clear_flags(void) { __asm__ volatile("fsflags zero"); }
static void set_rm(unsigned rm) { __asm__ volatile("fsrm %0" : : "r"(rm)); }

static uint64_t bits_d(double d) { union { double d; uint64_t u; } x = { .d = d }; return x.u; }
static uint32_t bits_f(float f) { union { float f; uint32_t u; } x = { .f = f }; return x.u; }

static void show_d(const char *what, double v) {
  print(what); print(" = "); print_hex(bits_d(v)); print(" flags "); print_hex(flags()); putchar(10);
  clear_flags();
}
static void show_f(const char *what, float v) {
  print(what); print(" = "); print_hex(bits_f(v)); print(" flags "); print_hex(flags()); putchar(10);
  clear_flags();
}
static void show_i(const char *what, int64_t v) {
  print(what); print(" = "); print_hex((uint64_t)v); print(" flags "); print_hex(flags()); putchar(10);
  clear_flags();
}

/* volatile keeps the compiler from folding at build time: the machine must compute these. */
static volatile double one = 1.0, three = 3.0, tiny = 1e-310, huge = 1.7e308, zero = 0.0, two = 2.0, big = 9.3e18;
static volatile float onef = 1.0f, threef = 3.0f, tinyf = 1e-40f, hugef = 3.3e38f, tenth = 0.1f;
static volatile int64_t i64 = -1234567890123LL;
static volatile uint64_t u64 = 0xfedcba9876543210ULL;

static double fmin_d(double a, double b) { double r; __asm__("fmin.d %0, %1, %2" : "=f"(r) : "f"(a), "f"(b)); return r; }
static double fmax_d(double a, double b) { double r; __asm__("fmax.d %0, %1, %2" : "=f"(r) : "f"(a), "f"(b)); return r; }

static double newton_sqrt(double x) {
  double g = x;
  for (int i = 0; i < 30; i++) g = 0.5 * (g + x / g);
  return g;
}

int main(void) {
  static const char *modes[] = { "rne", "rtz", "rdn", "rup", "rmm" };
  clear_flags();
  for (unsigned rm = 0; rm < 5; rm++) {
    set_rm(rm);
    print("-- rounding mode "); puts(modes[rm]);
    show_d("1/3", one / three);
    show_d("-1/3", -one / three);
    show_f("1f/3f", onef / threef);
    show_d("sqrt 2", __builtin_sqrt(two));
    show_f("sqrtf 3", __builtin_sqrtf(threef));
    show_d("fma(1/3,3,-1)", __builtin_fma(one / three, three, -one));
    show_f("fmaf(0.1,10,-1)", __builtin_fmaf(tenth, 10.0f, -onef));
    show_d("huge*huge", huge * huge);
    show_d("tiny*tiny", tiny * tiny);
    show_d("tiny/3", tiny / three);
    show_f("tinyf*0.5", tinyf * 0.5f);
    show_f("hugef+hugef", hugef + hugef);
    show_d("1/0", one / zero);
    show_d("0/0", zero / zero);
    show_d("(double)int64", (double)i64);
    show_d("(double)uint64", (double)u64);
    show_f("(float)uint64", (float)u64);
    show_f("(float)(1/3)", (float)(one / three));
    show_d("(double)0.1f", (double)tenth);
    show_i("(int64)big", (int64_t)big);
    show_i("(int32)-2.5", (int32_t)(-two - 0.5));
    show_i("(uint64)-1.0", (int64_t)(uint64_t)(-one));
    show_i("(int64)(1/3*3e9)", (int64_t)(one / three * 3e9));
    show_i("lrint 2.5", __builtin_lrint(two + 0.5));
    show_i("lrint -2.5", __builtin_lrint(-two - 0.5));
  }
  set_rm(0);
  show_d("newton sqrt 10", newton_sqrt(10.0 * one));
  double acc = 0;
  for (int i = 1; i <= 1000; i++) acc += one / (double)i / (double)i;
  show_d("sum 1/i^2", acc);
  float accf = 0;
  for (int i = 1; i <= 1000; i++) accf += tenth * (float)i;
  show_f("sum 0.1*i", accf);
  show_i("1 < nan", one < zero / zero);
  show_i("nan == nan", (zero / zero) == (zero / zero));
  show_d("fmin(nan,1)", fmin_d(zero / zero, one));
  show_d("fmax(-0,+0)", fmax_d(-zero, zero));
  show_i("isless", __builtin_isless(one, zero / zero));
  return 0;
}
