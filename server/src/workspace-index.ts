import { normalizeUri, type WorkspaceHost } from './analysis';

/**
 * The candidate templates of the workspace folders, for `sfManagedIdentity.diagnostics.scope`
 * = `workspace`. Every file is found through the WorkspaceHost (`listEntries`, `fileSize`), never
 * from the disk directly, so that whatever the host refuses (outside the workspace, Restricted
 * Mode) the scan does not see either.
 */

/** More JSON files than this and the scan stops, with a message: the rest are not analysed. */
export const MAX_INDEXED_FILES = 20_000;
/** Folders never walked, whatever `files.exclude` says. */
const ALWAYS_SKIPPED = new Set(['node_modules', '.git']);
const CANDIDATE = /\.jsonc?$/i;

/** `files.exclude` as VS Code stores it: glob → true/false, or `{ when: "$(basename).ts" }`. */
export type ExcludeSetting = Record<string, unknown>;

/**
 * A matcher for the patterns of `files.exclude`, tested against a path relative to its
 * workspace folder (`/`-separated, as VS Code does). Patterns set to `true` apply; those set to
 * `false` do not. A pattern with a `when` clause (exclude a file only when a sibling exists) is
 * ignored: the scan then looks at a few more files, never at fewer.
 */
export class ExcludeMatcher {
  private readonly patterns: RegExp[];

  constructor(setting: unknown) {
    this.patterns = [];
    if (setting === null || typeof setting !== 'object' || Array.isArray(setting)) return;
    for (const [glob, value] of Object.entries(setting as ExcludeSetting)) {
      if (value !== true) continue;
      const pattern = globToRegExp(glob);
      if (pattern) this.patterns.push(pattern);
    }
  }

  /** Whether the file or folder at `relativePath` is excluded. */
  excludes(relativePath: string): boolean {
    return this.patterns.some((pattern) => pattern.test(relativePath));
  }
}

/**
 * A glob of VS Code's syntax as a regular expression over a whole relative path: `*` and `?`
 * stay within a segment, `**` spans any number of segments, `{a,b}` is a choice and `[...]` a
 * character class. Undefined for a pattern that cannot be used.
 */
export function globToRegExp(glob: string): RegExp | undefined {
  let source = '';
  let braces = 0;
  const pattern = glob.trim().replace(/\\/g, '/').replace(/^\.\//, '').replace(/\/+$/, '');
  if (pattern === '') return undefined;
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i];
    if (char === '*') {
      if (pattern[i + 1] === '*') {
        // `**/` at a segment start: any number of whole segments, none included.
        const atStart = i === 0 || pattern[i - 1] === '/';
        i++;
        if (atStart && pattern[i + 1] === '/') {
          source += '(?:[^/]*/)*';
          i++;
        } else {
          source += '.*';
        }
      } else {
        source += '[^/]*';
      }
    } else if (char === '?') {
      source += '[^/]';
    } else if (char === '{') {
      braces++;
      source += '(?:';
    } else if (char === '}' && braces > 0) {
      braces--;
      source += ')';
    } else if (char === ',' && braces > 0) {
      source += '|';
    } else if (char === '[') {
      const close = pattern.indexOf(']', i + 1);
      if (close < 0) {
        source += '\\[';
      } else {
        const body = pattern.substring(i + 1, close).replace(/^!/, '^').replace(/\\/g, '\\\\');
        source += `[${body}]`;
        i = close;
      }
    } else {
      source += char.replace(/[.+^$()|\\\]]/g, '\\$&');
    }
  }
  if (braces > 0) return undefined;
  try {
    return new RegExp(`^${source}$`);
  } catch {
    return undefined;
  }
}

export interface IndexOptions {
  /** `files.exclude` of each workspace folder, by the folder's URI; folders not given exclude nothing more. */
  exclude?: ReadonlyMap<string, ExcludeMatcher>;
  /** The most JSON files the index takes; MAX_INDEXED_FILES unless given. */
  maxFiles?: number;
  /** Larger files are left out (counted in `tooLarge`); no limit unless given. */
  maxFileBytes?: number;
  /** Asked between folders: true stops the walk, and the index says `cancelled`. */
  isCancelled?: () => boolean;
  /** Called now and then with the number of folders walked and files found so far. */
  onProgress?: (folders: number, files: number) => void;
}

export interface IndexedFile {
  uri: string;
  /** The URI of the workspace folder it belongs to. */
  root: string;
}

/** What one walk of the workspace folders found. */
export interface WorkspaceIndex {
  /** The candidate templates (`.json`, `.jsonc`), in walking order. */
  files: IndexedFile[];
  /** Every folder walked: the names of its files, by normalized folder URI (what listDirectory answers). */
  listings: Map<string, string[]>;
  /** True when the walk stopped at `maxFiles`. */
  capped: boolean;
  /** The JSON files left out because they are over `maxFileBytes`. */
  tooLarge: string[];
  /** True when `isCancelled` stopped the walk: the index is incomplete and must not be used. */
  cancelled: boolean;
}

