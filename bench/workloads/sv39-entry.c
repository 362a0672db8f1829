/* Runs a workload under virtual memory: main (renamed by -Wl,--wrap=main) is entered in S-mode with
 * Sv39 on, through identity gigapages (devices at 0..1 GiB, RAM at 2..3 GiB). The same workload with
 * and without this file shows what address translation costs. */
#include <stdint.h>

int __real_main(void);

static uint64_t root[512] __attribute__((aligned(4096)));

int __wrap_main(void) {
  root[0] = 0xc7;                                       /* 0x0000_0000: V R W A D (MMIO) */
  root[2] = ((0x80000000ul >> 12) << 10) | 0xcf;        /* 0x8000_0000: V R W X A D (RAM) */
  uint64_t satp = (8ul << 60) | ((uint64_t)(uintptr_t)root >> 12);
  __asm__ volatile(
      ".option push\n.option arch, +zicsr\n"
      /* QEMU enforces PMP below M-mode: open all of memory. */
      "li t0, -1\n csrw pmpaddr0, t0\n li t0, 0x1f\n csrw pmpcfg0, t0\n"
      "csrw satp, %0\n sfence.vma\n"
      /* MPP = S, then "return" into S-mode at the next instruction. */
      "li t0, 0x1800\n csrc mstatus, t0\n li t0, 0x800\n csrs mstatus, t0\n"
      "la t0, 1f\n csrw mepc, t0\n mret\n1:\n"
      ".option pop\n"
      : : "r"(satp) : "t0", "memory");
  return __real_main();
}
