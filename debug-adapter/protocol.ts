// The debugger's shared vocabulary: the launch configuration, custom requests and events, and their ids.
// Typed once here; the adapter implements them and extension/ (panels, status bar) consumes them.

/** The debug type in launch.json and package.json's `debuggers` contribution. */
export const DEBUG_TYPE = 'ringside';

/** Launch attributes (`request: "launch"`). Every one is documented in package.json's configurationAttributes. */
export interface LaunchArguments {
  /** A `.S` file (assembled in-process), several `.S` files linked together, or an ELF (with DWARF line info when it has it). */
  program?: string | string[];
  /** Firmware as QEMU's virt board loads it (e.g. OpenSBI's fw_dynamic.bin), or "none". */
  bios?: string;
  /** A kernel image; with bios, loaded at 0x80200000. */
  kernel?: string;
  initrd?: string;
  /** Kernel command line (device tree chosen/bootargs). */
  append?: string;
  /** Harts, 1..8. */
  smp?: number;
  /** RAM: bytes, or a size such as "128M" or "1G". */
  memory?: number | string;
  /** Raw disk image attached as a virtio-blk disk. */
  drive?: string;
  /** Stop at the first instruction (default true). */
  stopOnEntry?: boolean;
  /** The session ends (as if the guest exited) after this many instructions. */
  maxInstructions?: number;
  /** Folder relative paths are resolved against (default: the workspace folder). */
  cwd?: string;
  /** Include folders for `.include` and `#include` when assembling `.S` programs. */
  includePaths?: string[];
  /** Preprocessor definitions for `.S` programs, NAME or NAME=VALUE. */
  defines?: string[];
  /**
   * Where the guest's serial console (the ns16550a UART) is: the Debug Console (default), or VS Code's integrated
   * terminal, where keys reach the guest as typed (raw, as QEMU's -serial stdio passes them).
   */
  console?: 'debugConsole' | 'integratedTerminal';
  /**
   * Run guest kernels as virtual machines under Ringside's VMM instead of one program on the bare machine: one
   * thread per vCPU (vm0/vcpu0), VM-exit breakpoints, guest/shadow/p2m page tables. "program", "kernel" and "bios"
   * are then left out; "memory" is the machine's (by default enough for every VM), "smp" is replaced by vmm.harts.
   */
  vmm?: VmmLaunch;
  /** Set by VS Code: the session is restarted in place. */
  __restart?: unknown;
  /** Set by VS Code when started with "Run Without Debugging". */
  noDebug?: boolean;
}

/** The `vmm` launch attribute: the VMM's technique, the machine's harts and the VMs it runs. */
export interface VmmLaunch {
  /** How guest kernels are virtualized; only trap-and-emulate exists so far. */
  technique?: 'trap-and-emulate';
  /** Harts of the machine (default: one per vCPU, so that each vCPU has a hart of its own). */
  harts?: number;
  vms: VmLaunch[];
}

/** One VM: an S-mode kernel (a .S assembled and linked at 0x80200000, or an ELF/raw image) and its resources. */
export interface VmLaunch {
  /** A .S file (or several), assembled in-process and linked at 0x80200000, as OpenSBI's next stage. */
  program?: string | string[];
  /** An ELF (loaded at its physical addresses) or a raw image (loaded at 0x80200000). */
  kernel?: string;
  initrd?: string;
  /** Kernel command line (the VM's device tree chosen/bootargs). */
  append?: string;
  /** Guest RAM: bytes or a size such as "64M" (default 64M), a multiple of 2 MiB. */
  memory?: number | string;
  /** vCPUs, 1..8 (default 1). */
  vcpus?: number;
  /** Its name in thread names and console prefixes (default vm0, vm1 ...). */
  name?: string;
}

/** The values of the `console` attribute, each with what it means (package.json's enumDescriptions say the same). */
export const GUEST_CONSOLES: Record<NonNullable<LaunchArguments['console']>, string> = {
  debugConsole: 'Guest output appears in the Debug Console; a line typed there while the guest runs (or `input TEXT`) goes to its UART.',
  integratedTerminal: 'The guest\'s UART is a terminal: output appears raw, and every key goes to the guest as typed (Enter sends a carriage return, as on a serial line).',
};

/** Privilege modes as users learn them: the letter, the name, and the x86-style ring. */
export interface PrivilegeInfo {
  mode: 'M' | 'S' | 'U';
  name: 'machine' | 'supervisor' | 'user';
  /** "ring -1", "ring 0", "ring 3". */
  ring: string;
}

const PRIVILEGES: Record<number, PrivilegeInfo> = {
  0: { mode: 'U', name: 'user', ring: 'ring 3' },
  1: { mode: 'S', name: 'supervisor', ring: 'ring 0' },
  3: { mode: 'M', name: 'machine', ring: 'ring -1' },
};

