// What an assembled section is made of before it is placed: bytes, instructions with fields still to fill,
// branches whose size depends on distance, data whose value is a symbol, and alignment padding.
import type { Expr } from './expr';
import type { Format } from '../emulator/isa/fields';

/**
 * Where an item came from: file, line and column for diagnostics. Code expanded from a macro also records the
 * outermost macro call, which the line table names (as GNU as -g does).
 */
export interface Origin { file: string; line: number; column: number; call?: { file: string; line: number } }

/** Fixed bytes (constants, strings, instructions whose operands are all known). */
export interface Bytes { kind: 'bytes'; bytes: Uint8Array; origin: Origin; code: boolean }

/** A 2- or 4-byte instruction with one immediate field to fill once addresses are known. */
export interface Fixup {
  kind: 'fixup';
  word: number;
  length: 2 | 4;
  /** The format whose immediate field receives the value. */
  format: Format;
  expr: Expr;
  /** The field holds value - pc (branch and jump targets). */
  pcRelative: boolean;
  origin: Origin;
  /** This instruction's label, if %pcrel_lo refers to it (set for auipc with %pcrel_hi). */
  pcrelHi?: boolean;
}

/**
 * A branch or jump to a label in the same section: like GNU as, the shortest form that reaches is chosen
 * (c.j / c.beqz / c.bnez, then the 4-byte form, then an inverted branch over a jal). A branch to another
 * section or file gets the long form at once; a jump there is assumed to reach.
 */
export interface Relaxable {
  kind: 'relax';
  /** 'jal' (rd = x0 or ra) or a branch mnemonic. */
  name: string;
  rd: number;
  rs1: number;
  rs2: number;
  target: Expr;
  /** Compressed forms allowed here (RVC on and the registers fit). */
  compressible: boolean;
  /** Written as c.j / c.beqz / c.bnez: GNU as keeps the short form only up to 2 bytes short of its reach. */
  explicit?: boolean;
  size: 2 | 4 | 6 | 8;
  origin: Origin;
}

/** A data value whose expression involves addresses. */
export interface DataExpr { kind: 'data'; size: 1 | 2 | 4 | 8; expr: Expr; origin: Origin }

/** Padding to a power-of-two boundary: nops in code (GNU's mix of one c.nop and nops), else the fill byte. */
export interface Align { kind: 'align'; bytes: number; fill: number; max?: number; code: boolean; origin: Origin }

/** A label's definition point inside the item list. */
export interface LabelMark { kind: 'label'; name: string; origin: Origin }

export type Item = Bytes | Fixup | Relaxable | DataExpr | Align | LabelMark;

/** An input section of one file. */
export interface Section {
  name: string;
  items: Item[];
  /** Largest alignment asked for in it (bytes). */
  align: number;
  nobits: boolean;
}
