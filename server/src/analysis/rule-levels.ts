import type { Finding, Severity } from './types';

/** A level a user can give a rule, as Bicep's `analyzers.core.rules.<code>.level`. */
export type RuleLevel = 'off' | 'info' | 'warning' | 'error';

/** Every level, from quietest to loudest. */
export const RULE_LEVELS: readonly RuleLevel[] = ['off', 'info', 'warning', 'error'];

const SEVERITY_OF_LEVEL: Record<Exclude<RuleLevel, 'off'>, Severity> = { info: 'information', warning: 'warning', error: 'error' };

/**
 * The findings as the user configured them. A rule with a level reports every finding at that
 * level, whatever the rule itself would have chosen (an escalation to Error included); `off`
 * drops its findings. Rules without a level keep their own severity.
 */
export function applyRuleLevels(findings: readonly Finding[], levels: Readonly<Record<string, RuleLevel>>): Finding[] {
  const result: Finding[] = [];
  for (const finding of findings) {
    const level = Object.prototype.hasOwnProperty.call(levels, finding.code) ? levels[finding.code] : undefined;
    if (level === 'off') continue;
    result.push(level === undefined ? finding : { ...finding, severity: SEVERITY_OF_LEVEL[level] });
  }
  return result;
}
