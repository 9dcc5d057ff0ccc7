import * as vscode from 'vscode';

// Shared by the desktop (Node) and the web worker extension hosts: files are read through
// vscode.workspace.fs, which both have, never through Node's fs.

/** The text of a workspace file as it is on disk (or in the mounted folder). */
export async function readText(uri: vscode.Uri): Promise<string> {
  return new TextDecoder('utf-8').decode(await vscode.workspace.fs.readFile(uri));
}
