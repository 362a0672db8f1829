// Launch configuration checks the adapter (before it builds a machine) and the extension (before VS Code starts a
// session) share, so a bad launch.json gets the same single message, naming the attribute and the fix, in both places.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_MEMORY, MAX_HARTS, memorySizeFix, parseMemorySize } from '../emulator/machine';
import { isElf } from '../emulator/loader/elf';
import { DriveError, FileDisk } from '../emulator/devices/file-disk';
import { DEFAULT_VM_MEMORY, MAX_VCPUS } from '../hypervisor/vm';
import { TECHNIQUES } from '../hypervisor/vmm';
import { GUEST_CONSOLES, type LaunchArguments, type VmLaunch } from './protocol';

/** What a program file is, judged by its name (sources) or its first bytes (ELF). */
export type ProgramKind = 'assembly' | 'elf' | 'c' | 'other' | 'missing' | 'directory';

/** A launch configuration that passed every check, with paths absolute and defaults filled in. */
export interface ResolvedLaunch {
  /** Assembly sources to assemble and link in this order, or one ELF; empty when the firmware runs alone. */
  programs: string[];
  programKind: 'assembly' | 'elf' | 'image' | 'none';
  /** Firmware; undefined for none (the program runs alone, from its entry). */
  bios?: string;
  /** The kernel: `kernel`, or with `bios`, the program. */
  kernel?: string;
  initrd?: string;
  append?: string;
  smp: number;
  /** RAM in bytes. */
  memory: number;
  drive?: string;
  stopOnEntry: boolean;
  maxInstructions?: number;
  cwd: string;
  includePaths: string[];
  /** Preprocessor definitions as the assembler takes them (NAME alone means NAME=1, as with -D). */
  defines: Record<string, string>;
  /** Where the guest's UART is: the Debug Console or an integrated terminal. */
  console: GuestConsole;
  noDebug: boolean;
  /** VMs under the VMM (the `vmm` attribute); then programs is empty and there is no bios, kernel or drive. */
  vmm?: ResolvedVmm;
}

export interface ResolvedVmm {
  technique: 'trap-and-emulate';
  harts: number;
  vms: ResolvedVm[];
}

export interface ResolvedVm {
  name: string;
  /** .S files to assemble and link at 0x80200000, or one kernel file (ELF or raw image). */
  sources: string[];
  kernel?: string;
  initrd?: string;
  append?: string;
  /** Guest RAM in bytes. */
  memory: number;
  vcpus: number;
}

export type GuestConsole = keyof typeof GUEST_CONSOLES;

export type LaunchValidation = { ok: true; launch: ResolvedLaunch } | { ok: false; error: string };

const ASSEMBLY_EXTENSIONS = ['.S', '.s', '.asm'];
const C_EXTENSIONS = ['.c', '.h'];

/** A bad attribute: caught once in validateLaunchArguments and turned into its message. */
class LaunchProblem extends Error {
  /** `fix` may be left out when the problem's text, coming from elsewhere, already says how to fix it. */
  constructor(readonly attribute: keyof LaunchArguments, problem: string, fix?: string) {
    super(`Ringside launch configuration: "${attribute}" ${problem}${fix === undefined ? '' : `; ${fix}`}.`);
  }
}

const describe = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v === 'string' ? `"${v}" (text)` : `${String(v)} (a ${typeof v})`);

/** Reads the first bytes of a file to tell an ELF from anything else, without reading it all. */
function head(file: string): Uint8Array {
  const fd = fs.openSync(file, 'r');
  try {
    const bytes = new Uint8Array(4);
    const n = fs.readSync(fd, bytes, 0, 4, 0);
    return bytes.subarray(0, n);
  } finally {
    fs.closeSync(fd);
  }
}

