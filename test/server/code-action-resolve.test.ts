import * as assert from 'node:assert/strict';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { CodeAction, Diagnostic, InitializeResult, TextDocumentEdit } from 'vscode-languageserver-protocol';
import { readExample } from '../unit/helpers';
import { LspClient } from './lsp-client';

/** What VS Code (vscode-languageclient 9) announces: versioned edits, and edits on codeAction/resolve. */
const RESOLVING = {
  textDocument: { publishDiagnostics: {}, codeAction: { dataSupport: true, resolveSupport: { properties: ['edit'] } } },
  workspace: { workspaceEdit: { documentChanges: true } },
};
/** The same without resolve support, as the other tests' clients. */
const EAGER = { textDocument: { publishDiagnostics: {} }, workspace: { workspaceEdit: { documentChanges: true } } };

async function opened(client: LspClient, uri: string, text: string): Promise<Diagnostic[]> {
  const published = client.nextDiagnostics(uri);
  await client.open(uri, text);
  return (await published).diagnostics;
}

function codeActions(client: LspClient, uri: string, diagnostics: Diagnostic[]): Promise<CodeAction[]> {
  return client.connection.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: diagnostics[0].range, context: { diagnostics } });
}

describe('code actions for a client that resolves their edits', () => {
  const uri = 'file:///work/sf-mits-missing.json';
  const text = readExample('sf-mits-missing.json');
  let resolving: LspClient;
  let eager: LspClient;
  let capabilities: InitializeResult;
  beforeEach(async () => {
    resolving = new LspClient();
    eager = new LspClient();
    capabilities = await resolving.initialize(RESOLVING);
    await eager.initialize(EAGER);
  });
  afterEach(async () => {
    await resolving.dispose();
    await eager.dispose();
  });

  it('offers the quick fixes without edits, and resolves each to the edit an eager client gets', async () => {
    assert.deepEqual(capabilities.capabilities.codeActionProvider, { codeActionKinds: ['quickfix', 'source.fixAll.sfManagedIdentity'], resolveProvider: true });
    const lazy = await codeActions(resolving, uri, await opened(resolving, uri, text));
    const eagerActions = await codeActions(eager, uri, await opened(eager, uri, text));
    assert.deepEqual(
      lazy.map((action) => action.title),
      eagerActions.map((action) => action.title),
    );
    const fixes = lazy.filter((action) => action.data !== undefined);
    assert.equal(fixes.length, 3, 'the example has three fixes for sf-mits-missing');
    for (const fix of fixes) assert.equal(fix.edit, undefined, `${fix.title} came with its edit`);
    for (const action of lazy) {
      const resolved: CodeAction = await resolving.connection.sendRequest('codeAction/resolve', action);
      const expected = eagerActions.find((candidate) => candidate.title === action.title)!;
      assert.deepEqual(resolved.edit, expected.edit, action.title);
      assert.equal(resolved.title, action.title);
    }
    // The preferred fix, applied, gives the hand-written fixed example.
    const preferred: CodeAction = await resolving.connection.sendRequest('codeAction/resolve', lazy.find((action) => action.isPreferred));
    const change = preferred.edit!.documentChanges![0] as TextDocumentEdit;
    assert.deepEqual(change.textDocument, { uri, version: 1 });
    assert.equal(TextDocument.applyEdits(TextDocument.create(uri, 'json', 1, text), change.edits), readExample('sf-mits-missing.fixed.json'));
  });

  it('resolves an action offered for an older version to no edit, so nothing stale is applied', async () => {
    const [fix] = (await codeActions(resolving, uri, await opened(resolving, uri, text))).filter((action) => action.data !== undefined);
    const changed = resolving.nextDiagnostics(uri, (p) => p.version === 2);
    await resolving.replace(uri, text.replace('"name": "Security"', '"name": "Security" '), 2);
    await changed;
    const resolved: CodeAction = await resolving.connection.sendRequest('codeAction/resolve', fix);
    assert.equal(resolved.edit, undefined);
    // Data it does not know, or none, comes back as it was.
    const unknown = { title: 'Something else', data: { whatever: 1 } };
    assert.deepEqual(await resolving.connection.sendRequest('codeAction/resolve', unknown), unknown);
  });
});
