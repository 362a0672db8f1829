// validateLaunchArguments on real files in a temporary folder: what each attribute resolves to, and for every
// attribute its bad values, each answered by one message that names the attribute and says how to fix it.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { classifyProgram, validateLaunchArguments, type ResolvedLaunch } from '../../debug-adapter/launch-config';
import type { LaunchArguments } from '../../debug-adapter/protocol';
import { REPO_ROOT } from '../support/toolchain';

let dir: string;
const at = (name: string): string => path.join(dir, name);

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringside-launch-'));
  fs.writeFileSync(at('main.S'), '.globl _start\n_start: j _start\n');
  fs.writeFileSync(at('lib.s'), 'nop\n');
  fs.writeFileSync(at('hello.c'), 'int main(void) { return 0; }\n');
  fs.copyFileSync(path.join(REPO_ROOT, 'examples/hello-c/hello.elf'), at('hello.elf'));
  fs.writeFileSync(at('Image'), new Uint8Array([0x6f, 0, 0, 0, 0, 0, 0, 0]));
  fs.writeFileSync(at('fw.bin'), new Uint8Array(16));
  fs.writeFileSync(at('initrd.cpio'), new Uint8Array(16));
  fs.writeFileSync(at('disk.img'), new Uint8Array(1024));
  fs.writeFileSync(at('odd.img'), new Uint8Array(1000));
  fs.mkdirSync(at('include'));
  fs.mkdirSync(at('sub'));
  fs.writeFileSync(at('sub/other.S'), 'nop\n');
});

after(() => fs.rmSync(dir, { recursive: true, force: true }));

function ok(args: LaunchArguments, cwd = dir): ResolvedLaunch {
  const r = validateLaunchArguments(args, cwd);
  assert.ok(r.ok, r.ok ? '' : r.error);
  return r.launch;
}

function error(args: LaunchArguments, cwd = dir): string {
  const r = validateLaunchArguments(args, cwd);
  assert.ok(!r.ok, `expected an error for ${JSON.stringify(args)}`);
  return r.error;
}

/** The error names the attribute first, then the problem, then the fix. */
function rejects(args: LaunchArguments, attribute: keyof LaunchArguments, ...fragments: (string | RegExp)[]): void {
  const message = error(args);
  assert.match(message, new RegExp(`^Ringside launch configuration: "${attribute}" `), message);
  assert.match(message, /; .+\.$/, `no fix after the problem: ${message}`);
  for (const f of fragments) {
    if (typeof f === 'string') assert.ok(message.includes(f), `"${f}" missing from: ${message}`);
    else assert.match(message, f);
  }
}

/** Launch arguments with values a JSON file can hold but the interface does not allow. */
const loose = (o: Record<string, unknown>): LaunchArguments => o as LaunchArguments;

