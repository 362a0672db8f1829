// C programs built with Debian's gcc run the same on Ringside as on QEMU's virt board, and the
// committed example ELFs are exactly what their sources build to.
// Needs gcc-riscv64-linux-gnu and qemu-system-misc: without them these tests FAIL, loudly.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import {
  CC, QEMU, REPO_ROOT, buildC, buildCCached, requireTool, runQemu, runRingside, tempDir,
} from '../support/toolchain';

const TRAPS_DEMO_ELF = path.join(REPO_ROOT, 'examples', 'traps-demo', 'traps-demo.elf');
const TRAPS_DEMO_SOURCES = ['examples/traps-demo/traps.S', 'examples/traps-demo/main.c'];

describe('C programs (gcc-built) on Ringside vs QEMU virt', () => {
  it('hello-c prints the same and exits with the same code under both', () => {
    requireTool(CC);
    requireTool(QEMU);
    const elf = buildCCached('hello', ['examples/hello-c/hello.c']);
    const qemu = runQemu(elf, { machine: 'virt' });
    const ours = runRingside(elf);
    assert.match(qemu.stdout, /^Hello from C on RISC-V!\n/, `QEMU output:\n${qemu.stdout}${qemu.stderr}`);
    assert.equal(ours.stderr, '', 'Ringside wrote to stderr');
    assert.equal(ours.stdout, qemu.stdout);
    assert.equal(ours.exitCode, qemu.exitCode);
    assert.equal(ours.exitCode, 0);
  });

  it('a failing exit code passes through both the same way', () => {
    requireTool(CC);
    requireTool(QEMU);
    const dir = tempDir();
    const src = path.join(dir, 'fail.c');
    fs.writeFileSync(src, '#include "runtime.h"\nint main(void) { puts("failing with 42"); return 42; }\n');
    const elf = buildC([src], path.join(dir, 'fail.elf'));
    const qemu = runQemu(elf, { machine: 'virt' });
    const ours = runRingside(elf);
    assert.equal(qemu.exitCode, 42);
    assert.equal(ours.exitCode, 42);
    assert.equal(ours.stdout, qemu.stdout);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('M-extension and shift edge cases give the same results (test/cli/programs/arith.c)', () => {
    requireTool(CC);
    requireTool(QEMU);
    const elf = buildCCached('arith', ['test/cli/programs/arith.c']);
    const qemu = runQemu(elf, { machine: 'virt' });
    const ours = runRingside(elf);
    assert.equal(qemu.exitCode, 0, qemu.stdout + qemu.stderr);
    assert.equal(ours.stdout, qemu.stdout, 'lines that differ name the operation whose results differ');
    assert.equal(ours.exitCode, 0);
  });

  it('F and D in compiled code give the same results and flags in every rounding mode (test/cli/programs/float.c)', () => {
    requireTool(CC);
    requireTool(QEMU);
    const elf = buildCCached('float', ['test/cli/programs/float.c'], { flags: ['-march=rv64gc', '-mabi=lp64d', '-fno-math-errno'] });
    const qemu = runQemu(elf, { machine: 'virt' });
    assert.equal(qemu.exitCode, 0, qemu.stdout + qemu.stderr);
    assert.match(qemu.stdout, /^-- rounding mode rmm$/m);
    for (const engine of ['translator', 'interpreter']) {
      const ours = runRingside(elf, ['--engine', engine]);
      assert.equal(ours.stdout, qemu.stdout, `${engine}: lines that differ name the operation whose results differ`);
      assert.equal(ours.exitCode, 0);
    }
  });

  it('traps-demo prints the same under both (breakpoint mtval may be 0 or the pc)', () => {
    requireTool(QEMU);
    const qemu = runQemu(TRAPS_DEMO_ELF, { machine: 'virt' });
    const ours = runRingside(TRAPS_DEMO_ELF);
    assert.equal(qemu.exitCode, 0, qemu.stdout + qemu.stderr);
    assert.equal(ours.exitCode, 0, ours.stdout + ours.stderr);
    // The privileged spec lets a breakpoint write mtval = 0 (QEMU 7.2) or the faulting pc.
    const normalize = (s: string) =>
      s.replace(/(breakpoint \(mcause 3\) at mepc (0x[0-9a-f]+)\n\s+mtval = )(0x[0-9a-f]+)/g,
        (_m, head: string, pc: string, tval: string) => `${head}${BigInt(tval) === 0n || tval === pc ? '<0 or pc>' : tval}`);
    assert.equal(normalize(ours.stdout), normalize(qemu.stdout));
    assert.match(ours.stdout, /ecall from U-mode \(mcause 8\)/);
    assert.match(ours.stdout, /illegal instruction \(mcause 2\).*\n\s+mtval = 0x00000000300022f3/);
    assert.match(ours.stdout, /breakpoint \(mcause 3\)/);
    assert.match(ours.stdout, /M-mode again: handled 6 traps from U-mode\. Goodbye\.\n$/);
  });
});

describe('committed example ELFs match their sources', () => {
  it('examples/build.sh rebuilds every committed example ELF byte for byte', () => {
    requireTool(CC);
    const out = tempDir();
    const r = spawnSync('sh', [path.join(REPO_ROOT, 'examples', 'build.sh'), '-o', out], { cwd: REPO_ROOT, encoding: 'utf8' });
    assert.equal(r.status, 0, `examples/build.sh failed:\n${r.stdout}${r.stderr}`);
    const built = (fs.readdirSync(out, { recursive: true }) as string[]).filter((f) => f.endsWith('.elf')).sort();
    assert.ok(built.includes(path.join('traps-demo', 'traps-demo.elf')), `build.sh built ${built.join(', ')}`);
    for (const f of built) {
      const committed = path.join(REPO_ROOT, 'examples', f);
      assert.ok(fs.existsSync(committed), `${path.relative(REPO_ROOT, committed)} is not committed (run examples/build.sh and commit it)`);
      assert.ok(fs.readFileSync(path.join(out, f)).equals(fs.readFileSync(committed)),
        `${path.relative(REPO_ROOT, committed)} differs from what its sources build to: run examples/build.sh and commit the result`);
    }
    fs.rmSync(out, { recursive: true, force: true });
  });

  it('test/support buildC (the flags tests and benchmarks use) builds the same traps-demo.elf', () => {
    const out = tempDir();
    const elf = buildC(TRAPS_DEMO_SOURCES, path.join(out, 'traps-demo.elf'));
    assert.ok(fs.readFileSync(elf).equals(fs.readFileSync(TRAPS_DEMO_ELF)),
      'test/support/toolchain.ts CFLAGS and examples/build.sh disagree, or traps-demo.elf is stale');
    fs.rmSync(out, { recursive: true, force: true });
  });

  it('traps-demo.elf stays small', () => {
    assert.ok(fs.statSync(TRAPS_DEMO_ELF).size < 64 * 1024);
  });
});
