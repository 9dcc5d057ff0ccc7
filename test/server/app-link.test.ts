import * as assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DiagnosticSeverity } from 'vscode-languageserver-protocol';
import { ROOT } from '../unit/helpers';
import { LspClient } from './lsp-client';

const PUSH_ONLY = { textDocument: { publishDiagnostics: { relatedInformation: true } } };

describe('language server over stdio: a cluster template and an application template in another file', () => {
  let client: LspClient;
  let workspace: string;

  beforeEach(() => {
    workspace = mkdtempSync(join(tmpdir(), 'sf-mi-app-link-'));
    cpSync(join(ROOT, 'examples', 'split-app-cluster'), workspace, { recursive: true });
  });
  afterEach(async () => {
    await client.dispose();
    rmSync(workspace, { recursive: true, force: true });
  });

  it('only the cluster template open: sf-mits-missing is an Error pointing at the application in app.json, and follows changes to app.json', async () => {
    client = new LspClient();
    await client.initialize(PUSH_ONLY, [{ uri: pathToFileURL(workspace).toString(), name: 'ws' }]);
    const clusterUri = pathToFileURL(join(workspace, 'cluster.json')).toString();
    const appUri = pathToFileURL(join(workspace, 'app.json')).toString();
    const cluster = readFileSync(join(workspace, 'cluster.json'), 'utf8');
    const app = readFileSync(join(workspace, 'app.json'), 'utf8');

    const published = client.nextDiagnostics(clusterUri, (p) => p.diagnostics.length > 0);
    await client.open(clusterUri, cluster);
    const { diagnostics } = await published;
    const mits = diagnostics.filter((d) => d.code === 'sf-mits-missing');
    assert.equal(mits.length, 1);
    assert.equal(mits[0].severity, DiagnosticSeverity.Error);
    assert.match(mits[0].message, /An application in the template app\.json runs on this cluster and uses a managed identity/);
    const related = mits[0].relatedInformation?.filter((r) => r.location.uri === appUri) ?? [];
    assert.equal(related.length, 1, JSON.stringify(mits[0].relatedInformation));
    // app.json line 18 (0-based 17): "managedIdentities": [ ... the value starts after the colon.
    const line = app.split('\n')[related[0].location.range.start.line];
    assert.match(line, /"managedIdentities": \[$/);
    assert.equal(line.substring(related[0].location.range.start.character), '[');

    // The application now goes to another cluster: the cluster template is analysed again.
    const again = client.nextDiagnostics(clusterUri, (p) => p.diagnostics.some((d) => d.code === 'sf-mits-missing' && d.severity === DiagnosticSeverity.Warning));
    writeFileSync(join(workspace, 'app.json'), app.replace('"defaultValue": "woodgrove-sf"', '"defaultValue": "other-sf"'));
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: appUri, type: 2 }] });
    const after = await again;
    const warning = after.diagnostics.find((d) => d.code === 'sf-mits-missing');
    assert.ok(warning);
    assert.equal((warning.relatedInformation ?? []).some((r) => r.location.uri === appUri), false);
  });
});
