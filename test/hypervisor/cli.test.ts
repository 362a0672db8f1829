// `ringside run --vmm trap-and-emulate`: VMs from the command line, their consoles, --stats, and the errors for
// options that do not go together.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from '../support/toolchain';
import { kernel } from './harness';

describe('ringside run --vmm', () => {
  let elf: string;
  before(() => {
    elf = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ringside-vmm-')), 'smoke.elf');
    fs.writeFileSync(elf, kernel('smoke.S'));
  });

  it('runs one VM: its console on stdout as the guest wrote it, exit 0 at its SBI shutdown', () => {
    const r = runCli(['run', '--vmm', 'trap-and-emulate', elf]);
    assert.equal(r.stdout, 'HiDBCN!\nU\nM=\n');
    assert.equal(r.stderr, '');
    assert.equal(r.exitCode, 0);
  });

  it('runs two VMs side by side, each console line prefixed with its VM, and --stats per VM', () => {
    const r = runCli(['run', '--vmm', 'trap-and-emulate', '--vms', '2', '--vm-memory', '16M', '--stats', elf]);
    const lines = r.stdout.split('\n').filter((l) => l);
    assert.deepEqual(lines.filter((l) => l.startsWith('[vm0] ')), ['[vm0] HiDBCN!', '[vm0] U', '[vm0] M=']);
    assert.deepEqual(lines.filter((l) => l.startsWith('[vm1] ')), ['[vm1] HiDBCN!', '[vm1] U', '[vm1] M=']);
    assert.equal(lines.length, 6);
    assert.equal(r.exitCode, 0);
    for (const vm of ['vm0', 'vm1']) {
      assert.match(r.stderr, new RegExp(`^${vm}: halted \\(shutdown \\(no reason\\)\\); \\d+ guest instructions ran on the hardware, \\d+ trapped to the VMM`, 'm'));
    }
    assert.match(r.stderr, /exits by cause: .*illegal instruction \d+.*ecall from U-mode \d+/);
    assert.match(r.stderr, /shadow page tables: \d+ faults, \d+ fills, \d+ flushes, \d+ trees built, \d+ pages in use/);
  });

  const errors: [string[], RegExp][] = [
    [['--vmm', 'paravirt'], /--vmm takes 'trap-and-emulate', got 'paravirt'/],
    [['--vms', '2'], /--vms only apply with --vmm/],
    [['--vmm', 'trap-and-emulate', '--bios', '/dev/null'], /provides SBI itself: drop --bios/],
    [['--vmm', 'trap-and-emulate', '--vms', '9'], /--vms 9: run 1 to 8 VMs/],
    [['--vmm', 'trap-and-emulate', '--vm-memory', '3M'], /--vm-memory 3145728: use a multiple of 2 MiB, at least 4M/],
    [['--vmm', 'trap-and-emulate', '--vms', '8', '--vm-memory', '512M'], /do not fit in the machine's 2 GiB/],
  ];
  for (const [args, message] of errors) {
    it(`refuses ${args.join(' ')} with one line naming the fix`, () => {
      const r = runCli(['run', ...args, elf]);
      assert.equal(r.exitCode, 2);
      assert.match(r.stderr, message);
      assert.equal(r.stderr.split('\n').filter((l) => l).length, 1, r.stderr);
    });
  }
});