/** Whether `uri` is a candidate template inside one of the roots, not excluded and not under node_modules or .git. */
export function isCandidate(uri: string, roots: readonly string[], exclude?: ReadonlyMap<string, ExcludeMatcher>): boolean {
  const normalized = normalizeUri(uri);
  if (!CANDIDATE.test(normalized)) return false;
  for (const root of roots) {
    const prefix = `${normalizeUri(root).replace(/\/+$/, '')}/`;
    if (!normalized.startsWith(prefix)) continue;
    const relative = normalized.substring(prefix.length);
    const segments = relative.split('/');
    if (segments.some((segment) => ALWAYS_SKIPPED.has(segment))) return false;
    const matcher = exclude?.get(root);
    if (matcher === undefined) return true;
    // A file is excluded when it or any folder above it is.
    for (let i = 1; i <= segments.length; i++) if (matcher.excludes(segments.slice(0, i).join('/'))) return false;
    return true;
  }
  return false;
}

/** setTimeout, not setImmediate: the browser server has no setImmediate. */
const yieldTurn = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/**
 * Walks the workspace folders through the host, breadth first, and returns the candidate
 * templates. It gives the event loop a turn every few folders so that a newer scan, an edit or
 * a request can come first; `isCancelled` is asked then.
 */
export async function buildIndex(host: WorkspaceHost, roots: readonly string[], options: IndexOptions = {}): Promise<WorkspaceIndex> {
  const maxFiles = options.maxFiles ?? MAX_INDEXED_FILES;
  const index: WorkspaceIndex = { files: [], listings: new Map(), capped: false, tooLarge: [], cancelled: false };
  if (host.listEntries === undefined) return index;
  let walked = 0;
  for (const root of roots) {
    const base = root.replace(/\/+$/, '');
    const matcher = options.exclude?.get(root);
    const queue: Array<{ uri: string; relative: string }> = [{ uri: base, relative: '' }];
    while (queue.length > 0) {
      if (walked % 16 === 0) {
        await yieldTurn();
        if (options.isCancelled?.()) return { ...index, cancelled: true };
        options.onProgress?.(walked, index.files.length);
      }
      walked++;
      const folder = queue.shift()!;
      const names: string[] = [];
      for (const entry of host.listEntries(folder.uri)) {
        const uri = `${folder.uri}/${encodeURIComponent(entry.name)}`;
        const relative = folder.relative === '' ? entry.name : `${folder.relative}/${entry.name}`;
        if (entry.kind === 'file') names.push(entry.name);
        if (matcher?.excludes(relative)) continue;
        if (entry.kind === 'folder') {
          if (!ALWAYS_SKIPPED.has(entry.name)) queue.push({ uri, relative });
          continue;
        }
        if (!CANDIDATE.test(entry.name)) continue;
        if (index.files.length >= maxFiles) {
          index.capped = true;
          continue;
        }
        if (options.maxFileBytes !== undefined && (host.fileSize?.(uri) ?? 0) > options.maxFileBytes) {
          index.tooLarge.push(uri);
          continue;
        }
        index.files.push({ uri, root });
      }
      index.listings.set(normalizeUri(folder.uri), names);
    }
  }
  return index;
}

/**
 * A host for one pass over the index: folders are listed from what the walk already found (no
 * second walk), and each file is read once. Open documents' text still wins, as the base host
 * gives it. It is `unchanging`, so the analysis may remember what it learnt about a folder for
 * the pass; a new pass takes a new one.
 */
export class IndexHost implements WorkspaceHost {
  readonly unchanging = true;
  private readonly reads = new Map<string, string | undefined>();
  private readonly found = new Map<string, string[]>();

  constructor(
    private readonly base: WorkspaceHost,
    private readonly index: WorkspaceIndex,
  ) {}

  readFile(uri: string): string | undefined {
    if (this.reads.has(uri)) return this.reads.get(uri);
    const text = this.base.readFile(uri);
    this.reads.set(uri, text);
    return text;
  }

  listDirectory(uri: string): string[] {
    const listed = this.index.listings.get(normalizeUri(uri));
    return listed === undefined ? this.base.listDirectory(uri) : [...listed];
  }

  parameterFileMapping(): ReadonlyArray<{ template: string; parameters: string }> {
    return this.base.parameterFileMapping();
  }

  /** The base host's answer (the application manifests of an ARM application, say), once per pass. */
  findFiles(fileName: string): string[] {
    let found = this.found.get(fileName);
    if (found === undefined) {
      found = this.base.findFiles?.(fileName) ?? [];
      this.found.set(fileName, found);
    }
    return [...found];
  }
}
