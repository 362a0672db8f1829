// Debugger expressions: C precedence and conversions in 64-bit bigint arithmetic, names (registers in every ABI
// spelling, CSRs, symbols), typed memory reads, and error messages that name the problem and the column.
import assert from 'node:assert/strict';
import { evaluateExpression, ExpressionError, formatValue, parseExpression, type EvalContext } from '../../debug-adapter/expression';
import { machineEvalContext } from '../../debug-adapter/machine-context';
import { sv39Machine } from '../support/sv39-program';

/** A fake machine: x<n> = n * 0x10, f1 = a NaN-boxed single, pc, two CSRs, two symbols, 32 bytes of memory at 0x1000. */
const memory = Uint8Array.from({ length: 32 }, (_, i) => (i === 0 ? 0xff : i));
const ctx: EvalContext = {
  register: (n) => (n === 'pc' ? 0x8000_0000n : n === 'f1' ? 0xffff_ffff_3f80_0000n : n[0] === 'x' ? BigInt(n.slice(1)) * 0x10n : 0n),
  csr: (n) => ({ mstatus: 0xa00000000n, satp: 0x8000_0000_0008_0001n } as Record<string, bigint>)[n],
  symbol: (n) => ({ buf: 0x1000n, time: 0x1008n } as Record<string, bigint>)[n],
  read: (va, bytes) => {
    if (va < 0x1000n || va + BigInt(bytes) > 0x1020n) return undefined;
    let v = 0n;
    for (let i = bytes - 1; i >= 0; i--) v = (v << 8n) | BigInt(memory[Number(va - 0x1000n) + i]);
    return v;
  },
  whyUnreadable: () => 'not mapped (load page fault)',
};
const ev = (text: string) => evaluateExpression(text, ctx);
const val = (text: string) => ev(text).value;

