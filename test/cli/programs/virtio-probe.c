/* A tiny virtio-mmio (version 2) block driver that prints what the device answers, to be run on QEMU's virt board
 * and on Ringside with the same two disks (test/cli/virtio.test.ts): registers of a read-write disk (0x10008000),
 * a read-only one (0x10007000) and an empty slot, then requests and their status bytes, interrupts and a broken chain. */
#include "runtime.h"

#define DISK0 0x10008000UL
#define DISK1 0x10007000UL
#define EMPTY 0x10006000UL
#define REG(base, off) (*(volatile uint32_t *)((base) + (off)))

enum { MAGIC = 0x0, VERSION = 0x4, DEVICE_ID = 0x8, VENDOR_ID = 0xc, DEVICE_FEATURES = 0x10, DEVICE_FEATURES_SEL = 0x14,
  DRIVER_FEATURES = 0x20, DRIVER_FEATURES_SEL = 0x24, QUEUE_SEL = 0x30, QUEUE_NUM_MAX = 0x34, QUEUE_NUM = 0x38,
  QUEUE_READY = 0x44, QUEUE_NOTIFY = 0x50, INTERRUPT_STATUS = 0x60, INTERRUPT_ACK = 0x64, STATUS = 0x70,
  QUEUE_DESC = 0x80, QUEUE_DRIVER = 0x90, QUEUE_DEVICE = 0xa0, CONFIG = 0x100 };
enum { ACKNOWLEDGE = 1, DRIVER = 2, DRIVER_OK = 4, FEATURES_OK = 8 };
enum { T_IN = 0, T_OUT = 1, T_FLUSH = 4, T_GET_ID = 8 };
enum { NEXT = 1, WRITE = 2 };
#define NUM 8

struct desc { uint64_t addr; uint32_t len; uint16_t flags, next; };
static struct desc table[NUM] __attribute__((aligned(16)));
static struct { uint16_t flags, idx, ring[NUM], used_event; } avail __attribute__((aligned(2)));
static struct { uint16_t flags, idx; struct { uint32_t id, len; } ring[NUM]; uint16_t avail_event; } used __attribute__((aligned(4)));
static struct { uint32_t type, reserved; uint64_t sector; } header;
static uint8_t data[1024];
static volatile uint8_t status;
static uint16_t seen;

#define PLIC 0x0c000000UL
#define PLIC_ENABLE_M 0x2000      /* hart 0, M-mode context */
#define PLIC_CLAIM_M 0x200004

static volatile uint64_t trap_cause;
static volatile uint64_t irq_base;     /* the slot whose interrupt the handler acknowledges */
static volatile uint32_t irq_source, irq_isr;

/* External interrupts: claim, acknowledge the device, complete. Exceptions: skip the faulting load or store and
 * remember why it faulted. */
__attribute__((interrupt("machine"), aligned(4))) static void trap(void) {
  uint64_t cause, epc;
  __asm__ volatile("csrr %0, mcause" : "=r"(cause));
  if ((int64_t)cause < 0) {
    uint32_t id = REG(PLIC, PLIC_CLAIM_M);
    irq_source = id;
    irq_isr = REG(irq_base, INTERRUPT_STATUS);
    REG(irq_base, INTERRUPT_ACK) = irq_isr;
    REG(PLIC, PLIC_CLAIM_M) = id;
    return;
  }
  __asm__ volatile("csrr %0, mepc" : "=r"(epc));
  trap_cause = cause;
  epc += (*(volatile uint16_t *)epc & 3) == 3 ? 4 : 2;
  __asm__ volatile("csrw mepc, %0" : : "r"(epc));
}

static void show(const char *label, uint64_t v) {
  print(label);
  print(" = ");
  print_hex(v);
  putchar('\n');
}

