// Applications on a classic cluster can only use managed identities when the cluster runs the Managed Identity Token Service.
import { findingAt, relatedAt } from '../source-documents';
import { ENABLE_PARAMETER, SECTION_NAME } from '../token-service';
import type { Finding, Fix } from '../types';
import type { Rule } from './rule';

export const sfMitsMissing: Rule = {
  id: 'sf-mits-missing',
  defaultSeverity: 'warning',
  description: 'A Service Fabric cluster does not enable the Managed Identity Token Service.',
  check({ clusters, identityApplications }) {
    const findings: Finding[] = [];
    for (const cluster of clusters) {
      const { tokenService, forceRestart } = cluster;
      if (tokenService.state !== 'missing') continue;

      const enable: Fix = { title: 'Enable the Managed Identity Token Service', changes: tokenService.enable };
      const fixes: Fix[] = [];
      if (forceRestart.state === 'off') {
        fixes.push(
          {
            title: 'Enable the Managed Identity Token Service and restart every node',
            isPreferred: true,
            changes: [...tokenService.enable, forceRestart.set],
          },
          enable,
          { title: forceRestart.title, changes: [forceRestart.set] },
        );
      } else {
        fixes.push({ ...enable, isPreferred: true });
      }

      const app = identityApplications[0];
      const what =
        `${cluster.label} does not enable the Managed Identity Token Service: ${tokenService.reason}. ` +
        (app
          ? `${app.label} in this template uses a managed identity, which needs the token service on its cluster. `
          : 'Applications on this cluster cannot use managed identities without it. ');
      findings.push({
        code: sfMitsMissing.id,
        severity: app ? 'error' : 'warning',
        message:
          what +
          `Add the ${SECTION_NAME} section with ${ENABLE_PARAMETER} "true" to fabricSettings, ` +
          'in an upgrade with upgradeDescription.forceRestart true so that every node restarts.',
        ...findingAt(cluster.typeNode),
        related: identityApplications.map((application) => relatedAt(application.evidence, `${application.label} uses a managed identity.`)),
        fixes,
      });
    }
    return findings;
  },
};
