// The extension's debugger decisions without VS Code: the configuration F5 makes for the open file, what a given
// configuration is completed with, how the adapter is started, and the status bar's privilege model over a session.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { checkConfiguration, completeConfiguration, configurationForFile, type ConfigurationResult } from '../../extension/launch-defaults';
import { adapterMode, adapterProcess } from '../../extension/adapter-options';
import { PrivilegeStatusModel, privilegeStatusText, privilegeStatusTooltip } from '../../extension/privilege-status';
import { DEBUG_TYPE, EVENTS } from '../../extension/ids';
import * as protocol from '../../debug-adapter/protocol';
import type { PrivilegeEventBody } from '../../debug-adapter/protocol';
import { REPO_ROOT } from '../support/toolchain';

const HELLO_S = path.join(REPO_ROOT, 'examples/asm/hello.S');
const HELLO_ELF = path.join(REPO_ROOT, 'examples/hello-c/hello.elf');
const HELLO_C = path.join(REPO_ROOT, 'examples/hello-c/hello.c');

function config(r: ConfigurationResult) {
  assert.ok('config' in r, 'error' in r ? r.error : '');
  return r.config;
}

function error(r: ConfigurationResult): string {
  assert.ok('error' in r, `expected an error, got ${JSON.stringify(r)}`);
  return r.error;
}

