// The second engine tier: hot basic blocks compiled to JavaScript functions, one per block.
// Same semantics as the interpreter (both expand the instruction table's snippets); the interpreter runs cold code.
import * as A from './isa/alu64';
import { decodeOpcode } from './isa/decode';
import { decodeOperands } from './isa/fields';
import { Ram } from './memory/ram';
import { expandSemantics, PRELUDE, type Context } from './codegen';
import type { Hart } from './hart';
import type { RunFunction } from './interpreter';
import type { BreakpointSet } from './breakpoints';

/**
 * A translated block: runs from its first instruction and returns how many instructions retired. A block
 * that branches back to its own start loops inside the function while `left` (the budget) allows.
 */
interface Block {
  run: (pc: number, left: number) => number;
  /** Instructions in the block (one iteration); it only runs when the budget has room for all of them. */
  count: number;
  /** Whether a breakpoint lies in the block when entered at bpPc under the breakpoints' bpEpoch (a cache). */
  bpEpoch: number;
  bpPc: number;
  bpInside: boolean;
  /** RAM offsets [start, end) of its instructions, to drop it when they are overwritten. */
  start: number;
  end: number;
  /** False once dropped: links to it must not be followed. */
  live: boolean;
  /** The hart's translationEpoch when the links below were made. */
  linkEpoch: number;
  /** The last two blocks control went to, by pc (direct chaining without a lookup). */
  nextPc0: number;
  next0: Block | undefined;
  nextPc1: number;
  next1: Block | undefined;
}

/** Writes registers held in block locals back to the register file. */
function flush(dirty: Set<number>): string {
  return [...dirty].map((n) => `L[${n}] = x${n}l; H[${n}] = x${n}h;`).join(' ');
}

/** By default, a block entered this often is compiled. */
export const DEFAULT_HOT = 16;
const MAX_BLOCK = 64;
/** Pages whose code is rewritten this often are left to the interpreter (self-modifying code). */
const MAX_INVALIDATIONS = 16;

export class Translator {
  /** Per RAM page: the block starting at each halfword slot. */
  private blocks: (Block | undefined)[][] = [];
  /** Per RAM page: its live blocks, so that a store into the page checks a few blocks, not 2048 slots. */
  private pageBlocks: Block[][] = [];
  private hits: (Uint8Array | undefined)[] = [];
  private readonly invalidations: Uint16Array;
  private readonly helpers = { ...A };
  /** Blocks compiled so far (for statistics and benchmarks). */
  compiled = 0;
  /** Breakpoints whose blocks are left to the (debugging) interpreter; undefined without any. */
  private breakpoints: BreakpointSet | undefined = undefined;
  /** Data watchpoints exist: the interpreter runs everything (it stops right after the access). */
  private interpretOnly = false;
  /** Either of the two: the one flag the run loop tests per block entry when no debugger is attached. */
  private debugging = false;

  /** @param hot compile a block on its hot-th entry (1: everything, which tests use to exercise translations). */
  constructor(private readonly hart: Hart, private interpret: RunFunction, private readonly hot = DEFAULT_HOT) {
    this.invalidations = new Uint16Array(hart.ram.pageFlags.length);
    hart.onCodeChange = (off, bytes) => this.drop(off, bytes);
  }

  /** Same contract as the interpreter's RunFunction. */
  readonly run: RunFunction = (budget) => {
    const h = this.hart;
    let retired = 0, traps = 0;
    h.endSlice = false;
    let block = this.lookup(h.pc);
    while (retired + traps < budget) {
      const left = budget - retired - traps;
      if (block !== undefined && block.count <= left && (!this.debugging || this.mayRun(block, h.pc))) {
        h.sliceTraps = 0;
        // Absolute, not +=: a CSR instruction inside the block sets hart.retired to its exact count while it runs.
        const before = h.retired;
        const n = block.run(h.pc, left);
        h.retired = before + n;
        retired += n;
        traps += h.sliceTraps;
        if (h.endSlice) break;
        const pc = h.pc;
        // Links are by virtual pc: valid only while the translation they were made under holds.
        let next = block.linkEpoch !== h.translationEpoch ? undefined
          : block.nextPc0 === pc ? block.next0 : block.nextPc1 === pc ? block.next1 : undefined;
        if (next === undefined || !next.live) {
          next = this.lookup(pc);
          if (block.linkEpoch !== h.translationEpoch) { block.linkEpoch = h.translationEpoch; block.nextPc0 = block.nextPc1 = NaN; }
          if (next !== undefined) {
            block.nextPc1 = block.nextPc0; block.next1 = block.next0;
            block.nextPc0 = pc; block.next0 = next;
          }
        }
        block = next;
      } else {
        retired += this.interpret(budget - retired - traps, true);
        traps += h.sliceTraps;
        if (h.endSlice) break;
        block = this.lookup(h.pc);
      }
    }
    h.sliceTraps = traps;
    return retired;
  };

