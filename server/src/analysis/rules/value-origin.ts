import { documentOf, relatedAt } from '../source-documents';
import type { ValueStep } from '../template-scope';
import type { RelatedLocation } from '../types';

/** Points at the parameter value or variable that a finding's value comes from. */
export function origin(steps: ValueStep[], shown: string): RelatedLocation[] {
  // A step into another document (a parameter file) has no range in this one.
  const last = steps.filter((step) => !step.external).pop();
  if (!last) return [];
  const parameterFile = documentOf(last.node)?.parameterFile;
  const where =
    last.kind === 'variable'
      ? `variable '${last.name}'`
      : parameterFile
        ? `parameter '${last.name}' in the parameter file ${parameterFile}`
        : `parameter '${last.name}'`;
  return [relatedAt(last.node, `The value ${shown} comes from ${where}.`)];
}
