// Call stacks from the unwinder against GDB's backtraces on the same gcc-built program (at -O0 and -O2, with CFI in
// .debug_frame or .eh_frame, and with frame pointers alone), and call-frame rows against readelf's. Needs gcc, QEMU,
// gdb-multiarch and binutils: without them these tests FAIL, loudly.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { parseElf, type ElfImage } from '../../emulator/loader/elf';
import { parseCallFrameInfo, type CallFrameInfo } from '../../emulator/loader/dwarf-frame';
import { DwarfError } from '../../emulator/loader/dwarf-cursor';
import { Machine, RAM_BASE } from '../../emulator/machine';
import { ABI_NAMES } from '../../emulator/isa/disasm';
import { unwind, type UnwoundFrame } from '../../debug-adapter/unwind';
import { LINK_SCRIPT, RUNTIME_DIR, RUNTIME_SOURCES, buildC, requireTool, tempDir } from '../support/toolchain';
import { gdbBacktraces, type GdbFrame } from '../support/gdb';

const SOURCES = ['test/adapter-support/programs/unwind/main.c', 'test/adapter-support/programs/unwind/lib/chain.c'];
const BREAKPOINTS = ['*leaf', 'leaf', '*recurse', 'recurse', '*level2'];
/** More stops than GDB makes at BREAKPOINTS over the whole run (at -O2 a function's entry may be its first line). */
const MAX_STOPS = 16;
const OBJCOPY = 'riscv64-linux-gnu-objcopy';
const READELF = 'riscv64-linux-gnu-readelf';

interface Variant {
  name: string;
  flags: string[];
  /** Keep .eh_frame (the examples' link script discards it). */
  ehFrame?: boolean;
  /** Remove .debug_frame after linking, so both GDB and we must do without CFI. */
  stripCfi?: boolean;
  /** The sections that must carry CFI in the result (so the variant tests what it says). */
  cfiSections: string[];
}

const VARIANTS: Variant[] = [
  { name: '-O0, CFI in .debug_frame', flags: ['-g', '-O0'], cfiSections: ['.debug_frame'] },
  { name: '-O2, CFI in .debug_frame', flags: ['-g', '-O2'], cfiSections: ['.debug_frame'] },
  { name: '-O2 -fno-omit-frame-pointer, CFI in .debug_frame', flags: ['-g', '-O2', '-fno-omit-frame-pointer'], cfiSections: ['.debug_frame'] },
  { name: '-O2, CFI in .eh_frame', flags: ['-g', '-O2', '-fasynchronous-unwind-tables'], ehFrame: true, cfiSections: ['.eh_frame'] },
  { name: '-O0 without CFI (frame pointers)', flags: ['-g', '-O0'], stripCfi: true, cfiSections: [] },
  { name: '-O2 -fno-omit-frame-pointer without CFI', flags: ['-g', '-O2', '-fno-omit-frame-pointer'], stripCfi: true, cfiSections: [] },
];

const dir = tempDir('ringside-unwind-');
after(() => fs.rmSync(dir, { recursive: true, force: true }));

function build(v: Variant, index: number): string {
  const elf = path.join(dir, `unwind-${index}.elf`);
  let linkScript = LINK_SCRIPT;
  if (v.ehFrame) {
    linkScript = path.join(dir, 'link-eh.ld');
    fs.writeFileSync(linkScript, fs.readFileSync(LINK_SCRIPT, 'utf8').replace(' .eh_frame .eh_frame_hdr', ''));
  }
  buildC(SOURCES, elf, { runtime: false, flags: [`-I${RUNTIME_DIR}`, '-T', linkScript, ...RUNTIME_SOURCES, ...v.flags] });
  if (v.stripCfi) {
    requireTool(OBJCOPY);
    const r = spawnSync(OBJCOPY, ['--remove-section=.debug_frame', '--remove-section=.eh_frame', elf], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  }
  return elf;
}

/** A side-effect-free 8-byte reader over the machine's RAM (these programs run bare, in M-mode: va = pa). */
function ramReader(m: Machine): (va: bigint) => bigint | undefined {
  return (va) => {
    if (va < BigInt(RAM_BASE) || va > BigInt(RAM_BASE + m.ram.size - 8)) return undefined;
    const b = m.ram.readBytes(Number(va) - RAM_BASE, 8);
    return new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0, true);
  };
}

