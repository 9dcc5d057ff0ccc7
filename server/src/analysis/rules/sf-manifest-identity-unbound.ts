// A manifest identity that no ARM application of its type provides has no Azure identity behind it, so a service bound to it cannot get a token.
import type { Finding } from '../types';
import { basenameUri } from '../workspace-host';
import type { Rule } from './rule';

export const sfManifestIdentityUnbound: Rule = {
  id: 'sf-manifest-identity-unbound',
  defaultSeverity: 'warning',
  description: 'A ManagedIdentity of an ApplicationManifest.xml is not provided by any ARM application of its type in the workspace.',
  // This rule reads ApplicationManifest.xml files, not templates.
  check: () => [],
  checkManifest({ manifest, typeName, applications }) {
    // Only a manifest that the workspace deploys with ARM is checked: others may be deployed another way.
    if (applications.length === 0) return [];
    const provided = new Set(applications.flatMap((application) => application.identities));
    const templates = [...new Set(applications.map((application) => basenameUri(application.uri)))].join(', ');
    const findings: Finding[] = [];
    for (const identity of manifest.identities) {
      if (provided.has(identity.value)) continue;
      const bound = manifest.bindings.some((binding) => binding.value === identity.value);
      findings.push({
        code: sfManifestIdentityUnbound.id,
        severity: 'warning',
        message:
          `Managed identity '${identity.value}' is declared here, but no ARM application of type '${typeName}' in the workspace (${templates}) lists it in ` +
          `properties.managedIdentities, so nothing gives it an Azure identity` +
          (bound ? ' and the services bound to it by IdentityBindingPolicy cannot get a token. ' : '. ') +
          `Add { "name": "${identity.value}", "principalId": "..." } to the application's managedIdentities, or remove it here.`,
        range: identity.range,
        related: applications.map((application) => ({
          uri: application.uri,
          range: application.range,
          message: `An application of type '${typeName}' in ${basenameUri(application.uri)}.`,
        })),
        fixes: [],
      });
    }
    return findings;
  },
};
