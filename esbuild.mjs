// Bundles the extension client, the language server and the CLI into dist/, and the web
// extension (vscode.dev, github.dev) into dist/web/: the same sources, other entry points.
import * as esbuild from 'esbuild';

const production = process.argv.includes('--production');

/** @type {esbuild.BuildOptions} */
const common = {
  bundle: true,
  platform: 'node',
  target: 'node18',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  // jsonc-parser's UMD build hides its modules from bundlers; its ESM build does not.
  mainFields: ['module', 'main'],
  logLevel: 'warning',
};

/** @type {esbuild.BuildOptions} */
const web = {
  ...common,
  platform: 'browser',
  target: 'es2022',
  mainFields: ['browser', 'module', 'main'],
};

await Promise.all([
  esbuild.build({ ...common, entryPoints: ['client/src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] }),
  esbuild.build({ ...common, entryPoints: ['server/src/main.ts'], outfile: 'dist/server.js' }),
  esbuild.build({ ...common, entryPoints: ['server/src/cli.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } }),
  // The browser bundles resolve each package's `browser` build and may pull in no Node
  // built-in: esbuild fails on one (test/unit/security.test.ts checks the output too).
  esbuild.build({ ...web, entryPoints: ['client/src/browser-extension.ts'], outfile: 'dist/web/extension.js', format: 'cjs', external: ['vscode'] }),
  esbuild.build({ ...web, entryPoints: ['server/src/browser-main.ts'], outfile: 'dist/web/server.js', format: 'iife' }),
]);
