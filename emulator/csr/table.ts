// The CSR table: every control and status register the machine implements, with its fields.
// It drives CSR behaviour (which CSRs exist, their write masks), the debugger's Variables view and hover text.

export interface CsrField {
  name: string;
  lsb: number;
  width: number;
  desc: string;
  /** Names for values of enumerated fields (privilege modes, vector modes, ...). */
  values?: Record<number, string>;
}

export type CsrGroup = 'machine' | 'supervisor' | 'counters' | 'user';

export interface CsrDef {
  num: number;
  name: string;
  desc: string;
  group: CsrGroup;
  /** Bits a CSR write may change (WARL); 0n means read-only. Counters and a few others are handled specially. */
  writable: bigint;
  reset?: bigint;
  fields?: CsrField[];
}

const PRIV_NAMES = { 0: 'U', 1: 'S', 3: 'M' };

/** The sstatus fields: the part of mstatus S-mode sees. */
export const SSTATUS_FIELDS: CsrField[] = [
  { name: 'SIE', lsb: 1, width: 1, desc: 'S-mode interrupts enabled' },
  { name: 'SPIE', lsb: 5, width: 1, desc: 'SIE before the last trap into S-mode' },
  { name: 'SPP', lsb: 8, width: 1, desc: 'privilege mode before the last trap into S-mode', values: { 0: 'U', 1: 'S' } },
  { name: 'SUM', lsb: 18, width: 1, desc: 'S-mode may access user pages' },
  { name: 'MXR', lsb: 19, width: 1, desc: 'loads from execute-only pages succeed' },
  { name: 'FS', lsb: 13, width: 2, desc: 'floating-point state: Off (FP instructions trap), Initial, Clean, Dirty (must be saved on a context switch)', values: { 0: 'Off', 1: 'Initial', 2: 'Clean', 3: 'Dirty' } },
  { name: 'SD', lsb: 63, width: 1, desc: 'some extension state (here: FS) is Dirty' },
  { name: 'UXL', lsb: 32, width: 2, desc: 'U-mode XLEN (2 = 64-bit)' },
];

export const MSTATUS_FIELDS: CsrField[] = [
  ...SSTATUS_FIELDS,
  { name: 'MIE', lsb: 3, width: 1, desc: 'M-mode interrupts enabled' },
  { name: 'MPIE', lsb: 7, width: 1, desc: 'MIE before the last trap into M-mode' },
  { name: 'MPP', lsb: 11, width: 2, desc: 'privilege mode before the last trap into M-mode', values: PRIV_NAMES },
  { name: 'MPRV', lsb: 17, width: 1, desc: 'loads and stores use the privilege in MPP' },
  { name: 'TVM', lsb: 20, width: 1, desc: 'satp and sfence.vma trap in S-mode (trap virtual memory)' },
  { name: 'TW', lsb: 21, width: 1, desc: 'wfi traps below M-mode' },
  { name: 'TSR', lsb: 22, width: 1, desc: 'sret traps in S-mode (trap sret)' },
  { name: 'SXL', lsb: 34, width: 2, desc: 'S-mode XLEN (2 = 64-bit)' },
];

/** The bits of a field (below bit 32) as a mask, from its definition. */
function fieldMask(fields: CsrField[], name: string): number {
  const f = fields.find((x) => x.name === name);
  if (!f || f.lsb + f.width > 32) throw new Error(`no low-word field ${name}`);
  return ((1 << f.width) - 1) << f.lsb;
}
/** mstatus.FS: the floating-point unit's state (Off, Initial, Clean, Dirty). */
export const MSTATUS_FS = fieldMask(MSTATUS_FIELDS, 'FS');

/** Interrupt bits shared by mie and mip. */
export const INTERRUPT_FIELDS: CsrField[] = [
  { name: 'SSI', lsb: 1, width: 1, desc: 'supervisor software interrupt' },
  { name: 'STI', lsb: 5, width: 1, desc: 'supervisor timer interrupt' },
  { name: 'SEI', lsb: 9, width: 1, desc: 'supervisor external interrupt' },
  { name: 'MSI', lsb: 3, width: 1, desc: 'machine software interrupt' },
  { name: 'MTI', lsb: 7, width: 1, desc: 'machine timer interrupt' },
  { name: 'MEI', lsb: 11, width: 1, desc: 'machine external interrupt' },
];

