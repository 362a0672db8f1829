// Call stacks: each hart's frames, unwound from DWARF CFI, the frame pointer or ra, named by symbol and placed
// on source lines; frames without line information point at their instruction, so VS Code shows disassembly.
import * as path from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { Machine } from '../emulator/machine';
import type { Hart } from '../emulator/hart';
import { CSR } from '../emulator/csr/file';
import type { CallFrameInfo } from '../emulator/loader/dwarf-frame';
import { lookupPc, unwind, type UnwoundFrame } from './unwind';
import { formatMemoryReference, hartReader } from './memory';
import { decodeAt, type Decoded } from './disassembly';
import { machineEvalContext } from './machine-context';
import type { SourceLines, SourceLocation } from './source-lines';
import type { CodeMap } from './execution';

/** Frames per hart a stack trace may hold (frame ids encode hart and depth). */
const MAX_FRAMES = 256;

export class Stacks implements CodeMap {
  /** Frames per hart, unwound once per stop. */
  private readonly cache = new Map<number, UnwoundFrame[]>();

  constructor(private readonly machine: Machine, private readonly lines: SourceLines, private readonly cfi: CallFrameInfo | undefined) {}

  /** The machine moved: unwind again when asked. */
  invalidate(): void {
    this.cache.clear();
  }

  frames(hart: Hart): UnwoundFrame[] {
    let f = this.cache.get(hart.hartId);
    if (!f) {
      const regs = Array.from({ length: 32 }, (_, i) => hart.reg(i));
      const memory = machineEvalContext(this.machine, hart);
      f = unwind({ pc: hart.pcBig, regs }, (va) => memory.read(va, 8), { cfi: this.cfi, symbols: this.machine.symbols }, MAX_FRAMES);
      this.cache.set(hart.hartId, f);
    }
    return f;
  }

  /** DAP frames for a hart, ids encoding (hart, depth). */
  stackTrace(hart: Hart, start = 0, levels = MAX_FRAMES): { stackFrames: DebugProtocol.StackFrame[]; totalFrames: number } {
    const all = this.frames(hart);
    const stackFrames = all.slice(start, start + (levels || MAX_FRAMES)).map((f, i) => this.dapFrame(hart, f, start + i));
    return { stackFrames, totalFrames: all.length };
  }

  /** The hart and depth a frame id stands for. */
  static decodeFrameId(id: number): { hart: number; depth: number } {
    return { hart: Math.floor((id - 1) / MAX_FRAMES), depth: (id - 1) % MAX_FRAMES };
  }

  lineAt(pc: bigint): SourceLocation | undefined {
    return this.lines.addressToLine(pc);
  }

  caller(hart: Hart): { pc: number; sp: bigint } | undefined {
    this.invalidate();
    const f = this.frames(hart)[1];
    return f ? { pc: Number(BigInt.asIntN(64, f.pc)), sp: f.regs[2] } : undefined;
  }

  inTrapHandler(hart: Hart): boolean {
    if (hart.priv === 0) return false;
    const tvec = hart.priv === 3 ? CSR.mtvec : CSR.stvec;
    const base = BigInt.asUintN(64, (BigInt(hart.csr.hi[tvec]) << 32n) | BigInt(hart.csr.lo[tvec] >>> 0)) & ~3n;
    if (base === 0n) return false;
    const handler = this.machine.symbolAt(base), here = this.machine.symbolAt(hart.pcBig);
    return handler !== undefined && handler === here;
  }

  instructionAt(hart: Hart, pc: bigint): Decoded {
    return decodeAt(hartReader(this.machine, hart, 'virtual'), pc);
  }

  private dapFrame(hart: Hart, f: UnwoundFrame, depth: number): DebugProtocol.StackFrame {
    const at = lookupPc(f);
    const loc = this.lines.addressToLine(at);
    const sym = this.machine.symbolAt(at);
    const name = sym ? (f.pc === sym.value ? sym.name : `${sym.name}+0x${(f.pc - sym.value).toString(16)}`) : `0x${f.pc.toString(16)}`;
    const frame: DebugProtocol.StackFrame = {
      id: hart.hartId * MAX_FRAMES + depth + 1, name, line: loc?.line ?? 0, column: loc ? 1 : 0,
      instructionPointerReference: formatMemoryReference('virtual', f.pc),
    };
    if (loc) frame.source = { name: path.basename(loc.file), path: loc.file };
    else frame.presentationHint = 'subtle';
    return frame;
  }
}
