import * as assert from 'node:assert/strict';
import type { CodeAction, Diagnostic } from 'vscode-languageserver-protocol';
import { readExample } from '../unit/helpers';
import { LspClient } from './lsp-client';

// sfManagedIdentity/baseline: the client hands the server a document's last committed version.

const FORCE_RESTART_ON = readExample('sf-force-restart-on.json');
const WITHOUT_SERVICE = FORCE_RESTART_ON.replace(/\n\s*"fabricSettings": \[\s*\{\s*"name": "ManagedIdentityTokenService",[\s\S]*?\n\s*\],/, '');
const FORCE_RESTART_OFF = FORCE_RESTART_ON.replace('"forceRestart": true', '"forceRestart": false');
const PULL = { textDocument: { diagnostic: { dynamicRegistration: false }, publishDiagnostics: {} }, workspace: { diagnostics: { refreshSupport: true } } };

const seen = (diagnostics: Diagnostic[]) => diagnostics.map((d) => `${d.code} ${d.severity} ${d.message.split(':')[0]}`);

describe('baseline notification (server)', function () {
  let client: LspClient;
  afterEach(() => client.dispose());

  it('push: each baseline changes the severity and message of the same open document, and null goes back to today', async () => {
    client = new LspClient();
    await client.initialize({ textDocument: { publishDiagnostics: {} } });
    const uri = 'file:///repo/cluster.json';
    const first = client.nextDiagnostics(uri);
    await client.open(uri, FORCE_RESTART_ON);
    assert.deepEqual(seen((await first).diagnostics), ['sf-force-restart-on 2 upgradeDescription.forceRestart is true, so every cluster upgrade restarts every node. It is needed once, for the upgrade that enables the Managed Identity Token Service. Roll it back to false once that upgrade has completed, or every later upgrade restarts every node too.']);

    let next = client.nextDiagnostics(uri);
    await client.connection.sendNotification('sfManagedIdentity/baseline', { uri, text: WITHOUT_SERVICE, ref: 'HEAD' });
    const firstStep = (await next).diagnostics;
    assert.deepEqual(firstStep.map((d) => [d.code, d.severity]), [['sf-force-restart-on', 3]]);
    assert.match(firstStep[0].message, /^First step: this change enables the Managed Identity Token Service, which is not enabled at HEAD, with upgradeDescription\.forceRestart true/);
    const actions: CodeAction[] = await client.connection.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: firstStep[0].range, context: { diagnostics: firstStep } });
    assert.ok(!actions.some((action) => action.title === 'Set forceRestart to false'), 'the first step has no fix');

    next = client.nextDiagnostics(uri);
    await client.connection.sendNotification('sfManagedIdentity/baseline', { uri, text: FORCE_RESTART_ON, ref: 'HEAD' });
    const leftOn = (await next).diagnostics;
    assert.deepEqual(leftOn.map((d) => [d.code, d.severity]), [['sf-force-restart-on', 2]]);
    assert.match(leftOn[0].message, /^forceRestart was left on: the Managed Identity Token Service was already enabled at HEAD/);

    next = client.nextDiagnostics(uri);
    await client.connection.sendNotification('sfManagedIdentity/baseline', { uri, text: null, ref: 'HEAD' });
    assert.deepEqual((await next).diagnostics, (await first).diagnostics);
  });

  it('push: a change that enables the service without forceRestart gets sf-force-restart-needed with its fix', async () => {
    client = new LspClient();
    await client.initialize({ textDocument: { publishDiagnostics: {} } });
    const uri = 'file:///repo/off.json';
    const first = client.nextDiagnostics(uri);
    await client.open(uri, FORCE_RESTART_OFF);
    assert.deepEqual((await first).diagnostics, []);
    const next = client.nextDiagnostics(uri);
    await client.connection.sendNotification('sfManagedIdentity/baseline', { uri, text: WITHOUT_SERVICE, ref: 'HEAD' });
    const { diagnostics } = await next;
    assert.deepEqual(diagnostics.map((d) => [d.code, d.severity, d.range.start.line]), [['sf-force-restart-needed', 2, 22]]);
    assert.match(diagnostics[0].codeDescription!.href, /docs\/rules\/sf-force-restart-needed\.md$/);
    const actions: CodeAction[] = await client.connection.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: diagnostics[0].range, context: { diagnostics } });
    const fix = actions.find((action) => action.title === 'Set forceRestart to true');
    assert.ok(fix, actions.map((action) => action.title).join(', '));
    const edits = fix.edit!.changes![uri];
    assert.deepEqual(edits.map((edit) => edit.newText), ['true']);
  });

  it('pull: a baseline asks the client to pull again, and the pull has the new advice', async () => {
    client = new LspClient();
    await client.initialize(PULL);
    const uri = 'file:///repo/pull.json';
    await client.open(uri, FORCE_RESTART_ON);
    const pull = async () => (await client.connection.sendRequest<{ items: Diagnostic[] }>('textDocument/diagnostic', { textDocument: { uri } })).items;
    assert.deepEqual((await pull()).map((d) => d.severity), [2]);
    const refreshed = client.nextRefresh();
    await client.connection.sendNotification('sfManagedIdentity/baseline', { uri, text: WITHOUT_SERVICE, ref: 'HEAD' });
    await refreshed;
    assert.deepEqual((await pull()).map((d) => [d.code, d.severity]), [['sf-force-restart-on', 3]]);
  });

  it('bad notifications are ignored and the server keeps answering', async () => {
    client = new LspClient();
    await client.initialize(PULL);
    const uri = 'file:///repo/bad.json';
    await client.open(uri, FORCE_RESTART_ON);
    for (const params of [null, 42, 'x', {}, { uri: 5, text: 'a' }, { uri, text: 7, ref: {} }, { uri, text: '{"not": "a template"}', ref: 3 }, [uri]]) {
      await client.connection.sendNotification('sfManagedIdentity/baseline', params);
    }
    const { items } = await client.connection.sendRequest<{ items: Diagnostic[] }>('textDocument/diagnostic', { textDocument: { uri } });
    assert.deepEqual(items.map((d) => [d.code, d.severity]), [['sf-force-restart-on', 2]]);
    assert.equal(client.exitCode, null);
    assert.doesNotMatch(client.stderr, /Error/);
  });
});
