/* Not a workload: exits at once. The benchmark runner times it under QEMU to subtract QEMU's
 * start-up time from the workloads' times. */
int main(void) {
  return 0;
}
