// ns16550a UART, as on QEMU's virt board: transmit to the machine's console, receive from a byte queue.
// Registers follow the 16550 data sheet; only what guests (OpenSBI, Linux, bare-metal printf) use is modelled.
import type { MmioDevice } from '../memory/bus';

const LSR_DR = 0x01, LSR_THRE = 0x20, LSR_TEMT = 0x40;
const IER_ERBFI = 0x01, IER_ETBEI = 0x02;
const IIR_NONE = 0x01, IIR_THRE = 0x02, IIR_RDA = 0x04, IIR_FIFO = 0xc0;

export class Uart16550 implements MmioDevice {
  readonly name = 'uart0 (ns16550a)';
  private ier = 0;
  private lcr = 0;
  private mcr = 0;
  private scr = 0;
  private dll = 0;
  private dlm = 0;
  private readonly rx: number[] = [];
  /** "Transmitter holding register empty" interrupt: raised when THR empties (at once: output is instant). */
  private threPending = false;

  constructor(private readonly transmit: (byte: number) => void) {}

  /** Queues bytes for the guest to read. */
  receive(bytes: Uint8Array): void {
    for (const b of bytes) this.rx.push(b);
  }

  /**
   * Takes up to max received bytes without a register access: a hypervisor's console call (SBI getchar, DBCN read)
   * reads the same input the guest's UART driver would.
   */
  take(max: number): number[] {
    return this.rx.splice(0, max);
  }

  private get dlab(): boolean { return (this.lcr & 0x80) !== 0; }

  /** The interrupt line to the PLIC (source 10 on the virt board). */
  get irq(): boolean {
    return this.interruptId() !== IIR_NONE;
  }

  private interruptId(): number {
    if ((this.ier & IER_ERBFI) && this.rx.length > 0) return IIR_RDA;
    if ((this.ier & IER_ETBEI) && this.threPending) return IIR_THRE;
    return IIR_NONE;
  }

  read(offset: number): number {
    switch (offset) {
      case 0: return this.dlab ? this.dll : (this.rx.shift() ?? 0);
      case 1: return this.dlab ? this.dlm : this.ier;
      case 2: { // IIR: reading it acknowledges a THRE interrupt
        const id = this.interruptId();
        if (id === IIR_THRE) this.threPending = false;
        return IIR_FIFO | id;
      }
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
      case 0: if (this.dlab) this.dll = v; else { this.transmit(v); this.threPending = true; } break;
      case 1:
        if (this.dlab) { this.dlm = v; break; }
        // Enabling the THRE interrupt while THR is empty (always, here) raises it, as on a 16550.
        if ((v & IER_ETBEI) && !(this.ier & IER_ETBEI)) this.threPending = true;
        this.ier = v & 0x0f;
        break;
      case 3: this.lcr = v; break;
      case 4: this.mcr = v; break;
      case 7: this.scr = v; break;
    }
  }
}
