/** The pure analysis: no editor, no file system, no process. */
export { analyzeDocument, analyzeDocumentFullTree, analyzeTemplate, analyzeTemplateFullTree, type AnalyzeOptions } from './analyze';
export type { Baseline } from './baseline';
export { applyFix, detectFormatting, editsForFix } from './fix-edits';
export { applyRuleLevels, RULE_LEVELS, type RuleLevel } from './rule-levels';
export { RULES, type Rule } from './rules';
export { DISABLE_NEXT_LINE, findSuppressions, hasComments, suppressFindings, suppressionEdit, type Suppression, type TextChange } from './suppressions';
export type { AnalysisProblem, AnalysisResult, Finding, Fix, JsonChange, OffsetRange, RelatedLocation, Severity } from './types';
export { basenameUri, dirnameUri, normalizeUri, resolveRelativeUri, sameUri, type FolderEntryInfo, type WorkspaceHost } from './workspace-host';
export { completionsAt, STANDALONE_PARAMETERS, type CompletionData, type OffsetEdit } from './completion-info';
export { ENABLE_TITLE, enablePlan, enableTargets, type EnablePlan, type EnableTarget } from './enable-managed-identities';
export { hoverInfo, type HoverInfo, type HoverTopic, type VersionSupport } from './hover-info';
export { checkSize, DEFAULT_MAX_FILE_SIZE_MB, SCHEMA_SEARCH_LENGTH, validMaxFileSizeMB } from './size-limit';
export { FIX_ALL_KIND, fixAll } from './fix-all';
export { APPLICATION_MANIFEST_FILE, isApplicationManifestUri, parseApplicationManifest, type ApplicationManifest, type ManifestParse } from './manifest/parse-manifest';
export { addManagedIdentityEdit, type OffsetEdit as ManifestEdit } from './manifest/manifest-edit';
