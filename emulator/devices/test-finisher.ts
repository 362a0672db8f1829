// SiFive test finisher at 0x10_0000 (QEMU virt's "sifive,test0"): a guest writes here to end the run.
// 0x5555 = pass (exit 0), 0x3333 | code << 16 = fail with code, 0x7777 = reset (reported as exit 0 here).
import type { MmioDevice } from '../memory/bus';

export class TestFinisher implements MmioDevice {
  readonly name = 'test finisher (sifive,test0)';

  constructor(private readonly finish: (exitCode: number) => void) {}

  read(): number {
    return 0;
  }

  write(offset: number, _size: number, value: number): void {
    if (offset !== 0) return;
    const status = value & 0xffff, code = (value >>> 16) & 0xffff;
    if (status === 0x5555) this.finish(0);
    else if (status === 0x3333) this.finish(code);
    else if (status === 0x7777) this.finish(0);
  }
}
