import * as assert from 'node:assert/strict';
import type { PublishDiagnosticsParams, TextEdit } from 'vscode-languageserver-protocol';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { LspClient } from './lsp-client';

const SCHEMA = 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#';
/** A cluster without the token service section: one sf-mits-missing warning. */
const CLUSTER = '{"type": "Microsoft.ServiceFabric/clusters", "apiVersion": "2021-06-01", "name": "c", "properties": {"fabricSettings": []}}';
const TEMPLATE = `{"$schema": "${SCHEMA}", "resources": [${CLUSTER}]}`;
const MB = 1024 * 1024;
const PUSH_ONLY = { textDocument: { publishDiagnostics: {} } };

const codes = (p: PublishDiagnosticsParams) => p.diagnostics.map((d) => d.code);

describe('language server: size limit (sfManagedIdentity.maxFileSizeMB)', function () {
  let client: LspClient;
  beforeEach(async () => {
    client = new LspClient();
    const result = await client.initialize(PUSH_ONLY);
    assert.deepEqual(result.capabilities.codeActionProvider, { codeActionKinds: ['quickfix', 'source.fixAll.sfManagedIdentity'] });
  });
  afterEach(() => client.dispose());

  it('gives a template over the default 10 MB one warning, without parsing it', async () => {
    const uri = 'file:///size/big.json';
    const first = client.nextDiagnostics(uri);
    await client.open(uri, TEMPLATE.slice(0, -1) + ' '.repeat(11 * MB) + '}');
    const refused = await first;
    assert.deepEqual(codes(refused), ['too-large']);
    assert.equal(refused.diagnostics[0].severity, 2);
    assert.match(refused.diagnostics[0].message, /11\.0 MB, more than the 10 MB limit \(sfManagedIdentity\.maxFileSizeMB\)/);
  });

  it('follows the setting as it changes, and falls back to the default for a value that is not a positive number', async () => {
    const uri = 'file:///size/one-megabyte.json';
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: { sfManagedIdentity: { maxFileSizeMB: 0.5 } } });
    const first = client.nextDiagnostics(uri);
    await client.open(uri, TEMPLATE.slice(0, -1) + ' '.repeat(MB) + '}');
    const refused = await first;
    assert.deepEqual(codes(refused), ['too-large']);
    assert.match(refused.diagnostics[0].message, /1\.0 MB, more than the 0\.5 MB limit/);

    const raised = client.nextDiagnostics(uri, (p) => p.diagnostics[0]?.code === 'sf-mits-missing');
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: { sfManagedIdentity: { maxFileSizeMB: 2 } } });
    assert.deepEqual(codes(await raised), ['sf-mits-missing']);

    const lowered = client.nextDiagnostics(uri, (p) => p.diagnostics[0]?.code === 'too-large');
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: { sfManagedIdentity: { maxFileSizeMB: 0.25 } } });
    assert.deepEqual(codes(await lowered), ['too-large']);

    const reset = client.nextDiagnostics(uri, (p) => p.diagnostics[0]?.code === 'sf-mits-missing');
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: { sfManagedIdentity: { maxFileSizeMB: 'twelve' } } });
    assert.deepEqual(codes(await reset), ['sf-mits-missing']);
  });

  it('skips a large JSON file that is not a template quietly', async () => {
    const uri = 'file:///size/data.json';
    const published = client.nextDiagnostics(uri);
    await client.open(uri, `[${'1,'.repeat(6 * MB)}1]`);
    assert.deepEqual((await published).diagnostics, []);
  });
});

const PULL = { textDocument: { diagnostic: {}, publishDiagnostics: {} }, workspace: { workspaceEdit: { documentChanges: true } } };

interface Report {
  items: Array<{ code: string; range: { start: { line: number; character: number }; end: { line: number; character: number } } }>;
}

function pull(client: LspClient, uri: string): Promise<Report> {
  return client.connection.sendRequest('textDocument/diagnostic', { textDocument: { uri } });
}

