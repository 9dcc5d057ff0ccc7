import { rangeOf } from '../json-nodes';
import type { ValueStep } from '../template-scope';
import type { RelatedLocation } from '../types';

/** Points at the parameter value or variable that a finding's value comes from. */
export function origin(steps: ValueStep[], shown: string): RelatedLocation[] {
  // A step into another document (a parameter file) has no range in this one.
  const last = steps.filter((step) => !step.external).pop();
  if (!last) return [];
  const where = last.kind === 'parameter' ? `parameter '${last.name}'` : `variable '${last.name}'`;
  return [{ range: rangeOf(last.node), message: `The value ${shown} comes from ${where}.` }];
}
