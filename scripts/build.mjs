// Build: bundles every entry point into dist/ with esbuild.
// One list of entries; new layers (adapter, extension, server, webviews) add a line here.
import { readdirSync } from 'node:fs';
import { build } from 'esbuild';

const entries = [
  { in: 'cli/main.ts', out: 'cli' },
  { in: 'language-server/server.ts', out: 'languageServer' },
  { in: 'extension/extension.ts', out: 'extension' },
  { in: 'debug-adapter/main.ts', out: 'debugAdapter' },
  // The guest's serial line in an integrated terminal: the adapter asks the client to run it (runInTerminal).
  { in: 'debug-adapter/console-relay.ts', out: 'consoleRelay' },
];

await build({
  entryPoints: entries,
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  external: ['vscode'],
  banner: { js: '#!/usr/bin/env node' },
  logLevel: 'warning',
});

// The e2e suite runs inside VS Code's extension host, which loads it from dist/e2e-suite/index.js (extensionTestsPath);
// each test file is its own bundle, and mocha is required at run time from node_modules. .vscodeignore leaves it out.
const suite = 'test/e2e/suite';
await build({
  entryPoints: readdirSync(suite).filter((f) => f === 'index.ts' || f.endsWith('.test.ts')).map((f) => `${suite}/${f}`),
  outdir: 'dist/e2e-suite',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  external: ['vscode', 'mocha'],
  logLevel: 'warning',
});
