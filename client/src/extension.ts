import type { ExtensionContext } from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';

let client: LanguageClient | undefined;

/** Starts the language server for JSON, JSONC and ARM Tools' `arm-template` documents. */
export async function activate(context: ExtensionContext): Promise<void> {
  const module = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6011'] } },
  };
  const clientOptions: LanguageClientOptions = {
    // The server decides by `$schema` which of these are ARM templates; the rest get nothing.
    documentSelector: [{ language: 'json' }, { language: 'jsonc' }, { language: 'arm-template' }],
    // Sends the extension's settings (sfManagedIdentity.*) to the server now and on every change.
    synchronize: { configurationSection: 'sfManagedIdentity' },
  };
  client = new LanguageClient('sfManagedIdentity', 'Service Fabric Managed Identity', serverOptions, clientOptions);
  await client.start();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
