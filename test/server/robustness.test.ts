import * as assert from 'node:assert/strict';
import type { PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
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
