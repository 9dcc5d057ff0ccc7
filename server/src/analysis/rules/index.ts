import { armExpressionSyntax } from './arm-expression-syntax';
import type { Rule } from './rule';
import { sfForceRestartOn } from './sf-force-restart-on';
import { sfMitsMissing } from './sf-mits-missing';
import { sfVersionTooLow } from './sf-version-too-low';

/** Every rule, in the order their findings are reported. */
export const RULES: readonly Rule[] = [sfMitsMissing, sfVersionTooLow, sfForceRestartOn, armExpressionSyntax];

export type { Rule };
