import { RequestType, type Connection } from 'vscode-languageserver';
import { basenameUri, dirnameUri, resolveRelativeUri, sameUri } from './analysis';
import { normalizeUri } from './analysis/workspace-host';
import type { ServerWorkspaceHost, WorkspaceHostContext } from './host-adapter';

/** The browser server has no disk: it asks the client, which reads through vscode.workspace.fs. */
export const ReadFileRequest = new RequestType<{ uri: string }, string | null, void>('sfManagedIdentity/readFile');
/** The names of the files (not folders) in a folder; null when it cannot be listed. */
export const ReadDirectoryRequest = new RequestType<{ uri: string }, string[] | null, void>('sfManagedIdentity/readDirectory');

/** Where the files come from: the client, in the browser server; a fake, in tests. */
export interface FileSource {
  readFile(uri: string): Promise<string | null | undefined>;
  readDirectory(uri: string): Promise<string[] | null | undefined>;
}

/** Enough for the folders of the open templates; beyond it the cache starts over. */
const MAX_CACHED = 500;

export function connectionFileSource(connection: Connection): FileSource {
  return {
    readFile: (uri) => connection.sendRequest(ReadFileRequest, { uri }),
    readDirectory: (uri) => connection.sendRequest(ReadDirectoryRequest, { uri }),
  };
}

/**
 * The workspace as the browser server sees it: a cache of what the client answered. The
 * analysis stays synchronous, so a file not in the cache reads as missing for now; the host
 * asks the client for it, and once the answer is in, the server analyses the documents again
 * (`filesArrived`), which then find it. Answers, "no such file" included, are kept until the
 * file changes (`fileChanged`, from the client's file watcher). Nothing outside the workspace
 * folders is asked for; the client checks that too.
 */
export class ClientWorkspaceHost implements ServerWorkspaceHost {
  private readonly files = new Map<string, string | undefined>();
  private readonly listings = new Map<string, string[]>();
  private readonly asked = new Set<string>();
  private arrivalScheduled = false;

  constructor(
    private readonly context: WorkspaceHostContext,
    private readonly source: FileSource,
  ) {}

  readFile(uri: string): string | undefined {
    if (!this.inside(uri)) return undefined;
    const open = this.context.openDocument(uri);
    if (open !== undefined) return open;
    const key = normalizeUri(uri);
    if (this.files.has(key)) return this.files.get(key);
    this.ask(`file ${key}`, async () => {
      let text: string | undefined;
      try {
        text = (await this.source.readFile(uri)) ?? undefined;
      } catch {
        text = undefined; // unreadable reads as missing
      }
      this.remember(this.files, key, typeof text === 'string' ? text : undefined);
    });
    return undefined;
  }

  listDirectory(uri: string): string[] {
    const names = new Set<string>();
    if (!this.inside(`${uri}/x`)) return [];
    const key = normalizeUri(uri);
    const listed = this.listings.get(key);
    if (listed) for (const name of listed) names.add(name);
    else
      this.ask(`folder ${key}`, async () => {
        let answer: string[] | null | undefined;
        try {
          answer = await this.source.readDirectory(uri);
        } catch {
          answer = undefined;
        }
        this.remember(this.listings, key, Array.isArray(answer) ? answer.filter((name) => typeof name === 'string') : []);
      });
    // A document open but not saved yet is in its folder too.
    for (const open of this.context.openDocuments()) {
      if (sameUri(dirnameUri(open), uri) && this.inside(open)) names.add(basenameUri(open));
    }
    return [...names].sort();
  }

  parameterFileMapping(): ReadonlyArray<{ template: string; parameters: string }> {
    return mappingFromSettingUris(this.context.parameterFilesSetting(), this.context.folderUris);
  }

  fileChanged(uri: string): void {
    const key = normalizeUri(uri);
    this.files.delete(key);
    // Created or deleted: the folder's listing is stale too.
    this.listings.delete(normalizeUri(dirnameUri(uri)));
  }

  private inside(uri: string): boolean {
    // Restricted Mode: nothing is asked of the client until the workspace is trusted.
    if (!this.context.trusted()) return false;
    const target = normalizeUri(uri);
    if (/\/\.\.?(\/|$)/.test(target)) return false;
    return this.context.folderUris.some((folder) => {
      const root = normalizeUri(folder).replace(/\/+$/, '');
      return target.startsWith(`${root}/`);
    });
  }

  private ask(what: string, request: () => Promise<void>): void {
    if (this.asked.has(what)) return;
    this.asked.add(what);
    void request().finally(() => {
      this.asked.delete(what);
      this.scheduleArrival();
    });
  }

  private remember<T>(map: Map<string, T>, key: string, value: T): void {
    if (map.size >= MAX_CACHED) map.clear();
    map.set(key, value);
  }

  /** Answers that arrive together trigger one new analysis. */
  private scheduleArrival(): void {
    if (this.arrivalScheduled) return;
    this.arrivalScheduled = true;
    setTimeout(() => {
      this.arrivalScheduled = false;
      this.context.filesArrived();
    }, 0);
  }
}

/**
 * ARM Tools' `azureResourceManagerTools.parameterFiles` setting as URIs, in the browser: a
 * relative path is taken relative to the first workspace folder; an absolute path names a
 * file on some disk that the browser cannot see, and is ignored.
 */
export function mappingFromSettingUris(setting: unknown, folderUris: string[]): Array<{ template: string; parameters: string }> {
  if (setting === null || typeof setting !== 'object' || Array.isArray(setting)) return [];
  const base = folderUris[0];
  if (base === undefined) return [];
  const mapping: Array<{ template: string; parameters: string }> = [];
  for (const [template, parameters] of Object.entries(setting as Record<string, unknown>)) {
    if (typeof parameters !== 'string') continue;
    const templateUri = resolveRelativeUri(base, template);
    const parametersUri = resolveRelativeUri(base, parameters);
    if (templateUri && parametersUri) mapping.push({ template: templateUri, parameters: parametersUri });
  }
  return mapping;
}

/** The size of a text in UTF-8, in bytes, without encoding it. */
export function utf8ByteLength(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code < 0xdc00 && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}
