// The `disassemble` request: instructions around an address, read without side effects from the hart's view of
// memory (a hart's, or a guest's through its own page tables), with symbols and source lines, so VS Code's Disassembly view and instruction breakpoints work.
import * as path from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { disassemble } from '../emulator/isa/disasm';
import type { ByteReader } from './memory';
import type { SourceLines } from './source-lines';
import { isCodeSymbol, type ElfSymbol } from '../emulator/loader/elf';

const hex = (v: bigint): string => `0x${BigInt.asUintN(64, v).toString(16).padStart(8, '0')}`;

/** One decoded instruction, or an unreadable/odd halfword. */
export interface Decoded {
  address: bigint;
  length: 2 | 4;
  raw: number | undefined;
}

/** The instruction at a (2 or 4 bytes), read without side effects; raw undefined when unreadable. */
export function decodeAt(read: ByteReader, a: bigint): Decoded {
  const r = read(a, 4);
  const readable = (i: number): boolean => !r.unreadable.some((u) => i >= u.offset && i < u.offset + u.length);
  if (!readable(0) || !readable(1)) return { address: a, length: 2, raw: undefined };
  const low = r.data[0] | (r.data[1] << 8);
  if ((low & 3) !== 3) return { address: a, length: 2, raw: low };
  if (!readable(2) || !readable(3)) return { address: a, length: 2, raw: undefined };
  return { address: a, length: 4, raw: (low | (r.data[2] << 16) | (r.data[3] << 24)) >>> 0 };
}

/**
 * Instructions before `address`: decoding forward from the nearest symbol at or below it (an instruction boundary),
 * or from far enough back; RISC-V code cannot be decoded backwards with certainty, so the start is a boundary guess
 * only when no symbol is near.
 */
function before(read: ByteReader, address: bigint, count: number, symbols: ElfSymbol[]): Decoded[] {
  const reach = BigInt(4 * count);
  const sym = symbols.filter((s) => s.value <= address && address - s.value <= reach && isCodeSymbol(s))
    .sort((a, b) => Number(a.value - b.value))[0];
  let a = sym ? sym.value : address - reach;
  const out: Decoded[] = [];
  while (a < address) {
    const d = decodeAt(read, a);
    out.push(d);
    a += BigInt(d.length);
  }
  const aligned = a === address ? out : out.slice(0, -1);
  const result = aligned.slice(-count);
  // Pad with halfwords further back when decoding found fewer instructions than asked for.
  for (let pad = result.length > 0 ? result[0].address : address; result.length < count;) {
    pad -= 2n;
    result.unshift({ address: pad, length: 2, raw: undefined });
  }
  return result;
}

export function disassembleRequest(read: ByteReader, args: DebugProtocol.DisassembleArguments & { address: bigint },
  symbols: ElfSymbol[], lines: SourceLines): DebugProtocol.DisassembledInstruction[] {
  const start = args.address + BigInt(args.offset ?? 0);
  const skip = args.instructionOffset ?? 0;
  const list: Decoded[] = skip < 0 ? before(read, start, -skip, symbols) : [];
  let a = start;
  for (let i = 0; i < skip; i++) a += BigInt(decodeAt(read, a).length);
  while (list.length < args.instructionCount) {
    const d = decodeAt(read, a);
    list.push(d);
    a += BigInt(d.length);
  }
  const bySymbol = new Map(symbols.filter(isCodeSymbol).map((s) => [s.value, s.name]));
  let lastFile: string | undefined;
  return list.slice(0, args.instructionCount).map((d) => {
    const ins: DebugProtocol.DisassembledInstruction = {
      address: hex(d.address),
      instructionBytes: d.raw === undefined ? '??' : d.raw.toString(16).padStart(d.length * 2, '0'),
      instruction: d.raw === undefined ? '(unreadable)' : disassemble(d.raw, d.address),
    };
    if (d.raw === undefined) ins.presentationHint = 'invalid';
    const name = args.resolveSymbols === false ? undefined : bySymbol.get(d.address);
    if (name) ins.symbol = name;
    const loc = lines.addressToLine(d.address);
    if (loc) {
      ins.line = loc.line;
      if (loc.file !== lastFile) ins.location = { name: path.basename(loc.file), path: loc.file };
      lastFile = loc.file;
    }
    return ins;
  });
}
