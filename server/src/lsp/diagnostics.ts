import { DiagnosticSeverity, type Diagnostic, type Range } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { AnalysisResult, Finding, OffsetRange, Severity } from '../analysis';

/** The `source` of every diagnostic this server publishes. */
export const SOURCE = 'sf-managed-identity';

/** Where the documentation of a rule lives; the diagnostic's `codeDescription.href`. */
export type RuleDocsUri = (code: string) => string;

/** Another document's text (open, or read from the workspace), to place related locations in it. */
export type OtherDocument = (uri: string) => TextDocument | undefined;

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
};

export function toRange(document: TextDocument, range: OffsetRange): Range {
  return { start: document.positionAt(range.offset), end: document.positionAt(range.offset + range.length) };
}

/** The diagnostics of an analysis: one per finding, or one that says why nothing was analysed. */
export function toDiagnostics(document: TextDocument, result: AnalysisResult, docsUri: RuleDocsUri, other?: OtherDocument): Diagnostic[] {
  if (result.problem) {
    return [
      {
        range: toRange(document, result.problem.range),
        severity: DiagnosticSeverity.Warning,
        source: SOURCE,
        code: result.problem.kind,
        message: result.problem.message,
      },
    ];
  }
  return result.findings.map((finding) => toDiagnostic(document, finding, docsUri, other));
}

export function toDiagnostic(document: TextDocument, finding: Finding, docsUri: RuleDocsUri, other?: OtherDocument): Diagnostic {
  const diagnostic: Diagnostic = {
    range: toRange(document, finding.range),
    severity: SEVERITY[finding.severity],
    source: SOURCE,
    code: finding.code,
    codeDescription: { href: docsUri(finding.code) },
    message: finding.message,
  };
  const related = (finding.related ?? []).flatMap((location) => {
    // A location in another file (a parameter file) needs that file's text to become a range.
    const where = location.uri === undefined ? document : other?.(location.uri);
    return where ? [{ location: { uri: where.uri, range: toRange(where, location.range) }, message: location.message }] : [];
  });
  if (related.length) diagnostic.relatedInformation = related;
  return diagnostic;
}
