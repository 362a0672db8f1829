// Isolation: malicious guests (programs/attacker.S, scripted from here) attack through their page tables, CSRs,
// device accesses and SBI calls next to a victim VM; each gets the fault the architecture prescribes, and nothing else moves.
import assert from 'node:assert/strict';
import { Machine, type Engine } from '../../emulator/machine';
import { Vmm } from '../../hypervisor/vmm';
import { CLINT_BASE, FINISHER_BASE, UART_BASE, PLIC_BASE } from '../../emulator/machine';
import { CSR } from '../../emulator/csr/file';
import { disassemble } from '../../emulator/isa/disasm';
import { SBI_ERR_INVALID_ADDRESS, SBI_ERR_INVALID_PARAM, SBI_ERR_NOT_SUPPORTED, SBI_ERR_ALREADY_AVAILABLE } from '../../hypervisor/sbi/extension';
import type { Vm } from '../../hypervisor/vm';
import { Ram } from '../../emulator/memory/ram';
import { FRAME, FrameAllocator } from '../../hypervisor/frames';
import { AsidAllocator, ShadowPager } from '../../hypervisor/shadow';
import { runVms, kernel } from './harness';
import {
  A, D, GUEST_RAM, NOTHING, R, RWX, SECRET, TABLES, V, VICTIM_CONSOLE, W, X, assertSecretIntact, baseTables, looksSecret, pte,
  runAttack, satpSv39, type Outcome, type Pair, type PairOptions, type Step,
} from './attack';

const RAM_END = 0x8000_0000 + GUEST_RAM;
const LOAD_ACCESS = 5, STORE_ACCESS = 7, FETCH_ACCESS = 1, LOAD_PAGE = 13, STORE_PAGE = 15, FETCH_PAGE = 12, ILLEGAL = 2;
const DBCN = 0x4442434e, HSM = 0x48534d, IPI = 0x735049, RFENCE = 0x52464e43, TIME = 0x54494d45;
const ALL_ONES = (1n << 64n) - 1n;

/** Machine configurations every attack runs in: the attacker's RAM below the victim's in machine memory, and above. */
const SETUPS: (PairOptions & { label: string })[] = [
  { label: 'interpreter, 1 hart, attacker first', engine: 'interpreter' as Engine, harts: 1, attackerFirst: true },
  { label: 'translator, 2 harts, victim first', engine: 'translator' as Engine, harts: 2, attackerFirst: false },
];

/** The machine address of the victim's secret, and of the first frame the VMM gives its own tables after both VMs. */
function targets(victim: Vm | undefined, attacker: Vm): { secret: number; vmmFrame: number } {
  const frames = [...attacker.memory.p2m, ...(victim?.memory.p2m ?? [])];
  return { secret: victim!.memory.machineAddress(SECRET), vmmFrame: attacker.memory.ram.base + (Math.max(...frames) + 1) * FRAME };
}

/** Runs an attack and checks that the victim, the machine's devices and the VMM did not notice. */
function attack(steps: readonly Step[], options: PairOptions): Pair {
  const r = runAttack(steps, options);
  assert.deepEqual(r.stop, { kind: 'exit', code: 0 }, 'the machine ends when both VMs shut down, with no finisher write');
  assert.equal(r.console(r.victim), VICTIM_CONSOLE);
  assert.equal(r.victim!.haltReason, 'shutdown (no reason)');
  assert.equal(r.attacker.haltReason, 'shutdown (no reason)', 'the attacker ran its whole script');
  assertSecretIntact(r.victim!);
  assert.deepEqual(r.machineOutput, [], "the machine's own UART emitted nothing");
  assert.ok(r.checks > (options.checkEvery === undefined ? steps.length : 1), 'the invariants were checked as the attacker ran');
  return r;
}

function fault(o: Outcome, cause: number, tval: bigint, what: string): void {
  assert.deepEqual({ cause: o.cause, tval: o.tval }, { cause, tval }, what);
}

/** Every step after the base tables, with its outcome. */
function outcomesAfterBase(r: Pair): Outcome[] {
  return r.outcomes.slice(baseTables().length);
}

function decisions(r: Pair): string[] {
  return r.vmm.log.query({ vm: r.attacker.id, limit: 100_000 }).map((e) => `${e.kind}: ${e.decision}`);
}