/** A template of about `megabytes` with the cluster, for analyses that take a while. */
function bigTemplate(megabytes: number): string {
  const filler = '{"type": "Microsoft.Storage/storageAccounts", "apiVersion": "2023-01-01", "name": "s", "properties": {"a": [1, 2, 3]}}';
  const count = Math.floor((megabytes * MB) / (filler.length + 1));
  return `{"$schema": "${SCHEMA}", "resources": [${Array(count).fill(filler).join(',')}, ${CLUSTER}]}`;
}

describe('language server: protocol robustness', function () {
  let client: LspClient;
  beforeEach(async () => {
    client = new LspClient();
    await client.initialize(PULL);
  });
  afterEach(() => client.dispose());

  it('answers requests and notifications for documents it was never given', async () => {
    const uri = 'file:///never/opened.json';
    assert.deepEqual(await pull(client, uri), { kind: 'full', items: [] });
    const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    assert.deepEqual(await client.connection.sendRequest('textDocument/codeAction', { textDocument: { uri }, range, context: { diagnostics: [], only: ['source.fixAll'] } }), []);
    await client.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: TEMPLATE }] });
    await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
    // Still answering, with the right findings for a document it was given.
    await client.open('file:///never/then-opened.json', TEMPLATE);
    assert.deepEqual((await pull(client, 'file:///never/then-opened.json')).items.map((d) => d.code), ['sf-mits-missing']);
    assert.equal(client.exitCode, null);
  });

  it('answers code action requests with positions past the end of the document', async () => {
    const uri = 'file:///past/end.json';
    await client.open(uri, TEMPLATE);
    const far = { line: 100_000, character: 100_000 };
    for (const range of [{ start: far, end: far }, { start: { line: 0, character: 0 }, end: far }, { start: { line: 0, character: 99_999 }, end: { line: 0, character: 99_999 } }]) {
      const diagnostics = [{ range, message: 'stale', source: 'sf-managed-identity', code: 'sf-mits-missing' }];
      const actions: Array<{ title: string }> = await client.connection.sendRequest('textDocument/codeAction', { textDocument: { uri }, range, context: { diagnostics } });
      assert.ok(Array.isArray(actions));
    }
    // The whole document (0:0 to far past its end) covers the finding: its fixes are offered.
    const actions: Array<{ title: string }> = await client.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: far },
      context: { diagnostics: [] },
    });
    assert.ok(actions.some((a) => a.title === 'Enable the Managed Identity Token Service and restart every node'));
  });

  it('analyses the text it holds when didChange versions arrive out of order or twice', async () => {
    const uri = 'file:///order/template.json';
    const typeAt = (text: string) => text.indexOf('"Microsoft.ServiceFabric/clusters"');
    const starts = async () => (await pull(client, uri)).items.map((d) => `${d.range.start.line}:${d.range.start.character}`);
    await client.open(uri, TEMPLATE, 5);
    assert.deepEqual(await starts(), [`0:${typeAt(TEMPLATE)}`]);
    const twice = ' '.repeat(50) + TEMPLATE; // the same version again, other text
    await client.replace(uri, twice, 5);
    assert.deepEqual(await starts(), [`0:${typeAt(twice)}`]);
    const older = ' '.repeat(20) + TEMPLATE; // an older version
    await client.replace(uri, older, 3);
    assert.deepEqual(await starts(), [`0:${typeAt(older)}`]);
    // The fix is computed against that text, and carries the version the server holds.
    const report = await pull(client, uri);
    const actions: Array<{ title: string; edit: { documentChanges: Array<{ textDocument: { version: number }; edits: TextEdit[] }> } }> =
      await client.connection.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: report.items[0].range, context: { diagnostics: report.items } });
    const enable = actions.find((a) => a.title === 'Enable the Managed Identity Token Service')!;
    assert.equal(enable.edit.documentChanges[0].textDocument.version, 3);
    const fixed = TextDocument.applyEdits(TextDocument.create(uri, 'json', 3, older), enable.edit.documentChanges[0].edits);
    assert.deepEqual(JSON.parse(fixed).resources[0].properties.fabricSettings, [
      { name: 'ManagedIdentityTokenService', parameters: [{ name: 'IsEnabled', value: 'true' }] },
    ]);
  });

  it('cancels pulls that are cancelled before their analysis starts, and answers the rest', async () => {
    const uris = Array.from({ length: 6 }, (_, i) => `file:///cancel/big-${i}.json`);
    const text = bigTemplate(3);
    for (const uri of uris) await client.open(uri, text);
    const { CancellationTokenSource } = await import('vscode-jsonrpc');
    const sources = uris.map(() => new CancellationTokenSource());
    const requests = uris.map((uri, i) =>
      client.connection.sendRequest('textDocument/diagnostic', { textDocument: { uri } }, sources[i].token).then(
        (report) => ({ answered: report as Report }),
        (error: { code?: number }) => ({ error }),
      ),
    );
    for (const source of sources) source.cancel();
    const outcomes = await Promise.all(requests);
    let cancelled = 0;
    for (const outcome of outcomes) {
      if ('error' in outcome) {
        assert.equal(outcome.error.code, -32800, 'RequestCancelled');
        cancelled++;
      } else {
        assert.deepEqual(outcome.answered.items.map((d) => d.code), ['sf-mits-missing']);
      }
    }
    console.log(`      (${cancelled} of ${outcomes.length} pulls cancelled)`);
    // The server keeps answering afterwards.
    assert.deepEqual((await pull(client, uris[0])).items.map((d) => d.code), ['sf-mits-missing']);
  });

  it('shuts down cleanly while an analysis is running', async () => {
    const uri = 'file:///shutdown/big.json';
    await client.open(uri, bigTemplate(5));
    const analysing = pull(client, uri).then(
      (report) => report.items.map((d) => d.code),
      () => 'no answer',
    );
    await client.connection.sendRequest('shutdown');
    const exited = new Promise<number | null>((resolve) => client.onExit(resolve));
    await client.connection.sendNotification('exit');
    assert.equal(await exited, 0, 'exit after shutdown exits with 0');
    const outcome = await analysing;
    assert.ok(outcome === 'no answer' || JSON.stringify(outcome) === JSON.stringify(['sf-mits-missing']), String(outcome));
    assert.doesNotMatch(client.stderr, /Error|Unhandled/);
  });
});

