import { armExpressionSyntax } from './arm-expression-syntax';
import type { Rule } from './rule';
import { sfAppIdentityApiVersion } from './sf-app-identity-api-version';
import { sfCodeVersionWithAutomaticUpgrades } from './sf-code-version-with-automatic-upgrades';
import { sfForceRestartNeeded } from './sf-force-restart-needed';
import { sfForceRestartOn } from './sf-force-restart-on';
import { sfIdentityNotInManifest } from './sf-identity-not-in-manifest';
import { sfManifestIdentityUnbound } from './sf-manifest-identity-unbound';
import { sfMitsMissing } from './sf-mits-missing';
import { sfSettingNotString } from './sf-setting-not-string';
import { sfVersionTooLow } from './sf-version-too-low';

/** Every rule, in the order their findings are reported. */
export const RULES: readonly Rule[] = [
  sfMitsMissing,
  sfVersionTooLow,
  sfForceRestartOn,
  sfAppIdentityApiVersion,
  sfSettingNotString,
  sfCodeVersionWithAutomaticUpgrades,
  armExpressionSyntax,
  sfForceRestartNeeded,
  sfIdentityNotInManifest,
  sfManifestIdentityUnbound,
];

export type { Rule };
