// Every id the extension shares with package.json and the other layers: languages, commands, views, requests.
// One module, so that a renamed id cannot leave a stale copy behind.

export const LANGUAGE_ID = 'riscv-asm';
export const LANGUAGE_CLIENT_ID = 'ringsideAsm';
export const LANGUAGE_CLIENT_NAME = 'Ringside RISC-V assembly';