describe('launch configuration: what valid attributes resolve to', () => {
  it('fills every default for one .S program given relative to the folder', () => {
    assert.deepEqual(ok({ program: 'main.S' }), {
      programs: [at('main.S')], programKind: 'assembly', bios: undefined, kernel: undefined, initrd: undefined, append: undefined,
      smp: 1, memory: 128 * 1024 * 1024, drive: undefined, stopOnEntry: true, maxInstructions: undefined, cwd: dir,
      includePaths: [], defines: {}, console: 'debugConsole', noDebug: false,
    });
  });

  it('links several sources in order and keeps every attribute it was given', () => {
    const l = ok({
      program: ['main.S', 'lib.s', 'sub/other.S'], smp: 4, memory: '256M', stopOnEntry: false, maxInstructions: 1_000_000,
      includePaths: ['include', dir], defines: ['DEBUG', 'UART=0x10000000', 'EMPTY=', 'EQ=a=b'], console: 'integratedTerminal', noDebug: true,
      __restart: { any: 'thing' },
    });
    assert.deepEqual(l.programs, [at('main.S'), at('lib.s'), at('sub/other.S')]);
    assert.equal(l.programKind, 'assembly');
    assert.equal(l.smp, 4);
    assert.equal(l.memory, 256 * 1024 * 1024);
    assert.equal(l.stopOnEntry, false);
    assert.equal(l.maxInstructions, 1_000_000);
    assert.deepEqual(l.includePaths, [at('include'), dir]);
    assert.deepEqual(l.defines, { DEBUG: '1', UART: '0x10000000', EMPTY: '', EQ: 'a=b' });
    assert.equal(l.console, 'integratedTerminal');
    assert.equal(l.noDebug, true);
  });

  it('recognises an ELF by its magic, whatever its name', () => {
    fs.copyFileSync(at('hello.elf'), at('hello.bin'));
    assert.equal(ok({ program: 'hello.bin' }).programKind, 'elf');
    assert.equal(classifyProgram(at('hello.elf')), 'elf');
    assert.equal(classifyProgram(at('Image')), 'other');
    assert.equal(classifyProgram(at('nothing')), 'missing');
    assert.equal(classifyProgram(at('sub')), 'directory');
    assert.equal(classifyProgram(at('hello.c')), 'c');
  });

  it('resolves paths against the "cwd" attribute, itself relative to the folder', () => {
    const l = ok({ cwd: 'sub', program: 'other.S' });
    assert.equal(l.cwd, at('sub'));
    assert.deepEqual(l.programs, [at('sub/other.S')]);
  });

  it('takes memory as bytes or as a size with a unit', () => {
    assert.equal(ok({ program: 'main.S', memory: 1 << 20 }).memory, 1 << 20);
    assert.equal(ok({ program: 'main.S', memory: '1G' }).memory, 1 << 30);
    assert.equal(ok({ program: 'main.S', memory: '64MiB' }).memory, 64 << 20);
  });

  it('boots firmware with the program as the kernel, or with "kernel", an initrd, a command line and a disk', () => {
    const withProgram = ok({ bios: 'fw.bin', program: 'Image' });
    assert.equal(withProgram.kernel, at('Image'));
    assert.equal(withProgram.programKind, 'image');
    const l = ok({ bios: 'fw.bin', kernel: 'Image', initrd: 'initrd.cpio', append: 'console=ttyS0', drive: 'disk.img' });
    assert.deepEqual([l.bios, l.kernel, l.initrd, l.append, l.drive, l.programKind], [at('fw.bin'), at('Image'), at('initrd.cpio'), 'console=ttyS0', at('disk.img'), 'none']);
    assert.equal(ok({ bios: 'fw.bin' }).kernel, undefined, 'firmware alone (U-Boot as bios) runs');
  });

  it('resolves "vmm": VMs with their kernels, names, memory and vCPUs, one hart per vCPU, and room for them all', () => {
    const l = ok({ vmm: { vms: [{ program: 'main.S' }, { kernel: 'hello.elf', name: 'b', memory: '32M', vcpus: 2, append: 'quiet' }] } });
    assert.deepEqual(l.vmm, {
      technique: 'trap-and-emulate', harts: 3, vms: [
        { name: 'vm0', sources: [at('main.S')], kernel: undefined, initrd: undefined, append: undefined, memory: 64 << 20, vcpus: 1 },
        { name: 'b', sources: [], kernel: at('hello.elf'), initrd: undefined, append: 'quiet', memory: 32 << 20, vcpus: 2 },
      ],
    });
    assert.equal(l.smp, 3);
    assert.equal(l.memory, 256 << 20, '96 MiB of VMs and 64 MiB for the VMM round up to 256 MiB');
    assert.deepEqual(l.programs, []);
    assert.equal(ok({ vmm: { harts: 1, vms: [{ program: 'main.S' }] }, memory: '512M' }).memory, 512 << 20);
  });

  it('treats bios "none" as no firmware: the program runs alone', () => {
    const l = ok({ bios: 'none', program: 'hello.elf' });
    assert.equal(l.bios, undefined);
    assert.equal(l.kernel, undefined);
  });
});

type BadCase = { args: LaunchArguments; fragments: (string | RegExp)[] };

/**
 * Bad values for every attribute; the Record type makes a new attribute in protocol.ts fail to compile here until
 * its bad values are listed (an attribute VS Code sets, which takes anything, lists none and says why).
 */
