// The Variables view's vocabulary: the node tree the adapter turns into DAP scopes/variables, what an edit targets,
// and how numbers are shown (hex or decimal, per DAP's ValueFormat) and read back from what the user typed.
import type { CsrField } from '../emulator/csr/table';
import type { Hart } from '../emulator/hart';
import { Access } from '../emulator/mmu';

/** What setVariable writes when the user edits a node. */
export type Editable =
  | { kind: 'x'; index: number }
  | { kind: 'pc' }
  /** An FP register; `as` is how typed text is stored: auto keeps the register's current width. */
  | { kind: 'f'; index: number; as: 'auto' | 'double' | 'single' | 'bits' }
  | { kind: 'csr'; num: number }
  /** A field of a CSR; the user sees and types the field's value shifted left by `scale` (tvec BASE: an address). */
  | { kind: 'field'; csr: number; field: CsrField; scale: number };

/** One row of the Variables view: DAP-free; the adapter assigns variablesReferences to nodes with children. */
export interface VariableNode {
  name: string;
  value: string;
  type?: string;
  /** An expression the adapter's evaluator accepts (`ra`, `pc`, `mstatus`, `(mstatus >> 11) & 3`, `f0`). */
  evaluateName?: string;
  /** `v:0x…` (virtual, through the hart's current translation) or `p:0x…` (physical), as the memory module parses. */
  memoryReference?: string;
  /** Present when the node expands; computed when it is expanded, in the format asked for then. */
  children?: (hex: boolean) => VariableNode[];
  /** Present when setVariable may change the node. */
  editable?: Editable;
  /** Why setVariable refuses a node that is not editable, when there is more to say than "read-only". */
  readOnlyReason?: string;
}

/**
 * The value of a caller's register the unwinder could not recover: the callee may have changed it and saved it
 * nowhere. GDB's words for the same (it prints `<not saved>` for such registers in outer frames).
 */
export const NOT_SAVED = '<not saved>';

export interface ScopeModel {
  name: string;
  presentationHint?: 'registers';
  variables: (hex: boolean) => VariableNode[];
}

/** A bad edit: the message names the variable and says what it accepts. The adapter shows it as is. */
export class VariableError extends Error {}

/** A 64-bit value as the user asked: hex, or decimal (signed where the register usually holds signed numbers). */
export function formatInt(v: bigint, hex: boolean, signed = false): string {
  if (hex) return `0x${BigInt.asUintN(64, v).toString(16)}`;
  return (signed ? BigInt.asIntN(64, v) : BigInt.asUintN(64, v)).toString();
}

export const virtualRef = (addr: bigint): string => `v:0x${BigInt.asUintN(64, addr).toString(16)}`;
export const physicalRef = (addr: bigint): string => `p:0x${BigInt.asUintN(64, addr).toString(16)}`;

/** A virtual memoryReference for a value that is an address of RAM from the hart's current mode; else undefined. */
export function addressRef(hart: Hart, v: bigint, access: Access = Access.Load): string | undefined {
  const pa = hart.peekAddress(v, access);
  return pa !== undefined && hart.ram.contains(pa, 1) ? virtualRef(v) : undefined;
}

const INTEGER = /^([+-]?)(0x[0-9a-f_]+|0b[01_]+|0o[0-7_]+|[0-9][0-9_]*)$/i;
const NUMBER_FORMS = 'decimal (42, -1), hex (0x80001000) or binary (0b101)';

/** An integer the user typed, as 64 bits (negative numbers wrap, as in a register). */
export function parseInteger(text: string, what: string): bigint {
  const m = INTEGER.exec(text.trim());
  if (!m) throw new VariableError(`cannot set ${what} to "${text.trim()}": expected a number, ${NUMBER_FORMS}`);
  const magnitude = BigInt(m[2].replace(/_/g, '')); // BigInt reads 0x, 0b and 0o prefixes itself
  if (magnitude >= 1n << 64n) throw new VariableError(`cannot set ${what} to ${text.trim()}: it does not fit in 64 bits`);
  return BigInt.asUintN(64, m[1] === '-' ? -magnitude : magnitude);
}

/** Whether the text is an integer literal (so that a field's enumerated names can be told from numbers). */
export const isInteger = (text: string): boolean => INTEGER.test(text.trim());
