// The debug target: the machine a launch configuration describes, loaded and ready, with its debug information.
// Assembles .S programs in-process, loads ELFs, boots firmware with a kernel; every failure is one LaunchError line.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { assemble } from '../assembler/assemble';
import { preprocessFor } from '../assembler/sources';
import { Machine, LoadError } from '../emulator/machine';
import { ElfError, parseElf, type ElfImage, type ElfSymbol } from '../emulator/loader/elf';
import { DwarfError } from '../emulator/loader/dwarf-cursor';
import { parseCallFrameInfo, type CallFrameInfo } from '../emulator/loader/dwarf-frame';
import { VirtioBlk } from '../emulator/devices/virtio-blk';
import { DriveError, openDrives, type FileDisk } from '../emulator/devices/file-disk';
import { lineTable, type SourceLines } from './source-lines';
import type { ResolvedLaunch } from './launch-config';

/** A launch that cannot start: the message names the file or attribute and the fix. */
export class LaunchError extends Error {}

export interface Target {
  machine: Machine;
  /** Symbols of every loaded image (program, firmware, kernel). */
  symbols: ElfSymbol[];
  /** Line tables of the program's image; empty when it has none. */
  lines: SourceLines;
  /** Call-frame information, when the image has usable CFI. */
  cfi: CallFrameInfo | undefined;
  /** Problems with debug information that did not stop the launch (shown once in the Debug Console). */
  warnings: string[];
  disks: FileDisk[];
}

const NO_LINES: SourceLines = { files: [], addressToLine: () => undefined, lineToAddresses: () => [] };

export function readFile(file: string, what: string): Uint8Array {
  try {
    return fs.readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new LaunchError(`cannot read the ${what} '${file}': ${code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
}

/**
 * Assembles and links .S sources (the launch's program, or a VM's kernel linked at `textBase`); assembler errors
 * become one message listing the first few.
 */
export function assembleProgram(launch: ResolvedLaunch, files = launch.programs, textBase?: bigint): Uint8Array {
  const r = assemble({ files, includeDirs: launch.includePaths, defines: launch.defines, textBase }, preprocessFor);
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  if (!r.elf || errors.length > 0) {
    const shown = errors.slice(0, 5).map((d) => `${path.relative(launch.cwd, d.file) || d.file}:${d.line}:${d.column}: error: ${d.message}`);
    const more = errors.length > 5 ? `\n(and ${errors.length - 5} more errors)` : '';
    throw new LaunchError(`the program does not assemble; fix these errors and launch again:\n${shown.join('\n')}${more}`);
  }
  return r.elf;
}

export function debugInfo(image: ElfImage | undefined, warnings: string[]): { lines: SourceLines; cfi: CallFrameInfo | undefined } {
  if (!image) return { lines: NO_LINES, cfi: undefined };
  let lines = NO_LINES, cfi: CallFrameInfo | undefined;
  try {
    lines = lineTable(image);
  } catch (e) {
    if (!(e instanceof DwarfError)) throw e;
    warnings.push(`the program's line table is unreadable (${e.message}); source breakpoints and stepping by line are off`);
  }
  try {
    cfi = parseCallFrameInfo(image);
    if (cfi.size === 0) cfi = undefined;
  } catch (e) {
    if (!(e instanceof DwarfError)) throw e;
    warnings.push(`the program's call-frame information is unreadable (${e.message}); call stacks use the frame pointer instead`);
  }
  return { lines, cfi };
}

/** Builds the machine for a validated launch configuration. */
export function loadTarget(launch: ResolvedLaunch): Target {
  const warnings: string[] = [];
  let disks: FileDisk[] = [];
  try {
    disks = launch.drive ? openDrives([{ file: launch.drive, readOnly: false }]) : [];
    const machine = new Machine({ memory: launch.memory, harts: launch.smp, virtio: disks.map((d) => new VirtioBlk(d)) });
    const program = launch.programKind === 'assembly' ? assembleProgram(launch)
      : launch.programs.length > 0 ? readFile(launch.programs[0], 'program') : undefined;
    let image: ElfImage | undefined;
    if (launch.bios !== undefined) {
      const firmware = readFile(launch.bios, 'firmware (bios)');
      const kernel = launch.kernel !== undefined ? readFile(launch.kernel, 'kernel') : program;
      machine.boot(firmware, {
        kernel, initrd: launch.initrd !== undefined ? readFile(launch.initrd, 'initrd') : undefined, bootargs: launch.append,
      });
      const elfs = [firmware, kernel].filter((b): b is Uint8Array => b !== undefined && b[0] === 0x7f && b[1] === 0x45);
      image = elfs.length > 0 ? parseElf(elfs[elfs.length - 1]) : undefined;
      machine.symbols = elfs.flatMap((b) => parseElf(b).symbols);
    } else {
      const bytes = program ?? (launch.kernel !== undefined ? readFile(launch.kernel, 'kernel') : undefined);
      if (!bytes) throw new LaunchError('nothing to run: set "program" (a .S file or an ELF) or "bios"');
      image = parseElf(bytes);
      machine.loadImage(image);
    }
    const { lines, cfi } = debugInfo(image, warnings);
    return { machine, symbols: machine.symbols, lines, cfi, warnings, disks };
  } catch (e) {
    for (const d of disks) d.close();
    if (e instanceof LoadError || e instanceof ElfError || e instanceof DriveError) throw new LaunchError(e.message);
    throw e;
  }
}
