// The token service's settings are static: the upgrade that enables it must restart every node, which only forceRestart: true does.
import type { Node } from 'jsonc-parser';
import { property, propertyValue } from '../json-nodes';
import { findingAt } from '../source-documents';
import { SECTION_NAME } from '../token-service';
import type { Finding } from '../types';
import type { Rule } from './rule';
import { deploymentNote } from './deployment-note';

export const sfForceRestartNeeded: Rule = {
  id: 'sf-force-restart-needed',
  defaultSeverity: 'warning',
  description: 'This change enables the Managed Identity Token Service, but upgradeDescription.forceRestart is not true.',
  check({ clusters }) {
    const findings: Finding[] = [];
    for (const { baseline, forceRestart, entry, label, typeNode } of clusters) {
      // Only with a baseline that shows this change enabling the service; an unknown forceRestart is never reported.
      if (baseline?.state !== 'enabling' || forceRestart.state !== 'off') continue;
      findings.push({
        code: sfForceRestartNeeded.id,
        severity: 'warning',
        message:
          `This change enables the Managed Identity Token Service on ${label === 'This cluster' ? 'this cluster' : label}, ` +
          `which has no enabled ${SECTION_NAME} section at ${baseline.ref}, but upgradeDescription.forceRestart is not true. ` +
          'The setting is static: it only takes effect when every node restarts, and an upgrade that changes only configuration does not restart them. ' +
          'Set upgradeDescription.forceRestart to true for this upgrade, then roll it back after the upgrade completes.' +
          (forceRestart.set ? '' : ' The upgrade policy is computed by an expression, so there is no quick fix: change the expression or the values it uses.') +
          (deploymentNote(entry) ? ` ${deploymentNote(entry).trim()}` : ''),
        ...findingAt(placeOf(entry.node) ?? typeNode),
        fixes: forceRestart.set ? [{ title: forceRestart.title, isPreferred: true, changes: [forceRestart.set] }] : [],
      });
    }
    return findings;
  },
};

/** The cluster's own `forceRestart` property, else its `upgradeDescription` property, where written. */
function placeOf(cluster: Node): Node | undefined {
  const description = propertyValue(propertyValue(cluster, 'properties'), 'upgradeDescription');
  if (description?.type !== 'object') return description ? property(propertyValue(cluster, 'properties'), 'upgradeDescription') : undefined;
  return property(description, 'forceRestart') ?? property(propertyValue(cluster, 'properties'), 'upgradeDescription');
}