export const MISA_VALUE = (2n << 62n) | (1n << 0n) | (1n << 2n) | (1n << 3n) | (1n << 5n) | (1n << 8n) | (1n << 12n) | (1n << 18n) | (1n << 20n); // rv64 A C D F I M S U

/** Exception and interrupt cause names, as the privileged spec words them. */
export const exceptionNames: Record<number, string> = {
  0: 'instruction address misaligned', 1: 'instruction access fault', 2: 'illegal instruction', 3: 'breakpoint',
  4: 'load address misaligned', 5: 'load access fault', 6: 'store/AMO address misaligned', 7: 'store/AMO access fault',
  8: 'ecall from U-mode', 9: 'ecall from S-mode', 11: 'ecall from M-mode',
  12: 'instruction page fault', 13: 'load page fault', 15: 'store/AMO page fault',
};

export const interruptNames: Record<number, string> = {
  1: 'supervisor software interrupt', 3: 'machine software interrupt', 5: 'supervisor timer interrupt',
  7: 'machine timer interrupt', 9: 'supervisor external interrupt', 11: 'machine external interrupt',
};

/** Interrupt bits: S-level ones can be delegated to S-mode through mideleg. */
const S_INTERRUPTS = (1n << 1n) | (1n << 5n) | (1n << 9n);
const M_INTERRUPTS = (1n << 3n) | (1n << 7n) | (1n << 11n);
/** Exceptions medeleg can delegate: all but ecall from M-mode (11) and the reserved causes. */
export const DELEGABLE_EXCEPTIONS = 0xb3ffn;

/** medeleg: one bit per delegable exception, named as its cause. */
const MEDELEG_FIELDS: CsrField[] = Object.entries(exceptionNames)
  .filter(([code]) => ((DELEGABLE_EXCEPTIONS >> BigInt(code)) & 1n) === 1n)
  .map(([code, name]) => ({ name, lsb: Number(code), width: 1, desc: `${name} traps from S/U-mode go to S-mode` }));

const TVEC_FIELDS = (mode: string): CsrField[] => [
  { name: 'MODE', lsb: 0, width: 2, desc: `Direct: all traps to BASE; Vectored: interrupts to BASE + 4 × cause (${mode})`, values: { 0: 'Direct', 1: 'Vectored' } },
  { name: 'BASE', lsb: 2, width: 62, desc: 'handler address / 4' },
];
const CAUSE_FIELDS: CsrField[] = [{ name: 'Interrupt', lsb: 63, width: 1, desc: '1 for interrupts' }, { name: 'Code', lsb: 0, width: 63, desc: 'exception or interrupt code' }];
const COUNTEREN_FIELDS: CsrField[] = [{ name: 'CY', lsb: 0, width: 1, desc: 'cycle' }, { name: 'TM', lsb: 1, width: 1, desc: 'time' }, { name: 'IR', lsb: 2, width: 1, desc: 'instret' }];

/** The fields of one PMP entry's configuration byte (pmpcfg0 holds entries 0..7 a byte each, pmpcfg2 entries 8..15). */
export const PMPCFG_ENTRY_FIELDS: CsrField[] = [
  { name: 'R', lsb: 0, width: 1, desc: 'loads allowed' },
  { name: 'W', lsb: 1, width: 1, desc: 'stores allowed (needs R)' },
  { name: 'X', lsb: 2, width: 1, desc: 'instruction fetches allowed' },
  { name: 'A', lsb: 3, width: 2, desc: 'address matching: OFF, TOR (from the previous entry\'s address up to this one), NA4 (4 bytes), NAPOT (a power-of-two region)', values: { 0: 'OFF', 1: 'TOR', 2: 'NA4', 3: 'NAPOT' } },
  { name: 'L', lsb: 7, width: 1, desc: 'locked until reset, and enforced on M-mode too' },
];

const counter = (num: number, name: string, desc: string, group: CsrGroup): CsrDef => ({ num, name, desc, group, writable: 0n });

