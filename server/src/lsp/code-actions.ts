import {
  CodeActionKind,
  TextDocumentEdit,
  type CodeAction,
  type CodeActionParams,
  type Diagnostic,
  type Position,
  type Range,
  type TextEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { editsForFix, FIX_ALL_KIND, fixAll, type AnalysisResult, type Finding, type Fix } from '../analysis';
import { SOURCE, toDiagnostic, toRange, type OtherDocument, type RuleDocsUri } from './diagnostics';
import { otherDocumentEdit } from './document-edits';

/**
 * Quick fixes for the findings in the request's range, attached to the client's diagnostics
 * for them. The findings come from an analysis of the current text, and the edits are
 * computed against that text.
 */
export function codeActions(
  document: TextDocument,
  result: AnalysisResult,
  params: CodeActionParams,
  versionedEdits: boolean,
  docsUri: RuleDocsUri,
  other?: OtherDocument,
  lazy = false,
): CodeAction[] {
  const only = params.context.only;
  // Fix-all is a source action: offered only when asked for (codeActionsOnSave, Source Action...).
  if (only?.some((kind) => kind === FIX_ALL_KIND || FIX_ALL_KIND.startsWith(`${kind}.`))) {
    const fix = fixAll(result);
    const edit = fix && workspaceEdit(document, fix, versionedEdits);
    const fixAllActions: CodeAction[] = edit ? [{ title: fix.title, kind: FIX_ALL_KIND, edit }] : [];
    if (!only.some((kind) => CodeActionKind.QuickFix.startsWith(kind))) return fixAllActions;
    return [...fixAllActions, ...codeActions(document, result, { ...params, context: { ...params.context, only: [CodeActionKind.QuickFix] } }, versionedEdits, docsUri, undefined, lazy)];
  }
  if (only && !only.some((kind) => CodeActionKind.QuickFix.startsWith(kind))) return [];
  const actions: CodeAction[] = [];
  for (const finding of result.findings) {
    const diagnostic = diagnosticFor(document, finding, params, docsUri, other);
    if (!diagnostic) continue;
    for (const [index, fix] of finding.fixes.entries()) {
      // The analysis only hands out fixes for this document; never edit another file blind.
      if (fix.changes.some((change) => change.uri !== undefined)) continue;
      if (fix.documentEdit) {
        // An edit of another document (the application manifest) is small: computed now, never resolved.
        const edit = otherDocumentEdit(fix, other, versionedEdits);
        if (edit) actions.push({ title: fix.title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], isPreferred: fix.isPreferred === true, edit });
        continue;
      }
      if (lazy) {
        // The client asks for the edit (codeAction/resolve) only for the action the user picks.
        const data: FixData = { uri: document.uri, version: document.version, code: finding.code, offset: finding.range.offset, length: finding.range.length, fix: index };
        actions.push({ title: fix.title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], isPreferred: fix.isPreferred === true, data });
        continue;
      }
      const edit = workspaceEdit(document, fix, versionedEdits);
      if (!edit) continue;
      actions.push({ title: fix.title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], isPreferred: fix.isPreferred === true, edit });
    }
  }
  return actions;
}

/** What a lazy quick fix carries to codeAction/resolve: the document version and which fix of which finding. */
export interface FixData {
  uri: string;
  version: number;
  code: string;
  offset: number;
  length: number;
  fix: number;
}

function isFixData(data: unknown): data is FixData {
  const d = data as Partial<FixData> | null;
  return (
    typeof d === 'object' && d !== null && typeof d.uri === 'string' && typeof d.version === 'number' && typeof d.code === 'string' &&
    typeof d.offset === 'number' && typeof d.length === 'number' && typeof d.fix === 'number'
  );
}

/** The document a lazy quick fix was offered for, or undefined for any other action. */
export function fixDataUri(action: CodeAction): string | undefined {
  return isFixData(action.data) ? action.data.uri : undefined;
}

/**
 * Adds the edit to a quick fix offered without one. The fix is found again in the analysis of
 * the document's current text, which is cached for the version it was offered for; if the
 * document changed since, or the fix is gone, the action comes back without an edit, so that
 * nothing is applied to text it was not computed for.
 */
export function resolveCodeAction(action: CodeAction, document: TextDocument | undefined, result: AnalysisResult, versionedEdits: boolean): CodeAction {
  const data = action.data;
  if (action.edit || !isFixData(data) || !document || document.uri !== data.uri || document.version !== data.version) return action;
  const finding = result.findings.find((candidate) => candidate.code === data.code && candidate.range.offset === data.offset && candidate.range.length === data.length);
  const fix = finding?.fixes[data.fix];
  if (!fix || fix.title !== action.title || fix.documentEdit || fix.changes.some((change) => change.uri !== undefined)) return action;
  const edit = workspaceEdit(document, fix, versionedEdits);
  return edit ? { ...action, edit } : action;
}

/**
 * The diagnostic a code action for `finding` is attached to, or undefined when the finding is
 * not in the request. The client sends the diagnostics it shows at the range. Right after a
 * change it may not show them yet, so a finding under the cursor counts all the same.
 */
export function diagnosticFor(document: TextDocument, finding: Finding, params: CodeActionParams, docsUri: RuleDocsUri, other?: OtherDocument): Diagnostic | undefined {
  const range = toRange(document, finding.range);
  return (
    params.context.diagnostics.find((candidate) => candidate.source === SOURCE && candidate.code === finding.code && sameRange(range, candidate.range)) ??
    (overlaps(range, params.range) ? toDiagnostic(document, finding, docsUri, other) : undefined)
  );
}

function workspaceEdit(document: TextDocument, fix: Fix, versioned: boolean): WorkspaceEdit | undefined {
  const edits = editsForFix(document.getText(), fix);
  if (!edits) return undefined;
  return toWorkspaceEdit(document, edits, versioned);
}

/** Offset edits of `document` as a workspace edit, versioned when the client supports it. */
export function toWorkspaceEdit(document: TextDocument, edits: ReadonlyArray<{ offset: number; length: number; content: string }>, versioned: boolean): WorkspaceEdit {
  const textEdits: TextEdit[] = edits.map((edit) => ({
    range: toRange(document, { offset: edit.offset, length: edit.length }),
    newText: edit.content,
  }));
  // A versioned edit is refused by the editor if the document changed since it was computed.
  return versioned
    ? { documentChanges: [TextDocumentEdit.create({ uri: document.uri, version: document.version }, textEdits)] }
    : { changes: { [document.uri]: textEdits } };
}

function sameRange(a: Range, b: Range): boolean {
  return a.start.line === b.start.line && a.start.character === b.start.character && a.end.line === b.end.line && a.end.character === b.end.character;
}

function before(a: Position, b: Position): boolean {
  return a.line < b.line || (a.line === b.line && a.character < b.character);
}

/** Ranges overlap or touch, so that a cursor at either end of a finding counts. */
function overlaps(a: Range, b: Range): boolean {
  return !before(a.end, b.start) && !before(b.end, a.start);
}
