// Instruction breakpoints by virtual pc, shaped for the engines: a byte filter the interpreter tests per instruction
// and a range query the translator makes once per block entry, so an unrelated breakpoint costs the hot loop nothing.

/** Filter slots: pc / 2 modulo this picks one byte; a zero byte proves no breakpoint has that pc. */
export const BREAKPOINT_FILTER_SIZE = 4096;

export class BreakpointSet {
  /** Non-zero where some breakpoint's (pc >>> 1) & (SIZE - 1) lands. */
  readonly filter = new Uint8Array(BREAKPOINT_FILTER_SIZE);
  /** Changes with every update, so that blocks know their cached answer is stale. */
  epoch = 0;
  private pcs: number[] = [];

  /** Replaces the set. Addresses are pcs as the hart holds them: numbers, upper-half addresses negative. */
  set(pcs: Iterable<number>): void {
    this.pcs = [...new Set(pcs)].sort((a, b) => a - b);
    this.filter.fill(0);
    for (const pc of this.pcs) this.filter[(pc >>> 1) & (BREAKPOINT_FILTER_SIZE - 1)] = 1;
    this.epoch++;
  }

  get size(): number {
    return this.pcs.length;
  }

  has(pc: number): boolean {
    return this.filter[(pc >>> 1) & (BREAKPOINT_FILTER_SIZE - 1)] !== 0 && this.pcs.includes(pc);
  }

  /** Some breakpoint lies in [from, to). */
  anyIn(from: number, to: number): boolean {
    for (const pc of this.pcs) if (pc >= from && pc < to) return true;
    return false;
  }
}