/** Classifies a program path (absolute): by extension for sources, by the ELF magic otherwise. */
export function classifyProgram(file: string): ProgramKind {
  let stat: fs.Stats;
  try { stat = fs.statSync(file); } catch { return 'missing'; }
  if (stat.isDirectory()) return 'directory';
  const ext = path.extname(file);
  if (ASSEMBLY_EXTENSIONS.includes(ext)) return 'assembly';
  if (C_EXTENSIONS.includes(ext)) return 'c';
  try { return isElf(head(file)) ? 'elf' : 'other'; } catch { return 'other'; }
}

function unsubstituted(attribute: keyof LaunchArguments, value: string): void {
  const variable = /\$\{[^}]*\}/.exec(value);
  if (variable) throw new LaunchProblem(attribute, `contains ${variable[0]}, a variable VS Code did not substitute`, 'use a variable VS Code knows (such as ${workspaceFolder} or ${file}) or write the path out');
}

function text(attribute: keyof LaunchArguments, value: unknown, fix: string): string {
  if (typeof value !== 'string' || value === '') throw new LaunchProblem(attribute, `must be ${fix}, got ${value === '' ? 'an empty string' : describe(value)}`, `set "${attribute}" to ${fix}`);
  return value;
}

/** An existing regular file, resolved against cwd. */
function existingFile(attribute: keyof LaunchArguments, value: unknown, cwd: string, what: string): string {
  const file = path.resolve(cwd, text(attribute, value, `the path of ${what}`));
  unsubstituted(attribute, file);
  let stat: fs.Stats;
  try { stat = fs.statSync(file); } catch {
    throw new LaunchProblem(attribute, `names ${file}, which does not exist`, `check the path (relative paths are resolved against ${cwd})`);
  }
  if (!stat.isFile()) throw new LaunchProblem(attribute, `names ${file}, which is ${stat.isDirectory() ? 'a folder' : 'not a regular file'}`, `give the path of ${what}`);
  return file;
}

function existingFolder(attribute: keyof LaunchArguments, value: string, cwd: string): string {
  const folder = path.resolve(cwd, value);
  unsubstituted(attribute, folder);
  let stat: fs.Stats | undefined;
  try { stat = fs.statSync(folder); } catch { stat = undefined; }
  if (!stat?.isDirectory()) throw new LaunchProblem(attribute, `names ${folder}, which is ${stat ? 'not a folder' : 'missing'}`, 'give an existing folder');
  return folder;
}

function textList(attribute: keyof LaunchArguments, value: unknown, what: string): string[] {
  if (!Array.isArray(value) || !value.every((v): v is string => typeof v === 'string')) {
    throw new LaunchProblem(attribute, `must be a list of ${what}, got ${describe(value)}`, `write it as ["…", "…"]`);
  }
  return value;
}

function flag(attribute: keyof LaunchArguments, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new LaunchProblem(attribute, `must be true or false, got ${describe(value)}`, `write ${attribute === 'stopOnEntry' ? 'true' : 'false'} without quotes`);
  return value;
}

function wholeNumber(attribute: keyof LaunchArguments, value: unknown, min: number, max: number, fix: string): number {
  if (typeof value === 'string' && /^\d+$/.test(value)) throw new LaunchProblem(attribute, `must be a number, got ${describe(value)}`, `write ${value} without quotes`);
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new LaunchProblem(attribute, `must be a whole number from ${min} to ${max}, got ${describe(value)}`, fix);
  }
  return value;
}

function memory(value: unknown): number {
  if (value === undefined) return DEFAULT_MEMORY;
  const fix = 'set "memory" to a size such as "128M" or "1G", or a number of bytes';
  let bytes: number | undefined;
  if (typeof value === 'number') bytes = value;
  else if (typeof value === 'string') bytes = parseMemorySize(value.trim());
  if (bytes === undefined) throw new LaunchProblem('memory', `must be a size such as "128M", got ${describe(value)}`, fix);
  const sizeFix = memorySizeFix(bytes);
  if (sizeFix) throw new LaunchProblem('memory', `is ${describe(value)}, a size the machine cannot have`, `${sizeFix}, such as "128M" or "1G"`);
  return bytes;
}

