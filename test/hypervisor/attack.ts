// The isolation tests' tools: scripts for the malicious kernel (programs/attacker.S) and what it got back, a
// victim VM beside it, and the invariants the VMM must keep whatever a guest does (checked after every exit).
import assert from 'node:assert/strict';
import { Machine, type Engine } from '../../emulator/machine';
import { CSR } from '../../emulator/csr/file';
import { Vmm } from '../../hypervisor/vmm';
import type { Vm } from '../../hypervisor/vm';
import type { ShadowRoot } from '../../hypervisor/shadow';
import { FRAME } from '../../hypervisor/frames';
import { kernel } from './harness';

/** Where attacker.S reads its script and writes its results (guest-physical), and 16 zeroed pages for its tables. */
export const SCRIPT = 0x8048_0000, RESULTS = 0x8050_0000, TABLES = 0x8040_0000;
/** The victim's secret: 64 KiB at this guest-physical address, dword i = SECRET_TAG + i * SECRET_STEP. */
export const SECRET = 0x8030_0000, SECRET_BYTES = 0x1_0000;
const SECRET_TAG = 0x5ec2e7n << 40n, SECRET_STEP = 0x1000193n;
/** What attacker.S leaves in a0/a1 when a step set neither. */
export const NOTHING = 0x5a5a5a5a5a5a5a5an;
/** Both VMs get this much RAM: 0x80000000..0x80800000 guest-physical. */
export const GUEST_RAM = 8 * 1024 * 1024;
/** The victim's console when it runs alone: a letter per round, then "ok" through its UART. */
export const VICTIM_CONSOLE = 'abcdefghijklmnopqrstuvwxyz\nok\n';

/** attacker.S's privileged stubs, by index (each runs with a4 = the step's value; a0 gets what it read). */
export const STUB = {
  'csrw mstatus': 0, 'csrw mtvec': 1, 'csrw pmpcfg0': 2, 'csrw pmpaddr0': 3, 'csrr mhartid': 4, 'csrw mhartid': 5,
  'csrw medeleg': 6, mret: 7, 'csrr satp': 8, 'csrw satp': 9, 'csrr sstatus': 10, 'csrw mie': 11, 'csrr mscratch': 12,
} as const;

export type Step =
  | { op: 'load'; va: bigint }
  | { op: 'store'; va: bigint; value: bigint }
  | { op: 'fetch'; va: bigint }
  /** csrw satp; sfence.vma. */
  | { op: 'satp'; value: bigint }
  | { op: 'sbi'; eid: number; fid: number; args: bigint[] }
  | { op: 'stub'; stub: keyof typeof STUB; value?: bigint };

/** What one step got: the trap it took (scause, stval) or none, and a0/a1 after it. */
export interface Outcome {
  cause: number | undefined;
  tval: bigint;
  a0: bigint;
  a1: bigint;
}

const OPS = { load: 1, store: 2, fetch: 3, satp: 4, sbi: 5, stub: 6 } as const;

/** The step's eight doublewords as attacker.S reads them. */
function encode(s: Step): bigint[] {
  switch (s.op) {
    case 'load': case 'fetch': return [BigInt(OPS[s.op]), s.va];
    case 'store': return [BigInt(OPS.store), s.va, s.value];
    case 'satp': return [BigInt(OPS.satp), s.value];
    case 'sbi': return [BigInt(OPS.sbi), BigInt(s.eid), BigInt(s.fid), ...s.args];
    case 'stub': return [BigInt(OPS.stub), BigInt(STUB[s.stub]), s.value ?? 0n];
  }
}

/** Writes the script (ended by op 0) into the attacker's RAM before it starts. */
export function writeScript(vm: Vm, steps: readonly Step[]): void {
  const bytes = new Uint8Array((steps.length + 1) * 64), view = new DataView(bytes.buffer);
  steps.forEach((s, i) => encode(s).forEach((w, j) => view.setBigUint64(i * 64 + j * 8, BigInt.asUintN(64, w), true)));
  vm.memory.write(SCRIPT, bytes);
}

export function readOutcomes(vm: Vm, count: number): Outcome[] {
  const view = new DataView(vm.memory.read(RESULTS, count * 32).buffer);
  return Array.from({ length: count }, (_, i) => {
    const cause = view.getBigInt64(i * 32, true);
    return { cause: cause === -1n ? undefined : Number(cause), tval: view.getBigUint64(i * 32 + 8, true), a0: view.getBigUint64(i * 32 + 16, true), a1: view.getBigUint64(i * 32 + 24, true) };
  });
}