/** A privilege mode as the privileged spec encodes it (0 U, 1 S, 3 M; 2 is reserved) in the users' words. */
export function privilegeInfo(priv: number): PrivilegeInfo {
  const info = PRIVILEGES[priv];
  if (!info) throw new Error(`privilege mode ${priv} is reserved: the modes are 0 (U), 1 (S) and 3 (M)`);
  return info;
}

/** Custom events the adapter sends. */
export const EVENTS = {
  /** Sent with every `stopped` event: the stopped hart's privilege mode (drives the status bar). */
  privilege: 'ringside/privilege',
} as const;

export interface PrivilegeEventBody extends PrivilegeInfo {
  threadId: number;
}

/** Custom requests the adapter answers. */
export const REQUESTS = {
  /** Walk of one virtual address through the current satp, level by level. */
  translate: 'ringside/translate',
  /** A guest address through the guest's tables, the p2m and the shadow tables (VMM sessions). */
  vmTranslate: 'ringside/vmTranslate',
  /** A dump of a VM's guest page tables, its shadow tables or its p2m (VMM sessions). */
  pageTables: 'ringside/pageTables',
  /** Entries of the VMM's trap log (VMM sessions). */
  exits: 'ringside/exits',
} as const;

/** Which VM (by name or index) and which of its vCPUs (default 0, or the stopped one) a VM request is about. */
export interface VmSelector {
  vm: string | number;
  vcpu?: number;
}

export interface VmTranslateArguments extends VmSelector {
  /** A number or an expression over the vCPU's registers ("sp", "0x80201000"). */
  address: string;
  /** gva: through the guest's own tables first; gpa: the p2m only. */
  space: 'gva' | 'gpa';
  access?: 'load' | 'store' | 'fetch';
}

/** One PTE of a walk: where it is (guest-physical for guest tables, machine for shadow tables) and what it holds. */
export interface VmWalkLevel {
  level: number;
  pteAddress: string;
  pte: string;
  flags: string;
}

export interface VmTranslateResponseBody {
  address: string;
  /** The guest's own walk (GVA → GPA), absent for a gpa request. PTE addresses are guest-physical. */
  guest?: { mode: 'Bare' | 'Sv39' | 'Sv48'; levels: VmWalkLevel[]; gpa?: string; fault?: string };
  /** The p2m hop (GPA → MPA), absent when the guest walk faulted. */
  p2m?: { gpa: string; mpa?: string; why?: string };
  /** The shadow tree the vCPU runs on now (GVA → MPA), absent for a gpa request. PTE addresses are machine addresses. */
  shadow?: { tree: string; levels: VmWalkLevel[]; mpa?: string };
  text: string;
}

export interface PageTablesArguments extends VmSelector {
  which: 'guest' | 'shadow' | 'p2m';
}

/** A page-table dump: one row per mapping, from (virtual or guest-physical) to (guest-physical or machine). */
export interface PageTablesResponseBody {
  which: 'guest' | 'shadow' | 'p2m';
  rows: { from: string; to: string; bytes: number; flags?: string }[];
  text: string;
}

export interface ExitsArguments {
  /** Trap log filters: seq range, vm index, vcpu, cause, kind, limit (default 100, the latest). */
  query?: { from?: number; to?: number; vm?: number; vcpu?: number; cause?: number; interrupt?: boolean; kind?: string; limit?: number };
}

/** Trap log entries as the debugger shows them (ExitView of hypervisor/trap-log.ts, addresses as 0x… strings). */
export interface ExitsResponseBody {
  total: number;
  exits: { seq: number; cycle: number; vm: number; vcpu: number; pc: string; cause: number; causeName: string; interrupt: boolean;
    instruction: string; kind: string; decision: string; cost: number }[];
}

export interface TranslateArguments {
  threadId?: number;
  /** Virtual address, as a number or an expression such as "sp+8". */
  address: string;
  access?: 'load' | 'store' | 'fetch';
}

/** One PTE the walk read. Addresses and PTEs are 0x… strings, so that JSON keeps all 64 bits. */
export interface TranslateLevel {
  level: number;
  pteAddress: string;
  pte: string;
  /** V R W X U G A D, each letter or '-' ("VRW---AD"). */
  flags: string;
}

/** The answer to `ringside/translate`: the walk level by level, then the physical address or the fault. */
export interface TranslateResponseBody {
  /** The virtual address walked. */
  address: string;
  mode: 'Bare' | 'Sv39' | 'Sv48';
  levels: TranslateLevel[];
  physical?: string;
  /** Bytes in the (super)page that maps the address. */
  pageSize?: number;
  fault?: {
    /** The exception cause (12, 13, 15 page faults; 1, 5, 7 access faults) and its name. */
    cause: number;
    name: string;
    /** Which rule failed, e.g. "level 1: PTE not valid (V = 0)". */
    reason: string;
  };
  /** The whole walk as the Debug Console's `translate` prints it. */
  text: string;
}
