import { workspace, type ExtensionContext } from 'vscode';
import type { BaseLanguageClient } from 'vscode-languageclient';

/** Sent, without parameters, when the user trusts the workspace. */
export const WORKSPACE_TRUSTED_NOTIFICATION = 'sfManagedIdentity/workspaceTrusted';

/**
 * Workspace Trust: in Restricted Mode the server reads and lists no file on disk (no parameter
 * file, no linked template); it analyses only the open documents' text. The server learns the
 * state from `initializationOptions.workspaceTrusted` (read again at each start, so a restarted
 * server knows) and hears of trust being granted through a notification.
 */
export function registerWorkspaceTrust(context: ExtensionContext, client: BaseLanguageClient): void {
  const options = client.clientOptions;
  const previous: unknown = options.initializationOptions;
  options.initializationOptions = () => ({
    ...((typeof previous === 'function' ? (previous as () => unknown)() : previous) as Record<string, unknown> | undefined),
    workspaceTrusted: workspace.isTrusted,
  });
  context.subscriptions.push(
    // While the client starts, this waits for it; a stopped client rejects (and its next start
    // reads workspace.isTrusted again).
    workspace.onDidGrantWorkspaceTrust(() => void client.sendNotification(WORKSPACE_TRUSTED_NOTIFICATION).catch(() => undefined)),
  );
}
