import { window, workspace, type ExtensionContext } from 'vscode';
import {
  CodeLensRequest,
  LanguageClient,
  TransportKind,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';

let client: LanguageClient | undefined;

/** Shows or hides the "Enable managed identities on this cluster…" code lens. */
const CODE_LENS_SETTING = 'sfManagedIdentity.codeLens.enable';

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
    middleware: {
      provideCodeLenses: (document, token, next) =>
        workspace.getConfiguration(undefined, document).get<boolean>(CODE_LENS_SETTING, true) ? next(document, token) : [],
    },
  };
  client = new LanguageClient('sfManagedIdentity', 'Service Fabric Managed Identity', serverOptions, clientOptions);
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
  await client.start();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
