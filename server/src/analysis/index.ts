/** The pure analysis: no editor, no file system, no process. */
export { analyzeTemplate, analyzeTemplateFullTree } from './analyze';
export { applyFix, detectFormatting, editsForFix } from './fix-edits';
export { RULES, type Rule } from './rules';
export type { AnalysisProblem, AnalysisResult, Finding, Fix, JsonChange, OffsetRange, RelatedLocation, Severity } from './types';
export { checkSize, DEFAULT_MAX_FILE_SIZE_MB, SCHEMA_SEARCH_LENGTH, validMaxFileSizeMB } from './size-limit';
export { FIX_ALL_KIND, fixAll } from './fix-all';
