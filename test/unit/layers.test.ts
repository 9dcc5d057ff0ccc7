import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './helpers';

function sources(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    return statSync(path).isDirectory() ? sources(path) : name.endsWith('.ts') ? [path] : [];
  });
}

function imports(file: string): string[] {
  return [...readFileSync(file, 'utf8').matchAll(/(?:from\s+|require\()\s*['"]([^'"]+)['"]/g)].map((m) => m[1]);
}

describe('layers', () => {
  it('the analysis imports no Node built-in, no editor and no LSP connection', () => {
    const allowed = /^(\.{1,2}\/|jsonc-parser$|saxes$|semver$|vscode-languageserver-textdocument$|vscode-languageserver-types$)/;
    const files = sources(join(ROOT, 'server', 'src', 'analysis'));
    assert.ok(files.length > 10);
    for (const file of files) {
      for (const name of imports(file)) assert.match(name, allowed, `${file} imports ${name}`);
      assert.doesNotMatch(readFileSync(file, 'utf8'), /\bprocess\.\w|\b__dirname\b|\bBuffer\b/, `${file} uses a Node global`);
    }
  });

  it('the server wiring imports no Node module and uses no Node global: only the entry points differ', () => {
    // main.ts (Node) and browser-main.ts (web worker) hand server.ts a HostAdapter; the rest is shared.
    const shared = [join(ROOT, 'server', 'src', 'server.ts'), join(ROOT, 'server', 'src', 'host-adapter.ts'), ...sources(join(ROOT, 'server', 'src', 'lsp'))];
    for (const file of shared) {
      for (const name of imports(file)) assert.match(name, /^(\.{1,2}\/|vscode-languageserver$|vscode-languageserver-textdocument$|vscode-languageserver-types$)/, `${file} imports ${name}`);
      assert.doesNotMatch(readFileSync(file, 'utf8'), /\bprocess\.\w|\b__dirname\b|\bBuffer\b|\bsetImmediate\b|\brequire\(/, `${file} uses a Node global`);
    }
  });

  it('the client starts the server and imports nothing from it; only its entry points choose Node or the browser', () => {
    const entryPoints: Record<string, RegExp> = {
      'extension.ts': /^(vscode|vscode-languageclient\/node|\.\/[\w-]+)$/,
      'browser-extension.ts': /^(vscode|vscode-languageclient\/browser|\.\/common)$/,
    };
    const files = sources(join(ROOT, 'client', 'src'));
    assert.ok(files.some((file) => file.endsWith('browser-extension.ts')));
    for (const file of files) {
      const allowed = entryPoints[file.slice(file.lastIndexOf('/') + 1)] ?? /^(vscode|vscode-languageclient|\.\/[\w-]+)$/;
      for (const name of imports(file)) assert.match(name, allowed, `${file} imports ${name}`);
    }
    assert.doesNotMatch(readFileSync(join(ROOT, 'client', 'src', 'common.ts'), 'utf8'), /\bprocess\.\w|\b__dirname\b|\bBuffer\b|\brequire\(/);
  });

  it('the LSP glue never imports vscode', () => {
    for (const file of [...sources(join(ROOT, 'server', 'src', 'lsp')), join(ROOT, 'server', 'src', 'server.ts')]) {
      for (const name of imports(file)) assert.notEqual(name, 'vscode', file);
    }
  });

  it('the browser bundles pull in no Node built-in and use no Node global unguarded', () => {
    // Built by `npm run build` (npm test builds first); they run in VS Code's web worker hosts.
    for (const bundle of ['extension.js', 'server.js']) {
      const text = readFileSync(join(ROOT, 'dist', 'web', bundle), 'utf8');
      const required = [...new Set([...text.matchAll(/\brequire\(\s*["'`]([^"'`]+)["'`]\s*\)/g)].map((m) => m[1]))];
      assert.deepEqual(required, bundle === 'extension.js' ? ['vscode'] : [], `dist/web/${bundle} requires ${required.join(', ')}`);
      // (vscode-jsonrpc's RAL has a setImmediate method, built on setTimeout in the browser.)
      assert.doesNotMatch(text, /(?<![.\w])(Buffer|__dirname|__filename)\b/, `dist/web/${bundle}`);
      // minimatch asks `typeof process === "object" && process && process.platform`; nothing else may touch it.
      const unguarded = [...text.matchAll(/\bprocess\.\w+/g)].filter((m) => !/typeof process === "object" && process && $/.test(text.slice(Math.max(0, m.index - 45), m.index)));
      assert.deepEqual(unguarded.map((m) => m[0]), [], `dist/web/${bundle}`);
    }
  });
});
