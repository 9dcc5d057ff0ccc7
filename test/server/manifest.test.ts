import * as assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { CodeAction, Diagnostic, TextDocumentEdit, TextEdit } from 'vscode-languageserver-protocol';
import { parseApplicationManifest } from '../../server/src/analysis';
import { ROOT } from '../unit/helpers';
import { LspClient } from './lsp-client';

const PUSH_ONLY = { textDocument: { publishDiagnostics: { relatedInformation: true } } };
const PUSH_VERSIONED = { textDocument: { publishDiagnostics: { relatedInformation: true } }, workspace: { workspaceEdit: { documentChanges: true } } };

function summary(diagnostics: Diagnostic[]) {
  return diagnostics.map((d) => `${d.code} ${d.severity} ${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character}`);
}

function codeActions(client: LspClient, uri: string, diagnostics: Diagnostic[]): Promise<CodeAction[]> {
  return client.connection.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: diagnostics[0].range, context: { diagnostics } });
}

describe('language server over stdio: ARM application identities and ApplicationManifest.xml', () => {
  let client: LspClient;
  let workspace: string;
  let templateUri: string;
  let manifestUri: string;
  let template: string;
  let manifest: string;

  async function start(capabilities: object): Promise<void> {
    client = new LspClient();
    await client.initialize(capabilities, [{ uri: pathToFileURL(workspace).toString(), name: 'ws' }]);
  }

  beforeEach(() => {
    workspace = mkdtempSync(join(tmpdir(), 'sf-mi-manifest-'));
    cpSync(join(ROOT, 'examples', 'sf-application'), workspace, { recursive: true });
    templateUri = pathToFileURL(join(workspace, 'azuredeploy.json')).toString();
    manifestUri = pathToFileURL(join(workspace, 'ApplicationPackageRoot', 'ApplicationManifest.xml')).toString();
    template = readFileSync(join(workspace, 'azuredeploy.json'), 'utf8');
    manifest = readFileSync(join(workspace, 'ApplicationPackageRoot', 'ApplicationManifest.xml'), 'utf8');
  });
  afterEach(async () => {
    await client.dispose();
    rmSync(workspace, { recursive: true, force: true });
  });

  it('manifest not opened: the template gets the error, pointing into the manifest on disk, and the fix edits the manifest', async () => {
    await start(PUSH_ONLY);
    const published = client.nextDiagnostics(templateUri, (p) => p.diagnostics.length > 0);
    await client.open(templateUri, template);
    const { diagnostics } = await published;
    assert.deepEqual(summary(diagnostics), ['sf-identity-not-in-manifest 1 45:20-45:30']);
    assert.match(diagnostics[0].message, /^Identity 'Reportng' is not defined in ApplicationManifest\.xml of application type 'OrdersAppType'/);
    assert.deepEqual(
      diagnostics[0].relatedInformation?.map((r) => [r.location.uri, r.location.range.start.line, r.location.range.start.character]),
      [[manifestUri, 19, 4]],
    );

    const actions = await codeActions(client, templateUri, diagnostics);
    assert.deepEqual(actions.map((a) => a.title).slice(0, 2), ["Add ManagedIdentity 'Reportng' to ApplicationManifest.xml", "Use 'Reporting' from ApplicationManifest.xml"]);
    assert.equal(actions[0].isPreferred, true);
    // The first action edits only the manifest, and only by inserting the element.
    assert.deepEqual(Object.keys(actions[0].edit!.changes!), [manifestUri]);
    const edits = actions[0].edit!.changes![manifestUri] as TextEdit[];
    const fixed = TextDocument.applyEdits(TextDocument.create(manifestUri, 'xml', 0, manifest), edits);
    assert.equal(fixed, manifest.replace('<ManagedIdentity Name="Reporting" />\n', '<ManagedIdentity Name="Reporting" />\n      <ManagedIdentity Name="Reportng" />\n'));
    const reparsed = parseApplicationManifest(fixed);
    assert.ok(reparsed.ok && reparsed.manifest);
    assert.deepEqual(reparsed.manifest.identities.map((identity) => identity.value), ['WebAdmin', 'Reporting', 'Reportng']);

    const renamed = TextDocument.applyEdits(TextDocument.create(templateUri, 'json', 1, template), actions[1].edit!.changes![templateUri] as TextEdit[]);
    assert.equal(renamed, template.replace('"Reportng"', '"Reporting"'));
  });

  it('manifest opened: both sides get their diagnostic, a versioned client gets a documentChanges edit of the manifest, and editing either side renews the other', async () => {
    await start(PUSH_VERSIONED);
    const templateFirst = client.nextDiagnostics(templateUri, (p) => p.diagnostics.length > 0);
    await client.open(templateUri, template);
    await templateFirst;
    const manifestFirst = client.nextDiagnostics(manifestUri, (p) => p.diagnostics.length > 0);
    await client.open(manifestUri, manifest, 1, 'xml');
    const inManifest = (await manifestFirst).diagnostics;
    assert.deepEqual(summary(inManifest), ['sf-manifest-identity-unbound 2 21:29-21:38']);
    assert.match(inManifest[0].message, /^Managed identity 'Reporting' is declared here, but no ARM application of type 'OrdersAppType' in the workspace \(azuredeploy\.json\)/);
    assert.equal(inManifest[0].relatedInformation?.[0].location.uri, templateUri);
    // No JSON suppression comment in XML (and this client runs no "turn off" command).
    assert.deepEqual((await codeActions(client, manifestUri, inManifest)).map((a) => a.title), []);

    const templateDiagnostics = client.published.filter((p) => p.uri === templateUri).at(-1)!.diagnostics;
    const actions = await codeActions(client, templateUri, templateDiagnostics);
    const change = actions[0].edit!.documentChanges![0] as TextDocumentEdit;
    assert.equal(change.textDocument.uri, manifestUri);
    assert.equal(change.edits.length, 1);

    // The manifest gains the name: the template's error goes.
    const fixedManifest = TextDocument.applyEdits(TextDocument.create(manifestUri, 'xml', 1, manifest), change.edits as TextEdit[]);
    const templateClean = client.nextDiagnostics(templateUri, (p) => p.diagnostics.length === 0);
    await client.replace(manifestUri, fixedManifest, 2);
    await templateClean;

    // The template provides 'Reporting' too: the manifest's warning goes.
    const manifestClean = client.nextDiagnostics(manifestUri, (p) => p.diagnostics.length === 0);
    await client.replace(templateUri, template.replace('"Reportng"', '"Reportng" }, { "name": "Reporting"'), 2);
    await manifestClean;
  });

  it('a manifest that is not well-formed XML gets one invalid-xml warning', async () => {
    await start(PUSH_ONLY);
    const published = client.nextDiagnostics(manifestUri, (p) => p.diagnostics.length > 0);
    await client.open(manifestUri, manifest.replace('</Principals>', ''), 1, 'xml');
    const { diagnostics } = await published;
    assert.deepEqual(diagnostics.map((d) => [d.code, d.severity]), [['invalid-xml', 2]]);
    assert.match(diagnostics[0].message, /is not well-formed XML here/);
  });
});
