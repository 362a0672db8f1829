// Builds the hypervisor tests' guest kernels (test/hypervisor/programs, linked at 0x80200000 as OpenSBI's next stage)
// and runs VMs under the VMM on a fresh machine, collecting each VM's console.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { assemble } from '../../assembler/assemble';
import { Machine, type Engine } from '../../emulator/machine';
import { Vmm } from '../../hypervisor/vmm';
import type { VmConfig } from '../../hypervisor/vm';

/** A kernel from programs/, assembled by Ringside's assembler. */
export function kernel(name: string): Uint8Array {
  const r = assemble({ files: [join(__dirname, 'programs', name)], textBase: 0x8020_0000n });
  assert.ok(r.elf, r.diagnostics.map((d) => d.message).join('\n'));
  return r.elf;
}

/** Runs the VMs to the end (or max instructions); console(i) is VM i's output. */
export function runVms(configs: VmConfig[], options: { engine?: Engine; harts?: number; memory?: number; max?: number } = {}) {
  const machine = new Machine({ memory: options.memory ?? 256 * 1024 * 1024, harts: options.harts ?? 1, engine: options.engine });
  const vmm = new Vmm(machine);
  const consoles = configs.map((c) => {
    const vm = vmm.createVm(c), out: number[] = [];
    vm.events.on('output', (b) => out.push(b));
    return out;
  });
  vmm.start();
  const stop = machine.run(options.max ?? 10_000_000);
  return { machine, vmm, stop, console: (i: number) => Buffer.from(consoles[i]).toString('latin1') };
}