describe('VMM isolation: malicious guests next to a victim', () => {
  it('the victim alone prints its rounds and keeps its secret (the baseline the attacks compare with)', () => {
    const r = runVms([{ kernel: kernel('victim.S'), name: 'victim', memory: GUEST_RAM }], { memory: 64 * 1024 * 1024 });
    assert.equal(r.console(0), VICTIM_CONSOLE);
    assert.deepEqual(r.stop, { kind: 'exit', code: 0 });
    assertSecretIntact(r.vmm.vms[0]);
  });

  for (const setup of SETUPS) {
    describe(setup.label, () => {
      it('leaf PTEs to guest-physical addresses outside guest RAM: access faults with stval = the virtual address', () => {
        // root[4] → T1, T1[0] → T0, T0[i] = a 4 KiB leaf at target i, reached at VA 0x1_0000_0000 + i pages.
        const T1 = TABLES + 0x1000, T0 = TABLES + 0x2000, BASE_VA = 0x1_0000_0000n;
        const names: string[] = [];
        let secretInside = false;
        const r = attack(baseTables(), {
          ...setup,
          aim: (attacker, victim) => {
            const t = targets(victim, attacker);
            const gpas: [string, number][] = [
              ["the victim's secret (its machine address)", t.secret], ["the VMM's first table frame", t.vmmFrame],
              ['just past the end of guest RAM', RAM_END], ['beyond machine RAM', 0x9000_0000], ['below RAM', 0x4000_0000],
              ['a 44-bit address', 2 ** 43],
            ];
            secretInside = attacker.memory.contains(t.secret, 8);
            const steps: Step[] = [
              { op: 'store', va: BigInt(TABLES + 4 * 8), value: pte(T1, V) },
              { op: 'store', va: BigInt(T1), value: pte(T0, V) },
            ];
            gpas.forEach(([name, gpa], i) => {
              names.push(name);
              steps.push({ op: 'store', va: BigInt(T0 + 8 * i), value: pte(gpa, RWX) });
            });
            gpas.forEach((_, i) => {
              const va = BASE_VA + BigInt(i) * 4096n;
              steps.push({ op: 'load', va: va + 8n }, { op: 'store', va: va + 16n, value: 0xbadn }, { op: 'fetch', va });
            });
            return steps;
          },
        });
        const out = outcomesAfterBase(r).slice(2 + names.length);
        names.forEach((name, i) => {
          const va = BASE_VA + BigInt(i) * 4096n, [load, store, fetch] = out.slice(3 * i, 3 * i + 3);
          if (i === 0 && secretInside) {
            // The victim's machine address is an ordinary guest-physical address of the attacker: its own RAM.
            assert.equal(load.cause, undefined, name);
            assert.equal(load.a0, 0n, `${name}: the attacker reads its own (zero) memory there`);
            assert.equal(store.cause, undefined);
            assert.equal(fetch.cause, ILLEGAL, 'its own zeroed page holds no instructions');
            return;
          }
          fault(load, LOAD_ACCESS, va + 8n, `load from ${name}`);
          assert.equal(load.a0, NOTHING, `load from ${name} got nothing`);
          fault(store, STORE_ACCESS, va + 16n, `store to ${name}`);
          fault(fetch, FETCH_ACCESS, va, `fetch from ${name}`);
        });
        assert.ok(decisions(r).some((d) => /^injected: inject load access fault: gpa 0x90000008 is neither guest RAM nor a device of attacker$/.test(d)));
      });

      it('non-leaf PTEs pointing outside guest RAM: the walk\'s PTE read faults (access fault)', () => {
        let vmmFrame = 0;
        const r = attack(baseTables(), {
          ...setup,
          aim: (attacker, victim) => {
            vmmFrame = targets(victim, attacker).vmmFrame;
            const pointers = [0x9000_0000, UART_BASE, vmmFrame, RAM_END];
            return [
              ...pointers.map((p, i): Step => ({ op: 'store', va: BigInt(TABLES + (3 + i) * 8), value: pte(p, V) })),
              ...pointers.flatMap((_, i): Step[] => {
                const va = BigInt(3 + i) << 30n;
                return [{ op: 'load', va }, { op: 'store', va: va + 8n, value: 1n }, { op: 'fetch', va: va + 0x1000n }];
              }),
            ];
          },
        });
        const out = outcomesAfterBase(r).slice(4);
        for (let i = 0; i < 4; i++) {
          const va = BigInt(3 + i) << 30n;
          fault(out[3 * i], LOAD_ACCESS, va, `load via pointer ${i}`);
          fault(out[3 * i + 1], STORE_ACCESS, va + 8n, `store via pointer ${i}`);
          fault(out[3 * i + 2], FETCH_ACCESS, va + 0x1000n, `fetch via pointer ${i}`);
        }
        assert.ok(decisions(r).some((d) => d === `injected: inject load access fault at 0x${(3n << 30n).toString(16)}: a guest page table lies outside guest RAM`));
      });

      it('a gigapage straddling the end of guest RAM: pages inside work, pages past the end fault, no victim data', () => {
        let secret = 0;
        const r = attack([
          ...baseTables(),
          { op: 'store', va: BigInt(RAM_END - 8), value: 0x1234n },
          { op: 'load', va: BigInt(RAM_END - 8) },
          { op: 'load', va: BigInt(RAM_END) },
          { op: 'store', va: BigInt(RAM_END + 0x10), value: 1n },
          { op: 'fetch', va: BigInt(RAM_END + 0x1000) },
          { op: 'load', va: 0xbfff_fff8n },
        ], {
          ...setup,
          aim: (attacker, victim) => {
            secret = targets(victim, attacker).secret;
            return [{ op: 'load', va: BigInt(secret) }, { op: 'store', va: BigInt(secret), value: 0xdeadn }];
          },
        });
        const [st, inside, past, storePast, fetchPast, top, secretLoad, secretStore] = outcomesAfterBase(r);
        assert.equal(st.cause, undefined);
        assert.deepEqual([inside.cause, inside.a0], [undefined, 0x1234n], 'the last doubleword of guest RAM is the guest\'s');
        fault(past, LOAD_ACCESS, BigInt(RAM_END), 'load just past the end');
        fault(storePast, STORE_ACCESS, BigInt(RAM_END + 0x10), 'store past the end');
        fault(fetchPast, FETCH_ACCESS, BigInt(RAM_END + 0x1000), 'fetch past the end');
        fault(top, LOAD_ACCESS, 0xbfff_fff8n, 'load at the top of the gigapage');
        if (r.attacker.memory.contains(secret, 8)) {
          assert.equal(secretLoad.cause, undefined);
          assert.ok(!looksSecret(secretLoad.a0), 'the attacker read its own memory, not the victim\'s');
          assert.equal(secretStore.cause, undefined);
        } else {
          fault(secretLoad, LOAD_ACCESS, BigInt(secret), "load at the victim's machine address");
          fault(secretStore, STORE_ACCESS, BigInt(secret), "store at the victim's machine address");
        }
      });

      it('self-referencing page tables: every walk ends within the levels with the architectural result', () => {
        const va = (l2: number, l1: number, l0: number, off = 0) => (BigInt(l2) << 30n) | (BigInt(l1) << 21n) | (BigInt(l0) << 12n) | BigInt(off);
        const rootPte = pte(TABLES, V | R | W | A | D);
        const r = attack([
          ...baseTables(),
          { op: 'store', va: BigInt(TABLES + 5 * 8), value: pte(TABLES, V) }, // root[5] → root (a pointer)
          { op: 'store', va: BigInt(TABLES + 6 * 8), value: rootPte }, // root[6] = a leaf on the root itself
          { op: 'load', va: va(5, 5, 5) }, // root → root → root[5] at level 0 is a pointer: no leaf
          { op: 'store', va: va(5, 5, 5), value: 1n },
          { op: 'fetch', va: va(5, 5, 5) },
          { op: 'load', va: va(6, 0, 0) }, // root[6] as a gigapage: misaligned
          { op: 'load', va: va(5, 6, 0, 2 * 8) }, // root[6] as a megapage (the root is 2 MiB aligned): reads root[2]
          { op: 'load', va: va(5, 5, 6, 6 * 8) }, // root[6] as a 4 KiB page: reads root[6] itself
          { op: 'store', va: va(5, 5, 6, 7 * 8), value: pte(0x8000_0000, RWX) }, // the guest edits its root through it
          { op: 'load', va: (7n << 30n) | 0x20_0000n }, // root[7] now maps its RAM: reads its kernel's first word
          { op: 'load', va: va(5, 5, 5, 0) | (0x7fn << 39n) }, // not canonical: page fault
        ], setup);
        const [, , noLeafLoad, noLeafStore, noLeafFetch, misaligned, mega, small, edit, edited, nonCanonical] = outcomesAfterBase(r);
        fault(noLeafLoad, LOAD_PAGE, va(5, 5, 5), 'no leaf within 3 levels (load)');
        fault(noLeafStore, STORE_PAGE, va(5, 5, 5), 'no leaf within 3 levels (store)');
        fault(noLeafFetch, FETCH_PAGE, va(5, 5, 5), 'no leaf within 3 levels (fetch)');
        fault(misaligned, LOAD_PAGE, va(6, 0, 0), 'a misaligned gigapage');
        assert.deepEqual([mega.cause, mega.a0], [undefined, pte(0x8000_0000, RWX)], 'the megapage on the root reads root[2]');
        assert.deepEqual([small.cause, small.a0], [undefined, rootPte], 'the 4 KiB page on the root reads root[6]');
        assert.equal(edit.cause, undefined);
        const first = new DataView(r.attacker.memory.read(0x8020_0000, 8).buffer).getBigUint64(0, true);
        assert.deepEqual([edited.cause, edited.a0], [undefined, first]);
        fault(nonCanonical, LOAD_PAGE, BigInt.asUintN(64, va(5, 5, 5, 0) | (0x7fn << 39n)), 'a non-canonical address');
      });

      it('MMIO to addresses the VM has no device at: access faults; the machine\'s real devices never see it', () => {
        const devices = pte(0, V | R | W | A | D); // gigapage 0: device space, read/write, no execute
        const r = attack([
          ...baseTables(),
          { op: 'store', va: BigInt(TABLES), value: devices },
          { op: 'store', va: BigInt(TABLES + 8), value: pte(0, RWX) }, // gigapage 1: device space again, executable
          { op: 'store', va: BigInt(FINISHER_BASE), value: 0x777_3333n }, // the test finisher: would end the machine
          { op: 'store', va: BigInt(CLINT_BASE), value: 1n }, // msip of hart 0
          { op: 'store', va: BigInt(CLINT_BASE + 0x4000), value: 0n }, // mtimecmp of hart 0
          { op: 'load', va: BigInt(CLINT_BASE + 0xbff8) }, // mtime
          { op: 'load', va: 0x3000_0000n },
          { op: 'store', va: 0x3000_0000n, value: 1n },
          { op: 'load', va: 0n },
          { op: 'fetch', va: BigInt(UART_BASE) }, // no X in gigapage 0: a page fault first
          { op: 'fetch', va: BigInt(0x4000_0000 + UART_BASE) }, // executable, but no device executes: access fault
          { op: 'store', va: BigInt(UART_BASE), value: 0x5an }, // its own UART: its console
          { op: 'load', va: BigInt(PLIC_BASE + 4) }, // its own PLIC: source 1 priority
          { op: 'satp', value: 0n }, // Bare: guest-physical = virtual, same answers
          { op: 'store', va: BigInt(FINISHER_BASE), value: 0x777_3333n },
          { op: 'load', va: BigInt(CLINT_BASE + 0xbff8) },
        ], setup);
        const [, , fin, ms, cmp, mtime, unmapped, unmappedStore, zero, fetchNoX, fetchUart, uart, plic, bare, bareFin, bareMtime] = outcomesAfterBase(r);
        fault(fin, STORE_ACCESS, BigInt(FINISHER_BASE), 'finisher store');
        fault(ms, STORE_ACCESS, BigInt(CLINT_BASE), 'CLINT msip store');
        fault(cmp, STORE_ACCESS, BigInt(CLINT_BASE + 0x4000), 'CLINT mtimecmp store');
        fault(mtime, LOAD_ACCESS, BigInt(CLINT_BASE + 0xbff8), 'CLINT mtime load');
        fault(unmapped, LOAD_ACCESS, 0x3000_0000n, 'load from nothing');
        fault(unmappedStore, STORE_ACCESS, 0x3000_0000n, 'store to nothing');
        fault(zero, LOAD_ACCESS, 0n, 'load at 0');
        fault(fetchNoX, FETCH_PAGE, BigInt(UART_BASE), 'fetch from a page without X');
        fault(fetchUart, FETCH_ACCESS, BigInt(0x4000_0000 + UART_BASE), 'fetch from a device');
        assert.equal(uart.cause, undefined);
        assert.deepEqual([plic.cause, plic.a0], [undefined, 0n]);
        assert.equal(bare.cause, undefined);
        fault(bareFin, STORE_ACCESS, BigInt(FINISHER_BASE), 'finisher store with satp Bare');
        fault(bareMtime, LOAD_ACCESS, BigInt(CLINT_BASE + 0xbff8), 'mtime load with satp Bare');
        assert.equal(r.console(r.attacker), 'Z', 'the attacker reached only its own UART');
      });

      it('bogus SBI arguments: refused with the SBI error, nothing printed, nothing started', () => {
        const expected: number[] = [];
        const r = attack([], {
          ...setup,
          vcpus: 2,
          aim: (attacker, victim) => {
            const { secret, vmmFrame } = targets(victim, attacker), outside = !attacker.memory.contains(secret, 16);
            const write = (n: bigint, addr: number | bigint): Step => ({ op: 'sbi', eid: DBCN, fid: 0, args: [n, BigInt(addr) & 0xffffffffn, BigInt(addr) >> 32n] });
            const calls: [Step, number][] = [
              // The victim's machine address is only foreign when it lies outside the attacker's guest-physical RAM.
              ...(outside ? [[write(16n, secret), SBI_ERR_INVALID_PARAM] as [Step, number]] : []),
              [write(16n, vmmFrame), SBI_ERR_INVALID_PARAM], [write(8n, RAM_END - 4), SBI_ERR_INVALID_PARAM],
              [write(4n, 0x1_8000_0000n), SBI_ERR_INVALID_PARAM], [write(1n << 21n, 0x8000_0000), SBI_ERR_INVALID_PARAM],
              [write(ALL_ONES, 0x8000_0000), SBI_ERR_INVALID_PARAM], [write(1n, UART_BASE), SBI_ERR_INVALID_PARAM],
              [{ op: 'sbi', eid: DBCN, fid: 1, args: [16n, BigInt(vmmFrame), 0n] }, SBI_ERR_INVALID_PARAM],
              [{ op: 'sbi', eid: HSM, fid: 0, args: [5n, 0x8020_0000n, 0n] }, SBI_ERR_INVALID_PARAM], // a vCPU it does not have
              [{ op: 'sbi', eid: HSM, fid: 0, args: [1n << 63n, 0x8020_0000n, 0n] }, SBI_ERR_INVALID_PARAM],
              [{ op: 'sbi', eid: HSM, fid: 0, args: [1n, 0x9000_0000n, 0n] }, SBI_ERR_INVALID_ADDRESS], // its second vCPU, at no RAM
              ...(outside ? [[{ op: 'sbi', eid: HSM, fid: 0, args: [1n, BigInt(secret), 0n] }, SBI_ERR_INVALID_ADDRESS] as [Step, number]] : []),
              [{ op: 'sbi', eid: HSM, fid: 0, args: [0n, 0x8020_0000n, 0n] }, SBI_ERR_ALREADY_AVAILABLE], // itself
              [{ op: 'sbi', eid: HSM, fid: 2, args: [7n] }, SBI_ERR_INVALID_PARAM],
              [{ op: 'sbi', eid: HSM, fid: 3, args: [0x8000_0000n, 0x9000_0000n, 0n] }, SBI_ERR_INVALID_ADDRESS], // non-retentive, no RAM
              [{ op: 'sbi', eid: RFENCE, fid: 1, args: [1n << 5n, 0n, 0n, 0n] }, SBI_ERR_INVALID_PARAM],
              [{ op: 'sbi', eid: RFENCE, fid: 1, args: [1n, 1n << 63n, 0n, 0n] }, SBI_ERR_INVALID_PARAM],
              [{ op: 'sbi', eid: IPI, fid: 0, args: [1n << 9n, 0n] }, SBI_ERR_INVALID_PARAM],
              [{ op: 'sbi', eid: IPI, fid: 0, args: [1n, 2n] }, SBI_ERR_INVALID_PARAM],
              [{ op: 'sbi', eid: 0x1234_5678, fid: 0, args: [] }, SBI_ERR_NOT_SUPPORTED],
              [{ op: 'sbi', eid: TIME, fid: 1, args: [] }, SBI_ERR_NOT_SUPPORTED],
              [{ op: 'sbi', eid: 0x10, fid: 3, args: [0x1234_5678n] }, 0], // Base probe_extension: absent (a1 = 0)
              [{ op: 'sbi', eid: DBCN, fid: 2, args: [0x41n] }, 0], // a byte the legitimate way
            ];
            expected.push(...calls.map(([, err]) => err));
            return calls.map(([step]) => step);
          },
        });
        assert.deepEqual(r.outcomes.map((o) => [o.cause, Number(BigInt.asIntN(64, o.a0))]), expected.map((err) => [undefined, err]), 'SBI errors');
        assert.equal(r.outcomes[r.outcomes.length - 2].a1, 0n, 'probe says the extension is absent');
        assert.equal(r.console(r.attacker), 'A', 'only the legitimate byte was printed');
        assert.equal(r.attacker.vcpus[1].state, 'stopped', 'no bad hart_start started the second vCPU');
        assert.ok(decisions(r).includes(`sbi: SBI DBCN console_write: buffer 0x${(RAM_END - 4).toString(16)}+8 is not guest RAM → error -3`));
      });

      it('M-level CSRs and mret: illegal instruction in the guest; the machine\'s CSRs do not move', () => {
        const watched = ['mtvec', 'pmpcfg0', 'pmpaddr0', 'medeleg', 'mideleg', 'mie', 'mscratch', 'mcounteren'] as const;
        const stubs = ['csrw mstatus', 'csrw mtvec', 'csrw pmpcfg0', 'csrw pmpaddr0', 'csrr mhartid', 'csrw mhartid', 'csrw medeleg', 'mret', 'csrw mie', 'csrr mscratch'] as const;
        let before: bigint[][] = [];
        const r = attack([
          ...stubs.map((stub): Step => ({ op: 'stub', stub, value: ALL_ONES })),
          { op: 'stub', stub: 'csrr satp' },
          { op: 'stub', stub: 'csrw satp', value: (5n << 60n) | 0x8_0400n }, // a mode this hart lacks: WARL, no change
          { op: 'stub', stub: 'csrr satp' },
        ], {
          ...setup,
          aim: (attacker) => {
            const m = attacker.vcpus[0].hart;
            before = m.csr ? [watched.map((n) => m.csr.get(CSR[n]))] : [];
            return [];
          },
        });
        const out = r.outcomes;
        stubs.forEach((stub, i) => {
          assert.equal(out[i].cause, ILLEGAL, stub);
          assert.equal(disassemble(Number(out[i].tval), 0n).replace('\t', ' ').replace(/,a4$/, ''), stub.replace(/^csrr /, 'csrr a0,'), `stval holds ${stub}`);
        });
        const [satp0, bogus, satp1] = out.slice(stubs.length);
        assert.deepEqual([satp0.cause, satp0.a0], [undefined, 0n]);
        assert.equal(bogus.cause, undefined);
        assert.deepEqual([satp1.cause, satp1.a0], [undefined, 0n], 'satp ignored the bad mode');
        const after = watched.map((n) => r.attacker.vcpus[0].hart.csr.get(CSR[n]));
        assert.deepEqual(after, before[0], "the machine's M-level CSRs");
        assert.equal(r.attacker.vcpus[0].csr.get(CSR.medeleg), 0xb109n, "the guest's delegation (the VMM's setting) is untouched");
        assert.ok(decisions(r).filter((d) => d === 'injected: inject illegal instruction (not emulated)').length >= stubs.length);
      });
    });
  }
});