function defines(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const d of value === undefined ? [] : textList('defines', value, 'preprocessor definitions')) {
    const m = /^([A-Za-z_]\w*)(?:=([\s\S]*))?$/.exec(d);
    if (!m) throw new LaunchProblem('defines', `has "${d}", which is not NAME or NAME=VALUE with NAME a C identifier`, 'write each definition as "NAME" or "NAME=VALUE"');
    out[m[1]] = m[2] ?? '1';
  }
  return out;
}

function guestConsole(value: unknown): GuestConsole {
  if (value === undefined) return 'debugConsole';
  if (typeof value === 'string' && Object.hasOwn(GUEST_CONSOLES, value)) return value as GuestConsole;
  const names = Object.keys(GUEST_CONSOLES).map((k) => `"${k}"`).join(' or ');
  throw new LaunchProblem('console', `must be ${names}, got ${describe(value)}`, 'set "console" to one of them, or remove it to use the Debug Console');
}

/** What one program file is, or the problem that stops it from running. */
function programFile(file: string, withFirmware: boolean): 'assembly' | 'elf' | 'image' {
  const kind = classifyProgram(file);
  switch (kind) {
    case 'assembly': case 'elf': return kind;
    case 'missing': throw new LaunchProblem('program', `names ${file}, which does not exist`, 'check the path (relative paths are resolved against "cwd", by default the workspace folder)');
    case 'directory': throw new LaunchProblem('program', `names ${file}, which is a folder`, 'give a .S file or an ELF file in it');
    case 'c': throw new LaunchProblem('program', `names ${file}, a C source, which Ringside does not compile`, 'compile it with riscv64-unknown-elf-gcc -g (see examples/build.sh) and set "program" to the ELF file');
    case 'other':
      if (withFirmware) return 'image'; // a raw kernel Image, which the firmware jumps to
      throw new LaunchProblem('program', `names ${file}, which is neither an assembly source (.S, .s, .asm) nor an ELF file`, 'give a .S file or an ELF file, or a firmware in "bios" to boot a raw kernel image');
  }
}

function programs(value: unknown, cwd: string, withFirmware: boolean): { files: string[]; kind: ResolvedLaunch['programKind'] } {
  if (value === undefined) return { files: [], kind: 'none' };
  const list = Array.isArray(value) ? textList('program', value, 'assembly source paths') : [text('program', value, 'the path of a .S file or an ELF file')];
  if (list.length === 0) throw new LaunchProblem('program', 'is an empty list', 'list at least one .S file');
  const files = list.map((p) => {
    if (p === '') throw new LaunchProblem('program', 'has an empty path', 'give the path of a .S file or an ELF file');
    const file = path.resolve(cwd, p);
    unsubstituted('program', file);
    return file;
  });
  const kinds = files.map((f) => programFile(f, withFirmware));
  if (files.length > 1) {
    const notSource = files.findIndex((_, i) => kinds[i] !== 'assembly');
    if (notSource >= 0) throw new LaunchProblem('program', `lists ${files[notSource]}, which is not an assembly source; only .S files are linked together`, 'give one ELF file on its own, or only .S/.s/.asm files');
  }
  return { files, kind: kinds[0] };
}

/** A disk image the board can attach: checked by opening it as the machine will (read-only, so nothing is changed). */
function disk(value: unknown, cwd: string): string {
  const file = existingFile('drive', value, cwd, 'a raw disk image');
  try {
    FileDisk.open({ file, readOnly: true }).close();
  } catch (e) {
    if (e instanceof DriveError) throw new LaunchProblem('drive', `cannot be attached: ${e.message}`);
    throw e;
  }
  return file;
}

function firmware(value: unknown, cwd: string): string | undefined {
  if (value === undefined || value === 'none') return undefined;
  return existingFile('bios', value, cwd, 'a firmware image such as OpenSBI\'s fw_dynamic.bin, or "none"');
}

/** A problem inside "vmm": the message says where (vms[1].program) before what is wrong. */
function vmmProblem(where: string, problem: string, fix: string): LaunchProblem {
  return new LaunchProblem('vmm', `${where} ${problem}`, fix);
}

