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
  /** Set by VS Code: the session is restarted in place. */
  __restart?: unknown;
  /** Set by VS Code when started with "Run Without Debugging". */
  noDebug?: boolean;
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
} as const;

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
