import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { codeOf, diagnosticsWhen } from './workspace';

// Desktop only: the language server is a Node process, a child of the extension host, which this
// test kills. The web suite (npm run test:web) runs the suites listed in test/integration/web/index.ts.

describe('in VS Code on the desktop', () => {
  it('restarts a crashed server and says so once in its output channel', async () => {
    const extension = vscode.extensions.getExtension<{ crashNotices: string[] }>('sf-managed-identity.sf-managed-identity');
    assert.ok(extension);
    // This file may run first: the extension starts on the first JSON document, or here.
    await extension.activate();
    const before = serverPids();
    assert.equal(before.length, 1, 'one language server runs as a child of the extension host');
    process.kill(before[0], 'SIGKILL');

    // A template opened after the crash gets its diagnostics from the restarted server.
    const content = JSON.stringify({
      $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
      resources: [{ type: 'Microsoft.ServiceFabric/clusters', apiVersion: '2021-06-01', name: 'c', properties: { fabricSettings: [] } }],
    });
    const document = await vscode.workspace.openTextDocument({ language: 'json', content });
    await vscode.window.showTextDocument(document);
    assert.deepEqual((await diagnosticsWhen(document.uri, (d) => d.length > 0)).map(codeOf), ['sf-mits-missing']);
    assert.deepEqual(extension.exports.crashNotices, ['The Service Fabric Managed Identity server stopped unexpectedly and was restarted.']);
    const after = serverPids();
    assert.equal(after.length, 1);
    assert.notEqual(after[0], before[0]);

    // And so does one opened once the restart is over, and its quick fixes are offered.
    const later = await vscode.workspace.openTextDocument({ language: 'json', content: content.replace('"name":"c"', '"name":"later"') });
    await vscode.window.showTextDocument(later);
    const [diagnostic] = await diagnosticsWhen(later.uri, (d) => d.length > 0);
    assert.equal(codeOf(diagnostic), 'sf-mits-missing');
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', later.uri, diagnostic.range);
    assert.ok(
      actions.some((action) => action.title.startsWith('Enable the Managed Identity Token Service')),
      actions.map((action) => action.title).join(', '),
    );
  });
});
/** The language servers started by this extension host: its children running dist/server.js. */
function serverPids(): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        return parent === process.pid && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('dist/server.js');
      } catch {
        return false; // gone meanwhile
      }
    })
    .map(Number);
}
