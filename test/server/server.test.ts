import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { LSPErrorCodes, type CodeAction, type Diagnostic, type TextDocumentEdit, type TextEdit } from 'vscode-languageserver-protocol';
import { readExample, readFixture } from '../unit/helpers';
import { LspClient, RawServer } from './lsp-client';

const PUSH_ONLY = { textDocument: { publishDiagnostics: { relatedInformation: true } } };
const PULL_AND_VERSIONED = {
  textDocument: { diagnostic: { dynamicRegistration: false }, publishDiagnostics: { relatedInformation: true } },
  workspace: { workspaceEdit: { documentChanges: true } },
};

function summary(diagnostics: Diagnostic[]) {
  return diagnostics.map((d) => `${d.code} ${d.severity} ${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character}`);
}

function codeActions(client: LspClient, uri: string, diagnostics: Diagnostic[]): Promise<CodeAction[]> {
  return client.connection.sendRequest('textDocument/codeAction', {
    textDocument: { uri },
    range: diagnostics[0].range,
    context: { diagnostics },
  });
}

describe('language server over stdio (push diagnostics)', function () {
  let client: LspClient;
  beforeEach(async () => {
    client = new LspClient();
    const result = await client.initialize(PUSH_ONLY);
    assert.equal(result.capabilities.diagnosticProvider, undefined, 'a push-only client must not be offered pull diagnostics');
    assert.deepEqual(result.capabilities.textDocumentSync, { openClose: true, change: 2 });
  });
  afterEach(() => client.dispose());

  it('publishes the diagnostics of an opened template, with source, code, link and related information', async () => {
    const uri = 'file:///work/sf-mits-missing.json';
    const published = client.nextDiagnostics(uri);
    await client.open(uri, readExample('sf-mits-missing.json'));
    const { diagnostics } = await published;
    assert.deepEqual(summary(diagnostics), ['sf-mits-missing 1 9:14-9:48']);
    const [diagnostic] = diagnostics;
    assert.equal(diagnostic.source, 'sf-managed-identity');
    assert.match(diagnostic.codeDescription!.href, /\/docs\/rules\/sf-mits-missing\.md$/);
    assert.ok(existsSync(fileURLToPath(diagnostic.codeDescription!.href)), 'the rule page exists');
    assert.deepEqual(diagnostic.relatedInformation?.map((r) => [r.location.uri, r.location.range.start.line]), [[uri, 35]]);
  });

  it('fixes, then analyses again: the diagnostic goes away', async () => {
    const uri = 'file:///work/sf-force-restart-on.json';
    const text = readExample('sf-force-restart-on.json');
    const first = client.nextDiagnostics(uri);
    await client.open(uri, text);
    const { diagnostics } = await first;
    assert.deepEqual(summary(diagnostics), ['sf-force-restart-on 2 22:10-22:30']);

    const actions = await codeActions(client, uri, diagnostics);
    // The example already has a comment, so the suppression comment is offered after the fix.
    assert.deepEqual(actions.map((a) => [a.title, a.kind, a.isPreferred]), [
      ['Set forceRestart to false', 'quickfix', true],
      ['Disable sf-force-restart-on for this line', 'quickfix', undefined],
    ]);
    const edits = actions[0].edit!.changes![uri] as TextEdit[];
    const fixed = TextDocument.applyEdits(TextDocument.create(uri, 'json', 1, text), edits);
    assert.equal(fixed, readExample('sf-force-restart-on.fixed.json'));

    const second = client.nextDiagnostics(uri, (p) => p.version === 2);
    await client.replace(uri, fixed, 2);
    assert.deepEqual((await second).diagnostics, []);
  });

  it('counts positions in UTF-16 code units, like LSP', async () => {
    const uri = 'file:///work/crlf.json';
    const published = client.nextDiagnostics(uri);
    await client.open(uri, readFixture('crlf-tabs-comments.json'));
    // Line 12 is `\t\t\t"name": "é🚀", "type": "Microsoft.ServiceFabric/clusters", ...`: é is one unit, 🚀 two.
    assert.deepEqual(summary((await published).diagnostics), ['sf-mits-missing 2 11:26-11:60', 'sf-version-too-low 2 15:26-15:50']);
  });

  it('publishes nothing for JSON that is not an ARM template', async () => {
    const uri = 'file:///work/not-arm.json';
    const published = client.nextDiagnostics(uri);
    await client.open(uri, readFixture('not-arm.json'));
    assert.deepEqual((await published).diagnostics, []);
  });

  it('keeps answering after malformed JSON, and says where it is broken', async () => {
    const uri = 'file:///work/broken.json';
    const broken = client.nextDiagnostics(uri);
    await client.open(uri, readFixture('invalid.json'));
    const { diagnostics } = await broken;
    assert.deepEqual(summary(diagnostics), ['invalid-json 2 5:6-5:12']);
    assert.deepEqual(await codeActions(client, uri, diagnostics), []);

    const repaired = client.nextDiagnostics(uri, (p) => p.version === 2);
    await client.replace(uri, readExample('sf-mits-missing.json'), 2);
    assert.deepEqual(summary((await repaired).diagnostics), ['sf-mits-missing 1 9:14-9:48']);
    assert.equal(client.exitCode, null);
  });

  it('clears the diagnostics of a closed document', async () => {
    const uri = 'file:///work/closed.json';
    const opened = client.nextDiagnostics(uri);
    await client.open(uri, readExample('sf-mits-missing.json'));
    await opened;
    const cleared = client.nextDiagnostics(uri);
    await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
    assert.deepEqual((await cleared).diagnostics, []);
  });
});