const BAD: Record<keyof Required<LaunchArguments>, BadCase[] | 'takes any value'> = {
  program: [
    { args: {}, fragments: ['is missing', '"${file}"'] },
    { args: loose({ program: 5 }), fragments: ['5 (a number)', 'a .S file or an ELF file'] },
    { args: { program: '' }, fragments: ['an empty string'] },
    { args: { program: [] }, fragments: ['empty list'] },
    { args: loose({ program: ['main.S', 3] }), fragments: ['list of assembly source paths'] },
    { args: { program: 'nothing.S' }, fragments: [`${path.sep}nothing.S, which does not exist`] },
    { args: { program: 'sub' }, fragments: ['which is a folder'] },
    { args: { program: 'hello.c' }, fragments: ['a C source', 'riscv64-unknown-elf-gcc -g'] },
    { args: { program: 'Image' }, fragments: ['neither an assembly source', '"bios"'] },
    { args: { program: ['main.S', 'hello.elf'] }, fragments: ['hello.elf, which is not an assembly source', 'only .S/.s/.asm'] },
    { args: { program: '${workspaceFolder:nope}/main.S' }, fragments: ['${workspaceFolder:nope}', 'did not substitute'] },
  ],
  bios: [
    { args: { bios: 'missing.bin' }, fragments: ['does not exist'] },
    { args: { bios: 'sub' }, fragments: ['which is a folder', 'fw_dynamic.bin, or "none"'] },
    { args: loose({ bios: false }), fragments: ['false (a boolean)'] },
  ],
  kernel: [
    { args: { kernel: 'missing' }, fragments: ['does not exist'] },
    { args: { kernel: 'Image', vmm: { vms: [{ program: 'main.S' }] } }, fragments: ['as well as "vmm"', 'vmm.vms'] },
    { args: { bios: 'fw.bin', kernel: 'Image', program: 'main.S' }, fragments: ['as well as "program"'] },
  ],
  initrd: [
    { args: { bios: 'fw.bin', kernel: 'Image', initrd: 'missing.cpio' }, fragments: ['does not exist'] },
    { args: { program: 'hello.elf', initrd: 'initrd.cpio' }, fragments: ['needs firmware', '"bios"'] },
  ],
  append: [
    { args: loose({ bios: 'fw.bin', kernel: 'Image', append: ['console=ttyS0'] }), fragments: ['a list', 'kernel command line'] },
    { args: { program: 'hello.elf', append: 'console=ttyS0' }, fragments: ['needs firmware'] },
  ],
  smp: [
    { args: { program: 'main.S', smp: 0 }, fragments: ['from 1 to 8, got 0'] },
    { args: { program: 'main.S', smp: 9 }, fragments: ['got 9'] },
    { args: { program: 'main.S', smp: 1.5 }, fragments: ['whole number'] },
    { args: loose({ program: 'main.S', smp: '2' }), fragments: ['must be a number', 'write 2 without quotes'] },
  ],
  memory: [
    { args: { program: 'main.S', memory: 'lots' }, fragments: ['"lots" (text)', '"128M"'] },
    { args: { program: 'main.S', memory: '4T' }, fragments: ['"4T"'] },
    { args: { program: 'main.S', memory: '3G' }, fragments: ['cannot have', 'between 4 KiB and 2 GiB, such as "128M"'] },
    { args: { program: 'main.S', memory: 1000 }, fragments: ['multiple of 4 KiB'] },
    { args: loose({ program: 'main.S', memory: true }), fragments: ['true (a boolean)'] },
  ],
  drive: [
    { args: { program: 'main.S', drive: 'missing.img' }, fragments: ['does not exist'] },
    { args: { program: 'main.S', drive: 'sub' }, fragments: ['a folder', 'a raw disk image'] },
    { args: { program: 'main.S', drive: 'odd.img' }, fragments: ['cannot be attached', '1000 bytes, not a whole number of 512-byte sectors', 'truncate -s 1024'] },
  ],
  stopOnEntry: [{ args: loose({ program: 'main.S', stopOnEntry: 'yes' }), fragments: ['true or false', 'without quotes'] }],
  maxInstructions: [
    { args: { program: 'main.S', maxInstructions: 0 }, fragments: ['got 0', 'positive whole number'] },
    { args: { program: 'main.S', maxInstructions: -5 }, fragments: ['got -5'] },
    { args: { program: 'main.S', maxInstructions: 2 ** 60 }, fragments: ['whole number'] },
  ],
  cwd: [
    { args: { program: 'main.S', cwd: 'nowhere' }, fragments: ['which is missing', 'existing folder'] },
    { args: { program: 'main.S', cwd: 'main.S' }, fragments: ['not a folder'] },
    { args: loose({ program: 'main.S', cwd: 1 }), fragments: ['a folder path'] },
  ],
  includePaths: [
    { args: loose({ program: 'main.S', includePaths: 'include' }), fragments: ['list of folder paths', '"include" (text)'] },
    { args: { program: 'main.S', includePaths: ['include', 'absent'] }, fragments: [`${path.sep}absent, which is missing`] },
  ],
  defines: [
    { args: { program: 'main.S', defines: ['1BAD'] }, fragments: ['"1BAD"', 'NAME=VALUE'] },
    { args: { program: 'main.S', defines: ['=1'] }, fragments: ['"=1"'] },
    { args: loose({ program: 'main.S', defines: { A: 1 } }), fragments: ['list of preprocessor definitions'] },
  ],
  console: [
    { args: loose({ program: 'main.S', console: 'terminal' }), fragments: ['must be "debugConsole" or "integratedTerminal", got "terminal" (text)', 'remove it to use the Debug Console'] },
    { args: loose({ program: 'main.S', console: 'externalTerminal' }), fragments: ['"externalTerminal" (text)'] },
    { args: loose({ program: 'main.S', console: true }), fragments: ['got true (a boolean)'] },
    { args: loose({ program: 'main.S', console: 'toString' }), fragments: ['"toString" (text)'] },
  ],
  noDebug: [{ args: loose({ program: 'main.S', noDebug: 1 }), fragments: ['true or false'] }],
  vmm: [
    { args: loose({ vmm: 'main.S' }), fragments: ['must be an object', '"vms": [{ "program": "guest.S" }]'] },
    { args: loose({ vmm: { vms: [] } }), fragments: ['vms must be a non-empty list'] },
    { args: loose({ vmm: {} }), fragments: ['vms is missing'] },
    { args: loose({ vmm: { vms: [{ program: 'main.S' }], cpus: 2 } }), fragments: ['has "cpus"', '"harts"'] },
    { args: loose({ vmm: { technique: 'binary-translation', vms: [{ program: 'main.S' }] } }), fragments: ['technique is "binary-translation"', '"trap-and-emulate"'] },
    { args: loose({ vmm: { vms: [{}] } }), fragments: ['vms[0] has neither "program" nor "kernel"'] },
    { args: { vmm: { vms: [{ program: 'main.S', kernel: 'Image' }] } }, fragments: ['vms[0] has both'] },
    { args: { vmm: { vms: [{ program: 'main.S' }, { program: 'missing.S' }] } }, fragments: ['vms[1].program names', 'missing.S, which does not exist'] },
    { args: { vmm: { vms: [{ program: 'hello.elf' }] } }, fragments: ['not an assembly source', '"kernel"'] },
    { args: { vmm: { vms: [{ kernel: 'sub' }] } }, fragments: ['vms[0].kernel names', 'not a regular file'] },
    { args: { vmm: { vms: [{ program: 'main.S', memory: '3M' }] } }, fragments: ['vms[0].memory must be a multiple of 2 MiB', '"64M"'] },
    { args: { vmm: { vms: [{ program: 'main.S', vcpus: 9 }] } }, fragments: ['vms[0].vcpus must be a whole number from 1 to 8, got 9'] },
    { args: { vmm: { vms: [{ program: 'main.S' }, { program: 'main.S', name: 'vm0' }] } }, fragments: ['vms[1].name "vm0" is the name of another VM'] },
    { args: { vmm: { vms: [{ program: 'main.S', name: 'a b' }] } }, fragments: ['vms[0].name must be a word'] },
    { args: loose({ vmm: { vms: [{ program: 'main.S', disk: 'x' }] } }), fragments: ['vms[0] has "disk"'] },
    { args: { vmm: { harts: 0, vms: [{ program: 'main.S' }] } }, fragments: ['harts must be a whole number from 1 to 8, got 0'] },
    { args: { vmm: { vms: [{ program: 'main.S', memory: '1G' }, { program: 'main.S', memory: '1G' }] } }, fragments: ['need 2112 MiB of machine memory', 'give the VMs less memory'] },
  ],
  __restart: 'takes any value',
};

describe('launch configuration: one clear message for each bad attribute', () => {
  for (const [attribute, cases] of Object.entries(BAD) as [keyof LaunchArguments, BadCase[] | string][]) {
    if (typeof cases === 'string') continue;
    for (const c of cases) {
      it(`${attribute}: ${JSON.stringify(c.args)}`, () => rejects(c.args, attribute, ...c.fragments));
    }
  }

  it('names the folder relative paths were resolved against', () => {
    assert.ok(error({ program: 'nothing.S' }).includes(`resolved against "cwd"`));
    assert.ok(error({ bios: 'missing.bin' }).includes(`resolved against ${dir}`));
  });

  it('reports the first problem only, in attribute order: cwd before program', () => {
    rejects({ cwd: 'nowhere', program: 'nothing.S' }, 'cwd');
  });
});
