import { commands, window, workspace, type CodeAction, type Command, type ExtensionContext, type WorkspaceEdit } from 'vscode';
import type { BaseLanguageClient } from 'vscode-languageclient';
import { changedSince, editVersions, type EditVersions } from './edit-versions';

/** Applies a quick fix's edit only if no document it changes was edited since it was computed. */
export const APPLY_IF_UNCHANGED_COMMAND = 'sfManagedIdentity.applyEditIfUnchanged';

/**
 * Stale quick fixes are refused. The server sends its fixes as versioned `TextDocumentEdit`s,
 * but vscode-languageclient turns them into a `vscode.WorkspaceEdit`, which has no version,
 * and VS Code applies it to whatever the text is by then: a fix computed before an edit would
 * land at the wrong offsets (and can leave invalid JSON). This middleware replaces each code
 * action's edit (given at once, or on codeAction/resolve, when the user picks the fix) with a
 * command that checks the versions first and refuses, with a warning, when the text changed.
 */
export function registerStaleEditGuard(context: ExtensionContext, client: BaseLanguageClient): void {
  /** For actions whose edit comes on resolve: the document and its version when they were offered. */
  const offered = new WeakMap<CodeAction, Map<string, number>>();
  /** Actions whose edit is already behind the command: nothing to resolve. */
  const guarded = new WeakSet<CodeAction>();

  function guard(action: CodeAction, known: ReadonlyMap<string, number>): CodeAction {
    const edit = action.edit;
    if (edit === undefined) return action;
    action.edit = undefined;
    action.command = { title: action.title, command: APPLY_IF_UNCHANGED_COMMAND, arguments: [edit, editVersions(edit, known), action.command] };
    guarded.add(action);
    return action;
  }

  const middleware = client.clientOptions.middleware ?? (client.clientOptions.middleware = {});
  middleware.provideCodeActions = async (document, range, context, token, next) => {
    const known = new Map([[document.uri.toString(), document.version]]);
    const actions = await next(document, range, context, token);
    if (!actions) return actions;
    return actions.map((action) => {
      if (typeof action.command === 'string') return action; // a plain Command
      const codeAction = action as CodeAction;
      if (codeAction.edit) return guard(codeAction, known);
      offered.set(codeAction, known);
      return codeAction;
    });
  };
  middleware.resolveCodeAction = async (item, token, next) => {
    if (guarded.has(item)) return item;
    const resolved = await next(item, token);
    if (!resolved?.edit) return resolved;
    return guard(resolved, offered.get(item) ?? new Map());
  };

  context.subscriptions.push(commands.registerCommand(APPLY_IF_UNCHANGED_COMMAND, applyIfUnchanged));
}

/** Returns whether the edit was applied. */
async function applyIfUnchanged(edit: WorkspaceEdit, versions: EditVersions, then?: Command): Promise<boolean> {
  const changed = changedSince(versions);
  if (changed.length > 0) {
    const names = changed.map((uri) => uri.slice(uri.lastIndexOf('/') + 1)).join(', ');
    void window.showWarningMessage(`The quick fix was not applied: ${names} changed since it was computed. Ask for the quick fix again.`);
    return false;
  }
  const applied = await workspace.applyEdit(edit);
  if (applied && then) await commands.executeCommand(then.command, ...(then.arguments ?? []));
  return applied;
}