static void registers(const char *name, uint64_t base) {
  puts(name);
  show("  magic", REG(base, MAGIC));
  show("  version", REG(base, VERSION));
  show("  device", REG(base, DEVICE_ID));
  show("  vendor", REG(base, VENDOR_ID));
  /* Only the features both offer: QEMU offers more (SEG_MAX, BLK_SIZE, DISCARD…), which Ringside does not model. */
  REG(base, DEVICE_FEATURES_SEL) = 0;
  show("  features 0 (RO, FLUSH, INDIRECT_DESC)", REG(base, DEVICE_FEATURES) & ((1u << 5) | (1u << 9) | (1u << 28)));
  REG(base, DEVICE_FEATURES_SEL) = 1;
  show("  features 1 (VERSION_1)", REG(base, DEVICE_FEATURES) & 1);
  show("  queue num max", REG(base, QUEUE_NUM_MAX));
  show("  capacity low", REG(base, CONFIG));
  show("  capacity high", REG(base, CONFIG + 4));
  show("  capacity byte 1", *(volatile uint8_t *)(base + CONFIG + 1));
  show("  status", REG(base, STATUS));
  show("  byte read of magic", *(volatile uint8_t *)(base + MAGIC));
  trap_cause = 0;
  (void)REG(base, 0x200);
  show("  load at 0x200: mcause", trap_cause);
  trap_cause = 0;
  REG(base, 0x200) = 0;
  show("  store at 0x200: mcause", trap_cause);
}

static void start(uint64_t base) {
  /* Fresh rings, as a driver allocates them: a used index left over from another device would look like an answer. */
  memset(&avail, 0, sizeof avail);
  memset(&used, 0, sizeof used);
  seen = 0;
  REG(base, STATUS) = 0;
  REG(base, STATUS) = ACKNOWLEDGE;
  REG(base, STATUS) = ACKNOWLEDGE | DRIVER;
  REG(base, DRIVER_FEATURES_SEL) = 0;
  REG(base, DRIVER_FEATURES) = 0;
  REG(base, DRIVER_FEATURES_SEL) = 1;
  REG(base, DRIVER_FEATURES) = 1; /* VERSION_1 */
  REG(base, STATUS) = ACKNOWLEDGE | DRIVER | FEATURES_OK;
  show("  status after FEATURES_OK", REG(base, STATUS));
  REG(base, QUEUE_SEL) = 0;
  show("  queue ready before setup", REG(base, QUEUE_READY));
  REG(base, QUEUE_NUM) = NUM;
  REG(base, QUEUE_DESC) = (uint32_t)(uintptr_t)table;
  REG(base, QUEUE_DESC + 4) = 0;
  REG(base, QUEUE_DRIVER) = (uint32_t)(uintptr_t)&avail;
  REG(base, QUEUE_DRIVER + 4) = 0;
  REG(base, QUEUE_DEVICE) = (uint32_t)(uintptr_t)&used;
  REG(base, QUEUE_DEVICE + 4) = 0;
  REG(base, QUEUE_READY) = 1;
  REG(base, STATUS) = ACKNOWLEDGE | DRIVER | FEATURES_OK | DRIVER_OK;
  show("  queue ready", REG(base, QUEUE_READY));
}

static void set_desc(int i, void *addr, uint32_t len, uint16_t flags) {
  table[i].addr = (uintptr_t)addr;
  table[i].len = len;
  table[i].flags = flags;
  table[i].next = (uint16_t)(i + 1);
}

/* Makes the chain starting at descriptor 0 available, notifies, and waits for it to be used (QEMU completes
 * requests asynchronously; Ringside at the notification). Returns the used length. */
static uint32_t submit(uint64_t base) {
  avail.ring[avail.idx % NUM] = 0;
  __sync_synchronize();
  avail.idx++;
  __sync_synchronize();
  REG(base, QUEUE_NOTIFY) = 0;
  for (uint64_t spins = 0; *(volatile uint16_t *)&used.idx == seen; spins++) {
    if (spins == 2000000000UL) { puts("  no answer"); return 0; }
  }
  __sync_synchronize();
  uint32_t len = used.ring[seen % NUM].len;
  seen++;
  return len;
}

/* One request: header, optional data (len bytes, device-writable for reads), status. */
static uint32_t request(uint64_t base, uint32_t type, uint64_t sector, uint32_t len) {
  header.type = type;
  header.sector = sector;
  status = 0xee;
  int n = 0;
  set_desc(n++, &header, sizeof header, NEXT);
  if (len) set_desc(n++, data, len, NEXT | (type == T_OUT ? 0 : WRITE));
  set_desc(n++, (void *)&status, 1, WRITE);
  return submit(base);
}