/** Runs the program on our machine, stopping at each pc GDB stopped at, in order, and unwinds there. */
function ourStacks(bytes: Uint8Array, image: ElfImage, cfi: CallFrameInfo | undefined, stops: readonly bigint[]): UnwoundFrame[][] {
  const m = new Machine();
  m.load(bytes);
  const read = ramReader(m);
  const out: UnwoundFrame[][] = [];
  for (const pc of stops) {
    // A stop GDB repeats at the same pc (recursion) is the next arrival there, not this instruction again.
    if (out.length > 0) assert.equal(m.step(), undefined, 'the program ended before reaching the next stop');
    for (let n = 0; m.hart.pcBig !== pc; n++) {
      assert.ok(n < 1_000_000, `never reached 0x${pc.toString(16)}`);
      assert.equal(m.step(), undefined, `the program ended before reaching 0x${pc.toString(16)}`);
    }
    const regs = Array.from({ length: 32 }, (_, i) => m.hart.reg(i));
    out.push(unwind({ pc, regs }, read, { cfi, symbols: image.symbols }));
  }
  return out;
}

const show = (frames: readonly { pc: bigint; function?: string }[]) => frames.map((f) => `${f.function ?? '?'}@0x${f.pc.toString(16)}`).join(' <- ');

describe('call-stack unwinding against GDB (gcc-built program on QEMU)', () => {
  VARIANTS.forEach((v, index) => {
    it(`gives GDB's frames at every stop: ${v.name}`, () => {
      const elf = build(v, index);
      const bytes = new Uint8Array(fs.readFileSync(elf));
      const image = parseElf(bytes);
      const names = image.sections.map((s) => s.name);
      for (const s of ['.debug_frame', '.eh_frame']) assert.equal(names.includes(s), v.cfiSections.includes(s), `${s} in ${names.join(' ')}`);
      const cfi = parseCallFrameInfo(image);
      assert.equal(cfi.size > 0, v.cfiSections.length > 0);

      const gdb: GdbFrame[][] = gdbBacktraces(elf, BREAKPOINTS, MAX_STOPS);
      assert.ok(gdb.length >= 6 && gdb.length < MAX_STOPS, `GDB stopped ${gdb.length} times`);
      const ours = ourStacks(bytes, image, v.cfiSections.length ? cfi : undefined, gdb.map((frames) => frames[0].pc));
      gdb.forEach((expected, i) => {
        const got = ours[i].slice(0, expected.length);
        assert.equal(show(got), show(expected), `stop ${i}: ours vs GDB`);
        const callers = got.slice(1).map((f) => f.method);
        if (v.cfiSections.length) assert.ok(callers.every((m) => m === 'cfi'), `stop ${i}: callers found by ${callers}`);
        else assert.ok(callers.every((m) => m === 'frame-pointer' || m === 'ra'), `stop ${i}: callers found by ${callers}`);
        for (const f of got.slice(1)) {
          const known = ABI_NAMES.filter((_, n) => f.known[n]);
          assert.equal(f.regs[1], f.pc, `stop ${i}: a caller's ra is its return address`);
          // CFI says what each callee saved, so s0–s11 carry over; a frame-pointer step knows only its chain.
          const expected = f.method === 'frame-pointer' ? ['zero', 'ra', 'sp', 'gp', 'tp', 's0'] : ABI_NAMES.filter((n) => !/^[at]\d$/.test(n));
          assert.deepEqual(known, expected, `stop ${i}: registers known in ${f.function} (${f.method})`);
        }
      });
      // Recursion is not a loop: four recurse frames, each with its own CFA.
      const deepest = ours[gdb.findIndex((f) => f[0].function === 'leaf')];
      assert.equal(deepest.filter((f) => f.function === 'recurse').length, 4, show(deepest));
    });
  });
});

