// The trap log: every VM exit with what the VMM decided and what it cost, kept in a ring and queryable.
// The debugger's exits view, the REPL's `exits` and `--stats` read it; disassembly happens only when asked.
import { disassemble } from '../emulator/isa/disasm';
import { exceptionNames, interruptNames } from '../emulator/csr/table';

/** What the VMM did about an exit. */
export type DecisionKind =
  | 'emulated' // a privileged instruction, emulated against the vCPU's virtual state
  | 'injected' // a trap delivered into the guest kernel (its own fault, an ecall from its user mode, ...)
  | 'filled' // a shadow page-table entry filled (the guest's tables allowed the access)
  | 'sbi' // an SBI call (hypercall) answered
  | 'mmio' // a device access emulated
  | 'interrupt' // a machine interrupt taken by the VMM (timer, kick)
  | 'halted'; // the VM stopped (shutdown, or a fault it cannot survive)

export interface ExitRecord {
  /** 0, 1, 2 ... over the VMM's life (older ones leave the ring). */
  seq: number;
  /** The machine's cycle count on the vCPU's hart when the exit happened. */
  cycle: number;
  vm: number;
  vcpu: number;
  /** Guest pc of the trapping instruction (as the hart holds it: may be negative for upper-half addresses). */
  pc: number;
  /** The instruction's bits, or -1 when it could not be read (a fetch fault, an interrupt). */
  raw: number;
  cause: number;
  interrupt: boolean;
  /** The guest's virtual mode at the exit (1 S, 0 U). */
  vpriv: number;
  kind: DecisionKind;
  /** One line: "emulate csrw satp", "fill shadow 0x... → mpa 0x...", "SBI TIME set_timer". */
  decision: string;
  /** What the exit cost the machine, in instructions of VMM work (a model: see exits.ts). */
  cost: number;
}

export interface ExitQuery {
  /** seq range, inclusive from, exclusive to. */
  from?: number;
  to?: number;
  vm?: number;
  vcpu?: number;
  cause?: number;
  interrupt?: boolean;
  kind?: DecisionKind;
  /** At most this many, the latest ones (default 100). */
  limit?: number;
}

/** An exit as the debugger shows it. */
export interface ExitView extends ExitRecord {
  /** The cause's name ("illegal instruction", "supervisor timer interrupt" ...). */
  causeName: string;
  /** The trapping instruction, disassembled ("" when unknown). */
  instruction: string;
}

const DEFAULT_CAPACITY = 100_000;

export class TrapLog {
  private readonly ring: (ExitRecord | undefined)[];
  private nextSeq = 0;

  constructor(readonly capacity = DEFAULT_CAPACITY) {
    this.ring = new Array<ExitRecord | undefined>(capacity);
  }

  /** Exits recorded so far (including those that left the ring). */
  get total(): number {
    return this.nextSeq;
  }

  record(r: Omit<ExitRecord, 'seq'>): ExitRecord {
    const rec = r as ExitRecord;
    rec.seq = this.nextSeq++;
    this.ring[rec.seq % this.capacity] = rec;
    return rec;
  }

  /** The exits that match, oldest first (at most limit, the latest). */
  query(q: ExitQuery = {}): ExitView[] {
    const first = Math.max(q.from ?? 0, this.nextSeq - this.capacity, 0), end = Math.min(q.to ?? this.nextSeq, this.nextSeq);
    const limit = q.limit ?? 100, out: ExitRecord[] = [];
    for (let s = end - 1; s >= first && out.length < limit; s--) {
      const r = this.ring[s % this.capacity]!;
      if ((q.vm === undefined || r.vm === q.vm) && (q.vcpu === undefined || r.vcpu === q.vcpu) && (q.cause === undefined || r.cause === q.cause)
        && (q.interrupt === undefined || r.interrupt === q.interrupt) && (q.kind === undefined || r.kind === q.kind)) out.push(r);
    }
    return out.reverse().map(view);
  }

  /** The latest exit, if any. */
  last(): ExitView | undefined {
    return this.nextSeq === 0 ? undefined : view(this.ring[(this.nextSeq - 1) % this.capacity]!);
  }
}

export function causeName(cause: number, interrupt: boolean): string {
  return (interrupt ? interruptNames[cause] : exceptionNames[cause]) ?? `${interrupt ? 'interrupt' : 'exception'} ${cause}`;
}

function view(r: ExitRecord): ExitView {
  const instruction = r.raw < 0 ? '' : disassemble(r.raw, BigInt.asUintN(64, BigInt(r.pc)));
  return { ...r, causeName: causeName(r.cause, r.interrupt), instruction };
}