const FFLAGS_FIELDS: CsrField[] = [
  { name: 'NX', lsb: 0, width: 1, desc: 'inexact' }, { name: 'UF', lsb: 1, width: 1, desc: 'underflow' },
  { name: 'OF', lsb: 2, width: 1, desc: 'overflow' }, { name: 'DZ', lsb: 3, width: 1, desc: 'divide by zero' },
  { name: 'NV', lsb: 4, width: 1, desc: 'invalid operation' },
];
const ROUNDING_MODES = { 0: 'RNE', 1: 'RTZ', 2: 'RDN', 3: 'RUP', 4: 'RMM' };

export const csrTable: CsrDef[] = [
  // Floating point (F and D): fflags and frm are views of fcsr. All three are reachable only while mstatus.FS is on.
  { num: 0x001, name: 'fflags', desc: 'floating-point exception flags, accrued since software last cleared them', group: 'user', writable: 0x1fn, fields: FFLAGS_FIELDS },
  { num: 0x002, name: 'frm', desc: 'floating-point dynamic rounding mode', group: 'user', writable: 0x7n, fields: [{ name: 'frm', lsb: 0, width: 3, desc: 'rounding mode for instructions with rm = DYN', values: ROUNDING_MODES }] },
  {
    num: 0x003, name: 'fcsr', desc: 'floating-point control and status: frm and fflags', group: 'user', writable: 0xffn,
    fields: [...FFLAGS_FIELDS, { name: 'frm', lsb: 5, width: 3, desc: 'rounding mode for instructions with rm = DYN', values: ROUNDING_MODES }],
  },
  { num: 0xf11, name: 'mvendorid', desc: 'vendor ID (0: not a commercial implementation)', group: 'machine', writable: 0n },
  { num: 0xf12, name: 'marchid', desc: 'architecture ID', group: 'machine', writable: 0n },
  { num: 0xf13, name: 'mimpid', desc: 'implementation version', group: 'machine', writable: 0n, reset: 0x0001_0000n },
  { num: 0xf14, name: 'mhartid', desc: 'ID of the hart running this code', group: 'machine', writable: 0n },
  { num: 0xf15, name: 'mconfigptr', desc: 'pointer to the configuration data structure (none)', group: 'machine', writable: 0n },
  // S-mode registers; sstatus, sie and sip are views of mstatus, mie and mip (see CsrFile).
  { num: 0x100, name: 'sstatus', desc: 'supervisor status: the S-mode view of mstatus', group: 'supervisor', writable: 0n, fields: SSTATUS_FIELDS },
  { num: 0x104, name: 'sie', desc: 'supervisor interrupt enable: mie where mideleg delegates', group: 'supervisor', writable: 0n, fields: INTERRUPT_FIELDS.slice(0, 3) },
  { num: 0x105, name: 'stvec', desc: 'supervisor trap vector: handler base and mode', group: 'supervisor', writable: ~0n, fields: TVEC_FIELDS('S') },
  { num: 0x106, name: 'scounteren', desc: 'which counters U-mode may read (with mcounteren)', group: 'supervisor', writable: 0xffff_ffffn, fields: COUNTEREN_FIELDS },
  { num: 0x10a, name: 'senvcfg', desc: 'supervisor environment configuration for U-mode', group: 'supervisor', writable: 1n,
    fields: [{ name: 'FIOM', lsb: 0, width: 1, desc: 'fence of I/O implies memory' }] },
  { num: 0x140, name: 'sscratch', desc: 'scratch register for S-mode trap handlers', group: 'supervisor', writable: ~0n },
  { num: 0x141, name: 'sepc', desc: 'pc of the instruction that trapped into S-mode', group: 'supervisor', writable: ~1n },
  { num: 0x142, name: 'scause', desc: 'cause of the last trap into S-mode', group: 'supervisor', writable: ~0n, fields: CAUSE_FIELDS },
  { num: 0x143, name: 'stval', desc: 'trap value: faulting address or instruction bits', group: 'supervisor', writable: ~0n },
  { num: 0x144, name: 'sip', desc: 'supervisor interrupt pending: mip where mideleg delegates', group: 'supervisor', writable: 0n, fields: INTERRUPT_FIELDS.slice(0, 3) },
  { num: 0x14d, name: 'stimecmp', desc: 'supervisor timer compare (Sstc): STIP is pending while time >= stimecmp', group: 'supervisor', writable: ~0n },
  {
    num: 0x180, name: 'satp', desc: 'supervisor address translation: mode (Bare, Sv39, Sv48), ASID and root page table', group: 'supervisor', writable: ~0n,
    fields: [
      { name: 'MODE', lsb: 60, width: 4, desc: 'translation scheme', values: { 0: 'Bare', 8: 'Sv39', 9: 'Sv48' } },
      { name: 'ASID', lsb: 44, width: 16, desc: 'address-space ID' },
      { name: 'PPN', lsb: 0, width: 44, desc: 'physical page number of the root page table' },
    ],
  },
  {
    num: 0x300, name: 'mstatus', desc: 'machine status: interrupt enables and previous privileges', group: 'machine',
    writable: (1n << 1n) | (1n << 3n) | (1n << 5n) | (1n << 7n) | (1n << 8n) | (3n << 11n) | (3n << 13n) | (1n << 17n) | (1n << 18n) | (1n << 19n) | (1n << 20n) | (1n << 21n) | (1n << 22n),
    reset: (2n << 32n) | (2n << 34n), fields: MSTATUS_FIELDS,
  },
  {
    num: 0x301, name: 'misa', desc: 'ISA and extensions (read-only here)', group: 'machine', writable: 0n, reset: MISA_VALUE,
    fields: [{ name: 'MXL', lsb: 62, width: 2, desc: 'machine XLEN (2 = 64-bit)' }, { name: 'Extensions', lsb: 0, width: 26, desc: 'one bit per letter: A C D F I M S U' }],
  },
  { num: 0x302, name: 'medeleg', desc: 'exceptions delegated to S-mode', group: 'machine', writable: DELEGABLE_EXCEPTIONS, fields: MEDELEG_FIELDS },
  { num: 0x303, name: 'mideleg', desc: 'interrupts delegated to S-mode', group: 'machine', writable: S_INTERRUPTS, fields: INTERRUPT_FIELDS.slice(0, 3) },
  { num: 0x304, name: 'mie', desc: 'machine interrupt enable', group: 'machine', writable: S_INTERRUPTS | M_INTERRUPTS, fields: INTERRUPT_FIELDS },
  {
    num: 0x305, name: 'mtvec', desc: 'machine trap vector: handler base and mode', group: 'machine', writable: ~0n, fields: TVEC_FIELDS('M'),
  },
  { num: 0x306, name: 'mcounteren', desc: 'which counters S-mode (and, with scounteren, U-mode) may read', group: 'machine', writable: 0xffff_ffffn, fields: COUNTEREN_FIELDS },
  { num: 0x340, name: 'mscratch', desc: 'scratch register for M-mode trap handlers', group: 'machine', writable: ~0n },
  { num: 0x341, name: 'mepc', desc: 'pc of the instruction that trapped into M-mode', group: 'machine', writable: ~1n },
  {
    num: 0x342, name: 'mcause', desc: 'cause of the last trap into M-mode', group: 'machine', writable: ~0n, fields: CAUSE_FIELDS,
  },
  { num: 0x343, name: 'mtval', desc: 'trap value: faulting address or instruction bits', group: 'machine', writable: ~0n },
  { num: 0x344, name: 'mip', desc: 'machine interrupt pending (M bits come from devices; S bits M-mode may set)', group: 'machine', writable: S_INTERRUPTS, fields: INTERRUPT_FIELDS },
  { num: 0x30a, name: 'menvcfg', desc: 'machine environment configuration for S- and U-mode', group: 'machine', writable: 1n | (1n << 63n),
    fields: [
      { name: 'FIOM', lsb: 0, width: 1, desc: 'fence of I/O implies memory' },
      { name: 'STCE', lsb: 63, width: 1, desc: 'Sstc: S-mode has its own timer compare, stimecmp' },
    ] },
  { num: 0x320, name: 'mcountinhibit', desc: 'stops counters (hardwired 0 here: counters always count)', group: 'counters', writable: 0n },
  // 16 PMP entries (pmpcfg0, pmpcfg2, pmpaddr0..15); the CSRs of entries 16..63 exist and read as zero.
  ...range(0, 7).map((i): CsrDef => ({
    num: 0x3a0 + 2 * i, name: `pmpcfg${2 * i}`, group: 'machine', writable: i < 2 ? ~0n : 0n,
    desc: i < 2 ? `PMP configuration of entries ${8 * i}..${8 * i + 7}: per byte R, W, X, A (OFF/TOR/NA4/NAPOT), L` : 'PMP configuration (entries not implemented: reads 0)',
  })),
  ...range(0, 63).map((i): CsrDef => ({
    num: 0x3b0 + i, name: `pmpaddr${i}`, group: 'machine', writable: i < 16 ? (1n << 54n) - 1n : 0n,
    desc: i < 16 ? 'PMP address: bits 55:2 of a boundary (TOR) or of a naturally aligned region (NA4, NAPOT)' : 'PMP address (entry not implemented: reads 0)',
  })),
  counter(0xb00, 'mcycle', 'cycles (one per retired instruction: time is deterministic)', 'counters'),
  counter(0xb02, 'minstret', 'instructions retired', 'counters'),
  counter(0xc00, 'cycle', 'user view of mcycle', 'user'),
  counter(0xc01, 'time', 'user view of mtime: ticks of the 10 MHz timebase', 'user'),
  counter(0xc02, 'instret', 'user view of minstret', 'user'),
  ...range(3, 31).map((i) => counter(0xb00 + i, `mhpmcounter${i}`, 'hardware performance counter (not implemented: reads 0)', 'counters')),
  ...range(3, 31).map((i) => counter(0x320 + i, `mhpmevent${i}`, 'performance-monitoring event selector (not implemented: reads 0)', 'counters')),
  ...range(3, 31).map((i) => counter(0xc00 + i, `hpmcounter${i}`, 'user view of mhpmcounter (reads 0)', 'user')),
];

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