describe('VMM isolation: the shadow pool running out', () => {
  it('a guest that exhausts its shadow pool gets fresh trees; no frame leaks and the victim is untouched', () => {
    // One megapage table shared by gigapages 3..11, each of its 512 entries a megapage of guest RAM: every 2 MiB
    // of that space needs a shadow table of its own, more than the pool's 4096 frames.
    const T1 = TABLES + 0x1000, steps: Step[] = [...baseTables()];
    for (let j = 0; j < 512; j++) steps.push({ op: 'store', va: BigInt(T1 + j * 8), value: pte(0x8000_0000 + (j % 4) * 0x20_0000, RWX) });
    for (let g = 3; g < 12; g++) steps.push({ op: 'store', va: BigInt(TABLES + g * 8), value: pte(T1, V) });
    for (let g = 3; g < 12; g++) for (let j = 0; j < 512; j++) steps.push({ op: 'load', va: (BigInt(g) << 30n) | (BigInt(j) << 21n) | 0x1008n });
    const r = attack(steps, { checkEvery: 401 });
    assert.ok(r.attacker.shadow.stats.roots > 2, 'the pool ran out and the trees were rebuilt');
    const loads = r.outcomes.slice(steps.length - 9 * 512);
    assert.deepEqual(loads.filter((o) => o.cause !== undefined), [], 'every load through the megapages worked');
    const word = (gpa: number) => new DataView(r.attacker.memory.read(gpa, 8).buffer).getBigUint64(0, true);
    loads.forEach((o, i) => assert.equal(o.a0, word(0x8000_1008 + (i % 4) * 0x20_0000), `load ${i}`));
  });

  it('a tree dropped in the middle of a fill is not written: the frames it gave back reach their next owner zeroed', () => {
    // Two VMs' pagers share machine memory, as under the VMM; A's pool holds 8 frames.
    const ram = new Ram(0x8000_0000, 16 * 1024 * 1024), frames = new FrameAllocator(ram), asids = new AsidAllocator();
    const a = new ShadowPager(ram, frames, asids, () => undefined, 8), b = new ShadowPager(ram, frames, asids, () => undefined);
    const aPage = ram.base + frames.allocate("A's RAM") * FRAME, satpLo = 0x80400, satpHi = 8 << 28;
    a.fill(a.root(satpLo, satpHi, 'U', false), 0, 1, aPage, 0xdf); // a user tree: 3 frames, the lowest ones
    a.fill(a.root(satpLo, satpHi, 'S', false), 0, 0, aPage, 0xcf); // a supervisor tree: 3 more
    a.fill(a.root(satpLo, satpHi, 'S', false), 0, 2, aPage, 0xcf); // 6 + 3 > 8: every tree goes, mid-fill
    b.root(satpLo, satpHi, 'U', false);
    const bRoot = b.root(satpLo, satpHi, 'S', false); // B's trees take the frames A gave back
    assert.deepEqual(b.leavesOf(bRoot).map((l) => l.pte), [], "B's new tree maps nothing (no PTE of A's was left in it)");
    assert.equal(a.stats.pagesUsed, a.list().reduce((n, t) => n + t.tables.length, 0), "A's pool counts only its live tables");
    assert.deepEqual(a.leavesOf(a.root(satpLo, satpHi, 'S', false)).map((l) => Number(l.va >> 32n)), [2], 'the entry went into A\'s new tree');
  });
});

