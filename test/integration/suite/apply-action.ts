import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

/** The client's command that applies a quick fix's edit only if its documents did not change. */
export const APPLY_IF_UNCHANGED = 'sfManagedIdentity.applyEditIfUnchanged';

/**
 * Applies a code action as VS Code does when the user picks it: its edit (none, with the stale
 * edit guard), then its command. Our quick fixes carry their edit in the guard's command;
 * returns what that command answered (whether the edit was applied).
 */
export async function applyAction(action: vscode.CodeAction): Promise<boolean> {
  assert.equal(action.edit, undefined, `"${action.title}" has its edit behind the stale edit guard, not as an edit`);
  assert.equal(action.command?.command, APPLY_IF_UNCHANGED, `"${action.title}" applies through the stale edit guard`);
  return vscode.commands.executeCommand<boolean>(action.command.command, ...(action.command.arguments ?? []));
}
