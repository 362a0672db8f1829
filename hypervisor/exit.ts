// One VM exit as its handler sees it, what a handler returns, and the VMM's part of trap entry into the guest.
// The return convention every handler in exits.ts follows is written here, once.
import { enterTrap, trapVector, Priv, type Hart } from '../emulator/hart';
import { CSR } from '../emulator/csr/file';
import { toNumber } from '../emulator/isa/alu64';
import type { DecisionKind } from './trap-log';
import type { Vcpu } from './vcpu';
import type { Vm } from './vm';
import type { Vmm } from './vmm';

const TWO32 = 4294967296;

/**
 * An exit. The guest's registers are live on the hart; `pc` is the trapping instruction (mepc).
 *
 * Return convention: a handler leaves `resume` at `pc` to run the instruction again (a shadow entry was filled),
 * sets it to the next instruction when it emulated the instruction (`advance`), or to the guest's trap handler when
 * it injected a trap (`injectTrap`). It never changes the hart's mode, satp or interrupt state: after every handler
 * the VMM delivers pending virtual interrupts and re-enters the guest from the vCPU's virtual state. It returns a
 * Decision, which the trap log records.
 */
export interface Exit {
  vmm: Vmm;
  vm: Vm;
  vcpu: Vcpu;
  hart: Hart;
  cause: number;
  interrupt: boolean;
  pc: number;
  /** The guest's virtual mode at the exit (handlers may change the vCPU's). */
  vpriv: Priv;
  tvalLo: number;
  tvalHi: number;
  /** The trapping instruction's bits (-1 when unknown: an interrupt, or a fetch that faulted). */
  raw: number;
  resume: number;
}

export interface Decision {
  kind: DecisionKind;
  /** One line for the trap log and the debugger's VMM frame: "emulate csrw satp", "SBI TIME set_timer". */
  text: string;
  /** VMM work in machine instructions (a model; see COST in exits.ts). It is charged to the hart's clock. */
  cost: number;
}

/** The instruction's length, from its bits (4 unless compressed). */
export function instructionLength(raw: number): number {
  return (raw & 3) === 3 ? 4 : 2;
}

/** The instruction completed: the guest goes on after it. */
export function advance(x: Exit): void {
  x.resume = x.pc + instructionLength(x.raw);
}

/**
 * Delivers a trap into the guest kernel as the hardware would have: sepc, scause, stval and sstatus of the
 * vCPU's virtual state (the emulator's own trap-entry code), virtual mode S, and the guest's stvec. Returns the
 * guest handler's address.
 */
export function injectTrap(v: Vcpu, epc: number, cause: number, interrupt: boolean, tvalLo: number, tvalHi: number): number {
  const c = v.csr;
  enterTrap(c, true, v.vpriv, cause, interrupt, epc % TWO32 | 0, Math.floor(epc / TWO32) | 0, tvalLo, tvalHi);
  v.vpriv = Priv.S;
  return trapVector(c.lo[CSR.stvec], c.hi[CSR.stvec], cause, interrupt);
}

/** Injects the exit's own trap (same cause and tval) into the guest. */
export function reflect(x: Exit, cause = x.cause, tvalLo = x.tvalLo, tvalHi = x.tvalHi): void {
  x.resume = injectTrap(x.vcpu, x.pc, cause, false, tvalLo, tvalHi);
}

/** The address in tval as the hart holds addresses (a signed number; exact for any canonical Sv39/Sv48 address). */
export function tvalAddress(x: Exit): number {
  return toNumber(x.tvalLo, x.tvalHi);
}

export function hex(n: number | bigint): string {
  return `0x${BigInt.asUintN(64, BigInt(n)).toString(16)}`;
}
