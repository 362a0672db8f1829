// Register facts for hover and completion: x/f numbers from the disassembler's ABI name tables, and each
// register's role in the standard RISC-V calling convention (the psABI), which no other table in the project holds.
import { ABI_NAMES, FP_ABI_NAMES } from '../emulator/isa/disasm';

export interface RegisterInfo {
  /** The name as the ABI writes it (a0, fs1, ...). */
  abi: string;
  /** The architectural name (x10, f9, ...). */
  arch: string;
  file: 'integer' | 'floating-point';
  role: string;
}

/** The calling-convention role of an integer register, by ABI name. */
function intRole(abi: string): string {
  if (abi === 'zero') return 'hard-wired zero: reads as 0, writes are ignored';
  if (abi === 'ra') return 'return address (caller-saved)';
  if (abi === 'sp') return 'stack pointer (callee-saved)';
  if (abi === 'gp') return 'global pointer (not allocated by the compiler)';
  if (abi === 'tp') return 'thread pointer (not allocated by the compiler)';
  if (abi === 's0') return 'saved register / frame pointer fp (callee-saved)';
  return roleByPrefix(abi.slice(0, 1), Number(abi.slice(1)));
}

function roleByPrefix(prefix: string, n: number): string {
  if (prefix === 't') return 'temporary (caller-saved)';
  if (prefix === 's') return 'saved register (callee-saved)';
  return n < 2 ? 'argument and return value (caller-saved)' : 'argument (caller-saved)';
}

/** The calling-convention role of a floating-point register, by ABI name (ft*, fs*, fa*). */
const fpRole = (abi: string): string => roleByPrefix(abi.slice(1, 2), Number(abi.slice(2)));

const REGISTERS = new Map<string, RegisterInfo>();
for (let i = 0; i < 32; i++) {
  const x: RegisterInfo = { abi: ABI_NAMES[i], arch: `x${i}`, file: 'integer', role: intRole(ABI_NAMES[i]) };
  const f: RegisterInfo = { abi: FP_ABI_NAMES[i], arch: `f${i}`, file: 'floating-point', role: fpRole(FP_ABI_NAMES[i]) };
  for (const r of [x, f]) { REGISTERS.set(r.abi, r); REGISTERS.set(r.arch, r); }
}
REGISTERS.set('fp', REGISTERS.get('s0')!);

/** The register a name denotes (ABI or architectural name, or fp), if any. */
export const registerInfo = (name: string): RegisterInfo | undefined => REGISTERS.get(name);

/** Register names offered in completion: ABI names first (what people write), then x0..x31 and f0..f31. */
export const REGISTER_NAMES: readonly string[] = [...ABI_NAMES, ...FP_ABI_NAMES, 'fp',
  ...ABI_NAMES.map((_, i) => `x${i}`), ...FP_ABI_NAMES.map((_, i) => `f${i}`)];