describe('language server over stdio (pull diagnostics, versioned edits)', () => {
  let client: LspClient;
  beforeEach(async () => {
    client = new LspClient();
    const result = await client.initialize(PULL_AND_VERSIONED);
    assert.ok(result.capabilities.diagnosticProvider, 'a client that can pull is offered pull diagnostics');
  });
  afterEach(() => client.dispose());

  it('cancels a pull that a newer edit made stale, and answers the next pull from the newest text', async () => {
    // As VS Code does on typing: a pull is in flight, an edit arrives, the old pull is
    // cancelled and a new one is sent. The four messages reach the server in one write, so
    // that the order the server sees them in is certain.
    const server = new RawServer();
    try {
      await server.request('initialize', { processId: process.pid, rootUri: null, capabilities: PULL_AND_VERSIONED });
      const uri = 'file:///work/stale.json';
      server.send([
        { method: 'initialized', params: {} },
        { method: 'textDocument/didOpen', params: { textDocument: { uri, languageId: 'json', version: 1, text: readExample('sf-force-restart-on.json') } } },
      ]);
      server.send([
        { id: 'stale', method: 'textDocument/diagnostic', params: { textDocument: { uri } } },
        { method: 'textDocument/didChange', params: { textDocument: { uri, version: 2 }, contentChanges: [{ text: readExample('sf-force-restart-on.fixed.json') }] } },
        { method: '$/cancelRequest', params: { id: 'stale' } },
        { id: 'fresh', method: 'textDocument/diagnostic', params: { textDocument: { uri } } },
      ]);
      const stale = await server.response('stale');
      assert.equal(stale.error?.code, LSPErrorCodes.RequestCancelled, JSON.stringify(stale));
      // The fixed text has no finding; the original had one.
      assert.deepEqual((await server.response('fresh')).result, { kind: 'full', items: [] });
    } finally {
      server.kill();
    }
  });

  it('answers textDocument/diagnostic and returns versioned edits', async () => {
    const uri = 'file:///work/sf-version-too-low.json';
    const text = readExample('sf-version-too-low.json');
    await client.open(uri, text, 7);
    const report = await client.connection.sendRequest<{ kind: string; items: Diagnostic[] }>('textDocument/diagnostic', { textDocument: { uri } });
    assert.equal(report.kind, 'full');
    assert.deepEqual(summary(report.items), ['sf-version-too-low 1 18:38-18:74']);
    assert.match(report.items[0].message, /ParameterNotAllowed/);
    assert.equal(client.published.length, 0, 'a pull client gets no pushed diagnostics');

    const [action] = await codeActions(client, uri, report.items);
    assert.equal(action.title, 'Raise clusterCodeVersion to 6.5.658.9590');
    const [change] = action.edit!.documentChanges! as TextDocumentEdit[];
    assert.deepEqual(change.textDocument, { uri, version: 7 });
    // The version lives in the parameter default, so that is where the edit goes.
    assert.deepEqual(change.edits.map((e) => [e.range.start.line, e.newText]), [[6, '"6.5.658.9590"']]);
    const fixed = TextDocument.applyEdits(TextDocument.create(uri, 'json', 7, text), change.edits);
    assert.equal(fixed, readExample('sf-version-too-low.fixed.json'));

    await client.replace(uri, fixed, 8);
    const after = await client.connection.sendRequest<{ items: Diagnostic[] }>('textDocument/diagnostic', { textDocument: { uri } });
    assert.deepEqual(after.items, []);
  });

  it('offers no fix that would overwrite an expression', async () => {
    const uri = 'file:///work/computed.json';
    const text = [
      '{',
      '  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",',
      '  "resources": [',
      '    {',
      '      "type": "Microsoft.ServiceFabric/clusters",',
      '      "name": "c1",',
      '      "properties": {',
      '        "fabricSettings": [{ "name": "ManagedIdentityTokenService", "parameters": [{ "name": "IsEnabled", "value": "true" }] }],',
      '        "upgradeDescription": { "forceRestart": "[not(false())]" }',
      '      }',
      '    }',
      '  ]',
      '}',
    ].join('\n');
    await client.open(uri, text);
    const report = await client.connection.sendRequest<{ items: Diagnostic[] }>('textDocument/diagnostic', { textDocument: { uri } });
    assert.deepEqual(summary(report.items), ['sf-force-restart-on 2 8:32-8:64']);
    assert.match(report.items[0].message, /computed by an expression, so there is no quick fix/);
    assert.deepEqual(await codeActions(client, uri, report.items), []);
  });

  it('offers the combined fix first, as the preferred action', async () => {
    const uri = 'file:///work/sf-mits-missing.json';
    await client.open(uri, readExample('sf-mits-missing.json'));
    const report = await client.connection.sendRequest<{ items: Diagnostic[] }>('textDocument/diagnostic', { textDocument: { uri } });
    const actions = await codeActions(client, uri, report.items);
    assert.deepEqual(actions.map((a) => [a.title, a.isPreferred]), [
      ['Enable the Managed Identity Token Service and restart every node', true],
      ['Enable the Managed Identity Token Service', false],
      ['Add an upgrade policy that restarts every node', false],
      ['Disable sf-mits-missing for this line', undefined],
    ]);
  });

  it('offers the fixes of a finding under the cursor even before the client shows its diagnostic', async () => {
    const uri = 'file:///work/cursor.json';
    await client.open(uri, readExample('sf-force-restart-on.json'));
    const at = (line: number, character: number) => ({ start: { line, character }, end: { line, character } });
    const request = (range: ReturnType<typeof at>) =>
      client.connection.sendRequest<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range, context: { diagnostics: [] } });
    const [action] = await request(at(22, 15));
    assert.equal(action.title, 'Set forceRestart to false');
    assert.equal(action.diagnostics?.[0].code, 'sf-force-restart-on');
    assert.deepEqual(await request(at(21, 0)), [], 'nothing on a line without a finding');
  });

  it('answers requests for documents it was never given', async () => {
    const uri = 'file:///work/never-opened.json';
    const report = await client.connection.sendRequest<{ items: Diagnostic[] }>('textDocument/diagnostic', { textDocument: { uri } });
    assert.deepEqual(report.items, []);
    const actions = await client.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      context: { diagnostics: [] },
    });
    assert.deepEqual(actions, []);
  });
});

