// Object-like and function-like macros: arguments, rescanning, # and ##, variadics, invocations over lines.
#define ONE 1
#define TWO (ONE + ONE)
#define ADD(a, b) ((a) + (b))
#define FIRST(a, b) a
#define ID(x) x
#define EMPTY
#define CALL(f, x) f(x)
#define LPAREN (
#define STR(x) #x
#define XSTR(x) STR(x)
#define CAT(a, b) a ## b
#define XCAT(a, b) CAT(a, b)
#define SELF SELF + 1
#define PING PONG
#define PONG PING
#define LOG(fmt, ...) call fmt, ## __VA_ARGS__
#define NAMED(args...) [args]
#define VA(...) {__VA_ARGS__}
#define NOARGS() nothing
#define LOAD(rd, sym) la rd, sym; ld rd, 0(rd)
  li a0, TWO
  li a1, ADD(ONE, TWO)
  li a2, ADD((1, 2), (3, (4)))
  li a3, FIRST(ID(ONE), ID(TWO))
  li a4, CALL(ID, ONE)
  li a5, ID(ID)(ID(7))
  li a6, ID EMPTY (8)
  x EMPTY y EMPTY
  SELF PING PONG
  .ascii STR(  spaced   out  "q\n" 'c' )
  .ascii XSTR(TWO) STR(TWO) STR()
  CAT(l, i) a0, CAT(1, 2) CAT(, x) CAT(x, ) CAT(ONE, TWO) XCAT(ONE, 2)
  CAT(+, =) CAT(., 5) CAT(<, <)
  LOG(a) LOG(a, b) LOG(a, ) LOG(a, b, c)
  NAMED(1, 2) NAMED() VA() VA(x,y ,  z)
  NOARGS() NOARGS
  LOAD(t0, table)
  li a7, ADD(1,
             2)
  li t1, ID
  (9)
  li t2, ID

  (10)
  li t3, ID
  li t4, __LINE__
  .ascii __FILE__
  li t5, __COUNTER__ + __COUNTER__
#undef ONE
  li t6, TWO ONE