/** Sv39/Sv48 PTE for a guest-physical address with flags (V R W X U G A D in the low byte). */
export function pte(gpa: number | bigint, flags: number): bigint {
  return (BigInt(gpa) >> 12n) << 10n | BigInt(flags);
}
export const V = 1, R = 2, W = 4, X = 8, U = 16, A = 64, D = 128;
/** A supervisor leaf with every permission, A and D set (no shadow write-protection games). */
export const RWX = V | R | W | X | A | D;

export function satpSv39(root: number, asid = 0): bigint {
  return (8n << 60n) | (BigInt(asid) << 44n) | (BigInt(root) >> 12n);
}

/** The steps that give the attacker an Sv39 root at TABLES: gigapage 2 = its RAM (identity), and satp on. */
export function baseTables(): Step[] {
  return [
    { op: 'store', va: BigInt(TABLES + 2 * 8), value: pte(0x8000_0000, RWX) },
    { op: 'satp', value: satpSv39(TABLES) },
  ];
}

/** The secret's dword i. */
export function secretWord(i: number): bigint {
  return SECRET_TAG + BigInt(i) * SECRET_STEP;
}

/** Whether a value could only have come from the victim's secret. */
export function looksSecret(v: bigint): boolean {
  return v >> 40n === 0x5ec2e7n;
}

export interface Pair {
  machine: Machine;
  vmm: Vmm;
  attacker: Vm;
  victim: Vm | undefined;
  outcomes: Outcome[];
  stop: ReturnType<Machine['run']>;
  console(vm: Vm | undefined): string;
  /** Bytes the machine's own UART emitted (the VMM's; guests have none of it). */
  machineOutput: number[];
  /** Invariant checks done (one per attacker exit or every checkEvery, and one at the end). */
  checks: number;
}

export interface PairOptions {
  engine?: Engine;
  harts?: number;
  /** The attacker is created first (default) or second: its RAM then lies below or above the victim's in machine memory. */
  attackerFirst?: boolean;
  /** Without a victim (for the attacker's own baseline). */
  alone?: boolean;
  max?: number;
  /** Attacker vCPUs (default 1). */
  vcpus?: number;
  /** Called once the VMs exist, before they start (to aim attacks at the victim's machine addresses). */
  aim?: (attacker: Vm, victim: Vm | undefined) => readonly Step[];
  /** Check the invariants after every nth attacker exit (default 1: each; large shadow trees make each check cost). */
  checkEvery?: number;
}

/** Runs the malicious kernel with its script next to the victim, checking the invariants after each attacker exit. */
export function runAttack(steps: readonly Step[] | undefined, options: PairOptions = {}): Pair {
  const machine = new Machine({ memory: 64 * 1024 * 1024, harts: options.harts ?? 1, engine: options.engine });
  const vmm = new Vmm(machine);
  const mk = (name: string) => vmm.createVm({ name, kernel: kernel(`${name}.S`), memory: GUEST_RAM, vcpus: name === 'attacker' ? options.vcpus : 1 });
  const first = options.attackerFirst ?? true;
  let attacker: Vm, victim: Vm | undefined;
  if (options.alone) attacker = mk('attacker');
  else if (first) { attacker = mk('attacker'); victim = mk('victim'); } else { victim = mk('victim'); attacker = mk('attacker'); }
  const script = [...(steps ?? []), ...(options.aim?.(attacker, victim) ?? [])];
  writeScript(attacker, script);
  const consoles = new Map<Vm, number[]>();
  for (const vm of vmm.vms) { const out: number[] = []; consoles.set(vm, out); vm.events.on('output', (b) => out.push(b)); }
  const machineOutput: number[] = [];
  machine.events.on('output', (b) => machineOutput.push(b));
  const pair = { machine, vmm, attacker, victim, machineOutput, checks: 0 } as Pair;
  const every = options.checkEvery ?? 1;
  let exits = 0;
  vmm.events.on('exit', (e) => {
    if (e.vm !== attacker.id || exits++ % every !== 0) return;
    assertIsolated(vmm);
    pair.checks++;
  });
  vmm.start();
  pair.stop = machine.run(options.max ?? 50_000_000);
  assertIsolated(vmm);
  pair.checks++;
  pair.outcomes = readOutcomes(attacker, script.length);
  pair.console = (vm) => (vm ? Buffer.from(consoles.get(vm)!).toString('latin1') : '');
  return pair;
}