const VMM_EXAMPLE = '"vmm": { "vms": [{ "program": "guest.S" }] }';
const VM_KEYS = new Set(['program', 'kernel', 'initrd', 'append', 'memory', 'vcpus', 'name']);

function vmFile(where: string, value: unknown, cwd: string, what: string): string {
  if (typeof value !== 'string' || value === '') throw vmmProblem(where, `must be the path of ${what}, got ${describe(value)}`, `set ${where} to a path`);
  const file = path.resolve(cwd, value);
  unsubstituted('vmm', file);
  let stat: fs.Stats | undefined;
  try { stat = fs.statSync(file); } catch { stat = undefined; }
  if (!stat?.isFile()) throw vmmProblem(where, `names ${file}, which ${stat ? 'is not a regular file' : 'does not exist'}`, `check the path (relative paths are resolved against ${cwd})`);
  return file;
}

function vmSources(where: string, value: unknown, cwd: string): string[] {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0) throw vmmProblem(where, 'is an empty list', 'list at least one .S file');
  return list.map((p, i) => {
    const file = vmFile(list.length > 1 ? `${where}[${i}]` : where, p, cwd, 'a .S guest kernel');
    if (!ASSEMBLY_EXTENSIONS.includes(path.extname(file))) {
      throw vmmProblem(where, `names ${file}, which is not an assembly source (.S, .s, .asm)`, 'give .S files here, or an ELF or raw image in "kernel"');
    }
    return file;
  });
}

function vmMemory(where: string, value: unknown): number {
  if (value === undefined) return DEFAULT_VM_MEMORY;
  const bytes = typeof value === 'number' ? value : typeof value === 'string' ? parseMemorySize(value.trim()) : undefined;
  if (bytes === undefined || !Number.isSafeInteger(bytes) || bytes < 4 << 20 || bytes % (2 << 20) !== 0) {
    throw vmmProblem(where, `must be a multiple of 2 MiB, at least 4 MiB, got ${describe(value)}`, `write a size such as "64M"`);
  }
  return bytes;
}

function resolveVm(value: unknown, index: number, cwd: string, names: Set<string>): ResolvedVm {
  const at = `vms[${index}]`;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw vmmProblem(at, `must be an object describing a VM, got ${describe(value)}`, `write it as { "program": "guest.S" }`);
  }
  const vm = value as VmLaunch & Record<string, unknown>;
  const unknown = Object.keys(vm).find((k) => !VM_KEYS.has(k));
  if (unknown) throw vmmProblem(at, `has "${unknown}", which a VM does not take`, `use ${[...VM_KEYS].map((k) => `"${k}"`).join(', ')}`);
  if ((vm.program === undefined) === (vm.kernel === undefined)) {
    throw vmmProblem(at, vm.program === undefined ? 'has neither "program" nor "kernel"' : 'has both "program" and "kernel"', 'give exactly one: "program" (.S files) or "kernel" (an ELF or raw image)');
  }
  const name = vm.name === undefined ? `vm${index}` : vm.name;
  if (typeof name !== 'string' || !/^[A-Za-z_][\w-]*$/.test(name)) throw vmmProblem(`${at}.name`, `must be a word (letters, digits, _ or -), got ${describe(name)}`, 'name it like "vm0" or "guest-a"');
  if (names.has(name)) throw vmmProblem(`${at}.name`, `"${name}" is the name of another VM`, 'give every VM its own name');
  names.add(name);
  const vcpus = vm.vcpus ?? 1;
  if (typeof vcpus !== 'number' || !Number.isInteger(vcpus) || vcpus < 1 || vcpus > MAX_VCPUS) {
    throw vmmProblem(`${at}.vcpus`, `must be a whole number from 1 to ${MAX_VCPUS}, got ${describe(vcpus)}`, `set it to the number of vCPUs`);
  }
  if (vm.append !== undefined && typeof vm.append !== 'string') throw vmmProblem(`${at}.append`, `must be text, got ${describe(vm.append)}`, 'write the kernel command line as a string');
  return {
    name,
    sources: vm.program === undefined ? [] : vmSources(`${at}.program`, vm.program, cwd),
    kernel: vm.kernel === undefined ? undefined : vmFile(`${at}.kernel`, vm.kernel, cwd, 'a kernel (ELF or raw image)'),
    initrd: vm.initrd === undefined ? undefined : vmFile(`${at}.initrd`, vm.initrd, cwd, 'an initial RAM disk'),
    append: vm.append,
    memory: vmMemory(`${at}.memory`, vm.memory),
    vcpus,
  };
}

