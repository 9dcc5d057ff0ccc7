import * as vscode from 'vscode';

// Before the suites: two templates with findings and the Problems panel, for the README's
// screenshot of the web host. The runner (test/web/run.js) takes it when it reads READY, then
// writes the ACK file into the extension's folder, which this worker reads over HTTP.

export const READY = 'sf-web: the Problems panel is ready';
const ACK = 'out/test/web/screenshot-taken';
const TEMPLATES = ['sf-mits-missing.json', 'sf-version-too-low.json'];

declare function fetch(url: string, init?: { cache?: string }): Promise<{ ok: boolean }>;

export async function showProblemsPanel(extensionUri: vscode.Uri): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('the web suites need the mounted examples folder');
  for (const name of TEMPLATES) {
    const uri = vscode.Uri.joinPath(folder.uri, name);
    const shown = new Promise<void>((resolve) => {
      const check = () => {
        if (!vscode.languages.getDiagnostics(uri).some((d) => d.source === 'sf-managed-identity')) return;
        subscription.dispose();
        resolve();
      };
      const subscription = vscode.languages.onDidChangeDiagnostics(check);
      check();
    });
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { preview: false });
    await shown;
  }
  await vscode.commands.executeCommand('workbench.actions.view.problems');
  console.log(READY);
  const ack = vscode.Uri.joinPath(extensionUri, ACK).toString(true);
  for (let attempt = 0; attempt < 600; attempt++) {
    const answer = await fetch(ack, { cache: 'no-store' }).catch(() => ({ ok: false }));
    if (answer.ok) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await vscode.commands.executeCommand('workbench.action.closePanel');
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}