describe('language server: 200 documents open at once', function () {
  it('publishes the right diagnostics for each, and clears them on close', async () => {
    const client = new LspClient();
    try {
      await client.initialize(PUSH_ONLY);
      // Four kinds, by hand: no token service; token service with forceRestart on; a version
      // too low (Windows, literal); a managed cluster (nothing).
      const kinds: Array<[string, string[]]> = [
        [TEMPLATE, ['sf-mits-missing']],
        [
          `{"$schema": "${SCHEMA}", "resources": [{"type": "Microsoft.ServiceFabric/clusters", "name": "c", "properties": {"fabricSettings": [{"name": "ManagedIdentityTokenService", "parameters": [{"name": "IsEnabled", "value": "true"}]}], "upgradeDescription": {"forceRestart": true}}}]}`,
          ['sf-force-restart-on'],
        ],
        [
          `{"$schema": "${SCHEMA}", "resources": [{"type": "Microsoft.ServiceFabric/clusters", "name": "c", "properties": {"fabricSettings": [{"name": "ManagedIdentityTokenService", "parameters": [{"name": "IsEnabled", "value": "true"}]}], "upgradeMode": "Manual", "clusterCodeVersion": "6.4.617.9590"}}]}`,
          ['sf-version-too-low'],
        ],
        [`{"$schema": "${SCHEMA}", "resources": [{"type": "Microsoft.ServiceFabric/managedClusters", "name": "m", "properties": {}}]}`, []],
      ];
      const uris = Array.from({ length: 200 }, (_, i) => `file:///many/doc-${i}.json`);
      const published = uris.map((uri) => client.nextDiagnostics(uri));
      await Promise.all(uris.map((uri, i) => client.open(uri, kinds[i % 4][0])));
      const results = await Promise.all(published);
      results.forEach((p, i) => assert.deepEqual(p.diagnostics.map((d) => d.code), kinds[i % 4][1], uris[i]));

      const cleared = uris.map((uri) => client.nextDiagnostics(uri, (p) => p.diagnostics.length === 0));
      await Promise.all(uris.map((uri) => client.connection.sendNotification('textDocument/didClose', { textDocument: { uri } })));
      assert.equal((await Promise.all(cleared)).length, 200);
    } finally {
      await client.dispose();
    }
  });
});
