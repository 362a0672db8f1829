// One virtual CPU: the guest's registers while it is off the hart, and the virtual S-mode state the guest believes in.
// Virtual CSRs are a CsrFile of their own, so the guest's sstatus, sie, satp ... obey the same WARL rules as hardware.
import { Priv, type Hart } from '../emulator/hart';
import { CSR, CsrFile } from '../emulator/csr/file';
import { MSTATUS_FS } from '../emulator/csr/table';
import type { Vm } from './vm';
import type { ShadowRoot } from './shadow';

/** SBI HSM states (SBI spec, chapter 9): a vCPU runs only when started. */
export type VcpuState = 'started' | 'stopped' | 'suspended';

/** What OpenSBI delegates to S-mode (medeleg 0xb109, mideleg 0x222): a guest sees the same split under the VMM. */
const GUEST_MEDELEG = 0xb109, GUEST_MIDELEG = 0x222;

export class Vcpu {
  /** The guest's CSRs: S-level ones are what it reads and writes; M-level ones are the VMM's settings for it (delegation). */
  readonly csr: CsrFile;
  /** The mode the guest believes it runs in (it really runs in U-mode). */
  vpriv: Priv.S | Priv.U = Priv.S;
  state: VcpuState;
  /** In wfi: runs again when a virtual interrupt is pending and enabled in sie. */
  waiting = false;
  /** The guest's pc and registers while it is not loaded on its hart. */
  pc = 0;
  readonly L = new Int32Array(33);
  readonly H = new Int32Array(33);
  readonly fl = new Int32Array(32);
  readonly fh = new Int32Array(32);
  fcsr = 0;
  /** Whether its registers are live on the hart (then the fields above are stale). */
  loaded = false;
  /**
   * Consecutive shadow fills for the same instruction and page: a fill must let the access through, so a third
   * one in a row means the VMM is broken, and the VM halts rather than spin (see exits.ts).
   */
  refills = 0;
  lastFill = NaN;
  lastFillPc = NaN;
  lastFillRoot: ShadowRoot | undefined = undefined;
  /** Exits taken, by cause (interrupts at 32 + cause), for --stats. */
  readonly exits = new Float64Array(64);

  constructor(readonly vm: Vm, readonly index: number, readonly hart: Hart, started: boolean) {
    this.csr = new CsrFile(index, hart);
    this.csr.lo[CSR.medeleg] = GUEST_MEDELEG;
    this.csr.lo[CSR.mideleg] = GUEST_MIDELEG;
    this.csr.lo[CSR.mcounteren] = 7;
    // Sstc: the guest may program its timer through stimecmp as well as through SBI.
    this.csr.hi[CSR.menvcfg] |= 0x80000000 | 0;
    // As OpenSBI enters S-mode with FP enabled (FS = Dirty), so does the VMM.
    this.csr.write(CSR.mstatus, this.csr.lo[CSR.mstatus] | MSTATUS_FS, this.csr.hi[CSR.mstatus]);
    this.csr.set(CSR.stimecmp, -1n);
    this.state = started ? 'started' : 'stopped';
  }

  /** "vm0/vcpu1": how threads, logs and consoles name it. */
  get name(): string {
    return `${this.vm.name}/vcpu${this.index}`;
  }

  /** Ready to run on its hart. */
  get runnable(): boolean {
    return this.state === 'started' && !this.waiting && this.vm.state === 'running';
  }

  /** A guest register (x0..x31), live or saved. */
  reg(i: number): bigint {
    const L = this.loaded ? this.hart.L : this.L, H = this.loaded ? this.hart.H : this.H;
    return BigInt.asUintN(64, (BigInt(H[i]) << 32n) | BigInt(L[i] >>> 0));
  }

  setReg(i: number, v: bigint): void {
    if (i === 0) return;
    const L = this.loaded ? this.hart.L : this.L, H = this.loaded ? this.hart.H : this.H;
    L[i] = Number(BigInt.asIntN(32, v));
    H[i] = Number(BigInt.asIntN(32, v >> 32n));
  }

  /** The guest's pc: the hart's while loaded (mepc inside an exit), else the saved one. */
  get guestPc(): number {
    return this.loaded ? this.hart.pc : this.pc;
  }

  /** Virtual interrupts pending and enabled in sie, whatever sstatus.SIE says (what wakes wfi). */
  get pendingInterrupts(): number {
    return this.csr.lo[CSR.mip] & this.csr.lo[CSR.mie] & GUEST_MIDELEG;
  }

  /** The guest's timer deadline in ticks (stimecmp; Infinity when parked beyond 2^53). */
  get timerDeadline(): number {
    const hi = this.csr.hi[CSR.stimecmp] >>> 0;
    return hi >= 0x200000 ? Infinity : hi * 4294967296 + (this.csr.lo[CSR.stimecmp] >>> 0);
  }

  /** Sets or clears a virtual interrupt-pending bit (SSIP 1, STIP 5, SEIP 9). */
  setPending(bit: number, on: boolean): void {
    const c = this.csr;
    c.lo[CSR.mip] = on ? c.lo[CSR.mip] | (1 << bit) : c.lo[CSR.mip] & ~(1 << bit);
  }
}
