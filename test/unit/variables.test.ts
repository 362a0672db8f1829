// The debugger's Variables model on a real machine: values and decodings after a real trap into S-mode under Sv39,
// hex vs decimal, and setVariable on registers, CSRs, fields and FP registers (including satp's effect on loads).
import assert from 'node:assert/strict';
import { assemble } from '../../assembler/assemble';
import { parseElf } from '../../emulator/loader/elf';
import { Machine } from '../../emulator/machine';
import { Priv } from '../../emulator/hart';
import { findVariable, scopes, setVariable, VariableError, type VariableNode } from '../../debug-adapter/variables';
import { privilegeInfo } from '../../debug-adapter/protocol';

/**
 * M-mode builds two Sv39 root tables and delegates load page faults to S-mode; S-mode loads from an unmapped
 * address and traps into s_handler, where the tests stop it. `root` maps only the 1 GiB identity superpage at
 * 0x8000_0000; `alt` also maps VA 0x4000_0000 to PA 0x8000_0000. `probe` is a load the tests aim pc at.
 */
const PROGRAM = `
        .option norvc
        .globl _start
_start:
        li t0, -1
        csrw pmpaddr0, t0
        li t0, 0x1f                     # entry 0: NAPOT RWX over everything
        csrw pmpcfg0, t0
        li t2, (0x80000000 >> 12) << 10 | 0xcf    # V R W X A D
        la t0, root
        sd t2, 16(t0)
        la t1, alt
        sd t2, 16(t1)
        sd t2, 8(t1)
        srli t0, t0, 12
        li t1, (8 << 60) | (5 << 44)    # Sv39, ASID 5
        or t0, t0, t1
        csrw satp, t0
        li t0, 1 << 13
        csrw medeleg, t0
        la t0, s_handler
        csrw stvec, t0
        li t0, 1 << 11                  # MPP = S
        csrs mstatus, t0
        la t0, s_code
        csrw mepc, t0
        mret
s_code:
        li a0, 0x40000000
fault:  ld a1, 0(a0)
        j .
s_handler:
        j s_handler
probe:  ld a2, 0(a3)
        j .
        .data
        .balign 4096
magic:  .dword 0x1234567890abcdef
        .balign 4096
root:   .zero 4096
alt:    .zero 4096
`;

function boot(): { m: Machine; sym: (name: string) => bigint } {
  const r = assemble({ files: ['/t/vars.s'], readFile: (p) => (p === '/t/vars.s' ? PROGRAM : undefined) });
  assert.deepEqual(r.diagnostics.filter((d) => d.severity === 'error'), []);
  const m = new Machine({ memory: 16 * 1024 * 1024, engine: 'interpreter' });
  const image = parseElf(r.elf!);
  m.loadImage(image);
  const sym = (name: string): bigint => image.symbols.find((s) => s.name === name)!.value;
  return { m, sym };
}

/** Steps until pc reaches `at` (the program gets there in a few dozen instructions). */
function stepTo(m: Machine, at: bigint): void {
  const h = m.harts[0];
  for (let i = 0; i < 1000 && h.pcBig !== at; i++) m.step();
  assert.equal(h.pcBig, at, `pc never reached 0x${at.toString(16)}`);
}

function trapped(): { m: Machine; sym: (name: string) => bigint } {
  const b = boot();
  stepTo(b.m, b.sym('s_handler'));
  return b;
}

const get = (m: Machine, path: string[], hex = true): VariableNode => findVariable(m.harts[0], path, hex);
const names = (nodes: VariableNode[]): string[] => nodes.map((n) => n.name);
const kids = (n: VariableNode, hex = true): VariableNode[] => n.children!(hex);

