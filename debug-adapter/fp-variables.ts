// The Floating point scope: f0..f31 as double, as single where NaN-boxed, and as raw bits; fcsr with frm and
// fflags; mstatus.FS. Also how an edit of an FP register is read (a number, or raw bits in hex).
import { FP_ABI_NAMES } from '../emulator/isa/disasm';
import { csrByName, MSTATUS_FIELDS, MSTATUS_FS } from '../emulator/csr/table';
import { CSR } from '../emulator/csr/file';
import type { Hart } from '../emulator/hart';
import { csrNode, fieldNode } from './csr-variables';
import { formatInt, parseInteger, VariableError, type VariableNode } from './variable-model';

const view = new DataView(new ArrayBuffer(8));

/** An IEEE value as JavaScript prints it, keeping the sign of zero. */
const floatText = (x: number): string => (Object.is(x, -0) ? '-0' : String(x));

function bitsOf(hart: Hart, i: number): bigint {
  return BigInt.asUintN(64, (BigInt(hart.fh[i]) << 32n) | BigInt(hart.fl[i] >>> 0));
}

const boxed = (hart: Hart, i: number): boolean => hart.fh[i] === -1;

function asDouble(hart: Hart, i: number): number {
  view.setInt32(0, hart.fh[i]);
  view.setInt32(4, hart.fl[i]);
  return view.getFloat64(0);
}

function asSingle(hart: Hart, i: number): number {
  view.setInt32(0, hart.fl[i]);
  return view.getFloat32(0);
}

export function fpNodes(hart: Hart, hex: boolean): VariableNode[] {
  const regs = FP_ABI_NAMES.map((abi, i) => fpRegister(hart, i, abi, hex));
  const fs = MSTATUS_FIELDS.find((f) => f.name === 'FS')!;
  return [...regs, csrNode(hart, csrByName.get('fcsr')!, hex), { ...fieldNode(hart, csrByName.get('mstatus')!, fs, hex), name: 'mstatus.FS' }];
}

function fpRegister(hart: Hart, i: number, abi: string, hex: boolean): VariableNode {
  const single = boxed(hart, i), bits = bitsOf(hart, i);
  const value = hex ? formatInt(bits, true) : single ? `${floatText(asSingle(hart, i))} (single)` : floatText(asDouble(hart, i));
  return {
    name: abi, value, type: `f${i}, ${single ? 'single (NaN-boxed)' : 'double'}`, evaluateName: `f${i}`,
    editable: { kind: 'f', index: i, as: 'auto' },
    children: () => [
      { name: 'double', value: floatText(asDouble(hart, i)), type: 'all 64 bits as a double', editable: { kind: 'f', index: i, as: 'double' } },
      single
        ? { name: 'single', value: floatText(asSingle(hart, i)), type: 'low 32 bits (the upper 32 are all ones: NaN-boxed)', editable: { kind: 'f', index: i, as: 'single' } }
        : { name: 'single', value: 'NaN (not NaN-boxed: single-precision instructions read the canonical NaN)', editable: { kind: 'f', index: i, as: 'single' } },
      { name: 'bits', value: formatInt(bits, true), type: 'raw register bits', editable: { kind: 'f', index: i, as: 'bits' } },
    ],
  };
}

const RAW = /^[+-]?0[xbo]/i;
const SPECIAL: Record<string, number> = { inf: Infinity, '+inf': Infinity, '-inf': -Infinity, nan: NaN, infinity: Infinity, '+infinity': Infinity, '-infinity': -Infinity };

/** A number the user typed for an FP register: decimal or exponent notation, inf, nan. */
function parseFloatText(text: string, what: string): number {
  const t = text.trim().toLowerCase();
  if (t in SPECIAL) return SPECIAL[t];
  const x = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(t) ? Number(t) : NaN;
  if (Number.isNaN(x)) throw new VariableError(`cannot set ${what} to "${text.trim()}": expected a number (1.5, -2e-3, inf, nan) or raw bits in hex (0x3ff8000000000000)`);
  return x;
}

/**
 * Writes f[i]. `as` decides the width: single values are NaN-boxed; auto keeps a NaN-boxed register single.
 * Hex (or binary) text is raw bits; `bits` takes any integer as raw bits. FP state becomes Dirty, as an instruction's write makes it.
 */
export function setFp(hart: Hart, i: number, as: 'auto' | 'double' | 'single' | 'bits', text: string, what: string): void {
  if ((hart.csr.lo[CSR.mstatus] & MSTATUS_FS) === 0) throw new VariableError(`${what} is unreachable while the FPU is off (mstatus.FS = Off): set mstatus.FS first`);
  const single = as === 'single' || (as === 'auto' && boxed(hart, i));
  if (as === 'bits' || RAW.test(text.trim())) {
    const v = parseInteger(text, what);
    // auto keeps a single register single when the bits fit; wider bits make it a double.
    if (as === 'single' && v >> 32n !== 0n) throw new VariableError(`${what} is single precision: 0x${v.toString(16)} has more than 32 bits`);
    if (single && v >> 32n === 0n) store(hart, i, Number(BigInt.asIntN(32, v)), -1);
    else store(hart, i, Number(BigInt.asIntN(32, v)), Number(BigInt.asIntN(32, v >> 32n)));
  } else if (single) {
    view.setFloat32(0, parseFloatText(text, what));
    store(hart, i, view.getInt32(0), -1);
  } else {
    view.setFloat64(0, parseFloatText(text, what));
    store(hart, i, view.getInt32(4), view.getInt32(0));
  }
  hart.csr.fpDirty();
}

function store(hart: Hart, i: number, lo: number, hi: number): void {
  hart.fl[i] = lo;
  hart.fh[i] = hi;
}