export const csrByName = new Map(csrTable.map((c) => [c.name, c]));
export const csrByNumber = new Map(csrTable.map((c) => [c.num, c]));

/**
 * Architectural CSRs this machine does not implement (accessing one raises illegal-instruction), by number: the
 * names GNU binutils 2.40 knows, so that disassembly and assembly speak of `hstatus` rather than 0x600.
 */
const NAME_ONLY_CSRS = new Map<number, string>([
  ...Object.entries({
    0x008: 'vstart', 0x009: 'vxsat', 0x00a: 'vxrm', 0x00f: 'vcsr', 0x015: 'seed',
    0x10c: 'sstateen0', 0x10d: 'sstateen1', 0x10e: 'sstateen2', 0x10f: 'sstateen3', 0x114: 'sieh', 0x150: 'siselect', 0x151: 'sireg',
    0x154: 'siph', 0x15c: 'stopei', 0x15d: 'stimecmph',
    0x200: 'vsstatus', 0x204: 'vsie', 0x205: 'vstvec', 0x214: 'vsieh', 0x240: 'vsscratch', 0x241: 'vsepc', 0x242: 'vscause', 0x243: 'vstval',
    0x244: 'vsip', 0x24d: 'vstimecmp', 0x250: 'vsiselect', 0x251: 'vsireg', 0x254: 'vsiph', 0x25c: 'vstopei', 0x25d: 'vstimecmph', 0x280: 'vsatp',
    0x308: 'mvien', 0x309: 'mvip', 0x30c: 'mstateen0', 0x30d: 'mstateen1', 0x30e: 'mstateen2', 0x30f: 'mstateen3', 0x310: 'mstatush',
    0x313: 'midelegh', 0x314: 'mieh', 0x318: 'mvienh', 0x319: 'mviph', 0x31a: 'menvcfgh', 0x31c: 'mstateen0h', 0x31d: 'mstateen1h',
    0x31e: 'mstateen2h', 0x31f: 'mstateen3h', 0x34a: 'mtinst', 0x34b: 'mtval2', 0x350: 'miselect', 0x351: 'mireg', 0x354: 'miph', 0x35c: 'mtopei',
    0x5a8: 'scontext',
    0x600: 'hstatus', 0x602: 'hedeleg', 0x603: 'hideleg', 0x604: 'hie', 0x605: 'htimedelta', 0x606: 'hcounteren', 0x607: 'hgeie', 0x608: 'hvien',
    0x609: 'hvictl', 0x60a: 'henvcfg', 0x60c: 'hstateen0', 0x60d: 'hstateen1', 0x60e: 'hstateen2', 0x60f: 'hstateen3', 0x613: 'hidelegh',
    0x615: 'htimedeltah', 0x618: 'hvienh', 0x61a: 'henvcfgh', 0x61c: 'hstateen0h', 0x61d: 'hstateen1h', 0x61e: 'hstateen2h', 0x61f: 'hstateen3h',
    0x643: 'htval', 0x644: 'hip', 0x645: 'hvip', 0x646: 'hviprio1', 0x647: 'hviprio2', 0x64a: 'htinst', 0x655: 'hviph', 0x656: 'hviprio1h',
    0x657: 'hviprio2h', 0x680: 'hgatp', 0x6a8: 'hcontext', 0x747: 'mseccfg', 0x757: 'mseccfgh',
    0x7a0: 'tselect', 0x7a1: 'tdata1', 0x7a2: 'tdata2', 0x7a3: 'tdata3', 0x7a4: 'tinfo', 0x7a5: 'tcontrol', 0x7a8: 'mcontext', 0x7aa: 'mscontext',
    0x7b0: 'dcsr', 0x7b1: 'dpc', 0x7b2: 'dscratch0', 0x7b3: 'dscratch1',
    0xb80: 'mcycleh', 0xb82: 'minstreth', 0xc20: 'vl', 0xc21: 'vtype', 0xc22: 'vlenb', 0xc80: 'cycleh', 0xc81: 'timeh', 0xc82: 'instreth',
    0xda0: 'scountovf', 0xdb0: 'stopi', 0xe12: 'hgeip', 0xeb0: 'vstopi', 0xfb0: 'mtopi',
  }).map(([n, name]): [number, string] => [Number(n), name]),
  // RV32's odd pmpcfg registers and the high halves of the counters.
  ...range(0, 7).map((i): [number, string] => [0x3a1 + 2 * i, `pmpcfg${2 * i + 1}`]),
  ...range(3, 31).map((i): [number, string] => [0xb80 + i, `mhpmcounter${i}h`]),
  ...range(3, 31).map((i): [number, string] => [0x720 + i, `mhpmevent${i}h`]),
  ...range(3, 31).map((i): [number, string] => [0xc80 + i, `hpmcounter${i}h`]),
]);

