// What the debug configuration provider decides, kept free of `vscode` so unit tests can drive it: the
// configuration F5 makes for the open file when there is no launch.json, and the gaps it fills in a given one.
import * as os from 'node:os';
import * as path from 'node:path';
import { classifyProgram, validateLaunchArguments } from '../debug-adapter/launch-config';
import { DEBUG_TYPE, type LaunchArguments } from '../debug-adapter/protocol';

/** A launch configuration as VS Code hands it over: the launch attributes plus VS Code's own keys. */
export interface RingsideConfiguration extends LaunchArguments {
  type?: string;
  request?: string;
  name?: string;
  [key: string]: unknown;
}

/** A configuration with what VS Code requires of one to start it. */
export type CompleteConfiguration = RingsideConfiguration & { type: string; request: 'launch'; name: string };

/** A configuration to start, or the one message that says why none can be started. */
export type ConfigurationResult = { config: CompleteConfiguration } | { error: string };

const ADD_CONFIGURATION = 'add a launch configuration (Run > Add Configuration… > Ringside RISC-V)';

/** The configuration F5 starts for the active file when no launch.json names one. */
export function configurationForFile(file: string | undefined): ConfigurationResult {
  if (file === undefined) return { error: `Ringside: nothing to debug: open a RISC-V assembly file (.S) or an ELF file and press F5 again, or ${ADD_CONFIGURATION}.` };
  const name = path.basename(file);
  const base = { type: DEBUG_TYPE, request: 'launch' as const, name: `Debug ${name}`, stopOnEntry: true };
  switch (classifyProgram(file)) {
    // ${file} for sources, so the configuration reads as launch.json would write it; an ELF open in a binary
    // editor is named by its path, since ${file} follows the text editor.
    case 'assembly': return { config: { ...base, program: '${file}' } };
    case 'elf': return { config: { ...base, program: file } };
    case 'c': return { error: `Ringside: ${name} is a C source, and Ringside debugs the ELF built from it: compile it with riscv64-unknown-elf-gcc -g (see examples/build.sh), then open the ELF and press F5, or ${ADD_CONFIGURATION} with "program" set to the ELF.` };
    case 'missing': return { error: `Ringside: ${name} is not saved on disk: save it, then press F5 again.` };
    default: return { error: `Ringside: ${name} is neither a RISC-V assembly source (.S, .s, .asm) nor an ELF file: open one of those and press F5, or ${ADD_CONFIGURATION}.` };
  }
}

/**
 * The configuration VS Code will start, before variables are substituted: an empty one (F5 without launch.json)
 * becomes the active file's, and a given one gets its type, request, a name, the active file as the program when it
 * names nothing to run, and the workspace folder as cwd, so the adapter resolves paths as the editor did.
 */
export function completeConfiguration(config: RingsideConfiguration, activeFile: string | undefined, folder: string | undefined): ConfigurationResult {
  if (config.type === undefined && config.request === undefined && config.name === undefined) {
    const made = configurationForFile(activeFile);
    if ('error' in made) return made;
    config = { ...made.config, ...config }; // Ctrl+F5 without launch.json still says noDebug
  }
  if (config.request !== undefined && config.request !== 'launch') {
    return { error: `Ringside: "request": "${config.request}" is not supported: Ringside starts its own machine, so use "request": "launch".` };
  }
  const out: CompleteConfiguration = { ...config, type: DEBUG_TYPE, request: 'launch', name: config.name ?? 'Ringside' };
  if (out.program === undefined && out.kernel === undefined && out.bios === undefined) out.program = '${file}';
  if (out.cwd === undefined && folder !== undefined) out.cwd = folder;
  return { config: out };
}

/** The folder relative paths fall back to when neither "cwd" nor a workspace folder gives one. */
function fallbackFolder(config: RingsideConfiguration): string {
  const first = Array.isArray(config.program) ? config.program[0] : config.program ?? config.kernel;
  return typeof first === 'string' && path.isAbsolute(first) ? path.dirname(first) : os.homedir();
}

/** After substitution: the adapter's own checks, run before a session starts so the message comes without one. */
export function checkConfiguration(config: RingsideConfiguration, folder: string | undefined): string | undefined {
  const r = validateLaunchArguments(config, folder ?? fallbackFolder(config));
  return r.ok ? undefined : r.error;
}
