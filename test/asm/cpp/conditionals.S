// #if, #ifdef, #ifndef, #elif, #else and #endif, with every operator #if knows.
#define V 3
#define ZERO 0
#define F(x) (x * 2)
#if V == 3
  v_is_3
#else
  wrong_1
#endif
#ifdef V
  v_defined
#endif
#ifndef V
  wrong_2
#elif defined(ZERO) && defined ZERO && !defined NOPE
  elif_taken
#else
  wrong_3
#endif
#if 1 + 2 * 3 - 4 / 2 % 3 == 5 && (1 << 4) == 16 && (256 >> 4) == 16 && 5 > 4 && 4 < 5 && 4 <= 4 && 5 >= 5 && 3 != 4
  arithmetic_ok
#endif
#if (6 & 3) == 2 && (6 | 1) == 7 && (6 ^ 3) == 5 && ~0 == -1 && !0 && -1 < 0 && +2 == 2
  bitwise_ok
#endif
#if (ZERO ? 1 : 2) == 2 && (1 ? 3 : 4) == 3 && (0 || 1) && !(1 && 0) && (1, 2) == 2
  logic_ok
#endif
#if 'a' == 97 && '\n' == 10 && '\0' == 0 && '\x41' == 65 && '\377' == 255 && 'ab' == 24930
  chars_ok
#endif
#if 0x10 == 16 && 010 == 8 && 0b101 == 5 && 10u == 10 && 10UL == 10 && -1 > 0u && 0xffffffffffffffff == -1
  numbers_ok
#endif
#if UNKNOWN == 0 && F(V) == 6 && (0 && 1 / 0) == 0 && (1 || 1 % 0)
  identifiers_and_macros_ok
#endif
#if 0
  #error this is skipped
  #bogus directive in a skipped block
  don't
  #if 1
    wrong_4
  #else
    wrong_5
  #endif
#elif V > 2
  nested_outer
# if V > 5
  wrong_6
# elif V > 2
  nested_inner
# endif
#endif
#ifdef NOPE
  wrong_7
#else
  else_taken
#endif
#if defined V && V - 3
  wrong_8
#endif
#undef V
#ifdef V
  wrong_9
#endif
#if __ASSEMBLER__ && __riscv && __riscv_xlen == 64
  predefined_ok
#endif