/** Privileged-spec versions that change which CSRs have names (an ELF's Tag_RISCV_priv_spec picks one). */
export type PrivSpec = '1.10' | '1.11' | '1.12';

/** The N extension's user-trap CSRs, dropped in 1.12: named only for programs built against an older spec. */
const RETIRED_CSRS = new Map<number, string>([
  [0x000, 'ustatus'], [0x004, 'uie'], [0x005, 'utvec'], [0x040, 'uscratch'], [0x041, 'uepc'], [0x042, 'ucause'], [0x043, 'utval'],
  [0x044, 'uip'], [0x102, 'sedeleg'], [0x103, 'sideleg'],
]);

/** CSRs that newer privileged specs introduced, with the version that did. */
const NAMED_SINCE = new Map<number, PrivSpec>([
  [0x320, '1.11'],
  ...[0x10a, 0x30a, 0x310, 0x31a, 0x34a, 0x34b, 0x747, 0x757, 0xf15].map((n): [number, PrivSpec] => [n, '1.12']),
  ...range(0x3a4, 0x3af).map((n): [number, PrivSpec] => [n, '1.12']), // pmpcfg4..15
  ...range(0x3c0, 0x3ef).map((n): [number, PrivSpec] => [n, '1.12']), // pmpaddr16..63
]);

/**
 * The name objdump uses for a CSR number (implemented or only architectural) under a privileged spec version
 * (default: the newest, as objdump assumes for a file that does not say); unnamed numbers print as hex.
 */
export function csrName(num: number, spec: PrivSpec = '1.12'): string {
  const since = NAMED_SINCE.get(num);
  const name = since !== undefined && since > spec ? undefined
    : spec < '1.12' && RETIRED_CSRS.has(num) ? RETIRED_CSRS.get(num)
      : csrByNumber.get(num)?.name ?? NAME_ONLY_CSRS.get(num);
  return name ?? `0x${num.toString(16)}`;
}

/** Every CSR name GNU as accepts (implemented here or only architectural), to its number: for the assembler. */
export const csrNumberByName: ReadonlyMap<string, number> = new Map([
  ...[...NAME_ONLY_CSRS].map(([num, name]): [string, number] => [name, num]),
  ...csrTable.map((c): [string, number] => [c.name, c.num]),
]);
