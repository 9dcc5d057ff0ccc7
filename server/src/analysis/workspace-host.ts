/**
 * What the analysis may ask about other files: the Node server, the CLI and (later) a browser
 * server each implement it. Implementations give out nothing outside the workspace: a URI
 * outside it, also through `..` or a symbolic link, reads as if there were no such file.
 */
export interface WorkspaceHost {
  /** The text of a file, or undefined when it does not exist, cannot be read or is outside the workspace. */
  readFile(uri: string): string | undefined;
  /** The names of the files (not folders) in a folder; empty when it is outside the workspace. */
  listDirectory(uri: string): string[];
  /** The `azureResourceManagerTools.parameterFiles` setting, as template and parameter file URIs. */
  parameterFileMapping(): ReadonlyArray<{ template: string; parameters: string }>;
  /**
   * Optional: true when no file changes while this host is in use (the CLI's run without
   * `--fix`). The analysis then remembers what it learnt about a folder (its listing, which of
   * its files are parameter files and for which template) for the host's lifetime.
   */
  readonly unchanging?: boolean;
  /**
   * Optional: the URIs of the files in the workspace named `fileName` (compared ignoring case),
   * or, for `*.<extension>`, of every file with that extension; bounded, so a huge workspace
   * gives a partial answer. Hosts without it (or in Restricted Mode) find nothing on disk.
   */
  findFiles?(fileName: string): string[];
  /**
   * Optional, for the workspace-wide scan: the files and sub-folders of a folder (symbolic links
   * to folders are not followed, so a walk cannot loop); empty when it is outside the workspace.
   */
  listEntries?(uri: string): FolderEntryInfo[];
  /** Optional, for the workspace-wide scan: a file's size in bytes, undefined when it cannot be read. */
  fileSize?(uri: string): number | undefined;
}

/** One entry of `WorkspaceHost.listEntries`. */
export interface FolderEntryInfo {
  name: string;
  kind: 'file' | 'folder';
}

/** The folder part of a URI, without the trailing slash. */
export function dirnameUri(uri: string): string {
  const slash = uri.lastIndexOf('/');
  return slash < 0 ? uri : uri.substring(0, slash);
}

/** The last segment of a URI, decoded: the file name. */
export function basenameUri(uri: string): string {
  const name = uri.substring(uri.lastIndexOf('/') + 1);
  try {
    return decodeURIComponent(name);
  } catch {
    return name;
  }
}

/**
 * A path relative to a folder URI, as a URI. Only relative paths are resolved: an absolute path,
 * a drive letter or a URL gives undefined. `..` is resolved here; whether the result is inside
 * the workspace is for the host to decide.
 */
export function resolveRelativeUri(folderUri: string, relativePath: string): string | undefined {
  const path = relativePath.trim().replace(/\\/g, '/');
  if (path === '' || path.startsWith('/') || /^[a-z][a-z0-9+.-]*:/i.test(path)) return undefined;
  const schemeEnd = folderUri.indexOf('://');
  const authorityEnd = schemeEnd < 0 ? -1 : folderUri.indexOf('/', schemeEnd + 3);
  if (authorityEnd < 0) return undefined;
  const prefix = folderUri.substring(0, authorityEnd);
  const segments = folderUri.substring(authorityEnd + 1).split('/').filter((segment) => segment !== '');
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (segments.length === 0) return undefined;
      segments.pop();
    } else {
      segments.push(encodeURIComponent(segment));
    }
  }
  return `${prefix}/${segments.join('/')}`;
}

/** Two URIs name the same file, whatever their percent-encoding. */
export function sameUri(a: string, b: string): boolean {
  return normalizeUri(a) === normalizeUri(b);
}

export function normalizeUri(uri: string): string {
  try {
    return decodeURIComponent(uri);
  } catch {
    return uri;
  }
}
