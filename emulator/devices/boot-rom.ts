// The boot ROM at 0x1000, as on QEMU's virt board: a reset vector and OpenSBI's fw_dynamic_info block.
// The hart starts at the firmware with the registers this code would leave (see Machine.boot).
import type { MmioDevice } from '../memory/bus';

export const BOOT_ROM_BASE = 0x1000;
export const BOOT_ROM_SIZE = 0x1000;
/** Offset of fw_dynamic_info in the ROM (QEMU puts it right after the reset vector's two address words). */
export const FW_DYNAMIC_INFO = 0x28;

export class BootRom implements MmioDevice {
  readonly name = 'boot ROM';
  readonly bytes = new Uint8Array(BOOT_ROM_SIZE);

  /** start: where the reset vector jumps; fdt: the device tree; next: the kernel OpenSBI should start in S-mode. */
  constructor(start: number, fdt: number, next: number) {
    const dv = new DataView(this.bytes.buffer);
    // auipc t0,0; addi a2,t0,40; csrr a0,mhartid; ld a1,32(t0); ld t0,24(t0); jr t0 (QEMU's reset vector)
    [0x00000297, 0x02828613, 0xf1402573, 0x0202b583, 0x0182b283, 0x00028067].forEach((w, i) => dv.setUint32(i * 4, w, true));
    dv.setBigUint64(0x18, BigInt(start), true);
    dv.setBigUint64(0x20, BigInt(fdt), true);
    // struct fw_dynamic_info: magic "OSBI", version 2, next_addr, next_mode (1 = S), options, boot_hart
    [0x4942534fn, 2n, BigInt(next), 1n, 0n, 0n].forEach((v, i) => dv.setBigUint64(FW_DYNAMIC_INFO + 8 * i, v, true));
  }

  read(offset: number, size: 1 | 2 | 4): number {
    const dv = new DataView(this.bytes.buffer);
    return size === 1 ? dv.getUint8(offset) : size === 2 ? dv.getUint16(offset, true) : dv.getInt32(offset, true);
  }

  write(): void {
    // ROM: writes are ignored.
  }
}
