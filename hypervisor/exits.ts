// The exit table: what the VMM does for each trap cause a guest can raise, and what each costs.
// Handlers follow the return convention in exit.ts; the VMM (vmm.ts) dispatches here and logs the Decision.
import { Priv } from '../emulator/hart';
import { Access, ACCESS_FAULT, PAGE_FAULT, WalkStop, type WalkTrace } from '../emulator/mmu';
import { CSR } from '../emulator/csr/file';
import { exceptionNames } from '../emulator/csr/table';
import { reflect, hex, tvalAddress, type Decision, type Exit } from './exit';
import { emulatePrivileged } from './privileged';
import { emulateMmio } from './mmio';
import { sbiCall } from './sbi/dispatch';

/**
 * What each kind of exit costs, in instructions a native VMM would execute for it. A model (Ringside's VMM is
 * TypeScript outside the machine), charged to the hart's clock so that guests see time pass during exits and the
 * trap log can say what each decision cost: trap entry, saving and restoring registers, and the decision's own work.
 */
export const COST = {
  /** Every exit: trap entry, register save/restore, dispatch, xRET. */
  exit: 60,
  /** Decoding and emulating a privileged instruction against the virtual CSRs. */
  emulate: 30,
  /** Writing a trap into the guest's virtual CSRs. */
  inject: 25,
  /** Per guest page-table level read during a shadow fill. */
  walkLevel: 15,
  /** Writing a shadow entry (and any missing table). */
  fill: 40,
  /** An SBI call's own work. */
  sbi: 40,
  /** Decoding the access and running the device model. */
  mmio: 80,
} as const;

type Handler = (x: Exit) => Decision;

/** Exceptions the guest raises by itself (breakpoint, misaligned, a real ecall from user mode ...): straight into its kernel. */
function reflectToGuest(x: Exit): Decision {
  reflect(x);
  return { kind: 'injected', text: `inject ${exceptionNames[x.cause] ?? `exception ${x.cause}`} into the guest kernel`, cost: COST.exit + COST.inject };
}

function illegalInstruction(x: Exit): Decision {
  const done = emulatePrivileged(x);
  if (done !== undefined) return { kind: 'emulated', text: done, cost: COST.exit + COST.emulate };
  const d = reflectToGuest(x);
  return { ...d, text: `inject illegal instruction (${x.vcpu.vpriv === Priv.U ? 'guest user mode' : 'not emulated'})` };
}

function ecall(x: Exit): Decision {
  if (x.vcpu.vpriv === Priv.U) {
    reflect(x); // ecall from (virtual) U-mode: the guest kernel's system call
    return { kind: 'injected', text: 'inject ecall from U-mode (system call) into the guest kernel', cost: COST.exit + COST.inject };
  }
  return { kind: 'sbi', text: sbiCall(x), cost: COST.exit + COST.sbi };
}

/** The PTE flags of the leaf a walk ended at (the last PTE it read). */
class LeafTrace implements WalkTrace {
  flags = 0;
  levels = 0;
  pte(_level: number, _addr: number, lo: number): void { this.flags = lo & 0xff; this.levels++; }
}
const leafTrace = new LeafTrace();

const ACCESS_OF: Record<number, Access> = { 12: Access.Fetch, 13: Access.Load, 15: Access.Store };
const ACCESS_NAME = ['fetch', 'load', 'store'] as const;
const PTE_A = 64, PTE_D = 128;

/**
 * A real page fault: the shadow lacked the entry. The guest's own tables decide: if they fault, the guest gets
 * that fault (A/D set only when they allow it); if they map guest RAM, the shadow entry is filled and the
 * instruction runs again; if they map a device, the access is emulated; anything else is an access fault.
 */