describe('extension: F5 on the open file, without launch.json', () => {
  it('debugs an assembly source as ${file}, from its first instruction', () => {
    assert.deepEqual(config(configurationForFile(HELLO_S)), { type: DEBUG_TYPE, request: 'launch', name: 'Debug hello.S', stopOnEntry: true, program: '${file}' });
  });

  it('debugs an ELF (whatever its name) by its path, since ${file} follows text editors only', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringside-f5-'));
    try {
      const renamed = path.join(dir, 'kernel');
      fs.copyFileSync(HELLO_ELF, renamed);
      assert.equal(config(configurationForFile(HELLO_ELF)).program, HELLO_ELF);
      assert.equal(config(configurationForFile(renamed)).program, renamed);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('explains what to do for a C source, another file, an unsaved file, or no file', () => {
    assert.match(error(configurationForFile(HELLO_C)), /hello\.c is a C source.*riscv64-unknown-elf-gcc -g.*"program" set to the ELF/);
    assert.match(error(configurationForFile(path.join(REPO_ROOT, 'package.json'))), /package\.json is neither a RISC-V assembly source .* nor an ELF file/);
    assert.match(error(configurationForFile(path.join(REPO_ROOT, 'Untitled-1'))), /not saved on disk: save it/);
    assert.match(error(configurationForFile(undefined)), /nothing to debug: open a RISC-V assembly file .* Add Configuration/);
  });
});

describe('extension: completing a configuration before variables are substituted', () => {
  it('turns an empty configuration (F5, no launch.json) into the open file\'s, with the folder as cwd', () => {
    assert.deepEqual(config(completeConfiguration({}, HELLO_S, REPO_ROOT)),
      { type: DEBUG_TYPE, request: 'launch', name: 'Debug hello.S', stopOnEntry: true, program: '${file}', cwd: REPO_ROOT });
    assert.match(error(completeConfiguration({}, HELLO_C, REPO_ROOT)), /C source/);
    assert.equal(config(completeConfiguration({ noDebug: true }, HELLO_S, REPO_ROOT)).noDebug, true, 'Ctrl+F5 runs without debugging');
  });

  it('fills the program, name and request a hand-written configuration leaves out, and keeps the rest', () => {
    assert.deepEqual(config(completeConfiguration({ type: DEBUG_TYPE, smp: 2 }, HELLO_S, undefined)),
      { type: DEBUG_TYPE, request: 'launch', name: 'Ringside', smp: 2, program: '${file}' });
    const given = { type: DEBUG_TYPE, request: 'launch', name: 'Boot', bios: 'fw.bin', cwd: '/elsewhere' };
    assert.deepEqual(config(completeConfiguration(given, HELLO_S, REPO_ROOT)), given, 'bios alone is something to run; cwd is kept');
  });

  it('refuses attach, which Ringside has no use for', () => {
    assert.match(error(completeConfiguration({ type: DEBUG_TYPE, request: 'attach', name: 'x' }, HELLO_S, REPO_ROOT)), /"request": "attach" is not supported.*"request": "launch"/);
  });

  it('checks the substituted configuration with the adapter\'s validator, against the folder', () => {
    assert.equal(checkConfiguration({ program: 'examples/asm/hello.S' }, REPO_ROOT), undefined);
    assert.match(checkConfiguration({ program: 'examples/asm/hello.S', smp: 99 }, REPO_ROOT) ?? '', /^Ringside launch configuration: "smp"/);
  });

  it('without a folder, resolves relative paths beside an absolute program', () => {
    assert.equal(checkConfiguration({ program: HELLO_S, includePaths: ['.'] }, undefined), undefined);
    assert.match(checkConfiguration({ program: HELLO_S, includePaths: ['no-such-folder'] }, undefined) ?? '', new RegExp(`${path.dirname(HELLO_S)}/no-such-folder`));
  });
});

describe('extension: starting the adapter', () => {
  it('reads the ringside.debugAdapter setting, defaulting to a separate process', () => {
    assert.equal(adapterMode('inline'), 'inline');
    assert.equal(adapterMode('process'), 'process');
    assert.equal(adapterMode(undefined), 'process');
    assert.equal(adapterMode('Inline'), 'process');
  });

  it('runs dist/debugAdapter.js with the editor\'s executable as Node', () => {
    assert.deepEqual(adapterProcess('/ext', '/opt/code/code'), { command: '/opt/code/code', args: [path.join('/ext', 'dist/debugAdapter.js')], env: { ELECTRON_RUN_AS_NODE: '1' } });
  });
});

const event = (name: string, body?: unknown): DebugProtocol.Event => ({ seq: 1, type: 'event', event: name, body });
const request = (command: string): DebugProtocol.Request => ({ seq: 1, type: 'request', command });
const S_MODE: PrivilegeEventBody = { threadId: 1, mode: 'S', name: 'supervisor', ring: 'ring 0' };
const U_MODE: PrivilegeEventBody = { threadId: 2, mode: 'U', name: 'user', ring: 'ring 3' };

describe('extension: the privilege status model', () => {
  let model: PrivilegeStatusModel;
  let changes: string[];
  beforeEach(() => {
    changes = [];
    model = new PrivilegeStatusModel((id) => changes.push(id));
  });

  it('uses the ids the adapter sends, from one module', () => {
    assert.equal(EVENTS, protocol.EVENTS);
    assert.equal(DEBUG_TYPE, protocol.DEBUG_TYPE);
  });

  it('shows the mode, ring and name', () => {
    assert.equal(privilegeStatusText(S_MODE), '$(debug) S-mode · ring 0 · supervisor');
    assert.equal(privilegeStatusTooltip(U_MODE), 'Ringside: thread 2 stopped in user mode (U-mode, ring 3 in x86 terms)');
  });

  it('follows a session: stopped, stepped, stopped in another mode, continued, ended', () => {
    model.fromAdapter('a', event('stopped', { reason: 'entry', threadId: 1 }));
    model.fromAdapter('a', event(EVENTS.privilege, S_MODE));
    assert.deepEqual(model.privilegeOf('a'), S_MODE);
    model.toAdapter('a', request('next'));
    assert.equal(model.privilegeOf('a'), undefined, 'a step resumes without a continued event');
    model.fromAdapter('a', event(EVENTS.privilege, U_MODE));
    assert.deepEqual(model.privilegeOf('a'), U_MODE);
    model.toAdapter('a', request('stackTrace'));
    model.toAdapter('a', request('variables'));
    assert.deepEqual(model.privilegeOf('a'), U_MODE, 'inspecting a stopped session keeps the mode');
    model.fromAdapter('a', event('continued', { threadId: 2, allThreadsContinued: true }));
    assert.equal(model.privilegeOf('a'), undefined);
    model.fromAdapter('a', event(EVENTS.privilege, S_MODE));
    model.ended('a');
    assert.equal(model.privilegeOf('a'), undefined);
    assert.deepEqual(changes, ['a', 'a', 'a', 'a', 'a', 'a']);
  });

  it('keeps one model per session', () => {
    model.fromAdapter('a', event(EVENTS.privilege, S_MODE));
    model.fromAdapter('b', event(EVENTS.privilege, U_MODE));
    model.fromAdapter('a', event('terminated'));
    assert.equal(model.privilegeOf('a'), undefined);
    assert.deepEqual(model.privilegeOf('b'), U_MODE);
    model.fromAdapter('b', event('exited', { exitCode: 0 }));
    assert.equal(model.privilegeOf('b'), undefined);
    assert.equal(model.privilegeOf(undefined), undefined);
  });

  it('ignores other messages, malformed privilege bodies, and clearing what is already clear', () => {
    model.fromAdapter('a', event('output', { output: 'hi' }));
    model.fromAdapter('a', event(EVENTS.privilege, { threadId: 1, mode: 'H', name: 'hyper', ring: 'ring -1' }));
    model.fromAdapter('a', event(EVENTS.privilege, undefined));
    model.fromAdapter('a', { seq: 1, type: 'response', request_seq: 1, success: true, command: 'continue' } as DebugProtocol.Response);
    model.toAdapter('a', request('continue'));
    model.ended('a');
    assert.equal(model.privilegeOf('a'), undefined);
    assert.deepEqual(changes, []);
  });
});
