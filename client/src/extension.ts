import type { ExtensionContext } from 'vscode';
import { LanguageClient, TransportKind, type ServerOptions } from 'vscode-languageclient/node';
import { startClient, stopClient, type Api } from './common';

// The desktop extension: the language server runs as a Node process (dist/server.js). What it
// shares with the browser extension (browser-extension.ts) is in common.ts.

export type { Api } from './common';

/** Starts the language server for JSON, JSONC and ARM Tools' `arm-template` documents. */
export async function activate(context: ExtensionContext): Promise<Api> {
  const module = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6011'] } },
  };
  const api = await startClient(context, (id, name, clientOptions) => new LanguageClient(id, name, serverOptions, clientOptions));
  return api;
}

export async function deactivate(): Promise<void> {
  await stopClient();
}