  /**
   * What a debugger needs of the engine: the interpreter to use (the debugging variant stops at breakpoints), the
   * breakpoints whose blocks must not run translated, and whether watchpoints make the interpreter run everything.
   */
  setDebugging(interpret: RunFunction, breakpoints: BreakpointSet | undefined, interpretOnly: boolean): void {
    this.interpret = interpret;
    this.breakpoints = breakpoints;
    this.interpretOnly = interpretOnly;
    this.debugging = breakpoints !== undefined || interpretOnly;
  }

  /** While debugging: the block may run translated (no watchpoints, and no breakpoint inside it). */
  private mayRun(block: Block, pc: number): boolean {
    return !this.interpretOnly && (this.breakpoints === undefined || !this.breakpointInside(block, pc));
  }

  /** A breakpoint lies in the block entered at pc; cached per block, so a loop pays two comparisons per entry. */
  private breakpointInside(block: Block, pc: number): boolean {
    const bp = this.breakpoints!;
    if (block.bpEpoch !== bp.epoch || block.bpPc !== pc) {
      block.bpEpoch = bp.epoch;
      block.bpPc = pc;
      block.bpInside = bp.anyIn(pc, pc + (block.end - block.start));
    }
    return block.bpInside;
  }

  /** The block starting at pc, compiling it once it is hot; undefined while cold, outside RAM or unmapped. */
  private lookup(pc: number): Block | undefined {
    const h = this.hart, ram = h.ram;
    const pa = h.fetchBare ? pc : h.fetchAddress(pc);
    const off = pa - ram.base;
    if (!(off >= 0 && off < ram.size)) return undefined;
    const page = off >>> 12, slot = (off & 4095) >>> 1;
    const list = this.blocks[page];
    const block = list === undefined ? undefined : list[slot];
    if (block !== undefined || this.invalidations[page] >= MAX_INVALIDATIONS) return block;
    const hits = (this.hits[page] ??= new Uint8Array(2048));
    return ++hits[slot] >= this.hot ? this.compile(page, slot) : undefined;
  }

  /**
   * Forgets the translations that cover RAM offsets [off, off+bytes), or all of them (off -1, after fence.i).
   * Returns true when any was dropped.
   */
  drop(off: number, bytes: number): boolean {
    if (off < 0) {
      for (const list of this.pageBlocks) if (list) for (const b of list) b.live = false;
      this.blocks = []; this.pageBlocks = []; this.hits = [];
      return true;
    }
    let any = false;
    for (let page = Math.max(0, off - 2) >>> 12; page <= (off + bytes - 1) >>> 12; page++) {
      const list = this.pageBlocks[page];
      if (!list) continue;
      let dropped = false;
      for (const b of list) {
        if (b.start < off + bytes && off < b.end) { b.live = false; this.blocks[page][(b.start & 4095) >>> 1] = undefined; dropped = true; }
      }
      if (!dropped) continue;
      this.pageBlocks[page] = list.filter((b) => b.live);
      this.invalidations[page]++;
      any = true;
    }
    return any;
  }

