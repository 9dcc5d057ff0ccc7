import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Diagnostic, PublishDiagnosticsParams, WorkspaceDiagnosticReport, WorkspaceDocumentDiagnosticReport } from 'vscode-languageserver-protocol';
import { readExample, ROOT } from '../unit/helpers';
import { LspClient } from './lsp-client';

/**
 * `sfManagedIdentity.diagnostics.scope` = `workspace` over a copy of the real corpus (three
 * times, so a few hundred templates), with no file opened. What the server reports for each
 * file is compared with what the CLI reports for the same folder.
 */
const CORPUS = join(ROOT, 'test', 'corpus', 'real');
const COPIES = ['a', 'b', 'c'];
/** sf-force-restart-on at line 23 (1-based), and nothing else. */
const FORCE_RESTART = readExample('sf-force-restart-on.json');
const WORKSPACE_SCOPE = { sfManagedIdentity: { diagnostics: { scope: 'workspace' } }, files: { exclude: { '**/generated': true } } };
const PULL_CLIENT = {
  textDocument: { diagnostic: { dynamicRegistration: true } },
  workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true }, diagnostics: { refreshSupport: true }, didChangeWatchedFiles: { dynamicRegistration: true } },
  window: { workDoneProgress: true },
};
const PUSH_CLIENT = {
  textDocument: { publishDiagnostics: {} },
  workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true } },
  window: { workDoneProgress: true },
};

type Progress = { token: string | number; value: { kind: string; message?: string; percentage?: number } };

/** The client, with the progress and log messages it received. */
function startClient(): { client: LspClient; progress: Progress[]; logs: string[] } {
  const client = new LspClient();
  const progress: Progress[] = [];
  const logs: string[] = [];
  client.connection.onRequest('window/workDoneProgress/create', () => null);
  client.connection.onNotification('$/progress', (params: Progress) => progress.push(params));
  client.connection.onNotification('window/logMessage', (params: { message: string }) => logs.push(params.message));
  client.settings = { global: WORKSPACE_SCOPE, folders: {} };
  return { client, progress, logs };
}

/** URIs compared whatever their percent-encoding (the server encodes file names as encodeURIComponent does). */
const key = (uri: string) => decodeURIComponent(uri);
const summary = (diagnostics: Diagnostic[]) => diagnostics.map((d) => `${d.code}@${d.range.start.line + 1}`).sort();

function pullWorkspace(client: LspClient, previousResultIds: Array<{ uri: string; value: string }> = []): Promise<WorkspaceDiagnosticReport> {
  return client.connection.sendRequest<WorkspaceDiagnosticReport>('workspace/diagnostic', { previousResultIds });
}

function resultIds(items: WorkspaceDocumentDiagnosticReport[]): Array<{ uri: string; value: string }> {
  return items.filter((item) => item.resultId !== undefined).map((item) => ({ uri: item.uri, value: item.resultId! }));
}

function fileEvent(client: LspClient, uri: string, type: 1 | 2 | 3): Promise<void> {
  return client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri, type }] });
}

