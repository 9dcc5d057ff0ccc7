import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { readText } from './workspace';

function workspaceFile(name: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the tests need the examples folder open');
  return vscode.Uri.joinPath(folder.uri, name);
}

/**
 * A scratch document with an example's text as it is on disk (the other suite edits the open
 * file, but never saves), so the suites do not share edits. Resolves once the server has sent
 * its diagnostics for it, so that it knows the document.
 */
async function scratch(example: string): Promise<vscode.TextDocument> {
  const content = await readText(workspaceFile(`${example}.json`));
  const document = await vscode.workspace.openTextDocument({ language: 'json', content });
  const analysed = new Promise<void>((resolve) => {
    const check = () => {
      if (!vscode.languages.getDiagnostics(document.uri).some((d) => d.source === 'sf-managed-identity')) return;
      subscription.dispose();
      resolve();
    };
    const subscription = vscode.languages.onDidChangeDiagnostics(check);
    check();
  });
  await vscode.window.showTextDocument(document);
  await analysed;
  return document;
}

function text(hover: vscode.Hover): string {
  return hover.contents.map((content) => (typeof content === 'string' ? content : content.value)).join('\n');
}

describe('in VS Code: hovers, completions and the code lens', () => {
  afterEach(() => vscode.workspace.getConfiguration('sfManagedIdentity').update('codeLens.enable', undefined, vscode.ConfigurationTarget.Global));

  it('hovers on clusterCodeVersion with the value, its origin and the verdict', async () => {
    const document = await scratch('sf-version-too-low');
    const position = new vscode.Position(18, 20);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, position);
    const ours = hovers.map(text).find((markdown) => markdown.includes('clusterCodeVersion: `6.5.641.9590`'));
    assert.ok(ours, `not among the hovers: ${JSON.stringify(hovers.map(text))}`);
    assert.match(ours, /from the default value of parameter `clusterCodeVersion`/);
    assert.match(ours, /\*\*not supported\*\*/);
  });

  it('completes the token service section in fabricSettings', async () => {
    const document = await scratch('sf-mits-missing');
    // After the Security section's closing brace on line 26: `          }|`
    const position = new vscode.Position(25, 11);
    const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', document.uri, position);
    const item = list.items.find((candidate) => candidate.label === 'ManagedIdentityTokenService section');
    assert.ok(item, `not among ${list.items.length} completions`);
    assert.equal(item!.additionalTextEdits?.[0].newText, ',', 'the Security section gets its comma');
  });

  it('shows the code lens, runs its command as one edit, and hides the lens when the setting is off', async () => {
    const document = await scratch('sf-mits-missing');
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', document.uri);
    const lens = lenses.find((candidate) => candidate.command?.title === 'Enable managed identities on this cluster…');
    assert.ok(lens, `not among ${JSON.stringify(lenses.map((candidate) => candidate.command?.title))}`);
    assert.equal(lens.range.start.line, 9);

    await vscode.workspace.getConfiguration('sfManagedIdentity').update('codeLens.enable', false, vscode.ConfigurationTarget.Global);
    const hidden = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', document.uri);
    assert.ok(!hidden.some((candidate) => candidate.command?.title === lens.command!.title), 'no lens with the setting off');

    const changed = new Promise<void>((resolve) => {
      const subscription = vscode.workspace.onDidChangeTextDocument((event) => {
        if (event.document === document) {
          subscription.dispose();
          resolve();
        }
      });
    });
    await vscode.commands.executeCommand(lens.command!.command, ...(lens.command!.arguments ?? []));
    await changed;
    assert.equal(document.getText(), await readText(workspaceFile('sf-mits-missing.fixed.json')));
  });
});