  private compile(page: number, slot: number): Block | undefined {
    const ram = this.hart.ram, pageStart = page * 4096;
    const parts: string[] = [];
    // Guest registers live in locals (xNl, xNh) inside a block; the dirty ones go back to L/H at every exit.
    // Each exit is marked /*flush:k*/ and filled in at the end, once it is known whether the block loops.
    const used = new Set<number>(), dirty = new Set<number>();
    const dirtyAt: Set<number>[] = [];
    let delta = 0, count = 0, ended = false, loops = false;
    while (count < MAX_BLOCK && !ended) {
      const off = slot * 2 + delta;
      if (off + 2 > 4096) break;
      let raw = ram.read8(pageStart + off) | (ram.read8(pageStart + off + 1) << 8);
      const len = (raw & 3) === 3 ? 4 : 2;
      if (off + len > 4096) break; // straddles the page: the interpreter handles it
      if (len === 4) raw |= (ram.read8(pageStart + off + 2) << 16) | (ram.read8(pageStart + off + 3) << 24);
      const op = decodeOpcode(raw);
      const d = decodeOperands(op.encoding.format, raw);
      const k = count, at = `/*flush:${k}*/`;
      // A branch or jump back to the block's first instruction: the block becomes a loop inside one function.
      const selfLoop = /^(B|CB|J|CJ)$/.test(op.encoding.format) && op.semantics.jumps === true && delta + d.imm === 0;
      const ctx: Context = {
        // A trap the debugger held (trapHeld) did not happen; the hold also ends the slice.
        trap: (c, lo, hi) => `{ ${at} m.pc = m.exception(${c}, ${lo}, ${hi}, pc + ${delta}); m.sliceTraps += 1 - m.trapHeld; return n + ${k}; }`,
        jump: (a) => `m.pc = ${a};`,
        jumpRel: (dd) => selfLoop
          ? `{ const _d = ${dd}; if (_d !== ${-delta}) { ${at} m.pc = pc + ${delta} + _d; return n + ${k + 1}; } }`
          : `m.pc = pc + ${delta} + (${dd});`,
        pc: `(pc + ${delta})`,
        end: (jumps) => `{ ${at} ${jumps ? '' : `m.pc = pc + ${delta + len};`} m.endSlice = true; return n + ${k + 1}; }`,
        retired: `(m.retired + n + ${k})`,
      };
      const code = expandSemantics(op, ctx)
        .replace(/\brd\b/g, String(d.rd === 0 ? 32 : d.rd))
        .replace(/\brs1\b/g, String(d.rs1)).replace(/\brs2\b/g, String(d.rs2))
        .replace(/\bimm\b/g, `(${d.imm})`).replace(/\braw\b/g, `(${raw})`)
        .replace(/\b([LH])\[(\d+)\]/g, (_, half: string, n: string) => { used.add(Number(n)); return `x${n}${half === 'L' ? 'l' : 'h'}`; });
      for (const w of code.matchAll(/\bx(\d+)[lh] = /g)) dirty.add(Number(w[1]));
      dirtyAt.push(new Set(dirty));
      parts.push(`{ // ${op.name}\n${code}\n}`);
      count++;
      delta += len;
      if (op.semantics.jumps) {
        ended = true;
        loops = selfLoop;
        parts.push(selfLoop
          ? `n += ${count}; if (left - n < ${count}) { ${at} m.pc = pc; return n; }`
          : `${at} return n + ${count};`);
      }
    }
    if (count === 0) return undefined;
    if (!ended) parts.push(`/*flush:${count - 1}*/ m.pc = pc + ${delta}; return n + ${count};`);
    // In a loop every exit may follow any earlier iteration: flush everything the block writes.
    const text = parts.join('\n').replace(/\/\*flush:(\d+)\*\//g, (_, k: string) => flush(loops ? dirty : dirtyAt[Number(k)]));
    const locals = [...used].map((n) => `x${n}l = L[${n}], x${n}h = H[${n}]`).join(', ');
    const body = `let n = 0${locals ? `, ${locals}` : ''};\n${loops ? `for (;;) {\n${text}\n}` : text}`;
    const factory = new Function('m', 'A', 'Z8in', `${PRELUDE}\nreturn function block(pc, left) {\nconst bare = m.dataBare, DT = m.tlb.dataTag, DS = m.tlb.dataSalt;\n${body}\n};`);
    const start = pageStart + slot * 2;
    // Flag the page as code, so that stores into it reach drop().
    this.hart.fetchPage(ram.base + start);
    const block: Block = {
      run: factory(this.hart, this.helpers, Ram.zero8), count, bpEpoch: -1, bpPc: NaN, bpInside: false, start, end: start + delta, live: true, linkEpoch: this.hart.translationEpoch,
      nextPc0: NaN, next0: undefined, nextPc1: NaN, next1: undefined,
    };
    (this.blocks[page] ??= new Array<Block | undefined>(2048).fill(undefined))[slot] = block;
    (this.pageBlocks[page] ??= []).push(block);
    this.compiled++;
    return block;
  }
}
