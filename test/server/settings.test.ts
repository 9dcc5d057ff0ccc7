import * as assert from 'node:assert/strict';
import type { CodeAction, Diagnostic } from 'vscode-languageserver-protocol';
import { readExample } from '../unit/helpers';
import { LspClient } from './lsp-client';

/** VS Code's capabilities for what this file tests: pull diagnostics with refresh, configuration, registration. */
const VSCODE_LIKE = {
  textDocument: { diagnostic: { dynamicRegistration: true } },
  workspace: {
    configuration: true,
    didChangeConfiguration: { dynamicRegistration: true },
    diagnostics: { refreshSupport: true },
  },
};
const PUSH_WITH_CONFIGURATION = { textDocument: { publishDiagnostics: {} }, workspace: { configuration: true } };
const PUSH_ONLY = { textDocument: { publishDiagnostics: {} } };

/** sf-mits-missing, escalated to Error: the template's application uses a managed identity. */
const MITS_MISSING = readExample('sf-mits-missing.json');
/** sf-force-restart-on at line 23 (0-based 22), Warning. */
const FORCE_RESTART = readExample('sf-force-restart-on.json');

const rules = (levels: Record<string, string>) => ({ global: { sfManagedIdentity: { rules: levels } }, folders: {} });

function summary(diagnostics: Diagnostic[]): string[] {
  return diagnostics.map((d) => `${d.code} ${d.severity} ${d.range.start.line}`);
}

async function pull(client: LspClient, uri: string): Promise<string[]> {
  const report = await client.connection.sendRequest<{ items: Diagnostic[] }>('textDocument/diagnostic', { textDocument: { uri } });
  return summary(report.items);
}

function actionsAt(client: LspClient, uri: string, line: number, character: number): Promise<CodeAction[]> {
  const range = { start: { line, character }, end: { line, character } };
  return client.connection.sendRequest('textDocument/codeAction', { textDocument: { uri }, range, context: { diagnostics: [] } });
}

describe('settings: sfManagedIdentity.rules in a VS Code-like client (pull, refresh)', () => {
  let client: LspClient;
  beforeEach(async () => {
    client = new LspClient();
    client.settings = rules({ 'sf-mits-missing': 'off' });
    await client.initialize(VSCODE_LIKE);
  });
  afterEach(() => client.dispose());

  it('reads the settings of each document, and registers for their changes', async () => {
    const uri = 'file:///work/mits.json';
    await client.open(uri, MITS_MISSING);
    assert.deepEqual(await pull(client, uri), [], 'the rule is off');
    assert.deepEqual(client.configurationRequests, [{ scopeUri: uri, section: 'sfManagedIdentity' }]);
    assert.deepEqual(
      client.registrations.map((r) => [r.method, r.registerOptions]),
      [['workspace/didChangeConfiguration', { section: 'sfManagedIdentity' }]],
    );
  });

  it('applies a change at once: asks the client to pull again, and the new level shows', async () => {
    const uri = 'file:///work/mits.json';
    await client.open(uri, MITS_MISSING);
    assert.deepEqual(await pull(client, uri), []);

    let refreshed = client.nextRefresh();
    await client.changeSettings(rules({ 'sf-mits-missing': 'info' }));
    await refreshed;
    assert.deepEqual(await pull(client, uri), ['sf-mits-missing 3 9'], 'Information replaces the escalated Error');

    refreshed = client.nextRefresh();
    await client.changeSettings(rules({}));
    await refreshed;
    assert.deepEqual(await pull(client, uri), ['sf-mits-missing 1 9'], 'without a level the rule escalates to Error again');
    assert.equal(client.refreshCount, 2);
  });

  it('reads the settings per document, so a folder can have its own levels', async () => {
    client.settings = {
      global: { sfManagedIdentity: { rules: {} } },
      folders: { 'file:///work/legacy/': { sfManagedIdentity: { rules: { 'sf-force-restart-on': 'off' } } } },
    };
    await client.open('file:///work/legacy/a.json', FORCE_RESTART);
    await client.open('file:///work/current/a.json', FORCE_RESTART);
    assert.deepEqual(await pull(client, 'file:///work/legacy/a.json'), []);
    assert.deepEqual(await pull(client, 'file:///work/current/a.json'), ['sf-force-restart-on 2 22']);
  });

  it('offers no quick fix for a rule that is off', async () => {
    const uri = 'file:///work/mits.json';
    await client.open(uri, MITS_MISSING);
    assert.deepEqual(await actionsAt(client, uri, 9, 16), [], 'sf-mits-missing is off');

    const refreshed = client.nextRefresh();
    await client.changeSettings(rules({}));
    await refreshed;
    assert.deepEqual((await actionsAt(client, uri, 9, 16)).map((a) => a.title), [
      'Enable the Managed Identity Token Service and restart every node',
      'Enable the Managed Identity Token Service',
      'Add an upgrade policy that restarts every node',
    ]);
  });
});

describe('settings: push clients', () => {
  let client: LspClient;
  afterEach(() => client.dispose());

  it('republishes with the new levels when the configuration changes', async () => {
    client = new LspClient();
    await client.initialize(PUSH_WITH_CONFIGURATION);
    const uri = 'file:///work/force.json';
    const first = client.nextDiagnostics(uri);
    await client.open(uri, FORCE_RESTART);
    assert.deepEqual(summary((await first).diagnostics), ['sf-force-restart-on 2 22']);

    const escalated = client.nextDiagnostics(uri);
    await client.changeSettings(rules({ 'sf-force-restart-on': 'error' }));
    assert.deepEqual(summary((await escalated).diagnostics), ['sf-force-restart-on 1 22']);

    const off = client.nextDiagnostics(uri);
    await client.changeSettings(rules({ 'sf-force-restart-on': 'off' }));
    assert.deepEqual((await off).diagnostics, []);
  });

  it('uses the defaults for a client without workspace/configuration, and the settings it sends', async () => {
    client = new LspClient();
    client.settings = rules({ 'sf-force-restart-on': 'off' });
    const result = await client.initialize(PUSH_ONLY);
    assert.equal(result.capabilities.codeActionProvider !== undefined, true);
    const uri = 'file:///work/force.json';
    const first = client.nextDiagnostics(uri);
    await client.open(uri, FORCE_RESTART);
    assert.deepEqual(summary((await first).diagnostics), ['sf-force-restart-on 2 22'], 'the defaults');
    assert.deepEqual(client.configurationRequests, [], 'a client without the capability is never asked');
    assert.deepEqual(client.registrations, []);

    const changed = client.nextDiagnostics(uri);
    await client.changeSettings(client.settings, { sfManagedIdentity: { rules: { 'sf-force-restart-on': 'info' } } });
    assert.deepEqual(summary((await changed).diagnostics), ['sf-force-restart-on 3 22']);
  });
});
