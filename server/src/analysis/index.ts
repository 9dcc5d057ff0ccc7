/** The pure analysis: no editor, no file system, no process. */
export { analyzeDocument, analyzeTemplate, type AnalyzeOptions } from './analyze';
export { applyFix, detectFormatting, editsForFix } from './fix-edits';
export { RULES, type Rule } from './rules';
export type { AnalysisProblem, AnalysisResult, Finding, Fix, JsonChange, OffsetRange, RelatedLocation, Severity } from './types';
export { basenameUri, dirnameUri, resolveRelativeUri, sameUri, type WorkspaceHost } from './workspace-host';
