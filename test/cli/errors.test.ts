// `ringside run` on bad input: every failure is exactly one `ringside: error:` line on stderr and
// a non-zero exit, never a stack trace or an "internal error".
// Some inputs are built with binutils-riscv64-unknown-elf: without it those tests FAIL, loudly.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LINK_SCRIPT, REPO_ROOT, assembleAndLink, runCli, tempDir, type GuestResult } from '../support/toolchain';

const TRAPS_DEMO_ELF = path.join(REPO_ROOT, 'examples', 'traps-demo', 'traps-demo.elf');

/** Exactly one stderr line, `ringside: error: ...` matching `message`; nothing on stdout; exit 2. */
function assertOneError(r: GuestResult, message: RegExp): void {
  const lines = r.stderr.split('\n').filter((l) => l !== '');
  assert.doesNotMatch(r.stderr, /^\s+at |internal error/m, `stack trace or internal error:\n${r.stderr}`);
  assert.equal(lines.length, 1, `expected one stderr line, got:\n${r.stderr}`);
  assert.match(lines[0], /^ringside: error: /);
  assert.match(lines[0], message);
  assert.ok(r.stderr.endsWith('\n'), 'the error line ends with a newline');
  assert.equal(r.stdout, '');
  assert.notEqual(r.exitCode, 0);
  assert.equal(r.exitCode, 2, 'usage and load errors exit with 2');
}