describe('debugger variables', () => {
  it('offers registers, privilege, CSRs and floating point scopes', () => {
    const { m } = boot();
    assert.deepEqual(scopes(m.harts[0]).map((s) => s.name), ['Registers', 'Privilege', 'CSRs', 'Floating point']);
    const regs = scopes(m.harts[0])[0].variables(true);
    assert.deepEqual(names(regs).slice(0, 4), ['pc', 'zero', 'ra', 'sp']);
    assert.equal(regs.length, 33);
    assert.equal(regs[2].type, 'x1');
    assert.equal(regs[2].evaluateName, 'ra');
    assert.deepEqual(names(scopes(m.harts[0])[2].variables(true)), ['M', 'S', 'counters', 'FP', 'PMP']);
  });

  it('formats registers in hex or signed decimal, with memory references for addresses of RAM', () => {
    const { m, sym } = trapped();
    const h = m.harts[0];
    h.setReg(10, -1n); // a0
    h.setReg(11, sym('magic'));
    assert.equal(get(m, ['Registers', 'a0']).value, '0xffffffffffffffff');
    assert.equal(get(m, ['Registers', 'a0'], false).value, '-1');
    assert.equal(get(m, ['Registers', 'a0']).memoryReference, undefined);
    assert.equal(get(m, ['Registers', 'a1']).memoryReference, `v:0x${sym('magic').toString(16)}`);
    const pc = get(m, ['Registers', 'pc']);
    assert.equal(pc.value, `0x${sym('s_handler').toString(16)}`);
    assert.equal(pc.memoryReference, `v:0x${sym('s_handler').toString(16)}`);
  });

  it('decodes a real trap into S-mode: mode, SPP, scause by name, sepc, stval', () => {
    const { m, sym } = trapped();
    assert.equal(m.harts[0].priv, Priv.S);
    const priv = scopes(m.harts[0])[1].variables(true);
    const by = (n: string): VariableNode => priv.find((v) => v.name === n)!;
    assert.equal(by('mode').value, 'S (supervisor, ring 0)');
    assert.equal(by('SPP').value, 'S (0x1)');
    assert.equal(by('MPP').value, 'U (0x0)'); // mret made MPP the least privileged mode
    assert.equal(by('MPRV').value, '0');
    assert.equal(by('last trap').value, 'load page fault (exception 13), S → S');
    const [cause, epc, tval] = kids(by('last trap'), false);
    assert.equal(cause.name, 'scause');
    assert.equal(cause.value, '13 (load page fault)');
    assert.equal(epc.value, sym('fault').toString());
    assert.equal(epc.memoryReference, `v:0x${sym('fault').toString(16)}`);
    assert.equal(tval.value, String(0x40000000));
    assert.equal(get(m, ['CSRs', 'S', 'scause']).value, '0xd (load page fault)');
    const code = kids(get(m, ['CSRs', 'S', 'scause']), false);
    assert.deepEqual(code.map((f) => `${f.name}=${f.value}`), ['Interrupt=0', 'Code=13 (load page fault)']);
    assert.equal(code[1].evaluateName, 'scause & 0x7fffffffffffffff');
    assert.equal(by('SPP').evaluateName, '(mstatus >> 8) & 0x1');
  });

  it('decodes satp (Sv39, ASID, root table), the trap vector, sstatus and medeleg', () => {
    const { m, sym } = trapped();
    const root = sym('root');
    const satp = get(m, ['CSRs', 'S', 'satp']);
    assert.equal(satp.value, `0x${((8n << 60n) | (5n << 44n) | (root >> 12n)).toString(16)} (Sv39, ASID 0x5, root table 0x${root.toString(16)})`);
    assert.equal(satp.memoryReference, `p:0x${root.toString(16)}`);
    const f = kids(satp, false);
    assert.deepEqual(f.map((x) => `${x.name}=${x.value}`), ['MODE=Sv39 (8)', 'ASID=5', `PPN=${root >> 12n} (root table at 0x${root.toString(16)})`]);
    const stvec = get(m, ['CSRs', 'S', 'stvec']);
    assert.equal(stvec.value, `0x${sym('s_handler').toString(16)} (Direct, handler 0x${sym('s_handler').toString(16)})`);
    assert.equal(kids(stvec).find((x) => x.name === 'BASE')!.value, `0x${sym('s_handler').toString(16)}`);
    const sstatus = get(m, ['CSRs', 'S', 'sstatus']);
    assert.match(sstatus.value, /SPP=S/);
    assert.equal(kids(get(m, ['CSRs', 'M', 'medeleg'])).find((x) => x.value === '1')!.name, 'load page fault');
    assert.equal(get(m, ['CSRs', 'M', 'mcause']).value, '0x0 (instruction address misaligned)'); // no trap into M yet: reset value
  });

  it('decodes PMP entries: mode, permissions and the range they cover', () => {
    const { m } = trapped();
    const pmp = get(m, ['CSRs', 'PMP']);
    const nodes = kids(pmp);
    assert.equal(nodes[0].name, 'pmp0');
    assert.equal(nodes[0].value, `NAPOT RWX [0x0, 0x${(2n ** 57n).toString(16)})`);
    assert.equal(nodes[1].value, 'OFF');
    assert.deepEqual(names(nodes).slice(16), ['pmpcfg0', 'pmpcfg2']);
    assert.deepEqual(kids(nodes[0]).map((x) => `${x.name}=${x.value}`).slice(0, 5), ['R=1', 'W=1', 'X=1', 'A=NAPOT (0x3)', 'L=0']);
    // A TOR entry made by editing fields: [pmpaddr0 * 4, pmpaddr1 * 4).
    const h = m.harts[0];
    setVariable(h, ['CSRs', 'PMP', 'pmp0', 'A'], 'OFF', true);
    setVariable(h, ['CSRs', 'PMP', 'pmp0', 'pmpaddr0'], '0x20000000', true);
    setVariable(h, ['CSRs', 'PMP', 'pmp1', 'pmpaddr1'], '0x20040000', true);
    setVariable(h, ['CSRs', 'PMP', 'pmp1', 'R'], '1', true);
    setVariable(h, ['CSRs', 'PMP', 'pmp1', 'A'], 'TOR', true);
    assert.equal(get(m, ['CSRs', 'PMP', 'pmp1']).value, 'TOR R-- [0x80000000, 0x80100000)');
    assert.equal(get(m, ['CSRs', 'PMP', 'pmp1', 'range']).memoryReference, 'p:0x80000000');
    // W without R is reserved: the CSR keeps W clear, and the edit says so.
    assert.throws(() => setVariable(h, ['CSRs', 'PMP', 'pmp2', 'W'], '1', true), /pmp2\.W cannot hold 1: pmpcfg0 keeps 0 there/);
  });

  it('shows floating point registers as double, single (NaN-boxed) and bits, with fcsr fields', () => {
    const { m } = boot();
    const h = m.harts[0];
    h.csr.set(0x300, h.csr.get(0x300) | (1n << 13n)); // FS = Initial
    setVariable(h, ['Floating point', 'fa0'], '1.5', false);
    setVariable(h, ['Floating point', 'fa1', 'single'], '-2.25', false);
    assert.equal(get(m, ['Floating point', 'fa0'], false).value, '1.5');
    assert.equal(get(m, ['Floating point', 'fa0']).value, '0x3ff8000000000000');
    assert.equal(get(m, ['Floating point', 'fa0']).evaluateName, 'f10');
    assert.equal(get(m, ['Floating point', 'fa1'], false).value, '-2.25 (single)');
    assert.equal(get(m, ['Floating point', 'fa1', 'bits']).value, '0xffffffffc0100000');
    assert.match(get(m, ['Floating point', 'fa0', 'single']).value, /not NaN-boxed/);
    // auto keeps a single single; hex is raw bits.
    setVariable(h, ['Floating point', 'fa1'], '0x3f800000', true);
    assert.equal(get(m, ['Floating point', 'fa1'], false).value, '1 (single)');
    assert.throws(() => setVariable(h, ['Floating point', 'fa1', 'single'], '0x3ff8000000000000', true), /fa1\.single is single precision: 0x3ff8000000000000 has more than 32 bits/);
    setVariable(h, ['Floating point', 'fa2'], '0x3ff8000000000000', true);
    assert.equal(get(m, ['Floating point', 'fa2'], false).value, '1.5');
    assert.throws(() => setVariable(h, ['Floating point', 'fa2'], '1,5', true), /cannot set fa2 to "1,5": expected a number \(1\.5, -2e-3, inf, nan\) or raw bits in hex/);
    setVariable(h, ['Floating point', 'fa2', 'double'], '-inf', false);
    assert.equal(get(m, ['Floating point', 'fa2', 'bits']).value, '0xfff0000000000000');
    assert.equal(get(m, ['Floating point', 'mstatus.FS']).value, 'Dirty (0x3)');
    setVariable(h, ['Floating point', 'fcsr', 'frm'], 'RUP', true);
    setVariable(h, ['Floating point', 'fcsr', 'NX'], '1', true);
    assert.equal(get(m, ['Floating point', 'fcsr']).value, '0x61 (NX frm=RUP)');
    assert.equal(get(m, ['CSRs', 'FP', 'frm'], false).value, '3 (frm=RUP)');
  });

  it('refuses FP edits while the FPU is off, naming the register and the fix', () => {
    const { m } = boot();
    assert.throws(() => setVariable(m.harts[0], ['Floating point', 'ft0'], '1', true), /ft0 is unreachable while the FPU is off \(mstatus.FS = Off\): set mstatus.FS first/);
    assert.throws(() => setVariable(m.harts[0], ['CSRs', 'FP', 'fcsr'], '1', true), /fcsr is unreachable while the FPU is off/);
  });

  it('edits registers and pc from decimal, hex and negative text', () => {
    const { m } = boot();
    const h = m.harts[0];
    assert.equal(setVariable(h, ['Registers', 't0'], '-2', false).value, '-2');
    assert.equal(h.reg(5), 2n ** 64n - 2n);
    assert.equal(setVariable(h, ['Registers', 's1'], '0xdead_beef', true).value, '0xdeadbeef');
    assert.equal(setVariable(h, ['Registers', 'pc'], '0x80000010', true).value, '0x80000010');
    assert.equal(h.pc, 0x80000010);
    assert.throws(() => setVariable(h, ['Registers', 'a0'], 'twelve', true), (e: Error) => e instanceof VariableError
      && e.message === 'cannot set a0 to "twelve": expected a number, decimal (42, -1), hex (0x80001000) or binary (0b101)');
    assert.throws(() => setVariable(h, ['Registers', 'pc'], '0x80000011', true), /instructions are at even addresses/);
    assert.throws(() => setVariable(h, ['Registers', 'zero'], '1', true), /zero is read-only/);
  });

  it('edits CSRs through their WARL rules and refuses read-only ones', () => {
    const { m } = boot();
    const h = m.harts[0];
    // mstatus.MPP cannot hold the reserved mode 2; by name or number.
    assert.equal(setVariable(h, ['Privilege', 'MPP'], 'S', true).value, 'S (0x1)');
    assert.throws(() => setVariable(h, ['Privilege', 'MPP'], '2', true), /MPP cannot be 2: it accepts U \(0\), S \(1\), M \(3\)/);
    assert.throws(() => setVariable(h, ['CSRs', 'S', 'satp', 'MODE'], 'Sv57', true), /satp\.MODE cannot be "Sv57": it accepts Bare \(0\), Sv39 \(8\), Sv48 \(9\)/);
    // sepc's bit 0 is not writable: the register keeps what it can.
    assert.equal(setVariable(h, ['CSRs', 'S', 'sepc'], '0x80000003', true).value, '0x80000002');
    assert.throws(() => setVariable(h, ['CSRs', 'M', 'mhartid'], '1', true), /mhartid is read-only/);
    assert.throws(() => setVariable(h, ['CSRs', 'M', 'misa'], '0', true), /misa is read-only/);
    assert.throws(() => setVariable(h, ['CSRs', 'counters', 'time'], '0', true), /time is read-only/);
    assert.throws(() => setVariable(h, ['Privilege', 'mode'], 'U', true), /mode is read-only/);
    assert.throws(() => setVariable(h, ['CSRs', 'S', 'sstatus', 'UXL'], '1', true), /sstatus\.UXL cannot hold 1: sstatus keeps 2 there/);
    // A counter reads back exactly what was written, and counts on from there.
    assert.equal(setVariable(h, ['CSRs', 'counters', 'minstret'], '1000', false).value, '1000');
    m.step();
    assert.equal(get(m, ['CSRs', 'counters', 'minstret'], false).value, '1001');
    // Named interrupt bits; writing through sie reaches mie only where mideleg delegates.
    setVariable(h, ['CSRs', 'M', 'mie', 'MTI'], '1', true);
    assert.equal(get(m, ['CSRs', 'M', 'mie']).value, '0x80 (MTI)');
    assert.equal(setVariable(h, ['CSRs', 'M', 'medeleg', 'store/AMO page fault'], '1', true).value, '1');
    assert.equal(get(m, ['CSRs', 'M', 'medeleg']).value, '0x8000 (store/AMO page fault)');
    // ecall from M-mode cannot be delegated: the field does not exist, and the register keeps bit 11 clear.
    assert.equal(setVariable(h, ['CSRs', 'M', 'medeleg'], '0xffff', true).value, `0x${(0xb3ff).toString(16)} (${
      ['instruction address misaligned', 'instruction access fault', 'illegal instruction', 'breakpoint', 'load address misaligned', 'load access fault',
        'store/AMO address misaligned', 'store/AMO access fault', 'ecall from U-mode', 'ecall from S-mode', 'instruction page fault', 'load page fault',
        'store/AMO page fault'].join(', ')})`);
  });

  it('re-selects the TLB context after a satp edit: loads translate through the new tables', () => {
    const { m, sym } = trapped();
    const h = m.harts[0];
    const magic = sym('magic'), probe = sym('probe');
    const load = (addr: bigint): bigint | string => {
      h.setReg(13, addr); // a3
      h.setReg(12, 0n);
      setVariable(h, ['Registers', 'pc'], `0x${probe.toString(16)}`, true);
      m.step();
      return h.pcBig === probe + 4n ? h.reg(12) : get(m, ['CSRs', 'S', 'scause']).value;
    };
    const alias = 0x40000000n + (magic - 0x80000000n);
    assert.equal(load(alias), '0xd (load page fault)'); // root does not map 0x4000_0000
    // To Bare: S-mode loads are physical (a stale Sv39 context would walk with a Bare satp and fault).
    setVariable(h, ['CSRs', 'S', 'satp'], '0', true);
    assert.equal(load(magic), 0x1234567890abcdefn);
    // To alt's Sv39 tables: 0x4000_0000 now maps (a stale Bare context would load physical 0x4000_0000 and fault).
    setVariable(h, ['CSRs', 'S', 'satp'], `0x${((8n << 60n) | (6n << 44n) | (sym('alt') >> 12n)).toString(16)}`, true);
    assert.equal(load(alias), 0x1234567890abcdefn);
    assert.equal(kids(get(m, ['CSRs', 'S', 'satp']), true)[0].value, 'Sv39 (0x8)');
    // Editing a field of satp goes the same way: back to Bare.
    setVariable(h, ['CSRs', 'S', 'satp', 'MODE'], 'Bare', true);
    assert.equal(load(magic), 0x1234567890abcdefn);
  });

  it('flushes the TLB after a PMP edit: a page the TLB holds is checked against the new entries', () => {
    const { m, sym } = trapped();
    const h = m.harts[0];
    const magic = sym('magic'), probe = sym('probe');
    h.setReg(13, magic);
    const load = (): string => {
      setVariable(h, ['Registers', 'pc'], `0x${probe.toString(16)}`, true);
      m.step();
      return h.pcBig === probe + 4n ? `0x${h.reg(12).toString(16)}` : get(m, ['Privilege', 'last trap']).value;
    };
    assert.equal(load(), '0x1234567890abcdef'); // the TLB now holds magic's page
    // Entry 1 takes over "everything", then entry 0 (which wins) covers magic's 4 KiB page with no permissions.
    setVariable(h, ['CSRs', 'PMP', 'pmp1', 'pmpaddr1'], '-1', true);
    setVariable(h, ['CSRs', 'PMP', 'pmpcfg0'], '0x1f1f', true);
    setVariable(h, ['CSRs', 'PMP', 'pmp0', 'pmpaddr0'], `0x${((magic >> 2n) | 0x1ffn).toString(16)}`, true);
    setVariable(h, ['CSRs', 'PMP', 'pmpcfg0'], '0x1f18', true);
    assert.equal(get(m, ['CSRs', 'PMP', 'pmp0']).value, `NAPOT --- [0x${magic.toString(16)}, 0x${(magic + 4096n).toString(16)})`);
    assert.equal(load(), 'load access fault (exception 5), S → M'); // not delegated
  });

  it('reads every variable without changing the machine (CSR file, TLB, page tables)', () => {
    const { m, sym } = trapped();
    const h = m.harts[0];
    h.csr.set(0x300, h.csr.get(0x300) | (1n << 13n)); // FS on, so the FP CSRs are readable too
    const state = (): string => JSON.stringify([
      [...h.csr.lo], [...h.csr.hi], h.csr.rlo, h.csr.rhi, [...h.tlb.loadKey], [...h.tlb.fetchKey], h.retired, h.pc, h.translationEpoch,
      [...m.ram.readBytes(Number(sym('root') - 0x80000000n), 4096)],
    ]);
    const before = state();
    let count = 0;
    const expand = (nodes: VariableNode[]): void => nodes.forEach((n) => { count++; if (n.children) expand(n.children(false)); });
    for (const s of scopes(h)) expand(s.variables(true));
    assert.ok(count > 400, `only ${count} variables`);
    assert.equal(state(), before);
  });

  it('names privilege modes with their rings in one place', () => {
    assert.deepEqual(privilegeInfo(3), { mode: 'M', name: 'machine', ring: 'ring -1' });
    assert.deepEqual(privilegeInfo(0), { mode: 'U', name: 'user', ring: 'ring 3' });
    assert.throws(() => privilegeInfo(2), /privilege mode 2 is reserved/);
  });
});
