import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { LspClient } from '../server/lsp-client';
import { ROOT } from './helpers';

const SANDBOX = join(ROOT, 'test', 'security', 'sandbox.js');

function sources(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** The built-in modules a bundle requires, without the `node:` prefix. */
function builtins(bundle: string): string[] {
  const text = readFileSync(join(ROOT, 'dist', bundle), 'utf8');
  return [...new Set([...text.matchAll(/require\("(?:node:)?([a-z_]+)"\)/g)].map((m) => m[1]).filter((m) => m !== 'vscode'))].sort();
}

function readLog(path: string): string[] {
  try {
    return readFileSync(path, 'utf8').split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

describe('security', function () {
  this.timeout(60_000);

  it('our sources evaluate no code, start no process, open no connection, and load nothing by a computed name', () => {
    const files = [...sources(join(ROOT, 'server', 'src')), ...sources(join(ROOT, 'client', 'src'))];
    assert.ok(files.length > 20);
    const forbidden: Array<[RegExp, string]> = [
      [/\beval\s*\(/, 'eval'],
      [/\bFunction\s*\(/, 'the Function constructor'],
      [/from '(?:node:)?(?:vm|child_process|http|https|http2|net|tls|dgram|dns|worker_threads)'/, 'a module that runs code or talks to the network'],
      [/require\s*\(\s*[^'"\s]/, 'require of a computed name'],
      [/import\s*\(\s*[^'"\s]/, 'import of a computed name'],
      [/\bfetch\s*\(|XMLHttpRequest|WebSocket/, 'a network request'],
    ];
    const found: string[] = [];
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      for (const [pattern, what] of forbidden) if (pattern.test(text)) found.push(`${relative(ROOT, file)}: ${what}`);
    }
    assert.deepEqual(found, []);
  });

  it('the bundles contain no eval or Function constructor, and require only the built-ins listed here', () => {
    for (const bundle of ['server.js', 'cli.js', 'extension.js', 'web/server.js', 'web/extension.js']) {
      const text = readFileSync(join(ROOT, 'dist', bundle), 'utf8');
      assert.doesNotMatch(text, /\beval\s*\(|new Function\s*\(|[^.\w]Function\s*\(\s*["'`]/, bundle);
    }
    assert.deepEqual(builtins('cli.js'), ['fs', 'path', 'url']);
    // vscode-languageserver brings child_process (Files.resolveGlobalNodePath, which this server
    // never calls) and vscode-jsonrpc brings net (the --socket and --pipe transports, to the
    // client on the same machine). The run below shows neither is used.
    assert.deepEqual(builtins('server.js'), ['child_process', 'crypto', 'fs', 'net', 'os', 'path', 'url', 'util']);
    // The client forks the bundled server (child_process) and talks to it over IPC.
    assert.deepEqual(builtins('extension.js'), ['child_process', 'crypto', 'fs', 'net', 'os', 'path', 'util']);
    // The web extension and its web worker server run where there is no Node at all.
    assert.deepEqual(builtins('web/extension.js'), []);
    assert.deepEqual(builtins('web/server.js'), []);
  });

  it('the CLI reads only the files it is given, writes none, starts no process and opens no connection', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sf-sandbox-'));
    try {
      const log = join(dir, 'log');
      writeFileSync(log, '');
      const corpus = join(ROOT, 'test', 'corpus', 'real');
      const run = spawnSync(process.execPath, ['--require', SANDBOX, join(ROOT, 'dist', 'cli.js'), '--format', 'json', corpus, join(ROOT, 'examples')], {
        encoding: 'utf8',
        env: { ...process.env, SF_SANDBOX_LOG: log },
        maxBuffer: 64 << 20,
      });
      assert.equal(run.status, 1, run.stderr); // the examples have errors
      assert.ok(JSON.parse(run.stdout).summary.templates > 100);
      const entries = readLog(log);
      assert.deepEqual(entries.filter((e) => !/^(READ|OPEN|LIST|REALPATH) /.test(e)), []);
      const allowed = [resolve(corpus), resolve(ROOT, 'examples'), resolve(ROOT, 'dist')];
      const outside = entries.map((e) => resolve(e.slice(e.indexOf(' ') + 1))).filter((path) => !allowed.some((folder) => path === folder || path.startsWith(folder + '/')));
      assert.deepEqual(outside, []);
      assert.ok(entries.length > 100, 'the reads were recorded');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the server reads no file, writes none, starts no process and opens no connection through a whole session', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sf-sandbox-'));
    const log = join(dir, 'log');
    writeFileSync(log, '');
    const client = new LspClient(['--require', SANDBOX], { ...process.env, SF_SANDBOX_LOG: log });
    try {
      await client.initialize({ textDocument: { diagnostic: {} }, workspace: { workspaceEdit: { documentChanges: true }, configuration: true } });
      client.connection.onRequest('workspace/configuration', () => [{ maxFileSizeMB: 5 }]);
      const corpus = join(ROOT, 'test', 'corpus', 'real');
      const names = readdirSync(corpus).filter((n) => n.endsWith('.json')).slice(0, 40);
      for (const name of names) {
        const uri = `file:///workspace/${name}`;
        await client.open(uri, readFileSync(join(corpus, name), 'utf8'));
        const report: { items: Array<{ range: unknown }> } = await client.connection.sendRequest('textDocument/diagnostic', { textDocument: { uri } });
        const range = { start: { line: 0, character: 0 }, end: { line: 100_000, character: 0 } };
        await client.connection.sendRequest('textDocument/codeAction', { textDocument: { uri }, range, context: { diagnostics: report.items, only: ['quickfix', 'source.fixAll'] } });
      }
      await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: {} });
    } finally {
      await client.dispose();
    }
    await new Promise<void>((done) => client.onExit(() => done()));
    const entries = readLog(log);
    rmSync(dir, { recursive: true, force: true });
    // Node reads the bundle itself (and its source map) through fs when it loads it.
    const server = resolve(ROOT, 'dist', 'server.js');
    assert.deepEqual(entries.filter((e) => !(e.startsWith('READ ') && resolve(e.slice(5)).startsWith(server))), []);
  });
});
