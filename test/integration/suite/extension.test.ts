import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { applyAction } from './apply-action';
import { codeOf, diagnosticsWhen, ours, readText } from './workspace';

/** The workspace is a copy of examples/, so the hand-written *.fixed.json files are there too. */
function workspaceFile(name: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the tests need the examples folder open');
  return vscode.Uri.joinPath(folder.uri, name);
}

const cases = [
  { file: 'sf-mits-missing', severity: vscode.DiagnosticSeverity.Error, line: 9, character: 14, fix: 'Enable the Managed Identity Token Service and restart every node' },
  { file: 'sf-version-too-low', severity: vscode.DiagnosticSeverity.Error, line: 18, character: 38, fix: 'Raise clusterCodeVersion to 6.5.658.9590' },
  { file: 'sf-force-restart-on', severity: vscode.DiagnosticSeverity.Warning, line: 22, character: 10, fix: 'Set forceRestart to false' },
];

describe('in VS Code', () => {
  before(async () => {
    // Opening JSON activates VS Code's own JSON support too; while it starts, code action
    // requests can come back empty. Start it first, as it is by the time a user looks.
    await vscode.extensions.getExtension('vscode.json-language-features')?.activate();
  });

  for (const { file, severity, line, character, fix } of cases) {
    it(`${file}: diagnostic, quick fix, diagnostic gone`, async () => {
      const uri = workspaceFile(`${file}.json`);
      const document = await vscode.workspace.openTextDocument(uri);
      await vscode.window.showTextDocument(document);
      const [diagnostic] = await diagnosticsWhen(uri, (d) => d.some((x) => codeOf(x) === file));
      assert.equal(codeOf(diagnostic), file);
      assert.equal(diagnostic.severity, severity);
      assert.deepEqual([diagnostic.range.start.line, diagnostic.range.start.character], [line, character]);
      assert.match(String((diagnostic.code as { target: vscode.Uri }).target), new RegExp(`docs/rules/${file}\\.md$`));

      // The server gives VS Code its quick fixes without edits and adds them on codeAction/resolve,
      // which VS Code sends when the user picks one; here the command resolves up to 10.
      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, diagnostic.range, undefined, 10);
      const preferred = actions.find((action) => action.isPreferred && action.title === fix);
      assert.ok(preferred, `no preferred "${fix}" among ${actions.map((a) => a.title).join(', ')}`);
      assert.ok(await applyAction(preferred));

      await diagnosticsWhen(uri, (d) => !d.some((x) => codeOf(x) === file));
      assert.equal(document.getText(), await readText(workspaceFile(`${file}.fixed.json`)));
    });
  }

  it('a template and its parameter file: the diagnostic in both, the fix in the parameter file, both refreshed', async () => {
    const template = workspaceFile('parameter-files/azuredeploy.json');
    const parameters = workspaceFile('parameter-files/azuredeploy.parameters.json');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(template));
    // The parameter file is only on disk so far.
    const [fromFile] = await diagnosticsWhen(template, (d) => d.some((x) => codeOf(x) === 'sf-version-too-low'));
    assert.match(fromFile.message, /parameter file azuredeploy\.parameters\.json/);
    assert.deepEqual(fromFile.relatedInformation?.map((r) => [r.location.uri.toString(), r.location.range.start.line]), [[parameters.toString(), 5]]);

    const document = await vscode.workspace.openTextDocument(parameters);
    await vscode.window.showTextDocument(document);
    const inParameters = await diagnosticsWhen(parameters, (d) => d.some((x) => codeOf(x) === 'sf-version-too-low'));
    const version = inParameters.find((d) => codeOf(d) === 'sf-version-too-low')!;
    assert.deepEqual([version.range.start.line, version.range.start.character], [5, 37]);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', parameters, version.range, undefined, 10);
    const raise = actions.find((action) => action.title === 'Raise clusterCodeVersion to 6.5.658.9590');
    assert.ok(raise, `no raise fix among ${actions.map((a) => a.title).join(', ')}`);
    assert.ok(await applyAction(raise));
    assert.match(document.getText(), /"clusterCodeVersion": \{ "value": "6\.5\.658\.9590" \}/);
    // Not saved: the open text wins over the file on disk, and the template follows it.
    await diagnosticsWhen(template, (d) => !d.some((x) => codeOf(x) === 'sf-version-too-low'));
  });

  it('leaves JSON that is not an ARM template alone', async () => {
    const document = await vscode.workspace.openTextDocument({ language: 'json', content: '{ "fabricSettings": [], "forceRestart": true }' });
    await vscode.window.showTextDocument(document);
    // A template opened after it gets its diagnostics, so the server has seen both documents.
    const probe = workspaceFile('sf-mits-missing.fixed.json');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(probe));
    assert.deepEqual((await diagnosticsWhen(probe, (d) => d.length > 0)).map(codeOf), ['sf-force-restart-on']);
    assert.deepEqual(ours(document.uri), []);
  });
});
