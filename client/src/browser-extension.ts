import { FileType, Uri, workspace, type ExtensionContext } from 'vscode';
import { LanguageClient } from 'vscode-languageclient/browser';
import { startClient, stopClient, type Api } from './common';

// The web extension (vscode.dev, github.dev): the same client options, the language server in a
// web worker (dist/web/server.js). The worker has no disk; it asks for the files it needs
// (parameter files, linked templates) and this client reads them through vscode.workspace.fs.

/** The web worker, as the browser has it; declared here because the client compiles without DOM types. */
declare const Worker: new (url: string) => ConstructorParameters<typeof LanguageClient>[3];

/** Parameter files and templates are small; a larger file is not read for them. */
const MAX_FILE_BYTES = 8 * 1024 * 1024;

export async function activate(context: ExtensionContext): Promise<Api> {
  const serverMain = Uri.joinPath(context.extensionUri, 'dist', 'web', 'server.js');
  return startClient(context, (id, name, options) => new LanguageClient(id, name, options, new Worker(serverMain.toString(true))), {
    // The rule pages ship inside the extension; the worker links the diagnostics to them.
    initializationOptions: { extensionUri: context.extensionUri.toString(true) },
    beforeStart: (client) => {
      client.onRequest('sfManagedIdentity/readFile', ({ uri }: { uri: string }) => readFile(uri));
      client.onRequest('sfManagedIdentity/readDirectory', ({ uri }: { uri: string }) => readDirectory(uri));
    },
  });
}

export async function deactivate(): Promise<void> {
  await stopClient();
}

/**
 * A URI the server may have read: inside a workspace folder, without `.` or `..` segments,
 * in a trusted workspace (in Restricted Mode the server only sees open documents).
 */
function readable(uri: string): Uri | undefined {
  if (typeof uri !== 'string' || !workspace.isTrusted) return undefined;
  let target: Uri;
  try {
    target = Uri.parse(uri, true);
  } catch {
    return undefined;
  }
  if (target.path.split('/').some((segment) => segment === '.' || segment === '..')) return undefined;
  const folder = workspace.getWorkspaceFolder(target);
  if (!folder || folder.uri.toString() === target.toString()) return undefined;
  return target;
}

async function readFile(uri: string): Promise<string | null> {
  const target = readable(uri);
  if (!target) return null;
  try {
    const stat = await workspace.fs.stat(target);
    if ((stat.type & FileType.File) === 0 || stat.size > MAX_FILE_BYTES) return null;
    return decode(await workspace.fs.readFile(target));
  } catch {
    return null; // no such file, or unreadable: the same to the analysis
  }
}

async function readDirectory(uri: string): Promise<string[] | null> {
  const target = readable(uri);
  // The folder itself may be a workspace folder: check a file inside it instead.
  if (!target && !readable(`${uri.replace(/\/+$/, '')}/x`)) return null;
  try {
    const entries = await workspace.fs.readDirectory(target ?? Uri.parse(uri, true));
    return entries.filter(([, type]) => (type & FileType.File) !== 0).map(([name]) => name);
  } catch {
    return null;
  }
}

/** Decodes a file as VS Code does: UTF-8 with or without a BOM, UTF-16 with a BOM. */
function decode(bytes: Uint8Array): string {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return new TextDecoder('utf-8').decode(bytes.subarray(3));
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  return new TextDecoder('utf-8').decode(bytes);
}
