import * as assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { applyAction } from './apply-action';

// A quick fix computed for an older text is refused, not applied at the wrong place. VS Code
// applies a WorkspaceEdit whatever the document's version (vscode-languageclient drops the
// LSP version), so the client's middleware puts the edit behind a command that checks it.
// (The server is killed by desktop.test.ts, which runs last. In one run order a document
// opened after such a restart seemed to get no answers; desktop.test.ts now checks that a
// template opened after the restart gets diagnostics and quick fixes, and it passes.)

const FIX = 'Raise clusterCodeVersion to 6.5.658.9590';

function versionFinding(uri: vscode.Uri): vscode.Diagnostic | undefined {
  return vscode.languages.getDiagnostics(uri).find((d) => d.source === 'sf-managed-identity' && (typeof d.code === 'object' ? d.code.value : d.code) === 'sf-version-too-low');
}

/** Resolves when the finding satisfies `wanted` (undefined: no finding): driven by events. */
function findingWhen(uri: vscode.Uri, wanted: (found: vscode.Diagnostic | undefined) => boolean): Promise<vscode.Diagnostic | undefined> {
  return new Promise((resolve) => {
    const check = () => {
      const found = versionFinding(uri);
      if (!wanted(found)) return;
      subscription.dispose();
      resolve(found);
    };
    const subscription = vscode.languages.onDidChangeDiagnostics((event) => {
      if (event.uris.some((changed) => changed.toString() === uri.toString())) check();
    });
    check();
  });
}

async function raiseFix(uri: vscode.Uri, range: vscode.Range): Promise<vscode.CodeAction> {
  // Resolved (up to 10), as when the user picks one: the edit comes on codeAction/resolve.
  const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, range, undefined, 10);
  const raise = actions.find((action) => action.title === FIX);
  assert.ok(raise, `no "${FIX}" among ${actions.map((a) => a.title).join(', ')}`);
  return raise;
}

describe('stale quick fixes in VS Code', () => {
  before(async () => {
    // As in extension.test.ts: while VS Code's JSON support starts, code actions can come back empty.
    await vscode.extensions.getExtension('vscode.json-language-features')?.activate();
  });

  it('refuses a quick fix computed before the document changed, and leaves the text alone', async () => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'the tests need the examples folder open');
    // A copy (the other suites edit the example files themselves), saved in the folder: the
    // client pulls diagnostics for files, not for untitled documents.
    const content = readFileSync(vscode.Uri.joinPath(folder.uri, 'sf-version-too-low.json').fsPath, 'utf8');
    const copy = vscode.Uri.joinPath(folder.uri, 'stale-edit-copy.json');
    writeFileSync(copy.fsPath, content);
    const document = await vscode.workspace.openTextDocument(copy);
    await vscode.window.showTextDocument(document);
    const diagnostic = await findingWhen(document.uri, (found) => found !== undefined);
    assert.ok(diagnostic);

    const stale = await raiseFix(document.uri, diagnostic.range);

    // The user adds a line above the cluster: every line of the fix's range moves down by one.
    const edit = new vscode.WorkspaceEdit();
    edit.insert(document.uri, new vscode.Position(1, 0), '\n');
    assert.ok(await vscode.workspace.applyEdit(edit));
    const typed = document.getText();
    const moved = await findingWhen(document.uri, (found) => found?.range.start.line === diagnostic.range.start.line + 1);

    assert.equal(await applyAction(stale), false, 'the stale fix is refused');
    assert.equal(document.getText(), typed, 'the text is unchanged');

    // Asked again, the fix applies to the new text, and the finding goes.
    const fresh = await raiseFix(document.uri, moved!.range);
    assert.equal(await applyAction(fresh), true);
    assert.equal(document.getText(), typed.replace('"defaultValue": "6.5.641.9590"', '"defaultValue": "6.5.658.9590"'));
    await findingWhen(document.uri, (found) => found === undefined);
  });
});
