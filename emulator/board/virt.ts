// The device tree of Ringside's board, laid out like QEMU's `virt` machine: what firmware and kernels
// read to find the harts, memory and devices. It describes only what the machine really has.
import { node, u64, writeFdt, type FdtNode } from './fdt';

export interface BoardDescription {
  ramBase: number;
  ramSize: number;
  harts: number;
  /** ISA string for riscv,isa (e.g. rv64imac_zicsr_zifencei). */
  isa: string;
  timebaseHz: number;
  uart: number;
  uartIrq: number;
  /** The CLINT (M-mode timer and software interrupts); a VM's board has none: its kernel uses SBI. */
  clint?: number;
  plic: number;
  plicSources: number;
  /** The SiFive test finisher, named by the poweroff and reboot nodes; absent, the kernel powers off through SBI. */
  finisher?: number;
  /** virtio-mmio slots: count of them, stride apart from base, on PLIC sources irq.. (all listed, even when empty). */
  virtio?: { base: number; stride: number; count: number; irq: number };
  bootargs?: string;
  initrd?: { start: number; end: number };
}

const PHANDLE_TEST = 1, PHANDLE_PLIC = 2;
const cpuPhandle = (h: number) => 0x10 + 2 * h;
const intcPhandle = (h: number) => 0x11 + 2 * h;

function cpu(h: number, isa: string): FdtNode {
  return node(`cpu@${h}`, [
    ['phandle', [cpuPhandle(h)]], ['device_type', 'cpu'], ['reg', [h]], ['status', 'okay'], ['compatible', 'riscv'],
    ['riscv,isa', isa], ['mmu-type', 'riscv,sv48'],
  ], [node('interrupt-controller', [
    ['#interrupt-cells', [1]], ['interrupt-controller', null], ['compatible', 'riscv,cpu-intc'], ['phandle', [intcPhandle(h)]],
  ])]);
}

export function boardTree(b: BoardDescription): FdtNode {
  const harts = Array.from({ length: b.harts }, (_, h) => h);
  const chosen: [string, string | number[]][] = [['stdout-path', `/soc/serial@${b.uart.toString(16)}`]];
  if (b.bootargs) chosen.push(['bootargs', b.bootargs]);
  // One cell while it fits, as QEMU writes them (Linux reads either width).
  const cells = (v: number) => (v < 4294967296 ? [v] : u64(v));
  if (b.initrd) chosen.push(['linux,initrd-start', cells(b.initrd.start)], ['linux,initrd-end', cells(b.initrd.end)]);
  return node('', [
    ['#address-cells', [2]], ['#size-cells', [2]], ['compatible', 'riscv-virtio'], ['model', 'riscv-virtio,qemu'],
  ], [
    node('chosen', chosen),
    ...(b.finisher === undefined ? [] : [
      node('poweroff', [['value', [0x5555]], ['offset', [0]], ['regmap', [PHANDLE_TEST]], ['compatible', 'syscon-poweroff']]),
      node('reboot', [['value', [0x7777]], ['offset', [0]], ['regmap', [PHANDLE_TEST]], ['compatible', 'syscon-reboot']]),
    ]),
    node(`memory@${b.ramBase.toString(16)}`, [['device_type', 'memory'], ['reg', [...u64(b.ramBase), ...u64(b.ramSize)]]]),
    node('cpus', [['#address-cells', [1]], ['#size-cells', [0]], ['timebase-frequency', [b.timebaseHz]]], [
      ...harts.map((h) => cpu(h, b.isa)),
      node('cpu-map', [], [node('cluster0', [], harts.map((h) => node(`core${h}`, [['cpu', [cpuPhandle(h)]]])))]),
    ]),
    node('soc', [['#address-cells', [2]], ['#size-cells', [2]], ['compatible', 'simple-bus'], ['ranges', null]], [
      node(`serial@${b.uart.toString(16)}`, [
        ['interrupts', [b.uartIrq]], ['interrupt-parent', [PHANDLE_PLIC]],
        ['clock-frequency', [0x384000]], ['reg', [...u64(b.uart), ...u64(0x100)]], ['compatible', 'ns16550a'],
      ]),
      node(`plic@${b.plic.toString(16)}`, [
        ['phandle', [PHANDLE_PLIC]], ['riscv,ndev', [b.plicSources]], ['reg', [...u64(b.plic), ...u64(0x600000)]],
        ['interrupts-extended', harts.flatMap((h) => [intcPhandle(h), 11, intcPhandle(h), 9])], ['interrupt-controller', null],
        ['compatible', ['sifive,plic-1.0.0', 'riscv,plic0']], ['#address-cells', [0]], ['#interrupt-cells', [1]],
      ]),
      ...(b.finisher === undefined ? [] : [node(`test@${b.finisher.toString(16)}`, [
        ['phandle', [PHANDLE_TEST]], ['reg', [...u64(b.finisher), ...u64(0x1000)]], ['compatible', ['sifive,test1', 'sifive,test0', 'syscon']],
      ])]),
      ...(b.virtio === undefined ? [] : virtioNodes(b.virtio)),
      ...(b.clint === undefined ? [] : [node(`clint@${b.clint.toString(16)}`, [
        ['interrupts-extended', harts.flatMap((h) => [intcPhandle(h), 3, intcPhandle(h), 7])],
        ['reg', [...u64(b.clint), ...u64(0x10000)]], ['compatible', ['sifive,clint0', 'riscv,clint0']],
      ])]),
    ]),
  ]);
}

/** Highest address first, as in QEMU's tree (and so in the order a guest scanning the tree probes them). */
function virtioNodes(v: NonNullable<BoardDescription['virtio']>): FdtNode[] {
  return Array.from({ length: v.count }, (_, k) => {
    const i = v.count - 1 - k, base = v.base + i * v.stride;
    return node(`virtio_mmio@${base.toString(16)}`, [
      ['interrupts', [v.irq + i]], ['interrupt-parent', [PHANDLE_PLIC]],
      ['reg', [...u64(base), ...u64(v.stride)]], ['compatible', 'virtio,mmio'],
    ]);
  });
}

export function boardDtb(b: BoardDescription): Uint8Array {
  return writeFdt(boardTree(b));
}
