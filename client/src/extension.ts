import type { ExtensionContext } from 'vscode';
import {
  CloseAction,
  LanguageClient,
  TransportKind,
  type CloseHandlerResult,
  type ErrorHandler,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';

let client: LanguageClient | undefined;

/** What the extension exports, for its tests: the notices it wrote about server crashes. */
export interface Api {
  crashNotices: string[];
}

/** Starts the language server for JSON, JSONC and ARM Tools' `arm-template` documents. */
export async function activate(context: ExtensionContext): Promise<Api> {
  const module = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6011'] } },
  };
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
    documentSelector: [{ language: 'json' }, { language: 'jsonc' }, { language: 'arm-template' }],
    // Sends the extension's settings (sfManagedIdentity.*) to the server now and on every change.
    synchronize: { configurationSection: 'sfManagedIdentity' },
    errorHandler,
  };
  client = new LanguageClient('sfManagedIdentity', 'Service Fabric Managed Identity', serverOptions, clientOptions);
  restarts = client.createDefaultErrorHandler();
  await client.start();
  return { crashNotices };
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
