import { normalizeUri, type WorkspaceHost } from './workspace-host';

const JSON_FILE = /\.jsonc?$/i;

/** One JSON file of a folder, and what pairing has learnt about it so far. */
export interface FolderEntry {
  name: string;
  uri: string;
  /** The URI with its percent-encoding decoded, as `sameUri` compares. */
  normalized: string;
  /** Undefined until asked: whether the file parses as a parameter file. */
  isParameterFile?: boolean;
  /** Undefined until asked: the normalized URI its `metadata.template` names, null when none. */
  metadataTemplate?: string | null;
}

/**
 * What pairing templates with parameter files needs to know about one folder: its listing, a
 * lookup of names (exact, then ignoring case) and its JSON files, on which parameter-files.ts
 * remembers what it read (whether each is a parameter file, which template it names).
 *
 * For a host whose files do not change while it is used (`WorkspaceHost.unchanging`, the CLI's
 * run) one index per folder is kept for the host's lifetime, so that a folder of n templates is
 * listed and scanned once rather than n times. For any other host a fresh index answers one
 * question and is dropped, so nothing stale is ever used.
 */
export class FolderIndex {
  readonly names: string[];
  /** The JSON files, in the listing's order. */
  readonly jsonFiles: FolderEntry[];
  private readonly exact = new Map<string, string>();
  private readonly folded = new Map<string, string>();
  private readonly byName = new Map<string, FolderEntry>();

  constructor(
    readonly folder: string,
    host: WorkspaceHost,
  ) {
    this.names = host.listDirectory(folder);
    this.jsonFiles = [];
    for (const name of this.names) {
      if (!this.exact.has(name)) this.exact.set(name, name);
      const lower = name.toLowerCase();
      if (!this.folded.has(lower)) this.folded.set(lower, name);
      if (JSON_FILE.test(name)) {
        const uri = `${folder}/${encodeURIComponent(name)}`;
        const entry: FolderEntry = { name, uri, normalized: normalizeUri(uri) };
        this.jsonFiles.push(entry);
        if (!this.byName.has(name)) this.byName.set(name, entry);
      }
    }
  }

  /** The file named `wanted` exactly, else ignoring case (Windows and macOS do); its name as listed. */
  find(wanted: string): string | undefined {
    return this.exact.get(wanted) ?? this.folded.get(wanted.toLowerCase());
  }

  /** The entry of a listed JSON file. */
  entry(name: string): FolderEntry | undefined {
    return this.byName.get(name);
  }
}

const indexes = new WeakMap<WorkspaceHost, Map<string, FolderIndex>>();

/** The index of `folder`: remembered for an unchanging host, fresh for any other. */
export function folderIndex(host: WorkspaceHost, folder: string): FolderIndex {
  if (host.unchanging !== true) return new FolderIndex(folder, host);
  let folders = indexes.get(host);
  if (folders === undefined) {
    folders = new Map();
    indexes.set(host, folders);
  }
  let index = folders.get(folder);
  if (index === undefined) {
    index = new FolderIndex(folder, host);
    folders.set(folder, index);
  }
  return index;
}
