// The devices one VM owns: its own ns16550a UART and PLIC, at the guest-physical addresses of QEMU's virt board.
// Guests reach them only through trapped MMIO (no shadow entry ever maps a device page), emulated here.
import { Bus, type MmioDevice } from '../emulator/memory/bus';
import type { Ram } from '../emulator/memory/ram';
import { Uart16550 } from '../emulator/devices/uart16550';
import { Plic, PLIC_SIZE } from '../emulator/devices/plic';
import { PLIC_BASE, UART_BASE, UART_IRQ } from '../emulator/machine';
import type { Vcpu } from './vcpu';

export class VmDevices {
  readonly bus: Bus;
  readonly uart: Uart16550;
  /** Contexts 2v (the vCPU's M-mode, unused by guests) and 2v+1 (its S-mode), as on the virt board. */
  readonly plic: Plic;

  constructor(ram: Ram, vcpus: number, output: (byte: number) => void) {
    this.bus = new Bus(ram);
    this.uart = new Uart16550(output);
    this.plic = new Plic(2 * vcpus);
    this.bus.map(UART_BASE, 0x100, this.uart);
    this.bus.map(PLIC_BASE, PLIC_SIZE, this.plic);
  }

  /** The device at guest-physical [gpa, gpa+len) and the offset into it, or undefined (an unassigned address). */
  find(gpa: number, len: number): { device: MmioDevice; offset: number } | undefined {
    const m = this.bus.find(gpa, len);
    return m && { device: m.device, offset: gpa - m.base };
  }

  /** Drives each vCPU's virtual SEIP from the PLIC, after a device access or new console input. */
  updateInterrupts(vcpus: readonly Vcpu[]): void {
    this.plic.setLevel(UART_IRQ, this.uart.irq);
    for (const v of vcpus) v.setPending(9, this.plic.interruptPending(2 * v.index + 1));
  }
}
