import { commands, ConfigurationTarget, window, workspace, type ExtensionContext } from 'vscode';
import {
  CloseAction,
  CodeLensRequest,
  type BaseLanguageClient,
  type CloseHandlerResult,
  type ErrorHandler,
  type LanguageClientOptions,
} from 'vscode-languageclient';
import { registerGitBaseline } from './git-baseline';
import { MANIFEST_DOCUMENTS } from './manifest';
import { registerStaleEditGuard } from './stale-edit-guard';
import { registerWorkspaceTrust } from './workspace-trust';

// What the desktop client (extension.ts, a Node server process) and the browser client
// (browser-extension.ts, a web worker server) share: options, middleware, commands, crash notices.

/** Runs "Turn off <code> in settings"; the server offers that action to clients that announce it. */
const TURN_OFF_RULE_COMMAND = 'sfManagedIdentity.turnOffRule';

/** Shows or hides the "Enable managed identities on this cluster…" code lens. */
const CODE_LENS_SETTING = 'sfManagedIdentity.codeLens.enable';

/** What the extension exports, for its tests: the notices it wrote about server crashes. */
export interface Api {
  crashNotices: string[];
}

/** Makes the language client of one host (Node or browser) from the shared options. */
export type ClientFactory = (id: string, name: string, options: LanguageClientOptions) => BaseLanguageClient;

let client: BaseLanguageClient | undefined;

/**
 * Starts the language server for JSON, JSONC and ARM Tools' `arm-template` documents.
 * `initializationOptions` adds host-specific options; `beforeStart` registers handlers.
 */
export async function startClient(
  context: ExtensionContext,
  createClient: ClientFactory,
  host: { initializationOptions?: Record<string, unknown>; beforeStart?: (client: BaseLanguageClient) => void } = {},
): Promise<{ api: Api; client: BaseLanguageClient }> {
  const crashNotices: string[] = [];
  // vscode-languageclient restarts a crashed server (up to 4 times in 3 minutes); say so once
  // per crash in the output channel, so that a user who sees diagnostics flicker knows why.
  let restarts: ErrorHandler | undefined;
  const errorHandler: ErrorHandler = {
    error: (error, message, count) => restarts!.error(error, message, count),
    closed: async (): Promise<CloseHandlerResult> => {
      const result = await restarts!.closed();
      const notice =
        result.action === CloseAction.Restart
          ? 'The Service Fabric Managed Identity server stopped unexpectedly and was restarted.'
          : 'The Service Fabric Managed Identity server stopped unexpectedly too often and was not restarted; reload the window to start it again.';
      crashNotices.push(notice);
      client?.outputChannel.appendLine(`[${new Date().toISOString()}] ${notice}`);
      return result;
    },
  };
  const clientOptions: LanguageClientOptions = {
    // The server decides by `$schema` which of these are ARM templates; the rest get nothing.
    documentSelector: [{ language: 'json' }, { language: 'jsonc' }, { language: 'arm-template' }, ...MANIFEST_DOCUMENTS],
    initializationOptions: { clientCommands: [TURN_OFF_RULE_COMMAND], ...host.initializationOptions },
    middleware: {
      provideCodeLenses: (document, token, next) =>
        workspace.getConfiguration(undefined, document).get<boolean>(CODE_LENS_SETTING, true) ? next(document, token) : [],
    },
    errorHandler,
  };
  context.subscriptions.push(commands.registerCommand(TURN_OFF_RULE_COMMAND, turnOffRule));
  client = createClient('sfManagedIdentity', 'Service Fabric Managed Identity', clientOptions);
  restarts = client.createDefaultErrorHandler();
  registerStaleEditGuard(context, client);
  registerWorkspaceTrust(context, client);
  const started = client;
  context.subscriptions.push(
    workspace.onDidChangeConfiguration((event) => {
      if (!event.affectsConfiguration(CODE_LENS_SETTING)) return;
      // Ask VS Code for the code lenses again, so the change shows without a reload.
      const feature = started.getFeature(CodeLensRequest.method);
      const providers = new Set(window.visibleTextEditors.map((editor) => feature.getProvider(editor.document)));
      for (const provider of providers) provider?.onDidChangeCodeLensEmitter.fire();
    }),
  );
  host.beforeStart?.(client);
  await client.start();
  registerGitBaseline(context, client);
  return { api: { crashNotices }, client: started };
}

/**
 * Sets `sfManagedIdentity.rules.<code>` to `off` in the workspace settings (the user settings
 * when no folder is open), keeping the levels already set there for other rules.
 */
async function turnOffRule(code: unknown): Promise<void> {
  if (typeof code !== 'string' || code.length === 0) return;
  const configuration = workspace.getConfiguration('sfManagedIdentity');
  const inWorkspace = (workspace.workspaceFolders?.length ?? 0) > 0;
  const inspected = configuration.inspect<Record<string, string>>('rules');
  const current = (inWorkspace ? inspected?.workspaceValue : inspected?.globalValue) ?? {};
  await configuration.update('rules', { ...current, [code]: 'off' }, inWorkspace ? ConfigurationTarget.Workspace : ConfigurationTarget.Global);
  void window.showInformationMessage(
    `${code} is off in your ${inWorkspace ? 'workspace' : 'user'} settings ("sfManagedIdentity.rules"). Remove it there to turn the rule back on.`,
  );
}

export async function stopClient(): Promise<void> {
  await client?.stop();
}
