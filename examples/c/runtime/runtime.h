/* A minimal bare-metal runtime for Ringside's C examples: console output through the
 * ns16550a UART at 0x1000_0000 and exit through the SiFive test finisher at 0x10_0000,
 * both at the addresses of QEMU's virt board, so the same ELF runs on Ringside and QEMU.
 *
 * Build (see examples/build.sh):
 *   riscv64-linux-gnu-gcc -O2 -march=rv64imac -mabi=lp64 -nostdlib -ffreestanding \
 *     -fno-pie -no-pie -static -Wl,--build-id=none -T examples/c/runtime/link.ld \
 *     examples/c/runtime/crt0.S examples/c/runtime/runtime.c your.c -o your.elf
 * There is no libgcc for lp64 here: keep to what rv64imac does natively (64-bit multiply
 * and divide are instructions; no floating point). */
#ifndef RINGSIDE_RUNTIME_H
#define RINGSIDE_RUNTIME_H

typedef unsigned char uint8_t;
typedef unsigned short uint16_t;
typedef unsigned int uint32_t;
typedef unsigned long uint64_t;
typedef signed char int8_t;
typedef short int16_t;
typedef int int32_t;
typedef long int64_t;
typedef unsigned long size_t;
typedef unsigned long uintptr_t;

#define UART_BASE     0x10000000UL
#define FINISHER_BASE 0x100000UL

/* Writes one byte to the UART; returns it. */
int putchar(int c);
/* Writes s and a newline, like the C library's puts. */
int puts(const char *s);
/* Writes s without a newline. */
void print(const char *s);
/* Writes v as 0x followed by 16 hexadecimal digits. */
void print_hex(uint64_t v);
/* Writes v in decimal (signed). */
void print_dec(int64_t v);
/* Writes v in decimal (unsigned). */
void print_udec(uint64_t v);
/* Stops the machine through the test finisher: 0 is success, anything else a failure code. */
void exit(int code) __attribute__((noreturn));

/* gcc may emit calls to these even in freestanding code (struct copies, zeroing loops). */
void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
void *memmove(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);

#endif
