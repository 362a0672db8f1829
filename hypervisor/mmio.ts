// Device emulation by trapped MMIO: a guest load or store to a device page faults (no shadow entry maps devices),
// and the VMM decodes the instruction, performs the access on the VM's device model and completes it.
import { decode } from '../emulator/isa/decode';
import type { MmioDevice } from '../emulator/memory/bus';
import { advance, hex, type Exit } from './exit';

/** Integer loads and stores by the name of the base instruction they are (compressed forms expand to these). */
const ACCESSES: Record<string, { bytes: 1 | 2 | 4 | 8; store: boolean; signed: boolean }> = {
  lb: { bytes: 1, store: false, signed: true }, lh: { bytes: 2, store: false, signed: true },
  lw: { bytes: 4, store: false, signed: true }, ld: { bytes: 8, store: false, signed: true },
  lbu: { bytes: 1, store: false, signed: false }, lhu: { bytes: 2, store: false, signed: false },
  lwu: { bytes: 4, store: false, signed: false },
  sb: { bytes: 1, store: true, signed: false }, sh: { bytes: 2, store: true, signed: false },
  sw: { bytes: 4, store: true, signed: false }, sd: { bytes: 8, store: true, signed: false },
};

/**
 * Emulates the exit's instruction as an access to guest-physical gpa on the VM's devices. Returns the trap log's
 * line, or undefined when it is not an integer load/store to a device (the guest then gets an access fault).
 */
export function emulateMmio(x: Exit, gpa: number): string | undefined {
  if (x.raw < 0) return undefined;
  const d = decode(x.raw), a = ACCESSES[d.op.semantics.name];
  if (!a) return undefined;
  const found = x.vm.devices.find(gpa, a.bytes);
  if (!found) return undefined;
  const h = x.hart, { device, offset } = found;
  if (a.store) {
    const lo = h.L[d.rs2], hi = h.H[d.rs2];
    write(device, offset, a.bytes, lo, hi);
    advance(x);
    x.vm.devices.updateInterrupts(x.vm.vcpus);
    return `MMIO ${device.name} +${hex(offset)} ← ${hex(a.bytes === 8 ? BigInt.asUintN(64, (BigInt(hi) << 32n) | BigInt(lo >>> 0)) : BigInt((lo >>> 0) & mask(a.bytes)))} (${d.op.name})`;
  }
  const [lo, hi] = read(device, offset, a.bytes, a.signed);
  if (d.rd !== 0) { h.L[d.rd] = lo; h.H[d.rd] = hi; }
  advance(x);
  x.vm.devices.updateInterrupts(x.vm.vcpus);
  return `MMIO ${device.name} +${hex(offset)} → ${hex(BigInt.asUintN(64, (BigInt(hi) << 32n) | BigInt(lo >>> 0)))} (${d.op.name})`;
}

function mask(bytes: number): number {
  return bytes === 4 ? 0xffffffff : (1 << (8 * bytes)) - 1;
}

/** Devices take 1-, 2- and 4-byte accesses; a doubleword is two words, low first (as QEMU splits them for 32-bit devices). */
function write(device: MmioDevice, offset: number, bytes: 1 | 2 | 4 | 8, lo: number, hi: number): void {
  if (bytes === 8) { device.write(offset, 4, lo); device.write(offset + 4, 4, hi); return; }
  device.write(offset, bytes, lo & mask(bytes));
}

function read(device: MmioDevice, offset: number, bytes: 1 | 2 | 4 | 8, signed: boolean): [number, number] {
  if (bytes === 8) return [device.read(offset, 4) | 0, device.read(offset + 4, 4) | 0];
  const raw = device.read(offset, bytes) & mask(bytes);
  const shift = 32 - 8 * bytes;
  const lo = signed ? (raw << shift) >> shift : bytes === 4 ? raw | 0 : raw;
  return [lo, signed || bytes !== 4 ? lo >> 31 : 0];
}
