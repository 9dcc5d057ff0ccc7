import type { JSONPath } from 'jsonc-parser';
import { analyzeTemplate, applyFix, suppressFindings, type AnalysisResult, type Finding, type Fix } from '../analysis';

/** How many fixes `--fix` applies to one file at most, so that fixes that undo each other end. */
export const MAX_FIXES_PER_FILE = 25;

export interface AppliedFix {
  code: string;
  title: string;
}

export interface SkippedFix extends AppliedFix {
  reason: string;
}

export interface FixOutcome {
  text: string;
  applied: AppliedFix[];
  skipped: SkippedFix[];
  /** True when the run stopped at MAX_FIXES_PER_FILE, so preferred fixes may be left. */
  limited: boolean;
}

/**
 * Applies the preferred fix of each finding, one at a time with the editor's edit engine
 * (`applyFix`), analysing again after each, until no preferred fix is left or the bound is hit.
 *
 * A fix is skipped when its edits no longer fit the text, when the result would not parse, or
 * when it would change a value an earlier fix of the same run set: the run never undoes its own
 * work (enabling the token service sets `forceRestart: true`; rolling it back belongs to a later
 * run, after the upgrade has completed).
 *
 * `analyse` analyses a version of the file: a template, or a parameter file with its template
 * (the CLI passes one with the file's URI and the workspace host). A fix that would edit another
 * file is never applied here; that file gets its own finding and fix.
 */
export function fixText(text: string, include: (finding: Finding) => boolean, analyse: (text: string) => AnalysisResult = analyzeTemplate): FixOutcome {
  const applied: AppliedFix[] = [];
  const skipped: SkippedFix[] = [];
  const written: JSONPath[] = [];
  const refused = new Set<string>();
  let current = text;
  while (applied.length < MAX_FIXES_PER_FILE) {
    const result = analyse(current);
    if (!isAnalysed(result)) break;
    let next: { text: string; finding: Finding; fix: Fix } | undefined;
    // A finding the user suppressed with a comment is not theirs to have fixed.
    for (const finding of suppressFindings(current, result.findings)) {
      if (!include(finding)) continue;
      const fix = finding.fixes.find((candidate) => candidate.isPreferred);
      if (!fix) continue;
      const key = `${finding.code}\u0000${fix.title}\u0000${finding.range.offset}`;
      if (refused.has(key)) continue;
      const refuse = (reason: string) => {
        refused.add(key);
        skipped.push({ code: finding.code, title: fix.title, reason });
      };
      if (fix.documentEdit || fix.changes.some((change) => change.uri !== undefined)) {
        refuse('it would edit another file');
        continue;
      }
      if (fix.changes.some((change) => written.some((path) => overlaps(path, change.path)))) {
        refuse('it would change what an earlier fix of this run set');
        continue;
      }
      const fixed = applyFix(current, fix);
      if (fixed === undefined || fixed === current) {
        refuse('its edits no longer fit the template');
        continue;
      }
      const check = analyse(fixed);
      if (!isAnalysed(check)) {
        refuse(result.isTemplate ? 'the result would not be a readable template' : 'the result would not be a readable parameter file');
        continue;
      }
      next = { text: fixed, finding, fix };
      break;
    }
    if (!next) break;
    current = next.text;
    applied.push({ code: next.finding.code, title: next.fix.title });
    written.push(...next.fix.changes.map((change) => change.path));
  }
  return { text: current, applied, skipped, limited: applied.length >= MAX_FIXES_PER_FILE };
}

/** A template, or a parameter file analysed with its template, that could be read. */
function isAnalysed(result: AnalysisResult): boolean {
  return (result.isTemplate || result.parametersFor !== undefined) && !result.problem;
}

/** True when one path is a prefix of the other; an index of -1 (append) matches any index. */
function overlaps(a: JSONPath, b: JSONPath): boolean {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number' && (x === -1 || y === -1)) continue;
    if (typeof x === 'string' && typeof y === 'string' && x.toLowerCase() === y.toLowerCase()) continue;
    return false;
  }
  return true;
}
