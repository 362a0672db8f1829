// What every SBI extension implements, and the SBI error codes (SBI specification v2.0, chapter 3).
// The VMM finds an extension by the extension id in a7; the extension looks at the function id in a6.
import type { Exit } from '../exit';

export const SBI_SUCCESS = 0;
export const SBI_ERR_FAILED = -1;
export const SBI_ERR_NOT_SUPPORTED = -2;
export const SBI_ERR_INVALID_PARAM = -3;
export const SBI_ERR_DENIED = -4;
export const SBI_ERR_INVALID_ADDRESS = -5;
export const SBI_ERR_ALREADY_AVAILABLE = -6;
export const SBI_ERR_ALREADY_STARTED = -7;
export const SBI_ERR_ALREADY_STOPPED = -8;

export interface SbiCall {
  x: Exit;
  eid: number;
  fid: number;
  /** Argument registers a0..a5 as unsigned 64-bit values. */
  args: bigint[];
}

export interface SbiResult {
  /** SBI error code (a0). */
  error: number;
  /** Return value (a1); legacy extensions return only a0 = value. */
  value?: bigint;
  /** The function's name as the spec names it ("set_timer"). */
  name: string;
  /** What it did, for the trap log ("hart 1 started at 0x80200000"). */
  detail?: string;
  /**
   * The calling vCPU does not return from the call now: it stopped (HSM hart_stop), or its VM halted (SRST).
   * Its registers are left as they are.
   */
  noReturn?: boolean;
}

export interface SbiExtension {
  /** As the spec names it: "Base", "TIME", "IPI", "RFENCE", "HSM", "SRST", "DBCN", "Legacy". */
  name: string;
  /** Extension ids it answers, inclusive range. */
  eids: readonly [number, number];
  /** Legacy extensions return only a0 (the value, or a negative error). */
  legacy?: boolean;
  call(c: SbiCall): SbiResult;
}

export function notSupported(fid: number): SbiResult {
  return { error: SBI_ERR_NOT_SUPPORTED, name: `function ${fid}`, detail: 'not supported' };
}

/** A hart mask (hart_mask, hart_mask_base) as the vCPU indexes it names, or undefined when it names a vCPU that does not exist. */
export function maskedHarts(mask: bigint, base: bigint, count: number): number[] | undefined {
  if (base === (1n << 64n) - 1n) return Array.from({ length: count }, (_, i) => i);
  const out: number[] = [];
  for (let bit = 0n; bit < 64n; bit++) {
    if (((mask >> bit) & 1n) === 0n) continue;
    const h = base + bit;
    if (h >= BigInt(count)) return undefined;
    out.push(Number(h));
  }
  return out;
}
