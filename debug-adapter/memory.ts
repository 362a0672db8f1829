// Memory as the debugger sees it: reads and writes in the virtual (current satp and mode) or physical address
// space, RAM only, with nothing else changed; and the memoryReference strings DAP carries between requests.
import { Access, type PageWalk } from '../emulator/mmu';
import type { Hart } from '../emulator/hart';
import type { Machine } from '../emulator/machine';

/** `virtual`: through the hart's page tables, as a load from its current mode would go. `physical`: bus addresses. */
export type AddressSpace = 'virtual' | 'physical';

export interface MemoryRead {
  /** length bytes; those in unreadable ranges are zero. */
  data: Uint8Array;
  /** Ranges (offsets into data) that could not be read: unmapped, faulting, device registers or no memory at all. */
  unreadable: Array<{ offset: number; length: number }>;
}

/** The most a single request may read or write (a DAP client asks for a few pages at a time). */
export const MAX_TRANSFER = 16 << 20;
const TWO64 = 1n << 64n;

export class MemoryError extends Error {}

/**
 * Where the bytes [address, address + length) (all in one page) live in RAM, as a RAM offset, or why they
 * cannot be reached. Device registers are never reachable: reading one has side effects.
 */
function locate(machine: Machine, hart: Hart, space: AddressSpace, address: bigint, length: number): { off: number } | { why: string } {
  let pa = address;
  if (space === 'virtual') {
    const w = hart.walk(address, Access.Load, length);
    if (w.pa === undefined) return { why: unreachable(w) };
    pa = w.pa;
  }
  const ram = machine.ram;
  if (pa < BigInt(ram.base) || pa + BigInt(length) > BigInt(ram.base + ram.size)) return { why: 'not RAM' };
  return { off: Number(pa) - ram.base };
}

/** Why a walk ended without an address, as a short phrase ("not mapped (load page fault)"). */
function unreachable(w: PageWalk): string {
  const cause = w.fault?.cause;
  if (cause === 13 || cause === 15 || cause === 12) return `not mapped (${cause === 13 ? 'load' : cause === 15 ? 'store' : 'instruction'} page fault)`;
  return w.fault?.stop === 'pmp' ? 'denied by PMP (access fault)' : 'no memory there (access fault)';
}

/** Splits [address, address + length) at page boundaries (and at 2^64), calling visit for each piece. */
export function pages(address: bigint, length: number, visit: (va: bigint, offset: number, length: number) => boolean): void {
  for (let offset = 0; offset < length;) {
    const va = address + BigInt(offset);
    if (va >= TWO64) return;
    const n = Math.min(length - offset, 4096 - Number(va & 4095n));
    if (!visit(va, offset, n)) return;
    offset += n;
  }
}

export function checkRange(address: bigint, length: number): void {
  if (!Number.isInteger(length) || length < 0 || length > MAX_TRANSFER) {
    throw new MemoryError(`cannot transfer ${length} bytes: ask for 0 to ${MAX_TRANSFER} bytes at a time`);
  }
  if (address < 0n || address >= TWO64) throw new MemoryError(`address ${address} is outside the 64-bit address space`);
}

/**
 * Reads length bytes at address, page by page. Changes nothing in the machine: no A/D bits, no TLB fill, no
 * device access.
 */
export function readMemory(machine: Machine, hart: Hart, space: AddressSpace, address: bigint, length: number): MemoryRead {
  checkRange(address, length);
  const data = new Uint8Array(length), unreadable: MemoryRead['unreadable'] = [];
  const bad = (offset: number, n: number) => {
    const last = unreadable[unreadable.length - 1];
    if (last && last.offset + last.length === offset) last.length += n;
    else unreadable.push({ offset, length: n });
  };
  let end = 0;
  pages(address, length, (va, offset, n) => {
    const at = locate(machine, hart, space, va, n);
    if ('off' in at) data.set(machine.ram.readBytes(at.off, n), offset);
    else bad(offset, n);
    end = offset + n;
    return true;
  });
  if (end < length) bad(end, length - end); // past the top of the address space
  return { data, unreadable };
}

/**
 * Why the n bytes at a virtual or physical address cannot be read ("not mapped (load page fault)", "not RAM"),
 * or undefined when they can.
 */
export function whyUnreadable(machine: Machine, hart: Hart, space: AddressSpace, address: bigint, length: number): string | undefined {
  let why: string | undefined;
  pages(address, length, (va, _offset, n) => {
    const at = locate(machine, hart, space, va, n);
    if ('why' in at) why = at.why;
    return why === undefined;
  });
  return why;
}

/**
 * Writes data at address into RAM, page by page, through the same translation as readMemory (so a debugger may
 * patch a read-only code page, as GDB does), stopping at the first page it cannot reach. Code the harts cached
 * from those bytes is dropped. Sets no A/D bits. Returns the number of bytes written.
 */
export function writeMemory(machine: Machine, hart: Hart, space: AddressSpace, address: bigint, data: Uint8Array): number {
  checkRange(address, data.length);
  let written = 0;
  pages(address, data.length, (va, offset, n) => {
    const at = locate(machine, hart, space, va, n);
    if (!('off' in at)) return false;
    machine.ram.writeBytes(at.off, data.subarray(offset, offset + n));
    machine.dmaWritten(at.off, n);
    written += n;
    return true;
  });
  return written;
}

/** Reads bytes of one address space as a debugger would (nothing changed); what disassembly and stepping decode from. */
export type ByteReader = (address: bigint, length: number) => MemoryRead;

/** A hart's view of memory (virtual through its translation, or physical) as a ByteReader. */
export function hartReader(machine: Machine, hart: Hart, space: AddressSpace): ByteReader {
  return (address, length) => readMemory(machine, hart, space, address, length);
}

const PREFIX: Record<AddressSpace, string> = { virtual: 'v', physical: 'p' };

/** A DAP memoryReference: "v:0x80001000" (virtual) or "p:0x80001000" (physical). */
export function formatMemoryReference(space: AddressSpace, address: bigint): string {
  return `${PREFIX[space]}:0x${BigInt.asUintN(64, address).toString(16)}`;
}

/** Reads a memoryReference back: "v:0x…", "p:0x…", or a plain number (decimal or 0x…), which means virtual. */
export function parseMemoryReference(ref: string): { space: AddressSpace; address: bigint } {
  const m = /^\s*(?:([vp]):)?\s*(0x[0-9a-f]+|\d+)\s*$/i.exec(ref);
  if (!m) {
    throw new MemoryError(`memory reference "${ref}" is not understood: write v:0x80001000 (virtual), p:0x80001000 (physical) or a plain address`);
  }
  const address = BigInt(m[2]);
  if (address >= TWO64) throw new MemoryError(`memory reference "${ref}" is beyond the 64-bit address space`);
  return { space: m[1]?.toLowerCase() === 'p' ? 'physical' : 'virtual', address };
}
