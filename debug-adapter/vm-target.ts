// The debug target under the VMM: a machine, Ringside's VMM and the launch configuration's VMs (kernels assembled or
// read, loaded, started), with every VM's symbols and line tables merged so breakpoints and stacks work in all of them.
import { Machine, LoadError } from '../emulator/machine';
import { ElfError, isElf, parseElf, type ElfImage } from '../emulator/loader/elf';
import { Vmm } from '../hypervisor/vmm';
import { OutOfMachineMemory } from '../hypervisor/frames';
import type { Vm } from '../hypervisor/vm';
import type { Vcpu } from '../hypervisor/vcpu';
import { assembleProgram, debugInfo, LaunchError, readFile, type Target } from './target';
import type { ResolvedLaunch, ResolvedVm, ResolvedVmm } from './launch-config';
import type { SourceLines } from './source-lines';

/** Where a guest kernel assembled from .S sources is linked: OpenSBI's next stage on QEMU's virt board. */
export const GUEST_TEXT_BASE = 0x8020_0000n;

export interface VmTarget extends Target {
  vmm: Vmm;
  /** Every vCPU of every VM, in VM order: vCPU i is thread i + 1. */
  vcpus: Vcpu[];
}

/** Builds the machine, the VMM and its VMs, and starts the VMM (each hart is on its first vCPU). */
export function loadVmTarget(launch: ResolvedLaunch, vmm: ResolvedVmm): VmTarget {
  const warnings: string[] = [];
  try {
    const machine = new Machine({ memory: launch.memory, harts: vmm.harts });
    const monitor = new Vmm(machine, { technique: vmm.technique });
    const images: ElfImage[] = [];
    const vms: Vm[] = vmm.vms.map((config) => {
      const kernel = kernelOf(launch, config);
      if (isElf(kernel)) images.push(parseElf(kernel));
      return monitor.createVm({
        name: config.name, kernel, memory: config.memory, vcpus: config.vcpus, append: config.append,
        initrd: config.initrd === undefined ? undefined : readFile(config.initrd, `initrd of ${config.name}`),
      });
    });
    monitor.start();
    machine.symbols = images.flatMap((i) => i.symbols);
    const info = images.map((i) => debugInfo(i, warnings));
    return {
      machine, vmm: monitor, vcpus: vms.flatMap((vm) => vm.vcpus), symbols: machine.symbols,
      lines: mergeLines(info.map((i) => i.lines)), cfi: info.find((i) => i.cfi)?.cfi, warnings, disks: [],
    };
  } catch (e) {
    if (e instanceof LoadError || e instanceof ElfError || e instanceof OutOfMachineMemory) throw new LaunchError(e.message);
    throw e;
  }
}

function kernelOf(launch: ResolvedLaunch, vm: ResolvedVm): Uint8Array {
  if (vm.sources.length > 0) return assembleProgram(launch, vm.sources, GUEST_TEXT_BASE);
  return readFile(vm.kernel!, `kernel of ${vm.name}`);
}

/** Several images' line tables as one: VMs running the same kernel share its lines (the first table that knows wins). */
export function mergeLines(tables: SourceLines[]): SourceLines {
  if (tables.length === 1) return tables[0];
  return {
    files: [...new Set(tables.flatMap((t) => t.files))],
    addressToLine: (pc) => {
      for (const t of tables) {
        const hit = t.addressToLine(pc);
        if (hit) return hit;
      }
      return undefined;
    },
    lineToAddresses: (file, line) => [...new Set(tables.flatMap((t) => t.lineToAddresses(file, line)))],
  };
}
