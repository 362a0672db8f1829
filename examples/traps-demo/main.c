/* traps-demo: what happens when less-privileged code does something it may not do alone.
 *
 * M-mode (this file's main) installs a trap handler in mtvec, then drops to U-mode with
 * mret. The U-mode code makes a system call with ecall, tries to read a machine CSR
 * (a privileged instruction: illegal in U-mode), executes an all-zero instruction (illegal
 * everywhere) and an ebreak. Each one traps into M-mode, where handle_trap prints what
 * happened and moves mepc past the instruction. A last ecall returns control to M-mode.
 *
 * `npm run demo` runs this program with `ringside run --stats`; the statistics at the end
 * count the traps by cause and the privilege changes. Rebuild it with examples/build.sh. */
#include "runtime.h"

/* Saved by trap_entry (traps.S). */
struct trap_frame {
  uint64_t x[32]; /* x[0] is 0; x[2] is the interrupted sp */
  uint64_t mepc, mcause, mtval, pad;
};

void trap_entry(void);
void run_in_user_mode(void (*entry)(void), void *user_stack_top);
int pmp_allow_all(void);
int handle_trap(struct trap_frame *f);

/* System calls: number in a7, argument in a0, result in a0. */
enum { SYS_WRITE = 1, SYS_RETURN_TO_M = 2 };

static const char *const cause_names[16] = {
  [0] = "instruction address misaligned", [1] = "instruction access fault",
  [2] = "illegal instruction", [3] = "breakpoint",
  [4] = "load address misaligned", [5] = "load access fault",
  [6] = "store/AMO address misaligned", [7] = "store/AMO access fault",
  [8] = "ecall from U-mode", [9] = "ecall from S-mode", [11] = "ecall from M-mode",
  [12] = "instruction page fault", [13] = "load page fault", [15] = "store/AMO page fault",
};

static unsigned traps_handled;

/* Length of the instruction at pc: 2 for compressed ones, else 4. */
static unsigned insn_length(uint64_t pc) {
  return (*(volatile uint16_t *)pc & 3) == 3 ? 4 : 2;
}

/* Called by trap_entry in M-mode. Returns 1 to leave U-mode for good, 0 to resume at mepc. */
int handle_trap(struct trap_frame *f) {
  uint64_t cause = f->mcause;
  const char *name = cause < 16 && cause_names[cause] ? cause_names[cause] : "unexpected trap";
  traps_handled++;
  print("  M-mode trap handler: ");
  print(name);
  print(" (mcause ");
  print_udec(cause);
  print(") at mepc ");
  print_hex(f->mepc);
  putchar('\n');

  switch (cause) {
  case 8: /* ecall from U-mode: a system call */
    if (f->x[17] == SYS_WRITE) {
      print("    write: ");
      print((const char *)f->x[10]); /* no paging here: U-mode's pointer is a physical address */
      f->x[10] = 0;
      f->mepc += 4; /* resume after the ecall (always 4 bytes) */
      return 0;
    }
    if (f->x[17] == SYS_RETURN_TO_M) {
      puts("    return to M-mode");
      return 1;
    }
    print("    unknown system call ");
    print_udec(f->x[17]);
    putchar('\n');
    f->x[10] = (uint64_t)-1;
    f->mepc += 4;
    return 0;
  case 2: /* illegal instruction: mtval holds the instruction's bits */
  case 3: /* breakpoint */
    print("    mtval = ");
    print_hex(f->mtval);
    print(", skipping ");
    print_udec(insn_length(f->mepc));
    puts(" bytes");
    f->mepc += insn_length(f->mepc);
    return 0;
  default:
    print("    mtval = ");
    print_hex(f->mtval);
    puts(", giving up");
    exit(3);
  }
}

/* ---- U-mode ---- */

static long sys_write(const char *s) {
  register long a0 __asm__("a0") = (long)s;
  register long a7 __asm__("a7") = SYS_WRITE;
  __asm__ volatile("ecall" : "+r"(a0) : "r"(a7) : "memory");
  return a0;
}

static void sys_return_to_m(void) {
  register long a7 __asm__("a7") = SYS_RETURN_TO_M;
  __asm__ volatile("ecall" : : "r"(a7) : "memory");
}

static void user_main(void) {
  sys_write("hello from U-mode, through an ecall\n");
  /* A privileged instruction: reading a machine CSR is illegal below M-mode. */
  __asm__ volatile(".option push\n.option arch, +zicsr\ncsrr t0, mstatus\n.option pop" ::: "t0");
  /* The all-zero halfword is defined to be illegal everywhere. */
  __asm__ volatile(".2byte 0");
  /* A breakpoint, as a debugger would plant it. */
  __asm__ volatile("ebreak");
  sys_write("U-mode survived all of that; back to M-mode\n");
  sys_return_to_m();
}

static uint64_t user_stack[512] __attribute__((aligned(16)));

/* ---- M-mode ---- */

int main(void) {
  puts("=== Ringside traps demo: M-mode, U-mode and the traps between them ===");
  pmp_allow_all();
  __asm__ volatile(".option push\n.option arch, +zicsr\ncsrw mtvec, %0\n.option pop" : : "r"(trap_entry));
  print("M-mode: trap handler installed at ");
  print_hex((uint64_t)trap_entry);
  puts(" (mtvec)");
  print("M-mode: mret into U-mode at ");
  print_hex((uint64_t)user_main);
  putchar('\n');

  run_in_user_mode(user_main, user_stack + sizeof user_stack / sizeof user_stack[0]);

  print("M-mode again: handled ");
  print_udec(traps_handled);
  puts(" traps from U-mode. Goodbye.");
  return 0;
}
