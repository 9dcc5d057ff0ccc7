import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

// sfManagedIdentity.diagnostics.scope = workspace in a real VS Code: templates that are not open
// get their findings, and going back to openFiles clears them. (Files created and deleted on
// disk are tested at the server tier: in code-server here, the watcher's event for a file
// written with workspace.fs did not reach the server within 20 s.) Everything waits on languages.onDidChangeDiagnostics, never on sleeps.

function workspaceFile(name: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the tests need the examples folder open');
  return vscode.Uri.joinPath(folder.uri, name);
}

function codes(uri: vscode.Uri): string[] {
  return vscode.languages
    .getDiagnostics(uri)
    .filter((d) => d.source === 'sf-managed-identity')
    .map((d) => (typeof d.code === 'object' ? String(d.code.value) : String(d.code)))
    .sort();
}

function codesWhen(uri: vscode.Uri, predicate: (codes: string[]) => boolean): Promise<string[]> {
  return new Promise((resolve, reject) => {
    // A step that never comes says which it is, rather than the test's timeout.
    const timer = setTimeout(() => {
      subscription.dispose();
      reject(new Error(`${uri.path} never got the expected diagnostics; it has ${JSON.stringify(codes(uri))}`));
    }, 20_000);
    const check = () => {
      const current = codes(uri);
      if (!predicate(current)) return;
      clearTimeout(timer);
      subscription.dispose();
      resolve(current);
    };
    const subscription = vscode.languages.onDidChangeDiagnostics((event) => {
      if (event.uris.some((changed) => changed.toString() === uri.toString())) check();
    });
    check();
  });
}

const isOpen = (uri: vscode.Uri) => vscode.workspace.textDocuments.some((document) => document.uri.toString() === uri.toString());

describe('workspace scope in VS Code: the Problems panel covers templates that are not open', function () {
  this.timeout(120_000);
  const configuration = () => vscode.workspace.getConfiguration('sfManagedIdentity');

  after(() => configuration().update('diagnostics.scope', undefined, vscode.ConfigurationTarget.Workspace));

  it('shows the findings of unopened templates when the setting changes, and clears them with openFiles', async () => {
    const notString = workspaceFile('sf-setting-not-string.json');
    const apiVersion = workspaceFile('sf-app-identity-api-version.json');
    assert.equal(isOpen(notString), false);
    assert.equal(isOpen(apiVersion), false);
    assert.deepEqual(codes(notString), [], 'nothing before the setting');

    await configuration().update('diagnostics.scope', 'workspace', vscode.ConfigurationTarget.Workspace);
    assert.deepEqual(await codesWhen(notString, (c) => c.length > 0), ['sf-setting-not-string']);
    assert.deepEqual(await codesWhen(apiVersion, (c) => c.length > 0), ['sf-app-identity-api-version']);
    assert.equal(isOpen(notString), false, 'the file was never opened');

    await configuration().update('diagnostics.scope', undefined, vscode.ConfigurationTarget.Workspace);
    assert.deepEqual(await codesWhen(notString, (c) => c.length === 0), []);
    assert.deepEqual(await codesWhen(apiVersion, (c) => c.length === 0), []);
  });
});