describe('debugger expressions', () => {
  it('reads numbers in decimal, hex, binary and octal, with C precedence', () => {
    assert.equal(val('1 + 2 * 3'), 7n);
    assert.equal(val('(1 + 2) * 3'), 9n);
    assert.equal(val('0x10 | 0b101 & 0b110'), 0x14n);
    assert.equal(val('010'), 8n);
    assert.equal(val('1 << 4 + 1'), 32n);
    assert.equal(val('1 < 2 == 1'), 1n);
    assert.equal(val('3 > 2 && 0 || 5'), 1n);
    assert.equal(val('1 ? 2 : 3 ? 4 : 5'), 2n);
    assert.equal(val('0 ? 2 : 0 ? 4 : 5'), 5n);
    assert.equal(val('-7 / 2'), -3n, 'signed division truncates toward zero');
    assert.equal(val('-7 % 2'), -1n);
    assert.equal(val('!0 + !5 + ~0'), 0n);
  });

  it('wraps at 64 bits and follows C\'s conversions', () => {
    assert.equal(val('0xffffffffffffffff + 1'), 0n);
    assert.deepEqual(ev('-1'), { value: -1n, type: 'i64' });
    assert.deepEqual(ev('-1 + 0x0'), { value: 0xffff_ffff_ffff_ffffn, type: 'u64' }, 'i64 meets u64: unsigned');
    assert.equal(val('-1 < 0x0'), 0n, 'compared unsigned');
    assert.equal(val('(i64)-1 < 0'), 1n);
    assert.deepEqual(ev('(u8)0x1ff'), { value: 0xffn, type: 'u8' });
    assert.deepEqual(ev('(i8)0xff'), { value: -1n, type: 'i8' });
    assert.deepEqual(ev('(u8)0xff + (u8)1'), { value: 256n, type: 'i32' }, 'promoted to int first');
    assert.deepEqual(ev('(u32)0xffffffff + (u32)1'), { value: 0n, type: 'u32' });
    assert.deepEqual(ev('(u32)0xffffffff + 1'), { value: 0x1_0000_0000n, type: 'i64' }, 'decimal literals are i64');
    assert.deepEqual(ev('(i32)0x80000000 >> 4'), { value: -0x800_0000n, type: 'i32' }, 'arithmetic shift of a signed value');
    assert.deepEqual(ev('0x8000000000000000 >> 4'), { value: 0x0800_0000_0000_0000n, type: 'u64' }, 'logical shift of an unsigned one');
    assert.deepEqual(ev('(int32_t)5 * (uint32_t)2'), { value: 10n, type: 'u32' });
  });

  it('names registers every way the ABI does, CSRs and symbols, with and without $', () => {
    assert.equal(val('a0'), 0xa0n);
    assert.equal(val('$a0 + x10 - $x10'), 0xa0n);
    assert.equal(val('fp == s0 && s0 == x8'), 1n);
    assert.equal(val('zero'), 0n);
    assert.equal(val('t6'), 0x1f0n);
    assert.equal(val('pc'), 0x8000_0000n);
    assert.equal(val('fa1 == f11'), 1n);
    assert.equal(val('ft1'), 0xffff_ffff_3f80_0000n, 'FP registers as raw bits');
    assert.equal(val('mstatus >> 32 & 3'), 2n);
    assert.equal(val('$satp >> 60'), 8n);
    assert.equal(val('buf + 4'), 0x1004n);
    assert.equal(val('time'), 0x1008n, 'a symbol named like a CSR: the program\'s symbol');
    assert.throws(() => ev('$time'), /CSR time is not implemented by this machine/);
    assert.throws(() => ev('$buf'), /unknown register or CSR '\$buf'/);
    assert.throws(() => ev('hstatus'), /CSR hstatus is not implemented by this machine/);
    assert.throws(() => ev('nosuch + 1'), /unknown name 'nosuch' at column 1: not a register, CSR or symbol/);
  });

  it('reads memory through typed pointers, indexes them and does pointer arithmetic', () => {
    assert.deepEqual(ev('*(u8*)buf'), { value: 0xffn, type: 'u8', address: 0x1000n });
    assert.deepEqual(ev('*(i8*)buf'), { value: -1n, type: 'i8', address: 0x1000n });
    assert.deepEqual(ev('*(u32*)(buf + 4)'), { value: 0x0706_0504n, type: 'u32', address: 0x1004n });
    assert.deepEqual(ev('((u16*)buf)[3]'), { value: 0x0706n, type: 'u16', address: 0x1006n });
    assert.deepEqual(ev('(u64*)buf + 2'), { value: 0x1010n, type: 'u64*' });
    assert.deepEqual(ev('*((u64*)buf + 1)'), { value: 0x0f0e_0d0c_0b0a_0908n, type: 'u64', address: 0x1008n });
    assert.equal(val('(u32*)buf + 3 - (u32*)buf'), 3n);
    assert.equal(val('*(buf + 8)'), 0x0f0e_0d0c_0b0a_0908n, 'a plain integer reads as a u64 pointer');
    assert.equal(val('((u8*)buf)[1]'), 1n);
    assert.throws(() => ev('(u8*)buf[1]'), /cannot index a u64/, 'a cast binds looser than [] (C precedence)');
    assert.equal(val('0 && *(u64*)0'), 0n, '&& does not evaluate its right side');
  });

  it('fails with one clear message and the column', () => {
    const fails = (text: string, message: RegExp, column: number) => {
      assert.throws(() => ev(text), (e: unknown) => e instanceof ExpressionError && message.test(e.message) && e.column === column, text);
    };
    fails('*(u64*)0x2000', /^cannot read 8 bytes at 0x2000: not mapped \(load page fault\)$/, 1);
    fails('1 +', /the expression ends too soon: expected a number, register, symbol or '\('/, 4);
    fails('(1 + 2', /expected '\)' to close '\(' at column 1, found the end at column 7/, 7);
    fails('1 + 2)', /unexpected '\)' at column 6/, 6);
    fails('a0 @ 1', /unexpected '@' at column 4/, 4);
    fails('', /empty expression/, 1);
    fails('4 / (a0 - a0)', /division by zero at column 3/, 3);
    fails('a0[1]', /cannot index a u64 at column 3: cast it to a pointer first/, 3);
    fails('09', /09 is not a number: octal digits are 0-7/, 1);
    fails('0x10000000000000000', /does not fit in 64 bits/, 1);
    assert.equal(parseExpression('  a0 +  1').column, 6);
  });

  it('formats values in decimal and hex by type', () => {
    assert.equal(formatValue(-1n, 'i32', false), '-1');
    assert.equal(formatValue(-1n, 'i32', true), '0xffffffff');
    assert.equal(formatValue(0xffn, 'i8', false), '-1');
    assert.equal(formatValue(0xffn, 'u8', false), '255');
    assert.equal(formatValue(0x1000n, 'u32*', false), '0x1000');
    assert.equal(formatValue(2n ** 64n - 1n, 'u64', false), '18446744073709551615');
  });

  it('evaluates against a real hart: registers, CSRs, symbols and virtual memory under Sv39', () => {
    const { machine, symbol } = sv39Machine('interpreter');
    const c = machineEvalContext(machine, machine.hart);
    const e = (text: string) => evaluateExpression(text, c);
    assert.equal(e('a0').value, 0xcafef00dn, 'S-mode loaded it through the page tables');
    assert.equal(e('pc == loop || pc == loop + 4').value, 1n);
    assert.equal(e('$satp >> 60').value, 8n);
    assert.equal(e('(mstatus >> 11) & 3').value, 0n, 'mret left MPP = U');
    assert.equal(e('mhartid').value, 0n);
    assert.equal(e('sstatus == (mstatus & 0x80000003000de762)').value, 1n, 'a view CSR read without side effects');
    assert.equal(e('*(u64*)0x40000000').value, 0x1122_3344_5566_7788n);
    assert.equal(e('*(u64*)0x40000000').address, 0x4000_0000n);
    assert.equal(e(`*(u64*)0x${symbol('data1').toString(16)}`).value, 0xcafef00dn);
    assert.throws(() => e('*(u64*)0x50000000'), /^Error: cannot read 8 bytes at 0x50000000: not mapped \(load page fault\)$/);
    assert.throws(() => e('*(u32*)0x40002000'), /cannot read 4 bytes at 0x40002000: not RAM/);
  });
});