describe('workspace scope: the Problems panel covers unopened templates', function () {
  this.timeout(60_000);
  let root: string;
  let rootUri: string;
  /** What the CLI reports for each file of the workspace: URI → code@line. */
  const cli = new Map<string, string[]>();

  before(() => {
    root = mkdtempSync(join(tmpdir(), 'sf-ws-scope-'));
    for (const copy of COPIES) cpSync(CORPUS, join(root, copy), { recursive: true });
    mkdirSync(join(root, 'node_modules', 'pkg'), { recursive: true });
    writeFileSync(join(root, 'node_modules', 'pkg', 'template.json'), FORCE_RESTART);
    mkdirSync(join(root, 'a', 'generated'));
    writeFileSync(join(root, 'a', 'generated', 'template.json'), FORCE_RESTART);
    rootUri = pathToFileURL(root).toString();
    for (const copy of COPIES) {
      const run = spawnSync(process.execPath, [join(ROOT, 'dist', 'cli.js'), '--format', 'json', join(root, copy)], { encoding: 'utf8', maxBuffer: 64 << 20 });
      const report: { files: Array<{ path: string; findings: Array<{ code: string; start: { line: number } }> }> } = JSON.parse(run.stdout);
      // The CLI does not read files.exclude: the excluded folder is left out here.
      for (const file of report.files.filter((f) => !/[\\/]generated[\\/]/.test(f.path))) cli.set(key(pathToFileURL(file.path).toString()), file.findings.map((f) => `${f.code}@${f.start.line}`).sort());
    }
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  const inWorkspace = (name: string) => pathToFileURL(join(root, name)).toString();

  describe('pull (workspace/diagnostic), as VS Code does', () => {
    let client: LspClient;
    let progress: Progress[];
    let logs: string[];
    beforeEach(async () => {
      ({ client, progress, logs } = startClient());
      const result = await client.initialize(PULL_CLIENT, [{ uri: rootUri, name: 'ws' }]);
      // The per-document provider stays as it is; the workspace scope registers its own.
      assert.equal((result.capabilities.diagnosticProvider as { workspaceDiagnostics: boolean }).workspaceDiagnostics, false);
    });
    afterEach(() => client.dispose());

    it('reports every template of the folder, as the CLI does, with no file open; skips node_modules and files.exclude', async () => {
      const report = await pullWorkspace(client);
      const registered = client.registrations.find((r) => r.method === 'textDocument/diagnostic');
      assert.deepEqual(registered?.registerOptions, {
        documentSelector: [{ language: 'sf-managed-identity-workspace-only' }],
        identifier: 'sf-managed-identity-workspace',
        interFileDependencies: false,
        workspaceDiagnostics: true,
      });
      const full = report.items.filter((item): item is WorkspaceDocumentDiagnosticReport & { items: Diagnostic[] } => item.kind === 'full');
      assert.equal(full.length, report.items.length, 'the first pull has everything in full');
      const withFindings = full.filter((item) => item.items.length > 0);
      assert.ok(withFindings.length >= 3 * 70, `${withFindings.length} files with findings`);
      assert.equal(report.items.some((item) => /node_modules|generated/.test(item.uri)), false, 'node_modules and the excluded folder are left out');
      let compared = 0;
      for (const item of full) {
        const expected = cli.get(key(item.uri));
        if (expected === undefined) continue;
        assert.deepEqual(summary(item.items), expected, item.uri);
        compared++;
      }
      const cliWithFindings = [...cli.values()].filter((findings) => findings.length > 0).length;
      const serverSet = new Set(withFindings.map((item) => key(item.uri)));
      const cliSet = [...cli].filter(([, findings]) => findings.length > 0).map(([uri]) => uri);
      assert.deepEqual(cliSet.filter((uri) => !serverSet.has(uri)), [], 'every file the CLI reports on');
      assert.equal(withFindings.length, cliWithFindings, 'and no other');
      assert.ok(compared >= 3 * 100, `${compared} files compared`);
      // Work-done progress: begun and ended, with reports in between.
      const kinds = progress.map((p) => p.value.kind);
      assert.equal(kinds[0], 'begin');
      assert.equal(kinds.at(-1), 'end');
      assert.ok(kinds.includes('report'));
      assert.equal(logs.filter((line) => line.startsWith('Workspace scan:')).length, 1, logs.join('\n'));
    });

    it('holds a pull that has everything until a file changes, then reports it in full and the rest unchanged', async () => {
      const first = await pullWorkspace(client);
      const target = first.items.find((item) => item.kind === 'full' && item.items.length > 1)!;
      let answered = false;
      const second = pullWorkspace(client, resultIds(first.items)).then((report) => ((answered = true), report));
      await new Promise((resolve) => setTimeout(resolve, 500));
      assert.equal(answered, false, 'nothing changed: the request is held');
      const path = new URL(target.uri);
      const original = readFileSync(path, 'utf8');
      writeFileSync(path, FORCE_RESTART);
      await fileEvent(client, target.uri, 2);
      const report = await second;
      const changed = report.items.filter((item) => item.kind === 'full');
      assert.deepEqual(changed.map((item) => item.uri), [target.uri]);
      assert.deepEqual(summary((changed[0] as { items: Diagnostic[] }).items), ['sf-force-restart-on@23']);
      writeFileSync(path, original);
      assert.equal(report.items.filter((item) => item.kind === 'unchanged').length, first.items.length - 1);
    });

    it('clears a deleted file, and every workspace-only diagnostic when the scope goes back to openFiles', async () => {
      const first = await pullWorkspace(client);
      const target = first.items.find((item) => item.kind === 'full' && item.items.length > 0 && item.uri.includes('/c/'))!;
      unlinkSync(new URL(target.uri));
      const second = pullWorkspace(client, resultIds(first.items));
      await fileEvent(client, target.uri, 3);
      const afterDelete = await second;
      const cleared = afterDelete.items.find((item) => item.uri === target.uri);
      assert.deepEqual(cleared, { kind: 'full', uri: target.uri, version: null, items: [] });
      cpSync(join(CORPUS, decodeURIComponent(target.uri.substring(target.uri.lastIndexOf('/') + 1))), new URL(target.uri));

      const remaining = resultIds(afterDelete.items);
      const third = pullWorkspace(client, remaining);
      await client.changeSettings({ global: { sfManagedIdentity: {} }, folders: {} });
      const afterScope = await third;
      assert.equal(afterScope.items.length, remaining.length);
      assert.ok(afterScope.items.every((item) => item.kind === 'full' && item.items.length === 0 && item.resultId === undefined));
    });

    it('a file opened in an editor is cleared from the workspace report: its own diagnostics take over', async () => {
      const first = await pullWorkspace(client);
      const target = first.items.find((item) => item.kind === 'full' && item.items.length > 0)!;
      const held = pullWorkspace(client, resultIds(first.items));
      await client.open(target.uri, FORCE_RESTART);
      const report = await held;
      assert.deepEqual(report.items.filter((item) => item.kind === 'full'), [{ kind: 'full', uri: target.uri, version: null, items: [] }]);
      const open = await client.connection.sendRequest<{ items: Diagnostic[] }>('textDocument/diagnostic', { textDocument: { uri: target.uri } });
      assert.deepEqual(summary(open.items), ['sf-force-restart-on@23']);
    });

    it('a closed file keeps what its file on disk shows: a last document pull answers from the workspace', async () => {
      await pullWorkspace(client);
      const uri = inWorkspace('a/Azure-Samples__service-fabric-cluster-templates__5-VM-Windows-1-NodeTypes-Secure__AzureDeploy.json');
      const onDisk = cli.get(uri)!;
      assert.ok(onDisk.length > 0);
      await client.open(uri, FORCE_RESTART);
      const open = await client.connection.sendRequest<{ items: Diagnostic[] }>('textDocument/diagnostic', { textDocument: { uri } });
      assert.deepEqual(summary(open.items), ['sf-force-restart-on@23'], 'the unsaved text wins over the file on disk');
      await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
      const closed = await client.connection.sendRequest<{ items: Diagnostic[] }>('textDocument/diagnostic', { textDocument: { uri } });
      assert.deepEqual(summary(closed.items), onDisk);
    });
  });

  describe('pull, in Restricted Mode', () => {
    it('registers the workspace provider only once trust is granted, and then reports the workspace', async () => {
      const { client, logs } = startClient();
      try {
        await client.initialize(PULL_CLIENT, [{ uri: rootUri, name: 'ws' }], { workspaceTrusted: false });
        // An open document is analysed meanwhile: the server has read its settings by then.
        const probe = 'untitled:probe.json';
        await client.open(probe, FORCE_RESTART);
        await client.connection.sendRequest('textDocument/diagnostic', { textDocument: { uri: probe } });
        const workspaceProvider = () => client.registrations.find((r) => (r.registerOptions as { workspaceDiagnostics?: boolean } | undefined)?.workspaceDiagnostics === true);
        assert.equal(workspaceProvider(), undefined, 'no workspace provider in Restricted Mode');
        await client.connection.sendNotification('sfManagedIdentity/workspaceTrusted');
        for (let i = 0; i < 200 && workspaceProvider() === undefined; i++) await new Promise((resolve) => setTimeout(resolve, 25));
        assert.ok(workspaceProvider(), 'the workspace provider is registered once trust is granted');
        const report = await pullWorkspace(client);
        const reported = new Set(report.items.filter((item) => item.kind === 'full' && item.items.length > 0).map((item) => key(item.uri)));
        for (const [uri, findings] of cli) if (findings.length > 0) assert.ok(reported.has(uri), uri);
        assert.equal(logs.filter((line) => line.startsWith('Workspace scan:')).length, 1);
      } finally {
        await client.dispose();
      }
    });
  });

  describe('push (publishDiagnostics), for a client without pull', () => {
    let client: LspClient;
    let progress: Progress[];
    let logs: string[];
    beforeEach(() => {
      ({ client, progress, logs } = startClient());
    });
    afterEach(() => client.dispose());

    /** Resolves when every file the CLI reports findings for has been published with them. */
    async function allPublished(): Promise<void> {
      const wanted = new Set([...cli].filter(([, findings]) => findings.length > 0).map(([uri]) => uri));
      for (const p of client.published) if (p.diagnostics.length > 0) wanted.delete(key(p.uri));
      while (wanted.size > 0) {
        const p = await client.nextPublished();
        if (p.diagnostics.length > 0) wanted.delete(key(p.uri));
      }
    }

    it('publishes every template with findings, once, with no file open, as the CLI reports them', async () => {
      const published = allPublished();
      await client.initialize(PUSH_CLIENT, [{ uri: rootUri, name: 'ws' }]);
      await published;
      const byUri = new Map<string, PublishDiagnosticsParams[]>();
      for (const p of client.published) byUri.set(key(p.uri), [...(byUri.get(key(p.uri)) ?? []), p]);
      for (const [uri, findings] of cli) {
        if (findings.length === 0) continue;
        assert.equal(byUri.get(uri)?.length, 1, uri);
        assert.deepEqual(summary(byUri.get(uri)![0].diagnostics), findings, uri);
      }
      assert.equal([...byUri.keys()].some((uri) => /node_modules|generated/.test(uri)), false);
      assert.equal(progress.at(-1)?.value.kind, 'end');
      assert.equal(logs.filter((line) => line.startsWith('Workspace scan:')).length, 1);
    });

    it('a newer scan cancels one in progress: nothing of the old one is published, and it ends its progress', async () => {
      const published = allPublished();
      let superseded!: () => void;
      const analysing = new Promise<void>((resolve) => (superseded = resolve));
      // While the first scan analyses files, a file is created: a new scan supersedes it.
      client.connection.onNotification('$/progress', (params: Progress) => {
        progress.push(params);
        if (/^[1-9]\d*\/\d+ files$/.test(params.value.message ?? '')) superseded();
      });
      await client.initialize(PUSH_CLIENT, [{ uri: rootUri, name: 'ws' }]);
      await analysing;
      assert.equal(client.published.length, 0, 'nothing is published before a scan completes');
      writeFileSync(join(root, 'b', 'new-template.json'), FORCE_RESTART);
      const created = client.nextDiagnostics(inWorkspace('b/new-template.json'), (p) => p.diagnostics.length > 0);
      await fileEvent(client, inWorkspace('b/new-template.json'), 1);
      await published;
      assert.deepEqual(summary((await created).diagnostics), ['sf-force-restart-on@23']);
      const scans = logs.filter((line) => line.startsWith('Workspace scan:'));
      assert.equal(scans.length, 1, 'only the second scan completed');
      const tokens = new Set(progress.map((p) => p.token));
      assert.equal(tokens.size, 2, 'two scans, each with its progress');
      for (const token of tokens) assert.equal(progress.filter((p) => p.token === token).at(-1)?.value.kind, 'end', 'each progress ended');
      for (const [uri, findings] of cli) if (findings.length > 0) assert.equal(client.published.filter((p) => key(p.uri) === uri).length, 1, uri);
      unlinkSync(join(root, 'b', 'new-template.json'));
    });

    it('scans nothing in Restricted Mode, and the whole workspace once trust is granted', async () => {
      const published = allPublished();
      await client.initialize(PUSH_CLIENT, [{ uri: rootUri, name: 'ws' }], { workspaceTrusted: false });
      // An open document is analysed meanwhile: the server is working, and nothing else came.
      const probe = 'untitled:probe.json';
      const probed = client.nextDiagnostics(probe);
      await client.open(probe, FORCE_RESTART);
      await probed;
      assert.deepEqual(client.published.map((p) => p.uri), [probe]);
      assert.equal(logs.some((line) => line.startsWith('Workspace scan:')), false);
      await client.connection.sendNotification('sfManagedIdentity/workspaceTrusted');
      await published;
      assert.equal(logs.filter((line) => line.startsWith('Workspace scan:')).length, 1);
    });

    it('keeps up with files changed, created and deleted on disk, and clears all when the scope goes back to openFiles', async () => {
      const published = allPublished();
      await client.initialize(PUSH_CLIENT, [{ uri: rootUri, name: 'ws' }]);
      await published;
      const uri = inWorkspace('c/Azure-Samples__service-fabric-cluster-templates__5-VM-Windows-1-NodeTypes-Secure__AzureDeploy.json');
      const path = new URL(uri);
      const original = readFileSync(path, 'utf8');
      // Changed: replaced by a template with only forceRestart on.
      writeFileSync(path, FORCE_RESTART);
      const changed = client.nextDiagnostics(uri);
      await fileEvent(client, uri, 2);
      assert.deepEqual(summary((await changed).diagnostics), ['sf-force-restart-on@23']);
      // Created, in a new folder.
      mkdirSync(join(root, 'c', 'new'));
      writeFileSync(join(root, 'c', 'new', 't.jsonc'), FORCE_RESTART);
      const createdUri = inWorkspace('c/new/t.jsonc');
      const created = client.nextDiagnostics(createdUri);
      await fileEvent(client, createdUri, 1);

      assert.deepEqual(summary((await created).diagnostics), ['sf-force-restart-on@23']);
      // Deleted, as a folder (VS Code reports the folder only).
      rmSync(join(root, 'c', 'new'), { recursive: true });
      const deleted = client.nextDiagnostics(createdUri);
      await fileEvent(client, inWorkspace('c/new'), 3);
      assert.deepEqual((await deleted).diagnostics, []);
      writeFileSync(path, original);
      // Back to openFiles: every file that was published is cleared.
      const withFindings = [...new Set(client.published.filter((p) => p.diagnostics.length > 0 && p.uri !== createdUri).map((p) => p.uri))];
      const cleared = Promise.all(withFindings.map((u) => client.nextDiagnostics(u, (p) => p.diagnostics.length === 0)));
      await client.changeSettings({ global: {}, folders: {} });
      await cleared;
    });
  });
});