describe('call-frame rows against readelf --debug-dump=frames-interp', () => {
  const cases: [string, Variant][] = [['.debug_frame', VARIANTS[1]], ['.eh_frame', VARIANTS[3]], ['-O0 .debug_frame', VARIANTS[0]]];
  cases.forEach(([what, v], index) => {
    it(`reads every row of ${what} as readelf does`, () => {
      requireTool(READELF);
      const elf = build(v, 100 + index);
      const cfi = parseCallFrameInfo(parseElf(new Uint8Array(fs.readFileSync(elf))));
      const r = spawnSync(READELF, ['--debug-dump=frames-interp', elf], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      const rows = readelfRows(r.stdout);
      assert.ok(rows.length > 20, `readelf listed ${rows.length} rows`);
      for (const row of rows) assert.deepEqual(describeRow(cfi, row.pc, row.columns), row.text, `row at 0x${row.pc.toString(16)}`);
    });
  });
});

interface ReadelfRow {
  pc: bigint;
  columns: string[];
  text: string[];
}

/** The LOC rows of readelf's interpreted frames: each FDE's column header, then a row per location. */
function readelfRows(text: string): ReadelfRow[] {
  const rows: ReadelfRow[] = [];
  let columns: string[] = [];
  for (const line of text.split('\n')) {
    const fields = line.trim().split(/\s+/);
    if (fields[0] === 'LOC') columns = fields.slice(1);
    else if (/^[0-9a-f]{16}$/.test(fields[0]) && fields[0] !== '0000000000000000') {
      rows.push({ pc: BigInt(`0x${fields[0]}`), columns, text: fields.slice(1) });
    }
  }
  return rows;
}

/** Our row at pc in readelf's notation: `sp+16`, then per column `c-8` (saved at CFA-8), `u` (no rule), ... */
function describeRow(cfi: CallFrameInfo, pc: bigint, columns: string[]): string[] {
  const row = cfi.rowAt(pc);
  if (!row) return ['no row'];
  const out: string[] = [];
  for (const column of columns) {
    if (column === 'CFA') {
      out.push(row.cfa.kind === 'register' ? `${ABI_NAMES[row.cfa.register]}+${row.cfa.offset}` : 'exp');
      continue;
    }
    const rule = row.registers.get(column === 'ra' ? 1 : ABI_NAMES.indexOf(column));
    if (!rule || rule.kind === 'undefined') out.push('u');
    else if (rule.kind === 'offset') out.push(`c${rule.offset >= 0n ? '+' : ''}${rule.offset}`);
    else if (rule.kind === 'same-value') out.push('s');
    else if (rule.kind === 'val-offset') out.push(`v${rule.offset >= 0n ? '+' : ''}${rule.offset}`);
    else if (rule.kind === 'register') out.push(ABI_NAMES[rule.register]);
    else out.push('exp');
  }
  return out;
}

describe('corrupt call-frame information', () => {
  it('is a CfiError naming the section and offset, never a crash or a hang', () => {
    const elf = build(VARIANTS[1], 200);
    const image = parseElf(new Uint8Array(fs.readFileSync(elf)));
    const frame = image.sections.find((s) => s.name === '.debug_frame');
    assert.ok(frame);
    const withFrame = (data: Uint8Array): ElfImage => ({ ...image, sections: image.sections.map((s) => (s === frame ? { ...s, data } : s)) });
    // Truncated in the middle of an entry.
    assert.throws(() => parseCallFrameInfo(withFrame(frame.data.subarray(0, frame.data.length - 5))), (e: unknown) =>
      e instanceof DwarfError && /\.debug_frame/.test(e.message));
    // An FDE whose CIE pointer points nowhere.
    const badPointer = frame.data.slice();
    const dv = new DataView(badPointer.buffer);
    const firstFde = 4 + dv.getUint32(0, true);
    dv.setUint32(firstFde + 4, 0x7fff_0000, true);
    assert.throws(() => parseCallFrameInfo(withFrame(badPointer)), /\.debug_frame: the FDE at offset \d+ points to a CIE at offset \d+, outside the section/);
    // An unknown call-frame instruction in the first CIE's initial instructions.
    const badOp = frame.data.slice();
    badOp[4 + 4 + 1 + 1 + 3] = 0x3f; // version 3, "" augmentation, cf=1, df=-4 (one byte each), ra=1: then the instructions
    assert.throws(() => parseCallFrameInfo(withFrame(badOp)), /unknown call-frame instruction 0x3f/);
    // A huge length.
    const badLength = frame.data.slice();
    new DataView(badLength.buffer).setUint32(0, 0x7fff_fff0, true);
    assert.throws(() => parseCallFrameInfo(withFrame(badLength)), /claims \d+ bytes/);
    // Random damage anywhere: a DwarfError or a table, nothing else.
    for (let seed = 1; seed <= 300; seed++) {
      const damaged = frame.data.slice();
      for (let k = 0; k < 3; k++) damaged[(seed * 7919 * (k + 1)) % damaged.length] ^= 1 << ((seed + k) % 8);
      try {
        parseCallFrameInfo(withFrame(damaged)).rowAt(0x8000_0100n);
      } catch (e) {
        assert.ok(e instanceof DwarfError && /debug_frame/.test(e.message), `seed ${seed}: ${String(e)}`);
      }
    }
  });
});
