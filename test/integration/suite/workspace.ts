import * as vscode from 'vscode';

// Shared by the desktop (Node) and the web worker extension hosts: files are read through
// vscode.workspace.fs, which both have, never through Node's fs.

/** The text of a workspace file as it is on disk (or in the mounted folder). */
export async function readText(uri: vscode.Uri): Promise<string> {
  return new TextDecoder('utf-8').decode(await vscode.workspace.fs.readFile(uri));
}

/** A diagnostic's code as a string, whether VS Code gives it plain or with its documentation link. */
export function codeOf(diagnostic: vscode.Diagnostic): string {
  const code = diagnostic.code;
  return typeof code === 'object' ? String(code.value) : String(code);
}

/** This extension's diagnostics of a document. */
export function ours(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'sf-managed-identity');
}

/** Resolves with `current(uri)` as soon as it satisfies `predicate`: at once, or at a later change of the document's diagnostics. */
export function diagnosticsWhen(
  uri: vscode.Uri,
  predicate: (d: vscode.Diagnostic[]) => boolean,
  current: (uri: vscode.Uri) => vscode.Diagnostic[] = ours,
): Promise<vscode.Diagnostic[]> {
  return new Promise((resolve) => {
    const check = () => {
      const diagnostics = current(uri);
      if (!predicate(diagnostics)) return;
      subscription.dispose();
      resolve(diagnostics);
    };
    const subscription = vscode.languages.onDidChangeDiagnostics((event) => {
      if (event.uris.some((changed) => changed.toString() === uri.toString())) check();
    });
    check();
  });
}
