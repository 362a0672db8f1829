// The debugger's view of memory on a guest that really enabled Sv39: virtual reads go through the page tables as
// a load from S-mode would, unreadable ranges are reported (never device registers), nothing in the machine
// changes, and writes reach RAM only and drop stale code.
import assert from 'node:assert/strict';
import { formatMemoryReference, parseMemoryReference, readMemory, whyUnreadable, writeMemory } from '../../debug-adapter/memory';
import { RAM_BASE, UART_BASE } from '../../emulator/machine';
import { sv39Machine } from '../support/sv39-program';

const u64 = (b: Uint8Array, at = 0) => new DataView(b.buffer, b.byteOffset).getBigUint64(at, true);

describe('debugger memory', () => {
  it('reads virtual memory through the guest\'s Sv39 tables, and physical memory directly', () => {
    const { machine, symbol } = sv39Machine();
    const h = machine.hart;
    const v = readMemory(machine, h, 'virtual', 0x4000_0000n, 14);
    assert.deepEqual(v.unreadable, []);
    assert.equal(u64(v.data), 0x1122334455667788n);
    assert.equal(new TextDecoder().decode(v.data.subarray(8, 13)), 'hello');
    const p = readMemory(machine, h, 'physical', symbol('data1'), 8);
    assert.equal(u64(p.data), 0xcafef00dn);
    assert.equal(u64(readMemory(machine, h, 'virtual', symbol('data1'), 8).data), 0xcafef00dn, 'the identity gigapage');
  });

  it('reports unmapped and device ranges as unreadable, and changes neither the TLB nor any PTE', () => {
    const { machine, symbol } = sv39Machine();
    const h = machine.hart;
    const l0 = symbol('l0') - BigInt(RAM_BASE);
    const tables = () => machine.ram.readBytes(Number(l0), 24).slice();
    const tlb = () => JSON.stringify(h.tlb.entries(RAM_BASE), (_, x: unknown) => (typeof x === 'bigint' ? x.toString(16) : x));
    const [ptesBefore, tlbBefore] = [tables(), tlb()];
    const uartBefore = JSON.stringify(machine.uart);
    // data0's PTE has A = D = 0: a real load would set A and fill the TLB.
    readMemory(machine, h, 'virtual', 0x4000_0000n, 4096);
    writeMemory(machine, h, 'virtual', 0x4000_0010n, Uint8Array.of(1, 2, 3));
    const none = readMemory(machine, h, 'virtual', 0x5000_0000n, 100);
    assert.deepEqual(none.unreadable, [{ offset: 0, length: 100 }]);
    assert.ok(none.data.every((b) => b === 0));
    const across = readMemory(machine, h, 'virtual', 0x4000_1ff8n, 16);
    assert.deepEqual(across.unreadable, [{ offset: 8, length: 8 }], 'the page at 0x4000_2000 is the UART: unreadable');
    assert.deepEqual(readMemory(machine, h, 'physical', BigInt(UART_BASE), 8).unreadable, [{ offset: 0, length: 8 }]);
    assert.deepEqual(readMemory(machine, h, 'virtual', 0x4000_2ff0n, 0x30).unreadable, [{ offset: 0, length: 0x30 }], 'device, then unmapped: one range');
    assert.deepEqual(readMemory(machine, h, 'virtual', 0xffff_ffff_ffff_fff0n, 32).unreadable, [{ offset: 0, length: 32 }], 'past 2^64');
    assert.deepEqual(tables(), ptesBefore, 'no A or D bit set');
    assert.equal(tlb(), tlbBefore, 'no TLB entry filled');
    assert.equal(JSON.stringify(machine.uart), uartBefore, 'the UART was not touched');
    assert.equal(whyUnreadable(machine, h, 'virtual', 0x5000_0000n, 8), 'not mapped (load page fault)');
    assert.equal(whyUnreadable(machine, h, 'virtual', 0x4000_2000n, 8), 'not RAM');
    assert.equal(whyUnreadable(machine, h, 'virtual', 0x4000_0000n, 8), undefined);
    // The same access made by the hart itself does set A and fill the TLB: the checks above can fail.
    assert.ok(h.loadSlow(0x4000_0000, 0, 8, false));
    assert.notDeepEqual(tables(), ptesBefore);
    assert.notEqual(tlb(), tlbBefore);
  });

  it('writes RAM through the translation, stops where memory stops, and the running code sees new instructions', () => {
    const { machine, symbol } = sv39Machine('translator');
    const h = machine.hart;
    assert.equal(writeMemory(machine, h, 'virtual', 0x4000_1ffcn, Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8)), 4, 'the next page is the UART');
    assert.deepEqual([...readMemory(machine, h, 'physical', symbol('data1') + 0xffcn, 4).data], [1, 2, 3, 4]);
    assert.equal(writeMemory(machine, h, 'virtual', 0x4000_0ffen, Uint8Array.of(9, 9, 9, 9)), 4, 'data0 then data1');
    assert.equal(writeMemory(machine, h, 'physical', BigInt(UART_BASE), Uint8Array.of(0x41)), 0, 'never a device');
    machine.run(20_000); // the loop is hot: translated and predecoded
    // Patch `addi s1, s1, 1` at loop into `addi a5, zero, 42`.
    const addi = (rd: number, rs1: number, imm: number) => (imm << 20) | (rs1 << 15) | (rd << 7) | 0x13;
    const word = addi(15, 0, 42);
    const n = writeMemory(machine, h, 'virtual', symbol('loop'), Uint8Array.of(word & 255, (word >>> 8) & 255, (word >>> 16) & 255, word >>> 24));
    assert.equal(n, 4);
    const counted = h.reg(9);
    machine.run(1000);
    assert.equal(h.reg(15), 42n);
    assert.equal(h.reg(9), counted, 's1 no longer counts');
  });

  it('formats and parses memory references', () => {
    assert.equal(formatMemoryReference('virtual', 0x8000_1000n), 'v:0x80001000');
    assert.equal(formatMemoryReference('physical', -1n), 'p:0xffffffffffffffff');
    assert.deepEqual(parseMemoryReference('p:0x80001000'), { space: 'physical', address: 0x8000_1000n });
    assert.deepEqual(parseMemoryReference('V:0X10'), { space: 'virtual', address: 16n });
    assert.deepEqual(parseMemoryReference('4096'), { space: 'virtual', address: 4096n });
    assert.throws(() => parseMemoryReference('q:12'), /memory reference "q:12" is not understood: write v:0x80001000/);
    assert.throws(() => parseMemoryReference('v:0x10000000000000000'), /beyond the 64-bit address space/);
    assert.throws(() => readMemory(sv39Machine().machine, sv39Machine().machine.hart, 'virtual', 0n, -1), /cannot transfer -1 bytes/);
  });
});
