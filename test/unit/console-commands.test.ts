// The Debug Console commands on a guest that really enabled Sv39: translate (level by level, and why a walk
// faults), info tlb, GDB's x/NFU (checked against objdump for x/i), help, and one-line usage for mistakes.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runConsoleCommand, type ConsoleTarget } from '../../debug-adapter/console-commands';
import { machineEvalContext } from '../../debug-adapter/machine-context';
import { translateResponseBody } from '../../debug-adapter/page-walk';
import { Access } from '../../emulator/mmu';
import { RAM_BASE } from '../../emulator/machine';
import { assemble } from '../../assembler/assemble';
import { SV39_PROGRAM, sv39Machine } from '../support/sv39-program';

describe('Debug Console commands', () => {
  const { machine, symbol } = sv39Machine('interpreter');
  const target: ConsoleTarget = { machine, hart: machine.hart, context: machineEvalContext(machine, machine.hart) };
  const run = (line: string) => runConsoleCommand(line, target)?.output;
  const hex = (v: bigint) => `0x${v.toString(16)}`;

  it('translate walks level by level and names the physical page', () => {
    const out = run('translate 0x40000000 + 0x10')!.split('\n');
    const [root, l1, l0, data0] = ['root', 'l1', 'l0', 'data0'].map(symbol);
    assert.equal(out[0], '0x40000010 (load from S-mode, Sv39)');
    assert.match(out[1], new RegExp(`^  level 2: PTE at ${hex(root + 8n)} = 0x[0-9a-f]{16}  V-------  PPN ${hex(l1 >> 12n)}  -> table at ${hex(l1)}$`));
    assert.match(out[2], new RegExp(`^  level 1: PTE at ${hex(l1)} = .*  -> table at ${hex(l0)}$`));
    assert.match(out[3], new RegExp(`^  level 0: PTE at ${hex(l0)} = 0x[0-9a-f]{13}007  VRW-----  PPN ${hex(data0 >> 12n)}  leaf$`));
    assert.equal(out[4], `  => physical ${hex(data0 + 0x10n)} (4 KiB page)`);
    assert.equal(out.length, 5);
    assert.match(run('translate pc fetch')!, /\(fetch from S-mode, Sv39\)\n {2}level 2: .* VRWX--AD .* leaf\n {2}=> physical 0x800000[0-9a-f]+ \(1 GiB page\)$/);
  });

  it('translate says which rule faulted', () => {
    assert.match(run('translate 0x50000000')!, /\n {2}=> load page fault \(cause 13\): level 1: PTE not valid \(V = 0\)$/);
    assert.match(run('translate 0x40000000 fetch')!, /=> instruction page fault \(cause 12\): level 0: the page is not executable \(X = 0\)$/);
    assert.match(run('translate 1 << 40')!, /=> load page fault \(cause 13\): the address is not canonical: bits 63:39 must all equal bit 38$/);
    const body = translateResponseBody(machine.hart.walk(0x5000_0000n, Access.Store));
    assert.deepEqual([body.address, body.mode, body.levels.length, body.levels[0].flags, body.physical, body.fault?.cause, body.fault?.name],
      ['0x50000000', 'Sv39', 2, 'V-------', undefined, 15, 'store/AMO page fault']);
    assert.equal(body.fault?.reason, 'level 1: PTE not valid (V = 0)');
    assert.equal(translateResponseBody(machine.hart.walk(0x4000_1008n, Access.Load)).physical, hex(symbol('data1') + 8n));
  });

  it('info tlb lists the hart\'s cached translations', () => {
    const out = run('info tlb')!.split('\n');
    assert.match(out[0], /^TLB of hart 0: \d+ entr(y|ies)/);
    assert.ok(out.some((l) => new RegExp(`^ {2}load +0x40001000 +-> +${hex(symbol('data1'))} +4 KiB page +Sv39 +asid 0 +S-mode$`).test(l)), out.join('\n'));
    assert.ok(out.some((l) => /^ {2}fetch +0x80000000 +-> +0x80000000 +1 GiB page +Sv39/.test(l)), out.join('\n'));
  });

  it('x/NFU prints memory as GDB does', () => {
    assert.equal(run('x/2xg 0x40000000'), '0x40000000:\t0x1122334455667788\t0x0000006f6c6c6568');
    assert.equal(run('x/3xb 0x40000000'), '0x40000000:\t0x88\t0x77\t0x66');
    assert.equal(run('x/2dh 0x40000000'), '0x40000000:\t30600\t21862');
    assert.equal(run('x 0x40001000'), '0x40001000:\t0xcafef00d');
    assert.equal(run('x/s 0x40000008'), '0x40000008:\t"hello"');
    assert.equal(run('x/2c 0x40000008'), "0x40000008:\t104 'h'\t101 'e'");
    assert.equal(run('x/tb 0x40000000'), '0x40000000:\t10001000');
    assert.equal(run('x/ob 0x40000000'), '0x40000000:\t0210');
    assert.equal(run('x/6xw 0x40000000')!.split('\n').length, 2, 'four words a line');
    assert.equal(run(`x/a ${hex(symbol('root') + 16n)}`), `${hex(symbol('root') + 16n)} <root+16>:\t0x200000cf`);
    assert.equal(run('x/2xw 0x40001ffc'), '0x40001ffc:\t0x00000000\nCannot access memory at address 0x40002000');
    assert.equal(run('x/xg 0x50000000'), 'Cannot access memory at address 0x50000000');
  });

  it('x/i disassembles as objdump does, marking the pc', () => {
    const r = assemble({ files: ['/sv39.S'], readFile: (p) => (p === '/sv39.S' ? SV39_PROGRAM : undefined) });
    const dir = mkdtempSync(join(tmpdir(), 'ringside-x-'));
    writeFileSync(join(dir, 'a.elf'), r.elf!);
    const objdump = execFileSync('riscv64-unknown-elf-objdump', ['-d', join(dir, 'a.elf')], { encoding: 'utf8' });
    const expected = objdump.split('\n').filter((l) => /^\s*8000[0-9a-f]{4}:/.test(l)).slice(0, 12).map((l) => l.split('\t').slice(2).join('\t').trim());
    const ours = run(`x/12i ${RAM_BASE}`)!.split('\n');
    assert.equal(ours[0].split('\t')[0], '   0x80000000 <_start>:');
    assert.deepEqual(ours.map((l) => l.split('\t').slice(1).join('\t')), expected);
    assert.match(run('x/2i $pc')!, /^=> 0x800000[0-9a-f]+ <loop(\+4)?>:\t/);
  });

  it('help, usage lines, and lines that are expressions', () => {
    assert.match(run('help')!, /^Debug Console commands/);
    assert.equal(run('translate'), 'usage: translate <address expression> [load|store|fetch]   e.g. translate sp, translate 0x40000000 store');
    assert.equal(run('info registers'), 'usage: info tlb');
    assert.match(run('x/4q sp')!, /^x: unknown format letter 'q': usage: x\/NFU/);
    assert.equal(run('translate nosuch'), "translate: unknown name 'nosuch' at column 1: not a register, CSR or symbol of the program");
    assert.match(run('frobnicate the machine')!, /^unknown command 'frobnicate': commands are translate, info tlb, x\/NFU and help/);
    assert.equal(run('a0 + 1'), undefined);
    assert.equal(run('*(u32*)sp'), undefined);
    assert.equal(run('mstatus'), undefined);
  });
});
