// Call stacks of vCPUs: guest frames unwound from the guest's pc through the guest's own view of its memory, under a
// synthetic VMM frame while a vCPU is stopped at an exit; and stepping's CodeMap for guests (lines, callers, progress).
import * as path from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { Machine } from '../emulator/machine';
import type { Hart } from '../emulator/hart';
import type { CallFrameInfo } from '../emulator/loader/dwarf-frame';
import type { Vmm } from '../hypervisor/vmm';
import type { Vcpu } from '../hypervisor/vcpu';
import type { ExitView } from '../hypervisor/trap-log';
import { lookupPc, unwind, type UnwoundFrame } from './unwind';
import { decodeAt, type Decoded } from './disassembly';
import { formatVmReference, GuestView } from './vm-memory';
import type { SourceLines, SourceLocation } from './source-lines';
import type { CodeMap } from './execution';

/** Frames per thread a stack trace may hold (frame ids encode thread and depth). */
const MAX_FRAMES = 256;

/** The vCPUs and what the debugger knows of each beyond the machine: the exit it is stopped at, the one being stepped. */
export interface VcpuFocus {
  readonly vcpus: readonly Vcpu[];
  /** The exit a vCPU is stopped at (its VMM frame), if any. */
  atExit(v: Vcpu): ExitView | undefined;
  /** The vCPU whose code runs on a hart for stepping's purposes: the one being stepped there, else the one loaded. */
  vcpuOn(hart: Hart): Vcpu;
  /** Guest-visible progress of a vCPU (instructions retired and exits it observed). */
  progress(v: Vcpu): number;
}

/** The name of the VMM frame: the decision and what caused the exit, "VMM: emulate csrw satp (illegal instruction)". */
export function vmmFrameName(e: ExitView): string {
  const decision = e.decision.replace(/ \((now|reads) 0x[0-9a-f]+\)$/, '');
  return `VMM: ${decision} (${e.causeName})`;
}

export class VmStacks implements CodeMap {
  private readonly cache = new Map<Vcpu, UnwoundFrame[]>();

  constructor(private readonly machine: Machine, readonly vmm: Vmm, private readonly focus: VcpuFocus, private readonly lines: SourceLines,
    private readonly cfi: CallFrameInfo | undefined) {}

  invalidate(): void {
    this.cache.clear();
  }

  view(v: Vcpu): GuestView {
    return new GuestView(this.machine, v);
  }

  /**
   * The guest's frames. At an exit, frame 0 is the trapping instruction (the VMM stopped after acting, so the
   * registers already hold the result, and the vCPU's pc is where it goes on, which the Guest registers scope shows).
   */
  guestFrames(v: Vcpu): UnwoundFrame[] {
    let f = this.cache.get(v);
    if (!f) {
      const exit = this.focus.atExit(v);
      const pc = BigInt.asUintN(64, BigInt(exit ? exit.pc : v.guestPc));
      const regs = Array.from({ length: 32 }, (_, i) => v.reg(i));
      const view = this.view(v);
      f = unwind({ pc, regs }, (va) => view.readU64(va), { cfi: this.cfi, symbols: this.machine.symbols }, MAX_FRAMES - 1);
      this.cache.set(v, f);
    }
    return f;
  }

  /** Frames shown above the guest's: the VMM frame while the vCPU is stopped at an exit. */
  vmmFrames(v: Vcpu): number {
    return this.focus.atExit(v) ? 1 : 0;
  }

  stackTrace(thread: number, start = 0, levels = MAX_FRAMES): { stackFrames: DebugProtocol.StackFrame[]; totalFrames: number } {
    const v = this.focus.vcpus[thread], exit = this.focus.atExit(v);
    const frames: DebugProtocol.StackFrame[] = [];
    if (exit) frames.push({ id: frameId(thread, 0), name: vmmFrameName(exit), line: 0, column: 0, presentationHint: 'label' });
    const top = frames.length;
    this.guestFrames(v).forEach((f, i) => frames.push(this.dapFrame(v, f, frameId(thread, top + i))));
    return { stackFrames: frames.slice(start, start + (levels || MAX_FRAMES)), totalFrames: frames.length };
  }

  static decodeFrameId(id: number): { thread: number; depth: number } {
    return { thread: Math.floor((id - 1) / MAX_FRAMES), depth: (id - 1) % MAX_FRAMES };
  }

  // ---- CodeMap: stepping in guests ----

  lineAt(pc: bigint): SourceLocation | undefined {
    return this.lines.addressToLine(pc);
  }

  caller(hart: Hart): { pc: number; sp: bigint } | undefined {
    const v = this.focus.vcpuOn(hart);
    this.cache.delete(v);
    const f = this.guestFrames(v)[1];
    return f ? { pc: Number(BigInt.asIntN(64, f.pc)), sp: f.regs[2] } : undefined;
  }

  /**
   * Guest trap handlers return with an emulated sret, which the hart never sees as a trap return (its own mret back
   * into the guest happens on every exit), so step-out leaves guest handlers by the caller rule only.
   */
  inTrapHandler(): boolean {
    return false;
  }

  instructionAt(hart: Hart, pc: bigint): Decoded {
    return decodeAt(this.view(this.focus.vcpuOn(hart)).reader('gva'), pc);
  }

  progress(hart: Hart): number {
    return this.focus.progress(this.focus.vcpuOn(hart));
  }

  private dapFrame(v: Vcpu, f: UnwoundFrame, id: number): DebugProtocol.StackFrame {
    const at = lookupPc(f);
    const loc = this.lines.addressToLine(at);
    const sym = this.machine.symbolAt(at);
    const name = sym ? (f.pc === sym.value ? sym.name : `${sym.name}+0x${(f.pc - sym.value).toString(16)}`) : `0x${f.pc.toString(16)}`;
    const frame: DebugProtocol.StackFrame = {
      id, name, line: loc?.line ?? 0, column: loc ? 1 : 0, instructionPointerReference: formatVmReference('gva', v.vm, f.pc),
    };
    if (loc) frame.source = { name: path.basename(loc.file), path: loc.file };
    else frame.presentationHint = 'subtle';
    return frame;
  }
}

function frameId(thread: number, depth: number): number {
  return thread * MAX_FRAMES + depth + 1;
}
