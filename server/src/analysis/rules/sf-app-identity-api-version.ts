// An application's identity and managedIdentities exist from api version 2019-06-01-preview on; an older apiVersion cannot express them.
import { propertyValue } from '../json-nodes';
import { changeAt, findingAt, relatedAt } from '../source-documents';
import { literalString } from '../template-scope';
import type { Finding } from '../types';
import type { Rule } from './rule';

/** The first api version whose application resource has `identity` and `managedIdentities`. */
export const FIRST_IDENTITY_API_VERSION = '2019-06-01-preview';
/**
 * What the fix writes: the newest generally available api version in the official schemas
 * (the newer ones are previews), which has both properties.
 */
export const IDENTITY_API_VERSION_TARGET = '2021-06-01';

const API_VERSION = /^(\d{4}-\d{2}-\d{2})(-[a-z]+)?$/i;

/** True when `apiVersion` is older than 2019-06-01-preview; undefined when it is not an api version. */
export function predatesIdentities(apiVersion: string): boolean | undefined {
  const match = API_VERSION.exec(apiVersion.trim());
  if (!match) return undefined;
  // A date's previews come before its GA version, so comparing the dates is enough here.
  return match[1] < FIRST_IDENTITY_API_VERSION.slice(0, 10);
}

export const sfAppIdentityApiVersion: Rule = {
  id: 'sf-app-identity-api-version',
  defaultSeverity: 'error',
  description: 'An application declares identity or managedIdentities with an apiVersion older than 2019-06-01-preview, which has neither.',
  check({ applications }) {
    const findings: Finding[] = [];
    for (const application of applications) {
      if (application.declaredIdentity.length === 0) continue;
      const { node, scope } = application.entry;
      const apiVersionNode = propertyValue(node, 'apiVersion');
      const resolved = scope.resolve(apiVersionNode);
      const apiVersion = resolved && literalString(resolved.node);
      if (!apiVersionNode || !resolved || apiVersion === undefined || !predatesIdentities(apiVersion)) continue;
      const names = application.declaredIdentity.map((declared) => `'${declared.children?.[0]?.value as string}'`).join(' and ');
      findings.push({
        code: sfAppIdentityApiVersion.id,
        severity: 'error',
        message:
          `${application.label} declares ${names} with apiVersion ${apiVersion}, but the application resource has neither property ` +
          `before api version ${FIRST_IDENTITY_API_VERSION}: with this apiVersion the application does not get its managed identity. ` +
          `Use api version ${IDENTITY_API_VERSION_TARGET} (or ${FIRST_IDENTITY_API_VERSION} or later).`,
        ...findingAt(apiVersionNode),
        related: application.declaredIdentity.map((declared) => relatedAt(declared, `${application.label} declares its managed identity here.`)),
        fixes: [
          {
            title: `Raise the apiVersion to ${IDENTITY_API_VERSION_TARGET}`,
            isPreferred: true,
            changes: [changeAt(resolved.node, IDENTITY_API_VERSION_TARGET)],
          },
        ],
      });
    }
    return findings;
  },
};