describe('language server over stdio: a template and its parameter file', () => {
  let client: LspClient;
  let workspace: string;
  const template = readFixture('parameter-files/azuredeploy.json');
  const parameters = readFixture('parameter-files/azuredeploy.parameters.json');
  let templateUri: string;
  let parametersUri: string;

  beforeEach(async () => {
    workspace = mkdtempSync(join(tmpdir(), 'sf-mi-ws-'));
    templateUri = pathToFileURL(join(workspace, 'azuredeploy.json')).toString();
    parametersUri = pathToFileURL(join(workspace, 'azuredeploy.parameters.json')).toString();
    client = new LspClient();
    await client.initialize(PUSH_ONLY, [{ uri: pathToFileURL(workspace).toString(), name: 'ws' }]);
  });
  afterEach(async () => {
    await client.dispose();
    rmSync(workspace, { recursive: true, force: true });
  });

  it('hovers on clusterCodeVersion with the value from the parameter file on disk, and names that file', async () => {
    writeFileSync(join(workspace, 'azuredeploy.parameters.json'), parameters);
    await client.open(templateUri, template);
    const offset = template.indexOf('"clusterCodeVersion": "[') + 1;
    const position = TextDocument.create(templateUri, 'json', 1, template).positionAt(offset);
    const hover = await client.connection.sendRequest<{ contents: { value: string } }>('textDocument/hover', { textDocument: { uri: templateUri }, position });
    assert.match(hover.contents.value, /- clusterCodeVersion: `6\.5\.641\.9590`, from the value of parameter `clusterCodeVersion` in the parameter file `azuredeploy\.parameters\.json`/);
    assert.match(hover.contents.value, /\*\*not supported\*\*/);
  });

  it('two open documents: the parameter file gets the fixable diagnostics, the template refreshes when it changes', async () => {
    const templateAlone = client.nextDiagnostics(templateUri);
    await client.open(templateUri, template);
    assert.deepEqual((await templateAlone).diagnostics, [], 'with its defaults the template is fine');

    const templatePaired = client.nextDiagnostics(templateUri, (p) => p.diagnostics.length > 0);
    const parameterDiagnostics = client.nextDiagnostics(parametersUri);
    await client.open(parametersUri, parameters);
    assert.deepEqual(summary((await templatePaired).diagnostics), ['sf-version-too-low 1 17:30-17:66', 'sf-force-restart-on 2 20:10-20:56']);
    const inParameters = (await parameterDiagnostics).diagnostics;
    assert.deepEqual(summary(inParameters), ['sf-version-too-low 1 5:37-5:51', 'sf-force-restart-on 2 7:15-7:19']);
    assert.deepEqual(
      inParameters[0].relatedInformation?.map((r) => [r.location.uri, r.location.range.start.line, r.location.range.start.character]),
      [[templateUri, 17, 30]],
    );

    const actions = await codeActions(client, parametersUri, [inParameters[0]]);
    // The fix, and a suppression comment for the parameter file's line (suppressions apply there too).
    assert.deepEqual(actions.map((a) => a.title), ['Raise clusterCodeVersion to 6.5.658.9590', 'Disable sf-version-too-low for this line']);
    const fixed = TextDocument.applyEdits(TextDocument.create(parametersUri, 'json', 1, parameters), actions[0].edit!.changes![parametersUri] as TextEdit[]);
    assert.equal(fixed, parameters.replace('"6.5.641.9590"', '"6.5.658.9590"'));

    // Fixing the parameter file takes the version diagnostic off the template too.
    const templateAfter = client.nextDiagnostics(templateUri, (p) => p.diagnostics.length === 1);
    await client.replace(parametersUri, fixed, 2);
    assert.deepEqual(summary((await templateAfter).diagnostics), ['sf-force-restart-on 2 20:10-20:56']);

    // And the other way: the template stops using the parameter, and the parameter file's warning goes.
    const parametersAfter = client.nextDiagnostics(parametersUri, (p) => p.diagnostics.length === 0);
    await client.replace(templateUri, template.replace(`"forceRestart": "[parameters('forceRestart')]"`, '"forceRestart": false'), 2);
    assert.deepEqual((await parametersAfter).diagnostics, []);
  });

  it('a parameter file only on disk: the template says so and points into it', async () => {
    writeFileSync(join(workspace, 'azuredeploy.json'), template);
    writeFileSync(join(workspace, 'azuredeploy.parameters.json'), parameters);
    const published = client.nextDiagnostics(templateUri);
    await client.open(templateUri, template);
    const { diagnostics } = await published;
    assert.deepEqual(summary(diagnostics), ['sf-version-too-low 1 17:30-17:66', 'sf-force-restart-on 2 20:10-20:56']);
    assert.match(diagnostics[0].message, /comes from the value in the parameter file azuredeploy\.parameters\.json/);
    assert.deepEqual(
      diagnostics[0].relatedInformation?.map((r) => [r.location.uri, r.location.range.start.line, r.location.range.start.character, r.location.range.end.character]),
      [[parametersUri, 5, 37, 51]],
    );
    // Fixes that would edit the parameter file are not offered in the template.
    assert.deepEqual(await codeActions(client, templateUri, [diagnostics[0]]), []);
  });

  it('a parameter file outside the workspace folder is not read', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'sf-mi-outside-'));
    try {
      writeFileSync(join(outside, 'azuredeploy.parameters.json'), parameters);
      symlinkSync(join(outside, 'azuredeploy.parameters.json'), join(workspace, 'azuredeploy.parameters.json'));
      const published = client.nextDiagnostics(templateUri);
      await client.open(templateUri, template);
      assert.deepEqual((await published).diagnostics, []);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('a pull client is asked to refresh when the parameter file changes, and then pulls the new result', async () => {
    await client.dispose();
    client = new LspClient();
    const capabilities = { ...PULL_AND_VERSIONED, workspace: { ...PULL_AND_VERSIONED.workspace, diagnostics: { refreshSupport: true } } };
    const result = await client.initialize(capabilities, [{ uri: pathToFileURL(workspace).toString(), name: 'ws' }]);
    assert.equal((result.capabilities.diagnosticProvider as { interFileDependencies: boolean }).interFileDependencies, true);
    let refreshed!: () => void;
    const refresh = new Promise<void>((resolve) => (refreshed = resolve));
    client.connection.onRequest('workspace/diagnostic/refresh', () => {
      refreshed();
      return null;
    });
    const pull = async (uri: string) =>
      summary((await client.connection.sendRequest<{ items: Diagnostic[] }>('textDocument/diagnostic', { textDocument: { uri } })).items);

    await client.open(templateUri, template);
    await client.open(parametersUri, parameters);
    assert.deepEqual(await pull(templateUri), ['sf-version-too-low 1 17:30-17:66', 'sf-force-restart-on 2 20:10-20:56']);
    await client.replace(parametersUri, parameters.replace('"value": true', '"value": false'), 2);
    await refresh;
    assert.deepEqual(await pull(templateUri), ['sf-version-too-low 1 17:30-17:66']);
  });

  it('reads the azureResourceManagerTools.parameterFiles mapping through workspace/configuration', async () => {
    await client.dispose();
    client = new LspClient();
    writeFileSync(join(workspace, 'azuredeploy.json'), template);
    writeFileSync(join(workspace, 'prod.json'), parameters.replace('"6.5.641.9590"', '"6.4.676.9590"'));
    const asked: unknown[] = [];
    client.connection.onRequest('workspace/configuration', (params: { items: unknown[] }) => {
      asked.push(...params.items);
      return [{ parameterFiles: { 'azuredeploy.json': join(workspace, 'prod.json') } }];
    });
    client.connection.onRequest('client/registerCapability', () => null);
    await client.initialize({ ...PUSH_ONLY, workspace: { configuration: true } }, [{ uri: pathToFileURL(workspace).toString(), name: 'ws' }]);
    const published = client.nextDiagnostics(templateUri, (p) => p.diagnostics.some((d) => /prod\.json/.test(d.message)));
    await client.open(templateUri, template);
    const { diagnostics } = await published;
    // The mapping once; then the per-document rule levels (sfManagedIdentity.rules). The
    // window-wide reads of the workspace scope (its setting, files.exclude) are left out here.
    const perDocument = asked.filter((item) => !['{"section":"sfManagedIdentity"}', `{"scopeUri":"${pathToFileURL(workspace)}","section":"files"}`].includes(JSON.stringify(item)));
    assert.deepEqual(perDocument, [{ section: 'azureResourceManagerTools' }, { scopeUri: templateUri, section: 'sfManagedIdentity' }]);
    assert.match(diagnostics[0].message, /^clusterCodeVersion 6\.4\.676\.9590 is older/);
    assert.equal(diagnostics[0].relatedInformation?.[0].location.uri, pathToFileURL(join(workspace, 'prod.json')).toString());
  });

  it('reads the parameter file once its folder is added to the workspace', async () => {
    await client.dispose();
    client = new LspClient();
    writeFileSync(join(workspace, 'azuredeploy.json'), template);
    writeFileSync(join(workspace, 'azuredeploy.parameters.json'), parameters);
    const result = await client.initialize({ ...PUSH_ONLY, workspace: { workspaceFolders: true } }, []);
    assert.deepEqual(result.capabilities.workspace?.workspaceFolders, { supported: true, changeNotifications: true });
    const alone = client.nextDiagnostics(templateUri);
    await client.open(templateUri, template);
    assert.deepEqual((await alone).diagnostics, [], 'outside every workspace folder, the parameter file is not read');
    const paired = client.nextDiagnostics(templateUri, (p) => p.diagnostics.length > 0);
    await client.connection.sendNotification('workspace/didChangeWorkspaceFolders', {
      event: { added: [{ uri: pathToFileURL(workspace).toString(), name: 'ws' }], removed: [] },
    });
    assert.deepEqual(summary((await paired).diagnostics), ['sf-version-too-low 1 17:30-17:66', 'sf-force-restart-on 2 20:10-20:56']);
  });
});
