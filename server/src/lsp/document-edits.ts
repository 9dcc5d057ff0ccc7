import { TextDocumentEdit, type WorkspaceEdit } from 'vscode-languageserver';
import type { Fix } from '../analysis';
import { toRange, type OtherDocument } from './diagnostics';

/**
 * The workspace edit of a fix that edits another document (an ApplicationManifest.xml), or
 * undefined when that document's text is no longer the text the edit was computed for (it was
 * edited or saved since the analysis), so that nothing lands in the wrong place.
 */
export function otherDocumentEdit(fix: Fix, other: OtherDocument | undefined, versioned: boolean): WorkspaceEdit | undefined {
  const target = fix.documentEdit;
  const document = target && other?.(target.uri);
  if (!target || !document || document.getText() !== target.text) return undefined;
  const edits = target.edits.map((edit) => ({ range: toRange(document, { offset: edit.offset, length: edit.length }), newText: edit.content }));
  // The document may not be open, so its version is not known: the text check above stands in for it.
  return versioned
    ? { documentChanges: [TextDocumentEdit.create({ uri: document.uri, version: null }, edits)] }
    : { changes: { [document.uri]: edits } };
}
