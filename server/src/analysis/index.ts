/** The pure analysis: no editor, no file system, no process. */
export { analyzeTemplate } from './analyze';
export { applyFix, detectFormatting, editsForFix } from './fix-edits';
export { RULES, type Rule } from './rules';
export type { AnalysisProblem, AnalysisResult, Finding, Fix, JsonChange, OffsetRange, RelatedLocation, Severity } from './types';
export { completionsAt, STANDALONE_PARAMETERS, type CompletionData, type OffsetEdit } from './completion-info';
export { ENABLE_TITLE, enablePlan, enableTargets, type EnablePlan, type EnableTarget } from './enable-managed-identities';
export { hoverInfo, type HoverInfo, type HoverTopic, type VersionSupport } from './hover-info';
