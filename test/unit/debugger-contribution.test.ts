// package.json's debugger contribution against its sources of truth: the LaunchArguments interface (read from
// protocol.ts with the TypeScript compiler), the launch validator's defaults and rules, ids.ts and the firmware table.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';
import { DEBUG_TYPE, GUEST_CONSOLES } from '../../debug-adapter/protocol';
import { validateLaunchArguments } from '../../debug-adapter/launch-config';
import { DEFAULT_MEMORY, MAX_HARTS, parseMemorySize } from '../../emulator/machine';
import { ADAPTER_MODES, COMMANDS, LANGUAGE_ID, SETTINGS, SETTINGS_SECTION } from '../../extension/ids';
import { FIRMWARE, REPO_ROOT } from '../support/toolchain';

interface Schema {
  type?: string | string[];
  description?: string;
  default?: unknown;
  examples?: unknown[];
  enum?: unknown[];
  enumDescriptions?: string[];
  items?: Schema;
  pattern?: string;
  minimum?: number;
  maximum?: number;
}

interface Debugger {
  type: string;
  label: string;
  languages: string[];
  configurationAttributes: { launch: { properties: Record<string, Schema>; required?: string[] } };
  initialConfigurations: Record<string, unknown>[];
  configurationSnippets: { label: string; description: string; body: Record<string, unknown> }[];
}

const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
const debuggers: Debugger[] = pkg.contributes.debuggers;
const properties = debuggers[0].configurationAttributes.launch.properties;

/** LaunchArguments' members with their declared types, from protocol.ts's syntax tree. */
function launchArgumentMembers(): { source: ts.SourceFile; members: ts.PropertySignature[] } {
  const file = path.join(REPO_ROOT, 'debug-adapter/protocol.ts');
  const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
  const decl = source.statements.find((s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === 'LaunchArguments');
  assert.ok(decl, 'protocol.ts declares no LaunchArguments interface');
  return { source, members: decl.members.filter(ts.isPropertySignature) };
}

/** The string literals of members typed as a union of them ('a' | 'b'): what their schema's enum must list. */
function launchArgumentEnums(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const m of launchArgumentMembers().members) {
    const t = m.type;
    const parts = t && ts.isUnionTypeNode(t) ? t.types : t ? [t] : [];
    const literals = parts.flatMap((p) => (ts.isLiteralTypeNode(p) && ts.isStringLiteral(p.literal) ? [p.literal.text] : []));
    if (literals.length > 0 && ts.isIdentifier(m.name)) out.set(m.name.text, literals);
  }
  return out;
}

/** LaunchArguments' members and the JSON types each may hold, from protocol.ts's syntax tree. */
function launchArgumentTypes(): Map<string, Set<string>> {
  const { source, members } = launchArgumentMembers();
  const jsonTypes = (t: ts.TypeNode): string[] => {
    if (ts.isUnionTypeNode(t)) return t.types.flatMap(jsonTypes);
    if (ts.isLiteralTypeNode(t) && ts.isStringLiteral(t.literal)) return ['string'];
    if (ts.isArrayTypeNode(t)) return ['array'];
    if (ts.isTypeReferenceNode(t)) return ['object']; // an interface of protocol.ts (vmm: VmmLaunch)
    switch (t.kind) {
      case ts.SyntaxKind.StringKeyword: return ['string'];
      case ts.SyntaxKind.NumberKeyword: return ['number'];
      case ts.SyntaxKind.BooleanKeyword: return ['boolean'];
      case ts.SyntaxKind.UnknownKeyword: return ['object', 'array', 'string', 'number', 'boolean', 'null'];
      default: throw new Error(`LaunchArguments uses a type this test cannot map to JSON: ${t.getText(source)}`);
    }
  };
  return new Map(members.map((m) => {
    assert.ok(m.type && ts.isIdentifier(m.name), `LaunchArguments member ${m.getText(source)} needs a name and a type`);
    return [m.name.text, new Set(jsonTypes(m.type))];
  }));
}