function shadowPageFault(x: Exit): Decision {
  const access = ACCESS_OF[x.cause], v = x.vcpu, vm = x.vm, gva = tvalAddress(x);
  vm.shadow.stats.faults++;
  const mode = v.csr.hi[CSR.satp] >>> 28;
  let gpa: number, flags = 0xff, levels = 0;
  if (mode === 0) {
    gpa = gva;
  } else {
    leafTrace.levels = 0;
    const w = vm.walker.translate(x.tvalLo, x.tvalHi, access, vm.walkContextOf(v), false, leafTrace);
    levels = leafTrace.levels;
    const walkCost = COST.exit + levels * COST.walkLevel;
    if (w.pa < 0) {
      reflect(x, w.cause);
      const why = w.stop === WalkStop.PteNotMemory ? 'a guest page table lies outside guest RAM' : walkStopText(w.stop, w.level);
      return { kind: 'injected', text: `inject ${exceptionNames[w.cause]} at ${hex(gva)}: ${why}`, cost: walkCost + COST.inject };
    }
    gpa = w.pa;
    flags = leafTrace.flags | PTE_A | (access === Access.Store ? PTE_D : 0);
  }
  const walkCost = COST.exit + levels * COST.walkLevel;
  const page = gpa - (gpa % 4096);
  const mpa = vm.memory.machineAddress(page);
  if (mpa >= 0) {
    // The same instruction, page and access again, into the same tree (an instruction straddling two pages faults
    // once per page; a tree dropped since, by another vCPU's sfence.vma, legitimately needs the entry again).
    const key = (gva - (gva % 4096)) * 4 + access, root = vm.shadowRoot(v);
    v.refills = v.lastFill === key && v.lastFillPc === x.pc && v.lastFillRoot === root ? v.refills + 1 : 1;
    v.lastFill = key;
    v.lastFillPc = x.pc;
    v.lastFillRoot = root;
    if (v.refills > 2) {
      x.vmm.halt(vm, `VMM fault: the shadow entry for ${hex(gva)} did not let the ${ACCESS_NAME[access]} at ${hex(x.pc)} through`, 1);
      return { kind: 'halted', text: `halt ${vm.name}: shadow fill for ${hex(gva)} had no effect (a VMM bug)`, cost: walkCost };
    }
    vm.shadow.fill(root, x.tvalLo, x.tvalHi, mpa, flags);
    return { kind: 'filled', text: `fill shadow ${ACCESS_NAME[access]} ${hex(gva - (gva % 4096))} → gpa ${hex(page)} → mpa ${hex(mpa)}`, cost: walkCost + COST.fill };
  }
  if (access !== Access.Fetch) {
    const done = emulateMmio(x, gpa);
    if (done !== undefined) return { kind: 'mmio', text: done, cost: walkCost + COST.mmio };
  }
  reflect(x, ACCESS_FAULT[access]);
  return { kind: 'injected', text: `inject ${exceptionNames[ACCESS_FAULT[access]]}: gpa ${hex(gpa)} is neither guest RAM nor a device of ${vm.name}`, cost: walkCost + COST.inject };
}

const STOP_TEXT: Partial<Record<WalkStop, string>> = {
  [WalkStop.Mode]: 'satp mode not implemented',
  [WalkStop.NonCanonical]: 'address not canonical',
  [WalkStop.Invalid]: 'guest PTE invalid',
  [WalkStop.WriteWithoutRead]: 'guest PTE has W without R',
  [WalkStop.ReservedBits]: 'guest PTE reserved bits set',
  [WalkStop.NonLeafBits]: 'guest pointer PTE has A, D or U set',
  [WalkStop.NoLeaf]: 'no leaf PTE',
  [WalkStop.NotUser]: 'user access to a supervisor page',
  [WalkStop.UserPageNoSum]: 'supervisor access to a user page with SUM clear',
  [WalkStop.UserPageFetch]: 'supervisor fetch from a user page',
  [WalkStop.NotReadable]: 'page not readable',
  [WalkStop.NotWritable]: 'page not writable',
  [WalkStop.NotExecutable]: 'page not executable',
  [WalkStop.Misaligned]: 'misaligned superpage',
};

function walkStopText(stop: WalkStop, level: number): string {
  return `${STOP_TEXT[stop] ?? 'guest walk failed'} (level ${level})`;
}

/**
 * A real access fault. Shadow entries map only the VM's own RAM, so none should arise from guest accesses; one
 * that does is reflected into the guest with its cause, which is what its own machine would do.
 */
const accessFault: Handler = reflectToGuest;

/** Exception cause → handler. Causes not listed are reflected into the guest kernel unchanged. */
export const EXIT_HANDLERS: Readonly<Record<number, Handler>> = {
  2: illegalInstruction,
  8: ecall,
  [PAGE_FAULT[0]]: shadowPageFault,
  [PAGE_FAULT[1]]: shadowPageFault,
  [PAGE_FAULT[2]]: shadowPageFault,
  [ACCESS_FAULT[0]]: accessFault,
  [ACCESS_FAULT[1]]: accessFault,
  [ACCESS_FAULT[2]]: accessFault,
};

export function handleException(x: Exit): Decision {
  return (EXIT_HANDLERS[x.cause] ?? reflectToGuest)(x);
}
