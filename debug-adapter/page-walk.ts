// Page walks in words: the text the Debug Console's `translate` prints and the body of the ringside/translate
// request, both from one PageWalk (emulator/mmu.ts), so that the panel and the console always agree.
import { Access, PTE_FLAG_NAMES, WalkStop, type PageWalk } from '../emulator/mmu';
import { exceptionNames } from '../emulator/csr/table';
import type { TranslateResponseBody } from './protocol';

const hex = (v: bigint | number): string => `0x${v.toString(16)}`;
const ACCESS_NAMES: Record<Access, string> = { [Access.Fetch]: 'fetch', [Access.Load]: 'load', [Access.Store]: 'store' };
const PRIV_NAMES: Record<number, string> = { 0: 'U-mode', 1: 'S-mode', 3: 'M-mode' };

/** "VRW---AD": the PTE's low flag bits, a letter when set. */
export function pteFlags(flags: number): string {
  return PTE_FLAG_NAMES.map((name, i) => ((flags >> i) & 1 ? name : '-')).join('');
}

/** 4 KiB, 2 MiB, 1 GiB, 512 GiB. */
export function sizeText(bytes: number): string {
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes / 1024, u = 0;
  while (v >= 1024 && u < units.length - 1) { v /= 1024; u++; }
  return `${v} ${units[u]}`;
}

/** Why the walk failed, in the words of the privileged spec's rules. */
function reason(w: PageWalk): string {
  const f = w.fault!;
  if (f.stop === 'pmp') return `PMP denies this ${ACCESS_NAMES[w.access]} from ${PRIV_NAMES[w.priv]}`;
  if (f.stop === 'address') return 'the address is beyond the physical address space';
  const top = w.mode === 'Sv48' ? 47 : 38;
  const text: Record<WalkStop, string> = {
    [WalkStop.Ok]: 'no fault',
    [WalkStop.Mode]: 'satp.MODE is neither Bare, Sv39 nor Sv48',
    [WalkStop.NonCanonical]: `the address is not canonical: bits 63:${top + 1} must all equal bit ${top}`,
    [WalkStop.PteNotMemory]: 'the PTE address is not RAM (access fault)',
    [WalkStop.PtePmp]: 'PMP denies reading the PTE (access fault)',
    [WalkStop.Invalid]: 'PTE not valid (V = 0)',
    [WalkStop.WriteWithoutRead]: 'reserved combination W = 1, R = 0',
    [WalkStop.ReservedBits]: 'reserved PTE bits 63:54 are set',
    [WalkStop.NonLeafBits]: 'a pointer PTE (R = W = X = 0) with A, D or U set, which are reserved there',
    [WalkStop.NoLeaf]: 'the last level is a pointer, not a leaf (R = X = 0)',
    [WalkStop.NotUser]: 'U-mode access to a page without U',
    [WalkStop.UserPageNoSum]: 'S-mode access to a U page with sstatus.SUM = 0',
    [WalkStop.UserPageFetch]: 'S-mode may never execute a U page',
    [WalkStop.NotReadable]: 'the page is not readable (R = 0; sstatus.MXR = 1 would allow X pages)',
    [WalkStop.NotWritable]: 'the page is not writable (W = 0)',
    [WalkStop.NotExecutable]: 'the page is not executable (X = 0)',
    [WalkStop.Misaligned]: `misaligned superpage: the PPN bits below level ${f.level ?? 0} are not zero`,
  };
  return f.level === undefined ? text[f.stop] : `level ${f.level}: ${text[f.stop]}`;
}

/** The fault's cause, its name and the rule that raised it, or undefined when the walk succeeded. */
export function walkFault(w: PageWalk): TranslateResponseBody['fault'] {
  if (!w.fault) return undefined;
  return { cause: w.fault.cause, name: exceptionNames[w.fault.cause] ?? `cause ${w.fault.cause}`, reason: reason(w) };
}

/** The walk as the Debug Console prints it: a heading, a line per level, and the outcome. */
export function walkText(w: PageWalk): string {
  const lines = [`${hex(w.va)} (${ACCESS_NAMES[w.access]} from ${PRIV_NAMES[w.priv]}, ${w.mode === 'Bare'
    ? (w.priv === 3 ? 'M-mode: not translated' : 'satp is Bare: not translated') : w.mode})`];
  for (const l of w.levels) {
    const ppn = (l.pte >> 10n) & ((1n << 44n) - 1n);
    const leaf = (l.flags & 0b1010) !== 0, valid = (l.flags & 1) !== 0;
    const what = !valid ? '' : leaf ? '  leaf' : `  -> table at ${hex(ppn << 12n)}`;
    lines.push(`  level ${l.level}: PTE at ${hex(l.pteAddress)} = 0x${l.pte.toString(16).padStart(16, '0')}  ${pteFlags(l.flags)}  PPN ${hex(ppn)}${what}`);
  }
  const f = walkFault(w);
  if (f) lines.push(`  => ${f.name} (cause ${f.cause}): ${f.reason}`);
  else lines.push(`  => physical ${hex(w.pa!)}${w.pageSize === undefined ? '' : ` (${sizeText(w.pageSize)} page)`}`);
  return lines.join('\n');
}

/** The ringside/translate response for a walk. */
export function translateResponseBody(w: PageWalk): TranslateResponseBody {
  return {
    address: hex(w.va),
    mode: w.mode,
    levels: w.levels.map((l) => ({ level: l.level, pteAddress: hex(l.pteAddress), pte: hex(l.pte), flags: pteFlags(l.flags) })),
    physical: w.pa === undefined ? undefined : hex(w.pa),
    pageSize: w.pageSize,
    fault: walkFault(w),
    text: walkText(w),
  };
}