describe('ringside run: bad input gives one clear error line', () => {
  let dir: string;
  before(() => { dir = tempDir(); });
  after(() => { fs.rmSync(dir, { recursive: true, force: true }); });

  const loop = '.globl _start\n_start:\n  j _start\n';
  const exit0 = '.globl _start\n_start:\n  li t0, 0x100000\n  li t1, 0x5555\n  sw t1, 0(t0)\n1: j 1b\n';

  it('a missing file', () => {
    assertOneError(runCli(['run', path.join(dir, 'no-such-program.elf')]), /no-such-program\.elf.*no such file/);
  });

  it('a directory', () => {
    assertOneError(runCli(['run', dir]), /is a directory/);
  });

  it('a file that is not ELF', () => {
    const f = path.join(dir, 'notes.txt');
    fs.writeFileSync(f, 'just some text, not a program\n');
    assertOneError(runCli(['run', f]), /not an ELF file/);
  });

  it('an empty file', () => {
    const f = path.join(dir, 'empty.elf');
    fs.writeFileSync(f, '');
    assertOneError(runCli(['run', f]), /not an ELF file/);
  });

  it('an x86-64 ELF (/bin/true)', () => {
    assert.ok(fs.existsSync('/bin/true'), '/bin/true is missing');
    assertOneError(runCli(['run', '/bin/true']), /x86-64|not a RISC-V/);
  });

  it('a 32-bit RISC-V ELF', () => {
    const elf = assembleAndLink(exit0, path.join(dir, 'rv32.elf'), {
      asFlags: ['-march=rv32i', '-mabi=ilp32'],
      ldFlags: ['-m', 'elf32lriscv', '-Ttext=0x80000000'],
    });
    assertOneError(runCli(['run', elf]), /32-bit/);
  });

  it('a truncated ELF (its first 100 bytes)', () => {
    const f = path.join(dir, 'truncated.elf');
    fs.writeFileSync(f, fs.readFileSync(TRAPS_DEMO_ELF).subarray(0, 100));
    assertOneError(runCli(['run', f]), /truncated|corrupt/);
  });

  it('an ELF cut off inside a segment', () => {
    const f = path.join(dir, 'cut.elf');
    const bytes = fs.readFileSync(TRAPS_DEMO_ELF);
    fs.writeFileSync(f, bytes.subarray(0, 0x1000 + 16));
    assertOneError(runCli(['run', f]), /truncated|corrupt/);
  });

  it('a relocatable object (no loadable segments)', () => {
    const elf = assembleAndLink(exit0, path.join(dir, 'obj.elf'), { ldFlags: ['-r'] });
    assertOneError(runCli(['run', elf]), /no loadable|PT_LOAD/);
  });

  it('an ELF whose segment lies outside RAM (linked at 0x2000_0000)', () => {
    const elf = assembleAndLink(exit0, path.join(dir, 'low.elf'), { ldFlags: ['-Ttext=0x20000000'] });
    assertOneError(runCli(['run', elf]), /outside RAM/);
  });

  it('an unknown option', () => {
    assertOneError(runCli(['run', '--frobnicate', TRAPS_DEMO_ELF]), /unknown option '--frobnicate'/);
  });

  it('an unknown command', () => {
    assertOneError(runCli(['frobnicate', TRAPS_DEMO_ELF]), /unknown command/);
  });

  it('no program file', () => {
    assertOneError(runCli(['run']), /no program file/);
  });

  it('boot options that do not fit together, or lack their value', () => {
    assertOneError(runCli(['run', '--initrd', TRAPS_DEMO_ELF, TRAPS_DEMO_ELF]), /--initrd needs --bios/);
    assertOneError(runCli(['run', '--kernel', TRAPS_DEMO_ELF, TRAPS_DEMO_ELF]), /only one program/);
    assertOneError(runCli(['run', '--bios']), /--bios needs a value/);
    assertOneError(runCli(['run', '--bios', path.join(dir, 'no-such-firmware.bin')]), /cannot read .*no-such-firmware\.bin.*no such file/);
    assertOneError(runCli(['run', '--engine', 'jit', TRAPS_DEMO_ELF]), /--engine takes 'translator' or 'interpreter'/);
  });

  it('a --drive image that is missing, a directory, a device, not whole sectors, or given twice; too many drives', () => {
    const bios = ['--bios', TRAPS_DEMO_ELF];
    assertOneError(runCli(['run', ...bios, '--drive', path.join(dir, 'no-such-disk.img')]), /cannot open disk image .*no-such-disk\.img.*no such file/);
    assertOneError(runCli(['run', ...bios, '--drive-readonly', dir]), /is a directory, not a disk image/);
    assertOneError(runCli(['run', ...bios, '--drive', '/dev/null']), /'\/dev\/null' is not a regular file/);
    const odd = path.join(dir, 'odd.img'), good = path.join(dir, 'good.img');
    fs.writeFileSync(odd, new Uint8Array(1000));
    fs.writeFileSync(good, new Uint8Array(1024));
    assertOneError(runCli(['run', ...bios, '--drive', odd]), /odd\.img' is 1000 bytes, not a whole number of 512-byte sectors; pad it \(truncate -s 1024/);
    assertOneError(runCli(['run', ...bios, '--drive', good, '--drive-readonly', good]), /good\.img' is attached twice/);
    assertOneError(runCli(['run', ...bios, ...Array.from({ length: 9 }, (_, i) => ['--drive', `d${i}.img`]).flat()]), /at most 8 drives .* got 9/);
    assertOneError(runCli(['run', ...bios, '--drive']), /--drive needs a disk image file/);
    assertOneError(runCli(['run', ...bios, '--drive-readonly', '--max-instructions', '10']), /--drive-readonly needs a disk image file, got the option '--max-instructions'/);
  });

  it('--max-instructions without a number', () => {
    assertOneError(runCli(['run', TRAPS_DEMO_ELF, '--max-instructions']), /--max-instructions/);
    assertOneError(runCli(['run', '--max-instructions', 'lots', TRAPS_DEMO_ELF]), /--max-instructions.*'lots'/);
  });

  it('--max-instructions on an infinite loop stops with exit code 124 and says why', () => {
    const elf = assembleAndLink(loop, path.join(dir, 'loop.elf'), { ldFlags: ['-T', LINK_SCRIPT] });
    const r = runCli(['run', '--max-instructions', '100000', elf]);
    assert.equal(r.exitCode, 124);
    assert.equal(r.stdout, '');
    const lines = r.stderr.split('\n').filter((l) => l !== '');
    assert.equal(lines.length, 2, r.stderr);
    assert.match(lines[0], /^ringside: stopped after 100000 instructions \(--max-instructions 100000\); the guest had not exited$/);
    assert.match(lines[1], /^ringside: hart 0: pc 0x80000000 in M-mode, 100000 instructions retired, 0 traps taken$/);
    assert.doesNotMatch(r.stderr, /^\s+at |internal error/m);
  });

  it('--max-instructions larger than the program needs changes nothing', () => {
    const r = runCli(['run', '--max-instructions', '100000000', TRAPS_DEMO_ELF]);
    assert.equal(r.exitCode, 0, r.stderr);
    assert.equal(r.stderr, '');
  });
});

describe('ringside disasm: bad input gives one clear error line', () => {
  let dir: string;
  before(() => { dir = tempDir(); });
  after(() => { fs.rmSync(dir, { recursive: true, force: true }); });

  it('a missing file, a directory, a file that is not ELF, an x86-64 ELF', () => {
    assertOneError(runCli(['disasm', path.join(dir, 'no-such-program.elf')]), /no-such-program\.elf.*no such file/);
    assertOneError(runCli(['disasm', dir]), /is a directory/);
    const f = path.join(dir, 'notes.txt');
    fs.writeFileSync(f, 'just some text, not a program\n');
    assertOneError(runCli(['disasm', f]), /not an ELF file/);
    assertOneError(runCli(['disasm', '/bin/true']), /x86-64|not a RISC-V/);
  });

  it('a truncated ELF (its first 100 bytes)', () => {
    const f = path.join(dir, 'truncated.elf');
    fs.writeFileSync(f, fs.readFileSync(TRAPS_DEMO_ELF).subarray(0, 100));
    assertOneError(runCli(['disasm', f]), /truncated|corrupt/);
  });

  it('no file, two files, an unknown option', () => {
    assertOneError(runCli(['disasm']), /no file given/);
    assertOneError(runCli(['disasm', TRAPS_DEMO_ELF, TRAPS_DEMO_ELF]), /only one file/);
    assertOneError(runCli(['disasm', '--frobnicate', TRAPS_DEMO_ELF]), /unknown option '--frobnicate'/);
  });
});