/** A schema's types with "integer" counted as the number TypeScript sees. */
const schemaTypes = (s: Schema): Set<string> => new Set((Array.isArray(s.type) ? s.type : [s.type ?? '']).map((t) => (t === 'integer' ? 'number' : t)));

function jsonType(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
}

/** Snippet bodies quote VS Code variables as ^"\${x}" and tab stops as ${1:x}; this is the value a user ends up with. */
const unsnippet = (v: unknown): unknown => (typeof v === 'string' ? v.replace(/^\^"(.*)"$/, '$1').replace(/\$\{\d+:([^}]*)\}/g, '$1').replace(/\\\$/g, '$') : v);

describe('package.json: the ringside debugger contribution', () => {
  it('documents exactly the attributes of LaunchArguments, in the same order', () => {
    assert.deepEqual(Object.keys(properties), [...launchArgumentTypes().keys()]);
  });

  for (const [name, types] of launchArgumentTypes()) {
    it(`"${name}" has a description, the interface's types, and defaults and examples of those types`, () => {
      const s = properties[name];
      assert.ok(s.description && s.description.length > 20, `"${name}" needs a description`);
      assert.deepEqual(schemaTypes(s), types);
      for (const v of [...(s.default === undefined ? [] : [s.default]), ...(s.examples ?? [])]) {
        assert.ok(types.has(jsonType(v)), `"${name}": ${JSON.stringify(v)} is not of type ${[...types].join(' | ')}`);
        if (Array.isArray(v) && s.items?.type) assert.ok(v.every((x) => jsonType(x) === s.items?.type), `"${name}": ${JSON.stringify(v)}`);
      }
    });
  }

  it('lists, for each attribute typed as a set of names, exactly those names, each described', () => {
    const enums = launchArgumentEnums();
    assert.ok(enums.has('console'), 'console is typed as its names');
    for (const [name, literals] of enums) {
      assert.deepEqual(properties[name].enum, literals, name);
      assert.equal(properties[name].enumDescriptions?.length, literals.length, `${name}: one enumDescription per value`);
    }
    assert.deepEqual(properties.console.enum, Object.keys(GUEST_CONSOLES));
    assert.deepEqual(properties.console.enumDescriptions, Object.values(GUEST_CONSOLES));
  });

  it('states the defaults the validator applies', () => {
    const r = validateLaunchArguments({ program: 'examples/asm/hello.S' }, REPO_ROOT);
    assert.ok(r.ok, r.ok ? '' : r.error);
    assert.equal(properties.stopOnEntry.default, r.launch.stopOnEntry);
    assert.equal(properties.noDebug.default, r.launch.noDebug);
    assert.equal(properties.console.default, r.launch.console);
    assert.equal(properties.smp.default, r.launch.smp);
    assert.equal(parseMemorySize(String(properties.memory.default)), DEFAULT_MEMORY);
    assert.equal(properties.bios.default, 'none');
    assert.equal(properties.smp.maximum, MAX_HARTS);
  });

  it('has a memory pattern that accepts exactly the sizes the machine parses', () => {
    const pattern = new RegExp(properties.memory.pattern ?? '');
    for (const size of ['128M', '1G', '64MiB', '512k', '4096', '1GB', '2g', 'lots', '1.5G', '128 M', '4T', '-1M', 'M', '']) {
      assert.equal(pattern.test(size), parseMemorySize(size) !== undefined, size);
    }
  });

  it('has a defines pattern that accepts exactly the definitions the validator accepts', () => {
    const pattern = new RegExp(properties.defines.items?.pattern ?? '');
    for (const d of ['DEBUG', 'A=1', '_x=', 'EQ=a=b', '1BAD', '=1', 'A B', 'a-b=1', '']) {
      assert.equal(pattern.test(d), validateLaunchArguments({ program: 'examples/asm/hello.S', defines: [d] }, REPO_ROOT).ok, d);
    }
  });

  it('is the ringside debug type, for assembly and C, with breakpoints in both', () => {
    assert.equal(debuggers.length, 1);
    assert.equal(debuggers[0].type, DEBUG_TYPE);
    assert.equal(debuggers[0].label, 'Ringside RISC-V');
    assert.deepEqual(debuggers[0].languages, [LANGUAGE_ID, 'c']);
    assert.deepEqual(pkg.contributes.breakpoints, [{ language: LANGUAGE_ID }, { language: 'c' }]);
  });

  it('activates when a ringside session is resolved or listed', () => {
    for (const e of [`onDebugResolve:${DEBUG_TYPE}`, `onDebugDynamicConfigurations:${DEBUG_TYPE}`, `onLanguage:${LANGUAGE_ID}`]) {
      assert.ok(pkg.activationEvents.includes(e), e);
    }
  });

  it('offers initial configurations and snippets that use only documented attributes', () => {
    const configs = [...debuggers[0].initialConfigurations, ...debuggers[0].configurationSnippets.map((s) => s.body)];
    for (const c of configs) {
      assert.equal(c.type, DEBUG_TYPE);
      assert.equal(c.request, 'launch');
      assert.equal(typeof c.name, 'string');
      for (const [key, value] of Object.entries(c)) {
        if (key === 'type' || key === 'request' || key === 'name') continue;
        assert.ok(key in properties, `undocumented attribute "${key}"`);
        assert.ok(schemaTypes(properties[key]).has(jsonType(unsnippet(value))), `"${key}": ${JSON.stringify(value)}`);
      }
    }
    assert.deepEqual(debuggers[0].configurationSnippets.map((s) => s.label), [
      'Ringside: assembly program (.S)', 'Ringside: ELF with DWARF (gcc -g)', 'Ringside: OpenSBI + Linux kernel + initrd', 'Ringside: U-Boot under OpenSBI',
    ]);
  });

  it('names in its snippets the firmware the tests boot (Debian\'s opensbi and u-boot-qemu)', () => {
    const [, , linux, uboot] = debuggers[0].configurationSnippets.map((s) => s.body);
    assert.equal(linux.bios, FIRMWARE.openSbiDynamic.path);
    assert.equal(uboot.bios, FIRMWARE.openSbiJump.path);
    assert.equal(uboot.kernel, FIRMWARE.uBootSmode.path);
  });

  it('runs the assembly snippet, once its tab stops are filled in, on an example program', () => {
    const body = Object.fromEntries(Object.entries(debuggers[0].configurationSnippets[0].body).map(([k, v]) => [k, unsnippet(v)]));
    const program = String(body.program).replace('${workspaceFolder}', REPO_ROOT).replace('hello.S', 'examples/asm/hello.S');
    const r = validateLaunchArguments({ ...body, program }, REPO_ROOT);
    assert.ok(r.ok, r.ok ? '' : r.error);
  });

  it('contributes the ringside.debugAdapter setting with the modes the extension understands', () => {
    const setting = pkg.contributes.configuration.properties[`${SETTINGS_SECTION}.${SETTINGS.debugAdapter}`];
    assert.deepEqual(setting.enum, [...ADAPTER_MODES]);
    assert.equal(setting.enumDescriptions.length, ADAPTER_MODES.length);
    assert.equal(setting.default, 'process');
    assert.ok(setting.description.length > 20);
  });
});

describe('package.json: the Run and Debug file commands', () => {
  it('contributes every command in ids.ts, and only those, with titles and menu entries for assembly files', () => {
    const commands: { command: string; title: string }[] = pkg.contributes.commands;
    assert.deepEqual(commands.map((c) => c.command), Object.values(COMMANDS));
    for (const c of commands) assert.ok(c.title.length > 0, c.command);
    const run: { command: string; when: string }[] = pkg.contributes.menus['editor/title/run'];
    assert.deepEqual(run.map((m) => m.command), Object.values(COMMANDS));
    for (const m of run) assert.match(m.when, new RegExp(`resourceLangId == ${LANGUAGE_ID}`));
  });
});
