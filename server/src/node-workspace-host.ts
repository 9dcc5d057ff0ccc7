import { readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { normalizeUri, type FolderEntryInfo, type WorkspaceHost } from './analysis';
import { decode } from './text-decoding';

/** Parameter files and templates are small; a larger file is not read for them. */
const MAX_FILE_BYTES = 8 * 1024 * 1024;
/** Enough for the folders of the open templates; beyond it the cache starts over. */
const MAX_CACHED_FILES = 500;
/** findFiles looks at no more than this many entries (files and folders), and this many levels deep. */
export const MAX_WALK_ENTRIES = 50_000;
export const MAX_WALK_DEPTH = 16;
/** Folders findFiles never enters. */
const SKIPPED_FOLDERS = new Set(['node_modules', '.git']);

export interface NodeWorkspaceHostOptions {
  /** The folders files may be read from: the workspace folders, or the CLI's folders. */
  roots: string[];
  /** The text of a document open in the editor, which wins over the file on disk. */
  openDocument?: (uri: string) => string | undefined;
  /** The URIs of the open documents: a new file may be open before it is saved. */
  openDocuments?: () => string[];
  /** The `azureResourceManagerTools.parameterFiles` mapping, already as URIs. */
  parameterFileMapping?: () => ReadonlyArray<{ template: string; parameters: string }>;
  /**
   * No file changes while the host is used (the CLI's run without `--fix`): each file is read,
   * and each folder listed, at most once, and the analysis may remember what it learnt.
   */
  unchanging?: boolean;
  /**
   * Whether the workspace is trusted (see `lsp/trust.ts`), asked at each read. While it answers
   * false, no file is read and no folder listed: Restricted Mode. Absent: trusted (the CLI).
   */
  trusted?: () => boolean;
}

/**
 * The workspace as the Node server and the CLI see it. Nothing outside the roots is read or
 * listed: paths are compared after resolving `..` and symbolic links (realpath), so a link
 * inside the workspace that points outside it is refused like the outside path itself.
 */
export class NodeWorkspaceHost implements WorkspaceHost {
  /** The real paths of the roots, resolved at the first read (none in Restricted Mode). */
  private resolvedRoots: string[] | undefined;
  /** Files read from disk, by real path; reused while their size and modification time stay. */
  private readonly cache = new Map<string, { mtimeMs: number; size: number; text: string }>();
  /** For an unchanging host: what readFile and listDirectory answered, by URI. */
  private readonly reads = new Map<string, string | undefined>();
  private readonly listings = new Map<string, string[]>();
  /** Every file under the roots, as a walk found them; dropped when a file is created or deleted. */
  private allFiles: string[] | undefined;
  private knownFiles: Set<string> | undefined;
  readonly unchanging: boolean;

  constructor(private readonly options: NodeWorkspaceHostOptions) {
    this.unchanging = options.unchanging === true;
  }

  private get roots(): string[] {
    this.resolvedRoots ??= this.options.roots.flatMap((root) => {
      try {
        return [realpathSync.native(root)];
      } catch {
        return [];
      }
    });
    return this.resolvedRoots;
  }

  readFile(uri: string): string | undefined {
    if (this.options.trusted?.() === false) return undefined;
    if (!this.unchanging) return this.read(uri);
    if (this.reads.has(uri)) return this.reads.get(uri);
    const text = this.read(uri);
    if (this.reads.size >= MAX_CACHED_FILES) this.reads.clear();
    this.reads.set(uri, text);
    return text;
  }

  listDirectory(uri: string): string[] {
    if (this.options.trusted?.() === false) return [];
    if (!this.unchanging) return this.list(uri);
    let names = this.listings.get(uri);
    if (names === undefined) {
      names = this.list(uri);
      this.listings.set(uri, names);
    }
    return [...names];
  }

  private read(uri: string): string | undefined {
    const path = pathOf(uri);
    if (path === undefined) return undefined;
    const real = this.realPathInside(path);
    const open = this.options.openDocument?.(uri);
    // An open document that is not saved yet has no real path; its own path must be inside.
    if (open !== undefined && (real !== undefined || (!exists(path) && this.lexicallyInside(path)))) return open;
    if (real === undefined) return undefined;
    try {
      const stats = statSync(real);
      if (!stats.isFile() || stats.size > MAX_FILE_BYTES) return undefined;
      const cached = this.cache.get(real);
      if (cached && cached.mtimeMs === stats.mtimeMs && cached.size === stats.size) return cached.text;
      const text = decode(readFileSync(real));
      if (this.cache.size >= MAX_CACHED_FILES) this.cache.clear();
      this.cache.set(real, { mtimeMs: stats.mtimeMs, size: stats.size, text });
      return text;
    } catch {
      return undefined;
    }
  }

  private list(uri: string): string[] {
    const path = pathOf(uri);
    if (path === undefined) return [];
    const names = new Set<string>();
    const real = this.realPathInside(path);
    if (real !== undefined) {
      try {
        for (const entry of readdirSync(real, { withFileTypes: true })) if (entry.isFile() || entry.isSymbolicLink()) names.add(entry.name);
      } catch {
        // A folder that cannot be listed has no files to offer.
      }
    }
    // Open documents count too, as they may not be saved yet. Listing a name is not reading it:
    // readFile still refuses a file whose real path leaves the workspace (as for the symbolic
    // links listed above), so only the folder is checked here, without a system call per
    // document (200 open documents in one folder made every listing 400 calls).
    const folder = resolve(path);
    for (const open of this.options.openDocuments?.() ?? []) {
      const openPath = pathOf(open);
      if (openPath !== undefined && resolve(dirname(openPath)) === folder && (real !== undefined || this.lexicallyInside(openPath))) names.add(basename(openPath));
    }
    return [...names].sort();
  }

  /**
   * The files and sub-folders of a folder inside the workspace, for the workspace-wide scan.
   * A symbolic link to a file counts as a file (readFile still refuses one that leads outside);
   * a symbolic link to a folder is not followed, so that a walk cannot loop.
   */
  listEntries(uri: string): FolderEntryInfo[] {
    if (this.options.trusted?.() === false) return [];
    const path = pathOf(uri);
    const real = path === undefined ? undefined : this.realPathInside(path);
    if (real === undefined) return [];
    const entries: FolderEntryInfo[] = [];
    try {
      for (const entry of readdirSync(real, { withFileTypes: true })) {
        if (entry.isDirectory()) entries.push({ name: entry.name, kind: 'folder' });
        else if (entry.isFile()) entries.push({ name: entry.name, kind: 'file' });
        else if (entry.isSymbolicLink() && isFile(resolve(real, entry.name))) entries.push({ name: entry.name, kind: 'file' });
      }
    } catch {
      // A folder that cannot be listed has nothing to offer.
    }
    return entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** The size of a file inside the workspace, in bytes. */
  fileSize(uri: string): number | undefined {
    if (this.options.trusted?.() === false) return undefined;
    const path = pathOf(uri);
    const real = path === undefined ? undefined : this.realPathInside(path);
    if (real === undefined) return undefined;
    try {
      const stats = statSync(real);
      return stats.isFile() ? stats.size : undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * Files named `fileName` (ignoring case), or with the extension of `*.<extension>`, under the
   * roots, found by one walk that is kept until a file it does not know is created
   * (`fileChanged`). The walk skips node_modules and .git, follows no symbolic link to a folder,
   * and stops after MAX_WALK_ENTRIES entries or MAX_WALK_DEPTH levels. Open documents that are
   * not saved yet count too. In Restricted Mode it lists nothing.
   */
  findFiles(fileName: string): string[] {
    if (this.options.trusted?.() === false) return [];
    this.allFiles ??= this.walk();
    const wanted = fileName.toLowerCase();
    const matches = wanted.startsWith('*.')
      ? (name: string) => name.toLowerCase().endsWith(wanted.substring(1))
      : (name: string) => name.toLowerCase() === wanted;
    const found = this.allFiles.filter((uri) => matches(basename(pathOf(uri) ?? '')));
    // VS Code and pathToFileURL percent-encode some characters differently (parentheses, say):
    // an open document is the same file as the one the walk found if the decoded URIs are equal.
    let walked: Set<string> | undefined;
    for (const open of this.options.openDocuments?.() ?? []) {
      const path = pathOf(open);
      if (path === undefined || !matches(basename(path)) || !this.lexicallyInside(path)) continue;
      walked ??= new Set(found.map(normalizeUri));
      if (!walked.has(normalizeUri(open))) found.push(open);
    }
    return found;
  }

  /**
   * A file was created, changed or deleted: a file the walk did not see (created, or renamed to)
   * makes the next findFiles walk again. A deleted file may stay listed; it then reads as missing.
   */
  fileChanged(uri: string): void {
    if (this.unchanging || this.allFiles === undefined) return;
    this.knownFiles ??= new Set(this.allFiles.map(normalizeUri));
    if (!this.knownFiles.has(normalizeUri(uri))) {
      this.allFiles = undefined;
      this.knownFiles = undefined;
    }
  }

  private walk(): string[] {
    const files: string[] = [];
    let entries = 0;
    const visit = (folder: string, depth: number): void => {
      let children;
      try {
        children = readdirSync(folder, { withFileTypes: true });
      } catch {
        return;
      }
      for (const child of children) {
        if (++entries > MAX_WALK_ENTRIES) return;
        const path = resolve(folder, child.name);
        if (child.isFile()) files.push(pathToFileURL(path).toString());
        else if (child.isDirectory() && depth + 1 < MAX_WALK_DEPTH && !SKIPPED_FOLDERS.has(child.name)) visit(path, depth + 1);
      }
    };
    for (const root of this.roots) visit(root, 0);
    return files;
  }

  parameterFileMapping(): ReadonlyArray<{ template: string; parameters: string }> {
    return this.options.parameterFileMapping?.() ?? [];
  }

  /** The real path of `path` when it exists and lies inside a root, otherwise undefined. */
  private realPathInside(path: string): string | undefined {
    // No folder (a session without a workspace): nothing is inside, and no need to look.
    if (this.options.roots.length === 0) return undefined;
    let real: string;
    try {
      real = realpathSync.native(path);
    } catch {
      return undefined;
    }
    return this.roots.some((root) => contains(root, real)) ? real : undefined;
  }

  private lexicallyInside(path: string): boolean {
    return this.options.roots.some((root) => contains(resolve(root), resolve(path)));
  }
}

function contains(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

/** The file-system path of a `file:` URI; undefined for any other scheme. */
export function pathOf(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}

/**
 * The `azureResourceManagerTools.parameterFiles` setting (template path → parameter file path,
 * as ARM Tools writes it) as URIs. Relative paths are taken relative to the first folder.
 */
export function mappingFromSetting(setting: unknown, folders: string[]): Array<{ template: string; parameters: string }> {
  if (setting === null || typeof setting !== 'object' || Array.isArray(setting)) return [];
  const base = folders[0];
  const toUri = (path: string): string | undefined => {
    if (path.trim() === '') return undefined;
    if (isAbsolute(path)) return pathToFileURL(path).toString();
    return base === undefined ? undefined : pathToFileURL(resolve(base, path)).toString();
  };
  const mapping: Array<{ template: string; parameters: string }> = [];
  for (const [template, parameters] of Object.entries(setting as Record<string, unknown>)) {
    if (typeof parameters !== 'string') continue;
    const templateUri = toUri(template);
    const parametersUri = toUri(parameters);
    if (templateUri && parametersUri) mapping.push({ template: templateUri, parameters: parametersUri });
  }
  return mapping;
}
