// The instruction table's self-consistency: every row decodes its own encodings, no two rows claim one,
// and every row's semantics compiles in both engines' code generation.
import assert from 'node:assert/strict';
import { opcodes, decodeOpcode, opcodeByName, OP_ILLEGAL } from '../../emulator/isa/decode';
import { instructions, compressed } from '../../emulator/isa/instructions';
import { interpreterSource } from '../../emulator/interpreter';
import { disassemble } from '../../emulator/isa/disasm';
import { prng } from '../differential/fuzz-program';

describe('instruction table', () => {
  it('covers RV64I, M, A, F, D, C, Zicsr, Zifencei, the privileged instructions and H’s', () => {
    const count = (ext: string) => instructions.filter((r) => r.ext === ext).length;
    assert.equal(count('I'), 53);        // RV64I incl. fence.tso, ecall, ebreak
    assert.equal(count('M'), 13);
    assert.equal(count('A'), 22);
    assert.equal(count('Zicsr'), 6);
    assert.equal(count('Zifencei'), 1);
    assert.equal(count('Priv'), 4);       // mret, sret, sfence.vma, wfi
    assert.equal(count('F'), 30);         // RV32F's 26 and RV64F's four l/lu conversions
    assert.equal(count('D'), 32);
    assert.equal(count('H'), 15);        // hlv, hlvx, hsv and the two hfences (illegal here: misa.H = 0)         // RV32D's 26 (incl. fcvt.s.d, fcvt.d.s) and RV64D's six
    assert.equal(compressed.length, 37); // RV64C incl. c.nop, c.ebreak and the four c.fld/c.fsd forms
    assert.ok(opcodeByName.has('mret') && opcodeByName.has('wfi'));
  });

  it('every row decodes its own match value and random fillings of its free bits', () => {
    const rnd = prng(42);
    for (const op of opcodes.slice(2)) {
      const e = op.encoding;
      for (let i = 0; i < 200; i++) {
        let raw = (e.match & e.mask) | (Math.floor(rnd() * 4294967296) & ~e.mask);
        if (op.length === 2) raw &= 0xffff;
        if (e.valid && !e.valid(raw)) continue;
        const got = decodeOpcode(raw);
        // A more specific row nested inside this one (fence.tso in fence, c.nop in c.addi) may claim it.
        const g = got.encoding, nested = got.id < op.id && (g.mask & e.mask) === e.mask && ((g.match ^ e.match) & e.mask) === 0;
        if (!nested) assert.equal(got.name, op.name, `0x${(raw >>> 0).toString(16)} decodes as ${got.name}, not ${op.name}`);
      }
    }
  });

  it('no two rows overlap (the more specific row always wins where encodings nest)', () => {
    const rows = opcodes.slice(2);
    for (const a of rows) for (const b of rows) {
      if (a === b || a.length !== b.length) continue;
      const common = a.encoding.mask & b.encoding.mask;
      if (((a.encoding.match ^ b.encoding.match) & common) !== 0) continue;
      // They overlap: one must be strictly more specific and listed first.
      const aSpecific = (a.encoding.mask & ~b.encoding.mask) !== 0 && (b.encoding.mask & ~a.encoding.mask) === 0;
      const bSpecific = (b.encoding.mask & ~a.encoding.mask) !== 0 && (a.encoding.mask & ~b.encoding.mask) === 0;
      const constrained = a.encoding.valid !== undefined || b.encoding.valid !== undefined;
      assert.ok(aSpecific || bSpecific || constrained, `${a.name} and ${b.name} claim the same encodings`);
      if (aSpecific) assert.ok(a.id < b.id, `${a.name} is more specific than ${b.name} but comes after it`);
    }
  });

  it('reserved and unknown encodings are illegal', () => {
    for (const raw of [0x0000, 0x00000000, 0xffffffff | 0, 0x8000 /* quadrant 0, funct3 100: reserved */, 0x6081 /* c.lui x1,0 */, 0x4002 /* c.lwsp x0 */, 0x8002 /* c.jr x0 */, 0x9c41]) {
      assert.equal(decodeOpcode(raw).id, OP_ILLEGAL, `0x${(raw >>> 0).toString(16)}`);
    }
  });

  it('the generated interpreter compiles, and stays small enough for V8 to optimize', () => {
    const src = interpreterSource();
    assert.doesNotThrow(() => new Function('m', 'A', 'Z8in', 'side', src));
    // V8 never optimizes a function over 60 KB of bytecode (--max-optimized-bytecode-size). With F/D inline the
    // loop was 72,000 characters and ran CRC at 2.6 MIPS instead of 43; out of line it is about 48,000.
    assert.ok(src.length < 56_000, `the interpreter loop is ${src.length} characters: move rare rows out of line (interpreter.ts outOfLine)`);
  });

  it('disassembles in objdump’s syntax', () => {
    const pc = 0x80000000n;
    assert.equal(disassemble(0x00a58533, pc), 'add\ta0,a1,a0');
    assert.equal(disassemble(0xfff00513 | 0, pc), 'li\ta0,-1');
    assert.equal(disassemble(0x00008067, pc), 'ret');
    assert.equal(disassemble(0x0080006f, pc), 'j\t0x80000008'); // objdump's form for a file without symbols
    assert.equal(disassemble(0x0080006f, pc, { symbolize: () => 'main+0x8' }), 'j\t80000008 <main+0x8>');
    assert.equal(disassemble(0x00100073, pc, { aliases: false }), 'ebreak');
    assert.equal(disassemble(0x0000, pc), 'unimp');
    assert.equal(disassemble(0x0000, pc, { aliases: false }), 'c.unimp');
    assert.equal(disassemble(0x6c05c573, pc), 'hlv.d\ta0,(a1)');
    assert.equal(disassemble(0x62000073, pc), 'hfence.gvma');
    assert.equal(disassemble(0x30529073, pc), 'csrw\tmtvec,t0');
    assert.equal(disassemble(0x8082, pc), 'ret');
    assert.equal(disassemble(0x8082, pc, { aliases: false }), 'c.jr\tra');
    assert.equal(disassemble(0x1141, pc, { aliases: false }), 'c.addi\tsp,-16');
    assert.equal(disassemble(0x0c05a52f, pc), 'amoswap.w.aq\ta0,zero,(a1)');
    assert.equal(disassemble(0x00100073, pc), 'ebreak');
    assert.equal(disassemble(0x30200073, pc), 'mret');
  });
});
