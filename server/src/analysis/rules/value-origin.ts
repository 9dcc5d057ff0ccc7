import { rangeOf } from '../json-nodes';
import type { ValueStep } from '../template-scope';
import type { RelatedLocation } from '../types';

/** Points at the parameter value or variable that a finding's value comes from. */
export function origin(steps: ValueStep[], shown: string): RelatedLocation[] {
  const last = steps[steps.length - 1];
  if (!last) return [];
  const where = last.kind === 'parameter' ? `parameter '${last.name}'` : `variable '${last.name}'`;
  return [{ range: rangeOf(last.node), message: `The value ${shown} comes from ${where}.` }];
}