function resolveVmm(args: LaunchArguments, cwd: string): ResolvedVmm {
  const v = args.vmm as unknown;
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new LaunchProblem('vmm', `must be an object, got ${describe(v)}`, `write it as ${VMM_EXAMPLE}`);
  const vmm = v as Record<string, unknown>;
  const unknown = Object.keys(vmm).find((k) => !['technique', 'harts', 'vms'].includes(k));
  if (unknown) throw new LaunchProblem('vmm', `has "${unknown}", which it does not take`, 'use "technique", "harts" and "vms"');
  const technique = vmm.technique ?? 'trap-and-emulate';
  if (!TECHNIQUES.includes(technique as 'trap-and-emulate')) {
    throw vmmProblem('technique', `is ${describe(technique)}, which this VMM does not implement`, `use ${TECHNIQUES.map((t) => `"${t}"`).join(', ')}`);
  }
  if (!Array.isArray(vmm.vms) || vmm.vms.length === 0) throw vmmProblem('vms', vmm.vms === undefined ? 'is missing' : `must be a non-empty list of VMs, got ${describe(vmm.vms)}`, `write ${VMM_EXAMPLE}`);
  for (const top of ['program', 'kernel', 'bios', 'initrd', 'append', 'drive', 'smp'] as const) {
    if (args[top] !== undefined) throw new LaunchProblem(top, 'is given as well as "vmm"; under the VMM each VM says what it runs', `remove "${top}" (put kernels in vmm.vms${top === 'smp' ? ', and harts in vmm.harts' : ''})`);
  }
  const names = new Set<string>();
  const vms = vmm.vms.map((vm, i) => resolveVm(vm, i, cwd, names));
  const vcpus = vms.reduce((n, vm) => n + vm.vcpus, 0);
  const harts = vmm.harts === undefined ? Math.min(vcpus, MAX_HARTS) : vmm.harts;
  if (typeof harts !== 'number' || !Number.isInteger(harts) || harts < 1 || harts > MAX_HARTS) {
    throw vmmProblem('harts', `must be a whole number from 1 to ${MAX_HARTS}, got ${describe(harts)}`, 'set it to the number of harts of the machine, or leave it out for one per vCPU');
  }
  return { technique: 'trap-and-emulate', harts, vms };
}

/** The machine's memory under the VMM: what was asked for, or every VM's RAM plus room for the VMM's own tables. */
function vmmMachineMemory(args: LaunchArguments, vmm: ResolvedVmm): number {
  if (args.memory !== undefined) return memory(args.memory);
  const need = vmm.vms.reduce((n, vm) => n + vm.memory, 0) + 64 * 1024 * 1024;
  const bytes = Math.max(DEFAULT_MEMORY, 2 ** Math.ceil(Math.log2(need)));
  if (memorySizeFix(bytes) !== undefined) throw vmmProblem('vms', `need ${need / (1 << 20)} MiB of machine memory, more than the machine can have`, `${memorySizeFix(bytes)}: give the VMs less memory`);
  return bytes;
}

