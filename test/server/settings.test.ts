import * as assert from 'node:assert/strict';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { CodeAction, Diagnostic, TextDocumentEdit, TextEdit } from 'vscode-languageserver-protocol';
import { readExample } from '../unit/helpers';
import { LspClient } from './lsp-client';

/** VS Code's capabilities for what this file tests: pull diagnostics with refresh, configuration, registration. */
const VSCODE_LIKE = {
  textDocument: { diagnostic: { dynamicRegistration: true } },
  workspace: {
    configuration: true,
    didChangeConfiguration: { dynamicRegistration: true },
    diagnostics: { refreshSupport: true },
    workspaceEdit: { documentChanges: true },
  },
};
const PUSH_WITH_CONFIGURATION = { textDocument: { publishDiagnostics: {} }, workspace: { configuration: true } };
const PUSH_ONLY = { textDocument: { publishDiagnostics: {} } };
const TURN_OFF_COMMAND = 'sfManagedIdentity.turnOffRule';

/** sf-mits-missing, escalated to Error: the template's application uses a managed identity. */
const MITS_MISSING = readExample('sf-mits-missing.json');
/** sf-version-too-low at line 19 (0-based 18), Error; the file has no comment. */
const VERSION_TOO_LOW = readExample('sf-version-too-low.json');
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
    await client.initialize(VSCODE_LIKE, null, { clientCommands: [TURN_OFF_COMMAND] });
  });
  afterEach(() => client.dispose());

  it('reads the settings of each document, and registers for their changes', async () => {
    const uri = 'file:///work/mits.json';
    await client.open(uri, MITS_MISSING);
    assert.deepEqual(await pull(client, uri), [], 'the rule is off');
    // Our own section once for the window (sfManagedIdentity.diagnostics.scope), ARM Tools'
    // parameter file mapping once for the workspace, our own section per document.
    assert.deepEqual(
      [...client.configurationRequests].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
      [{ scopeUri: uri, section: 'sfManagedIdentity' }, { section: 'azureResourceManagerTools' }, { section: 'sfManagedIdentity' }],
    );
    assert.deepEqual(
      client.registrations.map((r) => [r.method, r.registerOptions]),
      [['workspace/didChangeConfiguration', { section: ['azureResourceManagerTools', 'sfManagedIdentity', 'files.exclude'] }]],
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

  it('offers no action for a rule that is off, and both suppressions for one that is on', async () => {
    const uri = 'file:///work/mits.jsonc';
    await client.open(uri, MITS_MISSING, 1, 'jsonc');
    assert.deepEqual(await actionsAt(client, uri, 9, 16), [], 'sf-mits-missing is off');

    const refreshed = client.nextRefresh();
    await client.changeSettings(rules({}));
    await refreshed;
    const actions = await actionsAt(client, uri, 9, 16);
    assert.deepEqual(actions.map((a) => a.title), [
      'Enable the Managed Identity Token Service and restart every node',
      'Enable the Managed Identity Token Service',
      'Add an upgrade policy that restarts every node',
      'Disable sf-mits-missing for this line',
      'Turn off sf-mits-missing in settings',
    ]);
    const turnOff = actions[4];
    assert.equal(turnOff.kind, 'quickfix');
    assert.equal(turnOff.edit, undefined, 'the client changes the settings, not the document');
    assert.deepEqual(turnOff.command, { title: 'Turn off sf-mits-missing in settings', command: TURN_OFF_COMMAND, arguments: ['sf-mits-missing'] });
    assert.equal(turnOff.diagnostics?.[0].code, 'sf-mits-missing');
  });

  it('inserts the suppression comment with the line\'s indentation, then the finding is gone', async () => {
    const uri = 'file:///work/version.jsonc';
    await client.open(uri, VERSION_TOO_LOW, 4, 'jsonc');
    assert.deepEqual(await pull(client, uri), ['sf-version-too-low 1 18']);
    const disable = (await actionsAt(client, uri, 18, 40)).find((a) => a.title === 'Disable sf-version-too-low for this line');
    assert.ok(disable);
    const [change] = disable.edit!.documentChanges! as TextDocumentEdit[];
    assert.deepEqual(change.textDocument, { uri, version: 4 });
    assert.deepEqual(change.edits, [
      { range: { start: { line: 18, character: 0 }, end: { line: 18, character: 0 } }, newText: '                // sf-managed-identity-disable-next-line sf-version-too-low\n' },
    ]);
    const fixed = TextDocument.applyEdits(TextDocument.create(uri, 'jsonc', 4, VERSION_TOO_LOW), change.edits as TextEdit[]);
    assert.equal(
      fixed,
      VERSION_TOO_LOW.replace(
        '                "clusterCodeVersion"',
        '                // sf-managed-identity-disable-next-line sf-version-too-low\n                "clusterCodeVersion"',
      ),
    );
    await client.replace(uri, fixed, 5);
    assert.deepEqual(await pull(client, uri), []);
    assert.deepEqual(await actionsAt(client, uri, 19, 40), [], 'a suppressed finding has no actions');
  });

  it('does not offer the comment in a strict JSON document, only the setting', async () => {
    const uri = 'file:///work/version.json';
    await client.open(uri, VERSION_TOO_LOW, 1, 'json');
    const titles = (await actionsAt(client, uri, 18, 40)).map((a) => a.title);
    assert.ok(titles.includes('Turn off sf-version-too-low in settings'), titles.join(', '));
    assert.ok(!titles.some((title) => title.startsWith('Disable')), titles.join(', '));
  });

  it('offers the comment in a json document that already has comments', async () => {
    const uri = 'file:///work/force.json';
    await client.open(uri, FORCE_RESTART, 1, 'json');
    const titles = (await actionsAt(client, uri, 22, 12)).map((a) => a.title);
    assert.deepEqual(titles, ['Set forceRestart to false', 'Disable sf-force-restart-on for this line', 'Turn off sf-force-restart-on in settings']);
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

    const titles = (await actionsAt(client, uri, 22, 12)).map((a) => a.title);
    assert.deepEqual(titles, ['Set forceRestart to false', 'Disable sf-force-restart-on for this line'], 'no settings command for a client that did not announce it');

    const changed = client.nextDiagnostics(uri);
    await client.changeSettings(client.settings, { sfManagedIdentity: { rules: { 'sf-force-restart-on': 'info' } } });
    assert.deepEqual(summary((await changed).diagnostics), ['sf-force-restart-on 3 22']);
  });
});