/**
 * The VMM's isolation invariants: every shadow leaf of VM k maps a machine frame of VM k's p2m; shadow tables
 * lie in frames no guest owns, each in one tree only; and every hart that runs a vCPU of VM k walks a live
 * shadow tree of VM k (never a tree that was dropped, whose frames may now belong to someone else).
 */
export function assertIsolated(vmm: Vmm): void {
  const ramBase = vmm.machine.ram.base;
  const guestFrames = new Map<number, Vm>();
  for (const vm of vmm.vms) for (const f of vm.memory.p2m) guestFrames.set(f, vm);
  const tableOwner = new Map<number, string>();
  const liveRoots = new Map<number, Vm>();
  for (const vm of vmm.vms) {
    for (const root of vm.shadow.list()) {
      liveRoots.set(root.frame, vm);
      for (const t of root.tables) {
        assert.equal(guestFrames.get(t), undefined, `${vm.name}'s shadow table frame ${t} is guest RAM of ${guestFrames.get(t)?.name}`);
        assert.equal(tableOwner.get(t), undefined, `shadow table frame ${t} is in two trees: ${tableOwner.get(t)} and ${vm.name} ${root.key}`);
        tableOwner.set(t, `${vm.name} ${root.key}`);
      }
      assertTreeClosed(vmm, vm, root);
      for (const leaf of vm.shadow.leavesOf(root)) {
        const frame = Math.floor(leaf.pte / 1024) - ramBase / FRAME;
        assert.equal(guestFrames.get(frame), vm,
          `${vm.name}'s shadow ${root.key} maps va 0x${leaf.va.toString(16)} to machine frame ${frame}, which is ${guestFrames.get(frame)?.name ?? 'not guest RAM'}`);
      }
    }
    const inTrees = vm.shadow.list().reduce((n, root) => n + root.tables.length, 0);
    assert.equal(vm.shadow.stats.pagesUsed, inTrees, `${vm.name}: frames the shadow pager counts as used vs frames in its live trees`);
  }
  for (const hart of vmm.machine.harts) {
    const v = vmm.currentOn(hart.hartId);
    if (v === undefined || hart.priv === 3) continue; // in the VMM (this exit's hart), or idle
    const ppn = (hart.csr.hi[CSR.satp] & 0xfff) * 4294967296 + (hart.csr.lo[CSR.satp] >>> 0);
    const frame = ppn - ramBase / FRAME;
    assert.equal(liveRoots.get(frame), v.vm, `hart ${hart.hartId} runs ${v.name} on shadow root frame ${frame}, which is ${liveRoots.get(frame)?.name ?? 'no live tree'}`);
  }
}

/** Every pointer in a shadow tree leads to a table of that same tree (none into a frame it gave back). */
function assertTreeClosed(vmm: Vmm, vm: Vm, root: ShadowRoot): void {
  const ram = vmm.machine.ram, base = ram.base / FRAME, tables = new Set(root.tables);
  const walk = (table: number, level: number): void => {
    for (let i = 0; i < 512; i++) {
      const off = table * FRAME + i * 8;
      let lo = 0, hi = 0;
      for (let b = 0; b < 4; b++) { lo += ram.read8(off + b) * 2 ** (8 * b); hi += ram.read8(off + 4 + b) * 2 ** (8 * b); }
      if ((lo & V) === 0 || level === 0) continue;
      const next = Math.floor((hi * 4294967296 + lo) / 1024) - base;
      assert.ok(tables.has(next), `${vm.name}'s shadow ${root.key}: a level-${level} pointer leads to frame ${next}, which is not one of its tables`);
      walk(next, level - 1);
    }
  };
  walk(root.frame, root.levels - 1);
}

/** The victim's secret as it must still be, compared with its RAM now. */
export function assertSecretIntact(victim: Vm): void {
  const view = new DataView(victim.memory.read(SECRET, SECRET_BYTES).buffer);
  for (let i = 0; i < SECRET_BYTES / 8; i++) {
    const got = view.getBigUint64(i * 8, true);
    if (got !== secretWord(i)) assert.fail(`the victim's secret changed at 0x${(SECRET + i * 8).toString(16)}: 0x${got.toString(16)}`);
  }
}