function resolveUnderVmm(args: LaunchArguments, cwd: string): ResolvedLaunch {
  const vmm = resolveVmm(args, cwd);
  return {
    programs: [], programKind: 'none', smp: vmm.harts, memory: vmmMachineMemory(args, vmm),
    stopOnEntry: flag('stopOnEntry', args.stopOnEntry, true),
    maxInstructions: args.maxInstructions === undefined ? undefined
      : wholeNumber('maxInstructions', args.maxInstructions, 1, Number.MAX_SAFE_INTEGER, 'set "maxInstructions" to a positive whole number, or remove it to run without a limit'),
    cwd,
    includePaths: (args.includePaths === undefined ? [] : textList('includePaths', args.includePaths, 'folder paths')).map((d) => existingFolder('includePaths', d, cwd)),
    defines: defines(args.defines),
    console: guestConsole(args.console),
    noDebug: flag('noDebug', args.noDebug, false),
    vmm,
  };
}

function resolve(args: LaunchArguments, baseCwd: string): ResolvedLaunch {
  const cwd = args.cwd === undefined ? baseCwd : existingFolder('cwd', text('cwd', args.cwd, 'a folder path'), baseCwd);
  if (args.vmm !== undefined) return resolveUnderVmm(args, cwd);
  const bios = firmware(args.bios, cwd);
  const program = programs(args.program, cwd, bios !== undefined);
  const kernel = args.kernel === undefined ? undefined : existingFile('kernel', args.kernel, cwd, 'a kernel image');
  if (kernel !== undefined && program.files.length > 0) {
    throw new LaunchProblem('kernel', 'is given as well as "program"; only one of them can be the kernel', 'remove "program", or remove "kernel" and keep the kernel in "program"');
  }
  if (kernel === undefined && program.files.length === 0 && bios === undefined) {
    throw new LaunchProblem('program', 'is missing, and nothing else (no "kernel", no "bios") says what to run', 'set "program" to a .S file or an ELF file, for example "${file}"');
  }
  const initrd = args.initrd === undefined ? undefined : existingFile('initrd', args.initrd, cwd, 'an initial RAM disk');
  if (initrd !== undefined && bios === undefined) throw new LaunchProblem('initrd', 'needs firmware: the firmware hands it to the kernel through the device tree', 'set "bios" to a firmware such as OpenSBI\'s fw_dynamic.bin');
  const append = typeof args.append === 'string' || args.append === undefined ? args.append : text('append', args.append, 'a kernel command line');
  if (append !== undefined && bios === undefined) throw new LaunchProblem('append', 'needs firmware: the command line reaches the kernel in the device tree the firmware passes', 'set "bios" to a firmware such as OpenSBI\'s fw_dynamic.bin, or remove "append"');
  return {
    programs: program.files,
    programKind: program.kind,
    bios,
    kernel: kernel ?? (bios !== undefined ? program.files[0] : undefined),
    initrd,
    append,
    smp: args.smp === undefined ? 1 : wholeNumber('smp', args.smp, 1, MAX_HARTS, `set "smp" to the number of harts, 1 to ${MAX_HARTS}`),
    memory: memory(args.memory),
    drive: args.drive === undefined ? undefined : disk(args.drive, cwd),
    stopOnEntry: flag('stopOnEntry', args.stopOnEntry, true),
    maxInstructions: args.maxInstructions === undefined ? undefined
      : wholeNumber('maxInstructions', args.maxInstructions, 1, Number.MAX_SAFE_INTEGER, 'set "maxInstructions" to a positive whole number, or remove it to run without a limit'),
    cwd,
    includePaths: (args.includePaths === undefined ? [] : textList('includePaths', args.includePaths, 'folder paths')).map((d) => existingFolder('includePaths', d, cwd)),
    defines: defines(args.defines),
    console: guestConsole(args.console),
    noDebug: flag('noDebug', args.noDebug, false),
  };
}

/**
 * Checks every launch attribute that can be checked without starting the machine (types, ranges, that files exist
 * and are what they claim), resolving relative paths against `cwd` (the workspace folder) or the `cwd` attribute.
 */
export function validateLaunchArguments(args: LaunchArguments, cwd: string): LaunchValidation {
  try {
    return { ok: true, launch: resolve(args, cwd) };
  } catch (e) {
    if (e instanceof LaunchProblem) return { ok: false, error: e.message };
    throw e;
  }
}
