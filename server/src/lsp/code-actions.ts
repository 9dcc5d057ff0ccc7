import {
  CodeActionKind,
  TextDocumentEdit,
  type CodeAction,
  type CodeActionParams,
  type Diagnostic,
  type TextEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { editsForFix, type AnalysisResult, type Fix } from '../analysis';
import { SOURCE, toRange } from './diagnostics';

/**
 * Quick fixes for the diagnostics in the request. The finding behind each diagnostic is
 * looked up in an analysis of the current text, and its edits are computed against that text.
 */
export function codeActions(
  document: TextDocument,
  result: AnalysisResult,
  params: CodeActionParams,
  versionedEdits: boolean,
): CodeAction[] {
  const only = params.context.only;
  if (only && !only.some((kind) => CodeActionKind.QuickFix.startsWith(kind))) return [];
  const actions: CodeAction[] = [];
  for (const diagnostic of params.context.diagnostics) {
    if (diagnostic.source !== SOURCE) continue;
    const finding = result.findings.find(
      (candidate) => candidate.code === diagnostic.code && sameRange(toRange(document, candidate.range), diagnostic),
    );
    for (const fix of finding?.fixes ?? []) {
      const edit = workspaceEdit(document, fix, versionedEdits);
      if (!edit) continue;
      actions.push({ title: fix.title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], isPreferred: fix.isPreferred === true, edit });
    }
  }
  return actions;
}

function workspaceEdit(document: TextDocument, fix: Fix, versioned: boolean): WorkspaceEdit | undefined {
  const edits = editsForFix(document.getText(), fix);
  if (!edits) return undefined;
  const textEdits: TextEdit[] = edits.map((edit) => ({
    range: toRange(document, { offset: edit.offset, length: edit.length }),
    newText: edit.content,
  }));
  // A versioned edit is refused by the editor if the document changed since it was computed.
  return versioned
    ? { documentChanges: [TextDocumentEdit.create({ uri: document.uri, version: document.version }, textEdits)] }
    : { changes: { [document.uri]: textEdits } };
}

function sameRange(range: { start: { line: number; character: number }; end: { line: number; character: number } }, diagnostic: Diagnostic): boolean {
  const other = diagnostic.range;
  return (
    range.start.line === other.start.line &&
    range.start.character === other.start.character &&
    range.end.line === other.end.line &&
    range.end.character === other.end.character
  );
}
