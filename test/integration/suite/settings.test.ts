import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { applyAction } from './apply-action';
import { codeOf, diagnosticsWhen as anyDiagnosticsWhen } from './workspace';

// Settings and suppressions in a real VS Code: a changed level shows at once, the "Turn off"
// quick fix's command writes the workspace settings, and the suppression comment hides the
// finding. Everything waits on languages.onDidChangeDiagnostics, never on sleeps.

/** The hand-written fixed example keeps one finding: sf-force-restart-on, a Warning on line 39. */
const FILE = 'sf-mits-missing.fixed.json';
const CODE = 'sf-force-restart-on';

function workspaceFile(name: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the tests need the examples folder open');
  return vscode.Uri.joinPath(folder.uri, name);
}

function ours(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'sf-managed-identity' && codeOf(d) === CODE);
}

/** Waits for this suite's rule's diagnostics only. */
const diagnosticsWhen = (uri: vscode.Uri, predicate: (d: vscode.Diagnostic[]) => boolean) => anyDiagnosticsWhen(uri, predicate, ours);

const severityIs = (severity: vscode.DiagnosticSeverity) => (d: vscode.Diagnostic[]) => d.length === 1 && d[0].severity === severity;

function configuration(): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration('sfManagedIdentity');
}

describe('settings and suppressions in VS Code', () => {
  let uri: vscode.Uri;
  let document: vscode.TextDocument;

  before(async () => {
    uri = workspaceFile(FILE);
    document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document);
    await diagnosticsWhen(uri, severityIs(vscode.DiagnosticSeverity.Warning));
  });

  after(async () => {
    await configuration().update('rules', undefined, vscode.ConfigurationTarget.Workspace);
  });

  it('a changed level shows at once, without a reload', async () => {
    await configuration().update('rules', { [CODE]: 'error' }, vscode.ConfigurationTarget.Workspace);
    await diagnosticsWhen(uri, severityIs(vscode.DiagnosticSeverity.Error));
    await configuration().update('rules', { [CODE]: 'info' }, vscode.ConfigurationTarget.Workspace);
    await diagnosticsWhen(uri, severityIs(vscode.DiagnosticSeverity.Information));
  });

  it('"Turn off in settings" writes off into the workspace settings and keeps other levels', async () => {
    await configuration().update('rules', { 'sf-version-too-low': 'info', [CODE]: 'error' }, vscode.ConfigurationTarget.Workspace);
    const [diagnostic] = await diagnosticsWhen(uri, severityIs(vscode.DiagnosticSeverity.Error));

    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, diagnostic.range);
    const turnOff = actions.find((action) => action.title === `Turn off ${CODE} in settings`);
    assert.ok(turnOff?.command, `no "Turn off" action among ${actions.map((a) => a.title).join(', ')}`);
    await vscode.commands.executeCommand(turnOff.command.command, ...(turnOff.command.arguments ?? []));

    await diagnosticsWhen(uri, (d) => d.length === 0);
    assert.deepEqual(configuration().inspect('rules')?.workspaceValue, { 'sf-version-too-low': 'info', [CODE]: 'off' });
  });

  it('"Disable for this line" inserts the comment above the finding, and the finding goes', async () => {
    await configuration().update('rules', undefined, vscode.ConfigurationTarget.Workspace);
    const [diagnostic] = await diagnosticsWhen(uri, severityIs(vscode.DiagnosticSeverity.Warning));
    const line = diagnostic.range.start.line;
    assert.equal(document.lineAt(line).text, '          "forceRestart": true,');

    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, diagnostic.range);
    const disable = actions.find((action) => action.title === `Disable ${CODE} for this line`);
    assert.ok(disable, `no "Disable" action among ${actions.map((a) => a.title).join(', ')}`);
    assert.ok(await applyAction(disable));

    await diagnosticsWhen(uri, (d) => d.length === 0);
    assert.equal(document.lineAt(line).text, `          // sf-managed-identity-disable-next-line ${CODE}`);
    assert.equal(document.lineAt(line + 1).text, '          "forceRestart": true,');
  });
});
