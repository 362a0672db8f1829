/* The bare-metal runtime's console and exit (see runtime.h). */
#include "runtime.h"

#define UART_THR 0 /* transmit holding register */
#define UART_LSR 5 /* line status register */
#define LSR_THRE 0x20 /* transmit holding register empty */

static volatile uint8_t *const uart = (volatile uint8_t *)UART_BASE;

int putchar(int c) {
  while (!(uart[UART_LSR] & LSR_THRE)) {
  }
  uart[UART_THR] = (uint8_t)c;
  return (uint8_t)c;
}

void print(const char *s) {
  while (*s) putchar(*s++);
}

int puts(const char *s) {
  print(s);
  putchar('\n');
  return 0;
}

void print_hex(uint64_t v) {
  static const char digits[] = "0123456789abcdef";
  print("0x");
  for (int shift = 60; shift >= 0; shift -= 4) putchar(digits[(v >> shift) & 0xf]);
}

void print_udec(uint64_t v) {
  char buf[20];
  int n = 0;
  do {
    buf[n++] = (char)('0' + v % 10);
    v /= 10;
  } while (v);
  while (n) putchar(buf[--n]);
}

void print_dec(int64_t v) {
  if (v < 0) {
    putchar('-');
    print_udec(-(uint64_t)v);
  } else {
    print_udec((uint64_t)v);
  }
}

void exit(int code) {
  volatile uint32_t *finisher = (volatile uint32_t *)FINISHER_BASE;
  /* 0x5555 = pass; 0x3333 with the code in the upper 16 bits = fail with that code. */
  *finisher = code == 0 ? 0x5555u : (((uint32_t)code & 0xffffu) << 16) | 0x3333u;
  for (;;) {
  }
}

void *memset(void *d, int c, size_t n) {
  volatile uint8_t *p = d; /* volatile: stop gcc turning this loop back into a memset call */
  while (n--) *p++ = (uint8_t)c;
  return d;
}

void *memcpy(void *d, const void *s, size_t n) {
  volatile uint8_t *p = d;
  const uint8_t *q = s;
  while (n--) *p++ = *q++;
  return d;
}

void *memmove(void *d, const void *s, size_t n) {
  volatile uint8_t *p = d;
  const uint8_t *q = s;
  if (p < q) {
    while (n--) *p++ = *q++;
  } else {
    p += n;
    q += n;
    while (n--) *--p = *--q;
  }
  return d;
}

int memcmp(const void *a, const void *b, size_t n) {
  const uint8_t *p = a, *q = b;
  for (; n; n--, p++, q++) {
    if (*p != *q) return *p < *q ? -1 : 1;
  }
  return 0;
}
