import type { AnalysisResult, Fix } from './types';

/** The code action kind of fix-all, for `editor.codeActionsOnSave`. */
export const FIX_ALL_KIND = 'source.fixAll.sfManagedIdentity';

/**
 * Codes whose preferred fix is left out of fix-all. Rolling `forceRestart` back is right only
 * once the upgrade that enabled the token service has run; on save it would undo the restart
 * that fix-all itself asks for one save earlier, so a person decides it, as a quick fix.
 */
const NOT_ON_SAVE = new Set(['sf-force-restart-on']);

/**
 * One fix made of the preferred fix of every finding, in document order, to be turned into
 * non-overlapping edits by `editsForFix`. Undefined when there is nothing to fix.
 */
export function fixAll(result: AnalysisResult): Fix | undefined {
  const changes = result.findings
    .filter((finding) => !NOT_ON_SAVE.has(finding.code))
    .flatMap((finding) => finding.fixes.find((fix) => fix.isPreferred)?.changes ?? []);
  return changes.length > 0 ? { title: 'Fix all Service Fabric managed identity problems', changes } : undefined;
}
