// The generated device tree (`ringside run --bios … --dump-dtb`) against QEMU's own virt tree
// (`-M virt,dumpdtb=…`), property by property, read back with dtc's fdtget.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FIRMWARE, QEMU, requireFirmware, requireTool, runCli, tempDir } from '../support/toolchain';
import { QEMU_CPU } from '../differential/harness';

/** [node, property, fdtget type]: what firmware and kernels read to find the hart, memory and devices. */
const SAME: [string, string, string][] = [
  ['/', 'compatible', 's'], ['/', 'model', 's'], ['/', '#address-cells', 'x'], ['/', '#size-cells', 'x'],
  ['/chosen', 'stdout-path', 's'],
  ['/memory@80000000', 'reg', 'x'], ['/memory@80000000', 'device_type', 's'],
  ['/cpus', 'timebase-frequency', 'x'], ['/cpus/cpu@0', 'reg', 'x'], ['/cpus/cpu@0', 'mmu-type', 's'],
  ['/cpus/cpu@0', 'compatible', 's'], ['/cpus/cpu@0/interrupt-controller', 'compatible', 's'],
  ['/soc/serial@10000000', 'reg', 'x'], ['/soc/serial@10000000', 'compatible', 's'], ['/soc/serial@10000000', 'clock-frequency', 'x'],
  ['/soc/test@100000', 'reg', 'x'], ['/soc/test@100000', 'compatible', 's'],
  ['/soc/clint@2000000', 'reg', 'x'], ['/soc/clint@2000000', 'compatible', 's'],
  ['/soc/serial@10000000', 'interrupts', 'x'],
  ['/soc/plic@c000000', 'reg', 'x'], ['/soc/plic@c000000', 'compatible', 's'], ['/soc/plic@c000000', 'riscv,ndev', 'x'],
  ['/soc/plic@c000000', '#interrupt-cells', 'x'],
  ['/poweroff', 'value', 'x'], ['/reboot', 'value', 'x'],
  ...Array.from({ length: 8 }, (_, i) => `/soc/virtio_mmio@${(0x1000_1000 + 0x1000 * i).toString(16)}`)
    .flatMap((n): [string, string, string][] => [[n, 'reg', 'x'], [n, 'interrupts', 'x'], [n, 'compatible', 's']]),
];

function fdtget(dtb: string, node: string, prop: string, type: string): string {
  const r = spawnSync('fdtget', ['-t', type, dtb, node, prop], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : `(missing: ${r.stderr.trim()})`;
}

function subnodes(dtb: string, node: string): string[] {
  const r = spawnSync('fdtget', ['-l', dtb, node], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.split('\n').filter((l) => l !== '');
}

describe('device tree: Ringside and QEMU virt describe the machine alike', function () {
  this.timeout(60_000);

  it('has the same nodes and properties for memory, hart, timebase, UART, test finisher, CLINT, PLIC and virtio-mmio slots', () => {
    requireTool('fdtget');
    requireTool(QEMU);
    const dir = tempDir('ringside-dtb-');
    const ours = path.join(dir, 'ringside.dtb'), theirs = path.join(dir, 'qemu.dtb');
    runCli(['run', '--bios', requireFirmware(FIRMWARE.openSbiDynamic), '--dump-dtb', ours, '--max-instructions', '1']);
    const q = spawnSync(QEMU, ['-M', `virt,dumpdtb=${theirs}`, '-cpu', QEMU_CPU, '-display', 'none'], { encoding: 'utf8' });
    assert.equal(q.status, 0, q.stderr);
    for (const [node, prop, type] of SAME) {
      const value = fdtget(ours, node, prop, type);
      assert.doesNotMatch(value, /^\(missing/, `${node} ${prop}`);
      assert.equal(value, fdtget(theirs, node, prop, type), `${node} ${prop}`);
    }
    // Interrupt parents are phandles, numbered differently in each tree: both must name the PLIC.
    for (const dtb of [ours, theirs]) {
      const plic = fdtget(dtb, '/soc/plic@c000000', 'phandle', 'x');
      const virtio = subnodes(dtb, '/soc').filter((n) => n.startsWith('virtio_mmio@'));
      assert.equal(virtio.length, 8);
      for (const n of virtio) assert.equal(fdtget(dtb, `/soc/${n}`, 'interrupt-parent', 'x'), plic, `${dtb}: ${n} interrupt-parent`);
    }
    // The order guests probe them in (U-Boot numbers its virtio devices by it).
    const order = (dtb: string) => subnodes(dtb, '/soc').filter((n) => n.startsWith('virtio_mmio@'));
    assert.deepEqual(order(ours), order(theirs));
    // Ours names exactly the ISA the hart implements; QEMU's adds Zihintpause and Zb* (not modelled yet).
    assert.equal(fdtget(ours, '/cpus/cpu@0', 'riscv,isa', 's'), 'rv64imafdc_zicsr_zifencei_sstc');
    assert.match(fdtget(theirs, '/cpus/cpu@0', 'riscv,isa', 's'), /^rv64imafdc_zicsr_zifencei_.*sstc$/);
  });

  it('names the kernel command line and the initrd where QEMU puts them', () => {
    requireTool('fdtget');
    const dir = tempDir('ringside-dtb-');
    const kernel = path.join(dir, 'kernel.bin'), initrd = path.join(dir, 'initrd.img');
    fs.writeFileSync(kernel, new Uint8Array(4096));
    fs.writeFileSync(initrd, new Uint8Array(1000).fill(7));
    const ours = path.join(dir, 'ringside.dtb'), theirs = path.join(dir, 'qemu.dtb');
    const bios = requireFirmware(FIRMWARE.openSbiDynamic), append = 'console=ttyS0 earlycon';
    runCli(['run', '--bios', bios, '--kernel', kernel, '--initrd', initrd, '--append', append, '--dump-dtb', ours, '--max-instructions', '1']);
    const q = spawnSync(QEMU, ['-M', `virt,dumpdtb=${theirs}`, '-cpu', QEMU_CPU, '-bios', bios, '-kernel', kernel, '-initrd', initrd,
      '-append', append, '-display', 'none'], { encoding: 'utf8' });
    assert.equal(q.status, 0, q.stderr);
    for (const [prop, type] of [['bootargs', 's'], ['linux,initrd-start', 'x'], ['linux,initrd-end', 'x']]) {
      const value = fdtget(ours, '/chosen', prop, type);
      assert.doesNotMatch(value, /^\(missing/, prop);
      assert.equal(value, fdtget(theirs, '/chosen', prop, type), prop);
    }
  });
});
