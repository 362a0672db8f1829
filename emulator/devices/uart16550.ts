// ns16550a UART, as on QEMU's virt board: transmit to the machine's console, receive from a byte queue.
// Registers follow the 16550 data sheet; only what guests (OpenSBI, Linux, bare-metal printf) use is modelled.
import type { MmioDevice } from '../memory/bus';

const LSR_DR = 0x01, LSR_THRE = 0x20, LSR_TEMT = 0x40;

export class Uart16550 implements MmioDevice {
  readonly name = 'uart0 (ns16550a)';
  private ier = 0;
  private lcr = 0;
  private mcr = 0;
  private scr = 0;
  private dll = 0;
  private dlm = 0;
  private readonly rx: number[] = [];

  constructor(private readonly transmit: (byte: number) => void) {}

  /** Queues bytes for the guest to read. */
  receive(bytes: Uint8Array): void {
    for (const b of bytes) this.rx.push(b);
  }

  private get dlab(): boolean { return (this.lcr & 0x80) !== 0; }

  read(offset: number): number {
    switch (offset) {
      case 0: return this.dlab ? this.dll : (this.rx.shift() ?? 0);
      case 1: return this.dlab ? this.dlm : this.ier;
      case 2: return 0xc1; // IIR: FIFOs enabled, no interrupt pending
      case 3: return this.lcr;
      case 4: return this.mcr;
      case 5: return LSR_THRE | LSR_TEMT | (this.rx.length > 0 ? LSR_DR : 0);
      case 6: return 0xb0; // MSR: DCD, DSR, CTS
      case 7: return this.scr;
      default: return 0;
    }
  }

  write(offset: number, _size: number, value: number): void {
    const v = value & 0xff;
    switch (offset) {
      case 0: if (this.dlab) this.dll = v; else this.transmit(v); break;
      case 1: if (this.dlab) this.dlm = v; else this.ier = v & 0x0f; break;
      case 3: this.lcr = v; break;
      case 4: this.mcr = v; break;
      case 7: this.scr = v; break;
    }
  }
}
