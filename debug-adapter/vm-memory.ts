// Guest memory as a debugger of VMs sees it, in three address spaces: guest-virtual (the guest's own page walk, then
// the p2m), guest-physical (the p2m) and machine. The hart's own translation is the shadow, filled only on demand,
// so guest views never go through it. Nothing is changed by a read: no A/D bits, no shadow fill, no device access.
import { Access } from '../emulator/mmu';
import type { Machine } from '../emulator/machine';
import type { Vm } from '../hypervisor/vm';
import type { Vcpu } from '../hypervisor/vcpu';
import { checkRange, MemoryError, pages, type ByteReader, type MemoryRead } from './memory';

/** gva: guest-virtual of a vCPU's current context; gpa: guest-physical of a VM; mpa: machine-physical. */
export type VmSpace = 'gva' | 'gpa' | 'mpa';

export interface VmAddress {
  space: VmSpace;
  /** The VM of a gva or gpa address. */
  vm?: Vm;
  address: bigint;
}

const hex = (v: bigint | number): string => `0x${BigInt.asUintN(64, BigInt(v)).toString(16)}`;

/** "gva:vm0:0x80200000", "gpa:vm1:0x80200000", "mpa:0x84000000". */
export function formatVmReference(space: VmSpace, vm: Vm | undefined, address: bigint): string {
  return space === 'mpa' ? `mpa:${hex(address)}` : `${space}:${vm!.name}:${hex(address)}`;
}

/**
 * Reads a memoryReference back. A plain address, or the bare debugger's v:/p: forms, mean the focused vCPU's
 * guest-virtual / guest-physical space (so VS Code's own references, typed by hand, still work).
 */
export function parseVmReference(ref: string, vms: readonly Vm[], focus: Vm): VmAddress {
  const m = /^\s*(?:(gva|gpa):([\w-]+):|(mpa|v|p):)?\s*(0x[0-9a-f]+|\d+)\s*$/i.exec(ref);
  if (!m) {
    throw new MemoryError(`memory reference "${ref}" is not understood: write gva:vm0:0x80200000 (guest-virtual), gpa:vm0:0x80200000 (guest-physical) or mpa:0x80000000 (machine)`);
  }
  const address = BigInt(m[4]);
  if (address >= 1n << 64n) throw new MemoryError(`memory reference "${ref}" is beyond the 64-bit address space`);
  const kind = (m[1] ?? m[3] ?? 'v').toLowerCase();
  if (kind === 'mpa') return { space: 'mpa', address };
  let vm = focus;
  if (m[2] !== undefined) {
    const found = vms.find((v) => v.name === m[2]);
    if (!found) throw new MemoryError(`memory reference "${ref}" names no VM: the VMs are ${vms.map((v) => v.name).join(', ')}`);
    vm = found;
  }
  return { space: kind === 'gpa' || kind === 'p' ? 'gpa' : 'gva', vm, address };
}

/** The guest-virtual → guest-physical step for a vCPU's current context, or why it fails. */
export function guestPhysical(vcpu: Vcpu, va: bigint, access: Access = Access.Load): { gpa: bigint } | { why: string } {
  const vm = vcpu.vm, ctx = vm.walkContextOf(vcpu);
  if (ctx.satpHi >>> 28 === 0) return { gpa: va };
  const w = vm.walker.walk(va, access, ctx);
  if (w.pa === undefined) return { why: `not mapped by the guest (${w.fault?.cause === 12 ? 'instruction' : w.fault?.cause === 15 ? 'store' : 'load'} page fault)` };
  return { gpa: w.pa };
}

/**
 * The machine RAM offset of [address, address + length) (within one 4 KiB page) in a space, or why it cannot be
 * reached. Device registers are never reached: reading one has side effects.
 */
function locate(machine: Machine, vcpu: Vcpu, at: VmAddress, length: number): { off: number } | { why: string } {
  let pa = at.address;
  if (at.space === 'gva') {
    const g = guestPhysical(vcpu.vm === at.vm ? vcpu : at.vm!.vcpus[0], pa);
    if ('why' in g) return g;
    pa = g.gpa;
  }
  if (at.space !== 'mpa') {
    const vm = at.vm!;
    const mpa = pa < 2n ** 53n ? vm.memory.machineAddress(Number(pa)) : -1;
    if (mpa < 0) return { why: vm.devices.find(Number(pa), length) ? `a device register of ${vm.name} (not read: that has side effects)` : `not guest RAM of ${vm.name}` };
    pa = BigInt(mpa);
  }
  const ram = machine.ram;
  if (pa < BigInt(ram.base) || pa + BigInt(length) > BigInt(ram.base + ram.size)) return { why: 'not machine RAM' };
  return { off: Number(pa) - ram.base };
}

/** One vCPU's (or VM's) view of memory: reads, writes and reasons, in any of the three spaces. */
export class GuestView {
  constructor(private readonly machine: Machine, private readonly vcpu: Vcpu) {}

  read(at: VmAddress, length: number): MemoryRead {
    checkRange(at.address, length);
    const data = new Uint8Array(length), unreadable: MemoryRead['unreadable'] = [];
    let end = 0;
    pages(at.address, length, (a, offset, n) => {
      const where = locate(this.machine, this.vcpu, { ...at, address: a }, n);
      if ('off' in where) data.set(this.machine.ram.readBytes(where.off, n), offset);
      else {
        const last = unreadable[unreadable.length - 1];
        if (last && last.offset + last.length === offset) last.length += n;
        else unreadable.push({ offset, length: n });
      }
      end = offset + n;
      return true;
    });
    if (end < length) unreadable.push({ offset: end, length: length - end });
    return { data, unreadable };
  }

  /** Why the bytes cannot be read, or undefined when they can. */
  whyUnreadable(at: VmAddress, length: number): string | undefined {
    let why: string | undefined;
    pages(at.address, length, (a, _offset, n) => {
      const where = locate(this.machine, this.vcpu, { ...at, address: a }, n);
      if ('why' in where) why = where.why;
      return why === undefined;
    });
    return why;
  }

  /** Writes through the same translation, stopping at the first page it cannot reach; returns bytes written. */
  write(at: VmAddress, data: Uint8Array): number {
    checkRange(at.address, data.length);
    let written = 0;
    pages(at.address, data.length, (a, offset, n) => {
      const where = locate(this.machine, this.vcpu, { ...at, address: a }, n);
      if (!('off' in where)) return false;
      this.machine.ram.writeBytes(where.off, data.subarray(offset, offset + n));
      this.machine.dmaWritten(where.off, n);
      written += n;
      return true;
    });
    return written;
  }

  /** A 64-bit little-endian value at a guest-virtual address, or undefined (for the unwinder and expressions). */
  readU64(va: bigint, bytes = 8): bigint | undefined {
    const r = this.read({ space: 'gva', vm: this.vcpu.vm, address: va }, bytes);
    if (r.unreadable.length !== 0) return undefined;
    return r.data.reduceRight((v, b) => (v << 8n) | BigInt(b), 0n);
  }

  reader(space: VmSpace, vm: Vm = this.vcpu.vm): ByteReader {
    return (address, length) => this.read({ space, vm, address }, length);
  }
}
