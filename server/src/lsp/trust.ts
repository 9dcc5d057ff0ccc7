import type { Connection } from 'vscode-languageserver';

/** Sent by the client, without parameters, when the user trusts the workspace. */
export const WORKSPACE_TRUSTED_NOTIFICATION = 'sfManagedIdentity/workspaceTrusted';

/**
 * Workspace Trust, as the client reports it. In Restricted Mode the server reads and lists no
 * file on disk: it analyses only the text of the open documents (no parameter file, no linked
 * template). The client says so with `initializationOptions.workspaceTrusted: false`, and
 * later sends `sfManagedIdentity/workspaceTrusted` when the user grants trust. A client that
 * says nothing (Neovim, any other LSP client: they have no Restricted Mode) is trusted, as the
 * user who started the server on a folder chose to.
 *
 * Anything that reads the workspace asks `trusted` at the time it reads (the Node workspace
 * host does), and `onTrusted` listeners run once trust arrives, to analyse again.
 */
export class WorkspaceTrust {
  private state = true;
  private readonly listeners: Array<() => void> = [];

  get trusted(): boolean {
    return this.state;
  }

  /** Takes the state from the `initialize` request's `initializationOptions`. */
  initialize(initializationOptions: unknown): void {
    const value = (initializationOptions as { workspaceTrusted?: unknown } | null | undefined)?.workspaceTrusted;
    this.state = value !== false;
  }

  /** Listens for the client's notification. */
  listen(connection: Connection): void {
    connection.onNotification(WORKSPACE_TRUSTED_NOTIFICATION, () => this.grant());
  }

  onTrusted(listener: () => void): void {
    this.listeners.push(listener);
  }

  /** Trust is granted; it is never taken back while the server runs (VS Code reloads the window then). */
  grant(): void {
    if (this.state) return;
    this.state = true;
    for (const listener of this.listeners) {
      try {
        listener();
      } catch {
        // One listener's failure must not keep the others from analysing again.
      }
    }
  }
}
