import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse, type ParseError } from 'jsonc-parser';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { CodeLens, CompletionItem, Hover, MarkupContent, TextDocumentEdit, TextEdit } from 'vscode-languageserver-protocol';
import { readExample, readFixture } from '../unit/helpers';
import { LspClient } from './lsp-client';

const CAPABILITIES = {
  textDocument: { publishDiagnostics: {}, hover: { contentFormat: ['markdown' as const] }, completion: { completionItem: { snippetSupport: true } } },
  workspace: { workspaceEdit: { documentChanges: true }, applyEdit: true },
};

function positionOf(text: string, marker: string, into = 1) {
  const document = TextDocument.create('file:///t.json', 'json', 1, text);
  const offset = text.indexOf(marker);
  assert.ok(offset >= 0, marker);
  return document.positionAt(offset + into);
}

describe('language server over stdio: hovers, completions, code lens and command', () => {
  let client: LspClient;
  beforeEach(async () => {
    client = new LspClient();
    const result = await client.initialize(CAPABILITIES);
    assert.equal(result.capabilities.hoverProvider, true);
    assert.ok(result.capabilities.completionProvider);
    assert.ok(result.capabilities.codeLensProvider);
    assert.deepEqual(result.capabilities.executeCommandProvider?.commands, ['sfManagedIdentity.enableManagedIdentities']);
  });
  afterEach(() => client.dispose());

  it('hovers on clusterCodeVersion with its value, origin, support, and a link that opens the rule page', async () => {
    const uri = 'file:///work/sf-version-too-low.json';
    const text = readExample('sf-version-too-low.json');
    await client.open(uri, text);
    const position = positionOf(text, '"clusterCodeVersion": "[');
    const hover = await client.connection.sendRequest<Hover>('textDocument/hover', { textDocument: { uri }, position });
    const markdown = (hover.contents as MarkupContent).value;
    assert.equal((hover.contents as MarkupContent).kind, 'markdown');
    assert.deepEqual(hover.range, { start: { line: 18, character: 16 }, end: { line: 18, character: 36 } });
    assert.match(markdown, /- clusterCodeVersion: `6\.5\.641\.9590`, from the default value of parameter `clusterCodeVersion` \(a parameter file or the deployment may pass another\)/);
    assert.match(markdown, /- OS: Windows \(assumed: the cluster has no vmImage\)/);
    assert.match(markdown, /Managed Identity Token Service: \*\*not supported\*\*, older than 6\.5 CU2 \(6\.5\.658\.9590 on Windows\)/);
    const link = /\[sf-version-too-low\]\(([^)]+)\)/.exec(markdown);
    assert.ok(link, markdown);
    assert.match(link[1], /\/docs\/rules\/sf-version-too-low\.md$/);
    assert.ok(existsSync(fileURLToPath(link[1])), 'the rule page exists');
  });

  it('hovers nothing on other keys', async () => {
    const uri = 'file:///work/other.json';
    const text = readExample('sf-version-too-low.json');
    await client.open(uri, text);
    const hover = await client.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: positionOf(text, '"reliabilityLevel"') });
    assert.equal(hover, null);
  });

  it('completes the token service section, and the result is valid JSON', async () => {
    const uri = 'file:///work/complete.json';
    const text = readExample('sf-mits-missing.json').replace(/("ClusterProtectionLevel".*\n\s*\]\n\s*\})/, '$1\n          ');
    await client.open(uri, text);
    const position = { line: 26, character: 10 };
    const items = await client.connection.sendRequest<CompletionItem[]>('textDocument/completion', { textDocument: { uri }, position });
    assert.deepEqual(items.map((item) => item.label), ['ManagedIdentityTokenService section']);
    const [item] = items;
    assert.equal(item.insertTextFormat, 2, 'a snippet');
    const document = TextDocument.create(uri, 'json', 1, text);
    const edit = item.textEdit as TextEdit;
    const edits = [...(item.additionalTextEdits ?? []), { ...edit, newText: edit.newText.replace(/\$\{1:true\}/, 'true').replace('$0', '') }];
    const result = TextDocument.applyEdits(document, edits);
    const errors: ParseError[] = [];
    const value = parse(result, errors, { allowTrailingComma: false });
    assert.deepEqual(errors, []);
    assert.deepEqual(value.resources[0].properties.fabricSettings.map((s: { name: string }) => s.name), ['Security', 'ManagedIdentityTokenService']);
  });

  it('shows a code lens on the cluster, and its command enables managed identities in one edit, then explains the two steps', async () => {
    const uri = 'file:///work/enable.json';
    const text = readExample('sf-mits-missing.json');
    await client.open(uri, text, 3);
    const lenses = await client.connection.sendRequest<CodeLens[]>('textDocument/codeLens', { textDocument: { uri } });
    assert.equal(lenses.length, 1);
    const [lens] = lenses;
    assert.equal(lens.command?.title, 'Enable managed identities on this cluster…');
    assert.deepEqual(lens.range.start, { line: 9, character: 14 });

    await client.connection.sendRequest('workspace/executeCommand', { command: lens.command!.command, arguments: lens.command!.arguments });
    assert.equal(client.applyEditRequests.length, 1, 'one workspace edit');
    const [change] = client.applyEditRequests[0].edit.documentChanges as TextDocumentEdit[];
    assert.deepEqual(change.textDocument, { uri, version: 3 });
    const result = TextDocument.applyEdits(TextDocument.create(uri, 'json', 3, text), change.edits);
    assert.equal(result, readExample('sf-mits-missing.fixed.json'));
    assert.equal(client.messages.length, 1);
    assert.equal(client.messages[0].type, 3, 'information');
    assert.match(client.messages[0].message, /Step 1: deploy the template.*Step 2: once that upgrade has completed, set forceRestart back to false/);

    await client.replace(uri, result, 4);
    assert.deepEqual(await client.connection.sendRequest('textDocument/codeLens', { textDocument: { uri } }), [], 'no lens once enabled');
  });

  it('says so when the editor refuses the edit, and when the template changed meanwhile', async () => {
    const uri = 'file:///work/refused.json';
    const text = readExample('sf-mits-missing.json');
    await client.open(uri, text);
    const [lens] = await client.connection.sendRequest<CodeLens[]>('textDocument/codeLens', { textDocument: { uri } });
    client.applyEditAnswer = { applied: false, failureReason: 'document changed' };
    await client.connection.sendRequest('workspace/executeCommand', { command: lens.command!.command, arguments: lens.command!.arguments });
    assert.equal(client.messages[0].type, 2, 'a warning');
    assert.match(client.messages[0].message, /were not enabled: the editor did not apply the change \(document changed\)/);

    await client.replace(uri, readExample('sf-mits-missing.fixed.json'), 2);
    await client.connection.sendRequest('workspace/executeCommand', { command: lens.command!.command, arguments: lens.command!.arguments });
    assert.equal(client.applyEditRequests.length, 1, 'nothing more to apply');
    assert.match(client.messages[1].message, /were not enabled: the template changed/);
    assert.equal(client.exitCode, null);
  });

  it('answers with nothing for a document it does not have or that is not valid', async () => {
    const uri = 'file:///work/invalid.json';
    await client.open(uri, readFixture('invalid.json'));
    assert.deepEqual(await client.connection.sendRequest('textDocument/codeLens', { textDocument: { uri } }), []);
    const position = { line: 3, character: 4 };
    assert.equal(await client.connection.sendRequest('textDocument/hover', { textDocument: { uri: 'file:///nope.json' }, position }), null);
    assert.deepEqual(await client.connection.sendRequest('textDocument/completion', { textDocument: { uri: 'file:///nope.json' }, position }), []);
    assert.equal(client.exitCode, null);
  });
});