/** xorshift64*: the random attacker's deterministic source. */
function prng(seed: bigint): () => bigint {
  let s = seed;
  return () => {
    s ^= s >> 12n; s ^= (s << 25n) & ALL_ONES; s ^= s >> 27n;
    return (s * 0x2545f4914f6cdd1dn) & ALL_ONES;
  };
}

/**
 * A random attack: random PTEs (ppn anywhere: its tables, its RAM, past it, devices, the victim's machine
 * frames, 44-bit junk; any flags) in 16 table pages, random satp (Sv39, Sv48, Bare, modes it lacks; any ASID;
 * any of those pages as root), and loads, stores and fetches at random addresses. Each page keeps [0] = itself
 * and [2] = its RAM as a gigapage, and no random leaf lets it write its script or run its data, so that the
 * kernel lives through the whole script and every step is tried.
 */
function randomAttack(seed: bigint, rounds: number, victimFrame: number, vmmFrame: number): Step[] {
  const next = prng(seed), pick = (n: number) => Number(next() % BigInt(n));
  const page = (i: number) => TABLES + i * FRAME;
  const steps: Step[] = [];
  for (let i = 0; i < 16; i++) {
    steps.push({ op: 'store', va: BigInt(page(i)), value: pte(page(i), V) }, { op: 'store', va: BigInt(page(i) + 16), value: pte(0x8000_0000, RWX) });
  }
  steps.push({ op: 'satp', value: satpSv39(TABLES) });
  const randomPte = (): bigint => {
    const flags = Number(next() & 0xffn), reserved = pick(16) === 0 ? next() << 54n : 0n;
    switch (pick(7)) {
      case 0: return pte(page(pick(16)), flags & ~(W | X)) | reserved; // its tables: read-only, never run
      case 1: return pte(0x8000_0000 + (1 + pick(511)) * FRAME, flags) | reserved; // its sandbox (zeros)
      case 2: return pte(RAM_END + pick(0x1000) * FRAME, flags); // past its RAM
      case 3: return pte([0, CLINT_BASE, FINISHER_BASE, UART_BASE, PLIC_BASE, 0x3000_0000][pick(6)], flags);
      case 4: return pte(victimFrame + pick(16) * FRAME, flags);
      case 5: return pte(vmmFrame + pick(64) * FRAME, flags);
      default: return (next() & ((1n << 54n) - 1n)) | BigInt(flags);
    }
  };
  const randomVa = (align: bigint): bigint => {
    let va = next() & ((1n << 48n) - 1n) & ~(align - 1n);
    if (pick(2) === 0) va &= (1n << 39n) - 1n; // Sv39's range (and Sv48's first 512 GiB)
    if (((va >> 30n) & 511n) === 2n) va ^= 1n << 30n; // never its own gigapage 2: its kernel lives there
    if ((va & 4095n) < 24n) va += 24n; // never a table's [0] or [2]
    return pick(8) === 0 ? BigInt.asUintN(64, BigInt.asIntN(48, va)) : va;
  };
  for (let i = 0; i < rounds; i++) {
    switch (pick(6)) {
      case 0: case 1: steps.push({ op: 'store', va: BigInt(page(pick(16)) + (3 + pick(509)) * 8), value: randomPte() }); break;
      case 2: {
        const mode = [8n, 8n, 8n, 9n, 0n, BigInt(pick(16))][pick(6)];
        steps.push({ op: 'satp', value: (mode << 60n) | (BigInt(pick(65536)) << 44n) | (BigInt(page(pick(16))) >> 12n) });
        break;
      }
      case 3: steps.push({ op: 'load', va: randomVa(8n) }); break;
      case 4: steps.push({ op: 'store', va: randomVa(8n), value: 0n }); break;
      default: steps.push({ op: 'fetch', va: randomVa(4n) });
    }
  }
  return steps;
}

