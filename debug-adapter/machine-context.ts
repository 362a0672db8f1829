// The expression evaluator's view of one hart of a machine: its registers, its CSRs (read without side effects),
// the program's symbols, and virtual memory as a load from the hart's current mode would see it.
import type { EvalContext } from './expression';
import type { CallerFrame } from './unwind';
import { NOT_SAVED } from './variable-model';
import { ABI_NAMES } from '../emulator/isa/disasm';
import { readMemory, whyUnreadable } from './memory';
import { CSR } from '../emulator/csr/file';
import { csrNumberByName } from '../emulator/csr/table';
import type { Hart } from '../emulator/hart';
import type { Machine } from '../emulator/machine';

/** f<n> as its raw 64 bits (a single is NaN-boxed). */
const fpBits = (h: Hart, n: number): bigint => BigInt.asUintN(64, (BigInt(h.fh[n]) << 32n) | BigInt(h.fl[n] >>> 0));

/** A CSR's value as M-mode would read it, or undefined when the machine lacks it. Reading changes nothing. */
export function peekCsr(hart: Hart, name: string): bigint | undefined {
  const num = csrNumberByName.get(name);
  if (num === undefined || !hart.csr.has(num)) return undefined;
  const c = hart.csr;
  // csr.read only computes views and counters into its result fields; it fails when FP state is Off (fcsr and its parts).
  if (c.read(num, 3)) return BigInt.asUintN(64, (BigInt(c.rhi) << 32n) | BigInt(c.rlo >>> 0));
  const fcsr = c.get(CSR.fcsr);
  return num === CSR.fflags ? fcsr & 0x1fn : num === CSR.frm ? (fcsr >> 5n) & 7n : BigInt.asUintN(64, c.get(num));
}

export function machineEvalContext(machine: Machine, hart: Hart): EvalContext {
  return {
    register: (name) => {
      if (name === 'pc') return hart.pcBig;
      const n = Number(name.slice(1));
      return name[0] === 'x' ? hart.reg(n) : fpBits(hart, n);
    },
    csr: (name) => peekCsr(hart, name),
    symbol: (name) => machine.symbols.find((s) => s.name === name)?.value,
    read: (va, bytes) => {
      const r = readMemory(machine, hart, 'virtual', va, bytes);
      if (r.unreadable.length !== 0) return undefined;
      return r.data.reduceRight((v, b) => (v << 8n) | BigInt(b), 0n);
    },
    whyUnreadable: (va, bytes) => whyUnreadable(machine, hart, 'virtual', va, bytes),
  };
}

/**
 * The evaluator in a caller frame (evaluate with a frameId > 0, e.g. hovering sp there): pc and x-registers are the
 * frame's as the unwinder recovered them, and one it could not recover is an error saying so; FP registers, CSRs
 * and memory are the hart's, as they are not kept per frame.
 */
export function frameEvalContext(machine: Machine, hart: Hart, caller: CallerFrame): EvalContext {
  const base = machineEvalContext(machine, hart);
  const { depth, frame } = caller;
  const xIndex = (name: string): number | undefined => (/^x\d+$/.test(name) ? Number(name.slice(1)) : undefined);
  return {
    ...base,
    register: (name) => {
      if (name === 'pc') return frame.pc;
      const n = xIndex(name);
      if (n === undefined) return base.register(name);
      return frame.known[n] ? frame.regs[n] : undefined;
    },
    whyNoRegister: (name) => {
      const n = xIndex(name);
      return n === undefined || frame.known[n] ? undefined
        : `${ABI_NAMES[n]} is ${NOT_SAVED} in frame ${depth}: the callee may have changed it and saved it nowhere; select frame 0 for the hart's ${ABI_NAMES[n]}`;
    },
  };
}