static void show_bytes(const char *label, const uint8_t *p, int n) {
  print(label);
  print(" =");
  for (int i = 0; i < n; i++) {
    static const char digits[] = "0123456789abcdef";
    putchar(' ');
    putchar(digits[p[i] >> 4]);
    putchar(digits[p[i] & 15]);
  }
  putchar('\n');
}

static void requests(const char *name, uint64_t base) {
  puts(name);
  start(base);
  uint32_t len = request(base, T_IN, 1, 512);
  show("  read sector 1: status", status);
  show("  read sector 1: used length", len);
  show_bytes("  read sector 1: bytes 0..7", data, 8);
  show("  interrupt status", REG(base, INTERRUPT_STATUS));
  REG(base, INTERRUPT_ACK) = 1;
  show("  interrupt status after ack", REG(base, INTERRUPT_STATUS));
  /* The same through the PLIC: an M-mode external interrupt from this slot's source (8 - slot index from the top). */
  uint32_t source = 1 + (uint32_t)((base - 0x10001000UL) >> 12);
  REG(PLIC, 4 * source) = 1;
  REG(PLIC, PLIC_ENABLE_M) = 1u << source;
  irq_base = base;
  irq_source = 0;
  __asm__ volatile("csrs mie, %0" : : "r"(1UL << 11));
  __asm__ volatile("csrsi mstatus, 8");
  request(base, T_IN, 3, 512);
  for (int i = 0; i < 1000000 && !irq_source; i++) {
  }
  __asm__ volatile("csrci mstatus, 8");
  __asm__ volatile("csrc mie, %0" : : "r"(1UL << 11));
  REG(PLIC, PLIC_ENABLE_M) = 0;
  show("  external interrupt: PLIC source", irq_source);
  show("  external interrupt: interrupt status", irq_isr);
  show("  interrupt status after the handler", REG(base, INTERRUPT_STATUS));
  for (int i = 0; i < 512; i++) data[i] = 0x5a;
  len = request(base, T_OUT, 2, 512);
  show("  write sector 2: status", status);
  show("  write sector 2: used length", len);
  request(base, T_IN, 2, 512);
  show_bytes("  read sector 2: bytes 0..7", data, 8);
  len = request(base, T_FLUSH, 0, 0);
  show("  flush: status", status);
  show("  flush: used length", len);
  for (int i = 0; i < 20; i++) data[i] = 0xff;
  request(base, T_GET_ID, 0, 20);
  show("  get id: status", status);
  show_bytes("  get id: bytes", data, 20);
  request(base, 0xff, 0, 0);
  show("  type 0xff: status", status);
  uint32_t capacity = REG(base, CONFIG);
  request(base, T_IN, capacity - 1, 1024);
  show("  read past the end: status", status);
  request(base, T_IN, 0, 100);
  show("  read of 100 bytes: status", status);
  avail.flags = 1; /* VIRTQ_AVAIL_F_NO_INTERRUPT */
  REG(base, INTERRUPT_ACK) = 3;
  request(base, T_FLUSH, 0, 0);
  show("  flush without interrupt: interrupt status", REG(base, INTERRUPT_STATUS));
  avail.flags = 0;
  /* A chain that loops: the device gives up with DEVICE_NEEDS_RESET (0x40). */
  set_desc(0, &header, sizeof header, NEXT);
  set_desc(1, &header, sizeof header, NEXT);
  table[1].next = 0;
  avail.ring[avail.idx % NUM] = 0;
  __sync_synchronize();
  avail.idx++;
  __sync_synchronize();
  REG(base, QUEUE_NOTIFY) = 0;
  for (int i = 0; i < 100000 && !(REG(base, STATUS) & 0x40); i++) {
  }
  show("  looping chain: status", REG(base, STATUS));
  show("  looping chain: configuration interrupt", REG(base, INTERRUPT_STATUS) & 2);
  puts("  after reset:");
  start(base);
  request(base, T_IN, 1, 512);
  show("  read sector 1 again: status", status);
}

int main(void) {
  __asm__ volatile("csrw mtvec, %0" : : "r"(trap));
  registers("disk 0 (read-write) at 0x10008000:", DISK0);
  registers("disk 1 (read-only) at 0x10007000:", DISK1);
  registers("empty slot at 0x10006000:", EMPTY);
  requests("disk 0 requests:", DISK0);
  requests("disk 1 requests:", DISK1);
  return 0;
}
