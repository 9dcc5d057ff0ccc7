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

  it('the client starts the server and imports nothing from it', () => {
    for (const file of sources(join(ROOT, 'client', 'src'))) {
      // Its own modules (./manifest), and nothing of the server's.
      for (const name of imports(file)) assert.match(name, /^(vscode|vscode-languageclient\/node|\.\/[\w-]+)$/, `${file} imports ${name}`);
    }
  });

  it('the LSP glue never imports vscode', () => {
    for (const file of [...sources(join(ROOT, 'server', 'src', 'lsp')), join(ROOT, 'server', 'src', 'server.ts')]) {
      for (const name of imports(file)) assert.notEqual(name, 'vscode', file);
    }
  });
});
