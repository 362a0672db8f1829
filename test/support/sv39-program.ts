// A small program that really turns on Sv39 and drops to S-mode, for the debugger's memory, expression and
// console tests: the tables are built by the guest, so the test sees what a kernel would leave behind.
import assert from 'node:assert/strict';
import { assemble } from '../../assembler/assemble';
import { Machine } from '../../emulator/machine';

/**
 * VA map once in S-mode: 0x8000_0000 1 GiB identity (RWX A D); 0x4000_0000 -> data0 (RW, A = D = 0, never
 * touched); 0x4000_1000 -> data1 (RW A; S-mode loads from it); 0x4000_2000 -> the UART (RW A D); nothing else.
 * S-mode then counts in s1 forever at `loop`.
 */
export const SV39_PROGRAM = `
        .equ PTE_FLAGS_PTR, 1
        .text
        .globl _start
_start:
        li t0, -1
        csrw pmpaddr0, t0
        li t0, 0x1f
        csrw pmpcfg0, t0
        la s0, root
        li t0, 0x80000000
        srli t0, t0, 12
        slli t0, t0, 10
        ori t0, t0, 0xcf
        sd t0, 16(s0)
        la t0, l1
        srli t0, t0, 12
        slli t0, t0, 10
        ori t0, t0, PTE_FLAGS_PTR
        sd t0, 8(s0)
        la s1, l1
        la t0, l0
        srli t0, t0, 12
        slli t0, t0, 10
        ori t0, t0, PTE_FLAGS_PTR
        sd t0, 0(s1)
        la s2, l0
        la t0, data0
        srli t0, t0, 12
        slli t0, t0, 10
        ori t0, t0, 0x7
        sd t0, 0(s2)
        la t0, data1
        srli t0, t0, 12
        slli t0, t0, 10
        ori t0, t0, 0x47
        sd t0, 8(s2)
        li t0, 0x10000000
        srli t0, t0, 12
        slli t0, t0, 10
        ori t0, t0, 0xc7
        sd t0, 16(s2)
        la t0, root
        srli t0, t0, 12
        li t1, 8 << 60
        or t0, t0, t1
        csrw satp, t0
        sfence.vma
        li t0, 3 << 11
        csrc mstatus, t0
        li t0, 1 << 11
        csrs mstatus, t0
        la t0, s_entry
        csrw mepc, t0
        li s1, 0
        mret
s_entry:
        li t0, 0x40001000
        ld a0, 0(t0)
loop:
        addi s1, s1, 1
        j loop

        .data
        .balign 4096
root:   .zero 4096
l1:     .zero 4096
l0:     .zero 4096
data0:  .dword 0x1122334455667788
        .asciz "hello"
        .balign 4096
data1:  .dword 0xcafef00d
        .balign 4096
`;

/** Assembles SV39_PROGRAM and runs it until the hart is in S-mode at `loop` with paging on. */
export function sv39Machine(engine: 'interpreter' | 'translator' = 'translator'): { machine: Machine; symbol: (name: string) => bigint } {
  const r = assemble({ files: ['/sv39.S'], readFile: (p) => (p === '/sv39.S' ? SV39_PROGRAM : undefined) });
  assert.ok(r.elf, r.diagnostics.map((d) => d.message).join('\n'));
  const machine = new Machine({ engine, memory: 8 << 20 });
  machine.load(r.elf);
  const symbol = (name: string): bigint => {
    const s = machine.symbols.find((x) => x.name === name);
    assert.ok(s, `symbol ${name}`);
    return s.value;
  };
  machine.run(200);
  assert.equal(machine.hart.priv, 1, 'the program reached S-mode');
  return { machine, symbol };
}
