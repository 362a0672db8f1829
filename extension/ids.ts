// Every id the extension shares with package.json and the other layers: languages, commands, views, requests.
// One module, so that a renamed id cannot leave a stale copy behind.

export const LANGUAGE_ID = 'riscv-asm';
export const LANGUAGE_CLIENT_ID = 'ringsideAsm';
export const LANGUAGE_CLIENT_NAME = 'Ringside RISC-V assembly';

// The debugger's ids are defined once, with their payload types, in the protocol module the adapter shares.
export { DEBUG_TYPE, EVENTS, REQUESTS } from '../debug-adapter/protocol';

/** The settings section and the settings in it (contributes.configuration in package.json). */
export const SETTINGS_SECTION = 'ringside';
export const SETTINGS = {
  /** "process" (default) or "inline": where the debug adapter runs. */
  debugAdapter: 'debugAdapter',
} as const;

/** Where the debug adapter runs, as the ringside.debugAdapter setting spells it. */
export const ADAPTER_MODES = ['process', 'inline'] as const;
export type AdapterMode = (typeof ADAPTER_MODES)[number];

/** The standalone adapter bundle (scripts/build.mjs), relative to the extension's folder. */
export const ADAPTER_BUNDLE = 'dist/debugAdapter.js';

/** Commands (contributes.commands; the editor title's run menu offers them on assembly files). */
export const COMMANDS = {
  /** Debug the file in the editor (or the one given as a Uri), stopping at its first instruction. */
  debugFile: 'ringside.debugFile',
  /** Run it without debugging, as Ctrl+F5 does. */
  runFile: 'ringside.runFile',
} as const;

/** The status-bar item that shows the stopped hart's privilege mode. */
export const PRIVILEGE_STATUS_ID = 'ringside.privilege';