describe('VMM isolation: a randomized attacker', () => {
  for (const [seed, setup] of [[0x1234_5678_9abcn, SETUPS[0]], [0xfeed_f00d_1n, SETUPS[1]], [0x5eed_0003n, SETUPS[0]]] as const) {
    it(`seed 0x${seed.toString(16)} (${setup.label}): every shadow leaf stays in the attacker's p2m, the victim intact`, () => {
      const r = attack([], { ...setup, aim: (attacker, victim) => { const t = targets(victim, attacker); return randomAttack(seed, 400, t.secret, t.vmmFrame); } });
      assert.ok(r.outcomes.every((o) => !looksSecret(o.a0)), 'no load returned the victim\'s secret');
      const kinds = new Set(decisions(r).map((d) => d.split(':')[0]));
      for (const k of ['filled', 'injected', 'emulated']) assert.ok(kinds.has(k), `the attack provoked ${k} exits`);
      const causes = new Set(r.outcomes.map((o) => o.cause));
      for (const c of [LOAD_ACCESS, STORE_ACCESS, FETCH_ACCESS, LOAD_PAGE, STORE_PAGE, FETCH_PAGE]) assert.ok(causes.has(c), `the attack met cause ${c}`);
    });
  }
});

describe('VMM isolation: satp with a root outside guest RAM', () => {
  it('every fetch then faults (instruction access fault, its handler too); the guest spins, the victim finishes', () => {
    const r = runAttack([{ op: 'satp', value: satpSv39(0x9000_0000) }], { max: 3_000_000, checkEvery: 4999 });
    assert.deepEqual(r.stop, { kind: 'limit' }, 'the attacker never shuts down: it cannot fetch');
    assert.equal(r.console(r.victim), VICTIM_CONSOLE);
    assert.equal(r.victim!.state, 'halted');
    assertSecretIntact(r.victim!);
    const v = r.attacker.vcpus[0], stvec = v.csr.get(CSR.stvec);
    assert.equal(v.csr.get(CSR.scause), BigInt(FETCH_ACCESS));
    assert.equal(v.csr.get(CSR.stval), stvec, 'the handler itself cannot be fetched');
    assert.ok(decisions(r).includes(`injected: inject instruction access fault at 0x${stvec.toString(16)}: a guest page table lies outside guest RAM`));
    assert.deepEqual(r.machineOutput, []);
  });
});

