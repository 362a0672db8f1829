// Build: bundles every entry point into dist/ with esbuild.
// One list of entries; new layers (adapter, extension, server, webviews) add a line here.
import { build } from 'esbuild';

const entries = [
  { in: 'cli/main.ts', out: 'cli' },
  { in: 'language-server/server.ts', out: 'languageServer' },
  { in: 'extension/extension.ts', out: 'extension' },
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
