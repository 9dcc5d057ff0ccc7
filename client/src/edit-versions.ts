import { workspace, type WorkspaceEdit } from 'vscode';

/**
 * The version of each document an edit changes, as it was when the edit was computed: a
 * number for a document open in the editor, `null` for one that was not open (its text was
 * the file on disk).
 */
export type EditVersions = Array<{ uri: string; version: number | null }>;

function openVersion(uri: string): number | null {
  return workspace.textDocuments.find((document) => document.uri.toString() === uri)?.version ?? null;
}

/**
 * The versions of the documents `edit` changes: `known` gives the version a document had
 * when the server computed the edit (the document the code actions were asked for); any
 * other document counts at its current version.
 */
export function editVersions(edit: WorkspaceEdit, known: ReadonlyMap<string, number>): EditVersions {
  const uris = new Set(edit.entries().map(([uri]) => uri.toString()));
  return [...uris].map((uri) => ({ uri, version: known.get(uri) ?? openVersion(uri) }));
}

/**
 * The documents that changed since `versions` were taken: open at another version, or open
 * with unsaved changes when they were not open then. Empty when the edit still applies to the
 * text it was computed for.
 */
export function changedSince(versions: EditVersions): string[] {
  return versions
    .filter(({ uri, version }) => {
      const document = workspace.textDocuments.find((open) => open.uri.toString() === uri);
      if (version === null) return document?.isDirty === true;
      return document === undefined || document.version !== version;
    })
    .map(({ uri }) => uri);
}