describe('VMM isolation: a tree dropped under another vCPU of the VM', () => {
  for (const engine of ['interpreter', 'translator'] as Engine[]) {
    it(`the hart running it leaves it at once, and the vCPU goes on correctly on its next tree (${engine})`, () => {
      // programs/smp-flush.S: vCPU 0 drops every tree (sfence.vma) 400 times while vCPU 1, on the other hart, counts in memory.
      const machine = new Machine({ memory: 256 * 1024 * 1024, harts: 2, engine }), vmm = new Vmm(machine);
      const vm = vmm.createVm({ kernel: kernel('smp-flush.S'), vcpus: 2, memory: GUEST_RAM }), out: number[] = [];
      vm.events.on('output', (b) => out.push(b));
      let stale = 0, onEmpty = 0;
      vmm.events.on('exit', (rec) => {
        for (const v of vm.vcpus) {
          if (!v.loaded || v.index === rec.vcpu) continue; // the exiting vCPU's hart re-enters through the VMM
          const lo = v.hart.csr.lo[CSR.satp], hi = v.hart.csr.hi[CSR.satp];
          // A live tree of the VM, under that tree's own real ASID (a released ASID goes to the next tree made, maybe another VM's).
          if (vm.shadow.list().some((t) => { const s = vm.shadow.satp(t); return s.lo === lo && s.hi === hi; })) continue;
          const frame = (hi & 0xfff) * 2 ** 32 + (lo >>> 0) - machine.ram.base / FRAME;
          let valid = 0;
          for (let i = 0; i < 512; i++) valid |= machine.ram.read8(frame * FRAME + i * 8) & 1;
          if (valid === 0) onEmpty++; else stale++;
        }
      });
      vmm.start();
      machine.run(50_000_000);
      assert.equal(Buffer.from(out).toString('latin1'), 'ok\n', 'vCPU 1 counted right through every drop');
      assert.ok(vm.shadow.stats.flushes >= 400, `vCPU 0 dropped the trees (${vm.shadow.stats.flushes} flushes)`);
      assert.ok(onEmpty > 0, 'some drops happened while vCPU 1 was on its hart');
      assert.equal(stale, 0, 'no hart ran on a tree its VM no longer has, or under an ASID it gave back');
    });
  }
});
