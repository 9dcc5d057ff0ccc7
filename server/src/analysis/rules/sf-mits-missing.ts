// Applications on a classic cluster can only use managed identities when the cluster runs the Managed Identity Token Service.
import { findingAt, relatedAt } from '../source-documents';
import { ENABLE_PARAMETER, SECTION_NAME } from '../token-service';
import type { Finding, Fix } from '../types';
import type { Rule } from './rule';
import { deploymentNote } from './deployment-note';
import { origin } from './value-origin';

export const sfMitsMissing: Rule = {
  id: 'sf-mits-missing',
  defaultSeverity: 'warning',
  description: 'A Service Fabric cluster does not enable the Managed Identity Token Service.',
  check({ clusters }) {
    const findings: Finding[] = [];
    for (const cluster of clusters) {
      const { tokenService, forceRestart, identityApplications } = cluster;
      if (tokenService.state !== 'missing') continue;

      const fixes: Fix[] = [];
      // When the settings are computed by an expression there is no literal JSON to edit:
      // writing over the expression would lose what the user wrote, so no fix is offered.
      if (tokenService.enable.length > 0) {
        const enable: Fix = { title: 'Enable the Managed Identity Token Service', changes: tokenService.enable };
        if (forceRestart.state === 'off' && forceRestart.set) {
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
      }

      // Only applications linked to this cluster (its children, or named after it) escalate it.
      const app = identityApplications[0];
      const what =
        `${cluster.label} does not enable the Managed Identity Token Service: ${tokenService.reason}. ` +
        deploymentNote(cluster.entry) +
        (app
          ? `${app.label} in ${app.otherFile ? `the template ${app.otherFile}` : 'this template'} runs on this cluster and uses a managed identity, which needs the token service. `
          : 'Applications on this cluster cannot use managed identities without it. ');
      const how = tokenService.computed
        ? `${tokenService.computed} is computed by an expression, so there is no quick fix: change the expression or the values it uses ` +
          `so that fabricSettings has the ${SECTION_NAME} section with ${ENABLE_PARAMETER} "true", ` +
          'in an upgrade with upgradeDescription.forceRestart true so that every node restarts.'
        : `Add the ${SECTION_NAME} section with ${ENABLE_PARAMETER} "true" to fabricSettings, ` +
          'in an upgrade with upgradeDescription.forceRestart true so that every node restarts.';
      findings.push({
        code: sfMitsMissing.id,
        severity: app ? 'error' : 'warning',
        message: what + how,
        ...findingAt(cluster.typeNode),
        related: [
          ...origin(tokenService.steps, 'of fabricSettings'),
          ...identityApplications.map((application) => relatedAt(application.evidence, `${application.label}${application.otherFile ? ` in ${application.otherFile}` : ''} uses a managed identity.`)),
        ],
        fixes,
      });
    }
    return findings;
  },
};
