// PLIC (platform-level interrupt controller) at 0xc00_0000, as on QEMU's virt board: level-triggered sources
// with priorities, per-context enables and thresholds, and claim/complete. Context 2h is hart h's M-mode, 2h+1 its S-mode.
import type { MmioDevice } from '../memory/bus';

export const PLIC_SIZE = 0x600000;
/** Sources 1..NDEV (0 means "none"), as QEMU's virt board declares (riscv,ndev). */
export const PLIC_NDEV = 96;

const WORDS = Math.ceil((PLIC_NDEV + 1) / 32);

export class Plic implements MmioDevice {
  readonly name = 'plic (sifive,plic-1.0.0)';
  private readonly priority = new Uint32Array(PLIC_NDEV + 1);
  private readonly pending = new Uint32Array(WORDS);
  /** Claimed and not yet completed: a level source cannot become pending again until then. */
  private readonly inFlight = new Uint32Array(WORDS);
  private readonly level = new Uint8Array(PLIC_NDEV + 1);
  private readonly enable: Uint32Array[];
  private readonly threshold: Uint32Array;

  constructor(readonly contexts: number) {
    this.enable = Array.from({ length: contexts }, () => new Uint32Array(WORDS));
    this.threshold = new Uint32Array(contexts);
  }

  /** A device's interrupt line changed (or is re-sampled): level-triggered, through the gateway. */
  setLevel(source: number, high: boolean): void {
    this.level[source] = high ? 1 : 0;
    this.gateway(source);
  }

  private gateway(source: number): void {
    const w = source >>> 5, bit = 1 << (source & 31);
    if (this.level[source] && !(this.inFlight[w] & bit)) this.pending[w] |= bit;
  }

  /** The highest-priority pending source enabled for the context above its threshold (lowest id on ties), or 0. */
  private best(context: number): number {
    let id = 0, prio = this.threshold[context];
    const en = this.enable[context];
    for (let s = 1; s <= PLIC_NDEV; s++) {
      const w = s >>> 5, bit = 1 << (s & 31);
      if ((this.pending[w] & en[w] & bit) && this.priority[s] > prio) { id = s; prio = this.priority[s]; }
    }
    return id;
  }

  /** Whether the context's external-interrupt line (MEIP or SEIP) is asserted. */
  interruptPending(context: number): boolean {
    return this.best(context) !== 0;
  }

  read(offset: number): number {
    if (offset < 0x1000) return (offset >>> 2) <= PLIC_NDEV ? this.priority[offset >>> 2] : 0;
    if (offset < 0x2000) { const w = (offset - 0x1000) >>> 2; return w < WORDS ? this.pending[w] | 0 : 0; }
    if (offset < 0x200000) {
      const ctx = (offset - 0x2000) >>> 7, w = ((offset - 0x2000) & 0x7f) >>> 2;
      return ctx < this.contexts && w < WORDS ? this.enable[ctx][w] | 0 : 0;
    }
    const ctx = (offset - 0x200000) >>> 12, reg = offset & 0xfff;
    if (ctx >= this.contexts) return 0;
    if (reg === 0) return this.threshold[ctx];
    if (reg === 4) return this.claim(ctx);
    return 0;
  }

  write(offset: number, _size: number, value: number): void {
    if (offset < 0x1000) {
      const s = offset >>> 2;
      if (s >= 1 && s <= PLIC_NDEV) this.priority[s] = value & 7;
      return;
    }
    if (offset < 0x2000) return; // pending bits are read-only
    if (offset < 0x200000) {
      const ctx = (offset - 0x2000) >>> 7, w = ((offset - 0x2000) & 0x7f) >>> 2;
      if (ctx < this.contexts && w < WORDS) this.enable[ctx][w] = w === 0 ? value & ~1 : value; // source 0 does not exist
      return;
    }
    const ctx = (offset - 0x200000) >>> 12, reg = offset & 0xfff;
    if (ctx >= this.contexts) return;
    if (reg === 0) this.threshold[ctx] = value & 7;
    else if (reg === 4) this.complete(ctx, value >>> 0);
  }

  private claim(ctx: number): number {
    const id = this.best(ctx);
    if (id !== 0) {
      const w = id >>> 5, bit = 1 << (id & 31);
      this.pending[w] &= ~bit;
      this.inFlight[w] |= bit;
    }
    return id;
  }

  /** Completion of a source not enabled for the context is ignored, as the spec says. */
  private complete(ctx: number, id: number): void {
    if (id < 1 || id > PLIC_NDEV) return;
    const w = id >>> 5, bit = 1 << (id & 31);
    if (!(this.enable[ctx][w] & bit)) return;
    this.inFlight[w] &= ~bit;
    this.gateway(id);
  }
}
