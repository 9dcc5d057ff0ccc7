// clusterCodeVersion can only be set in Manual upgrade mode; with Automatic the pin fails the deployment or says a version the cluster does not run.
import { property, propertyValue } from '../json-nodes';
import { changeAt, findingAt, relatedAt, removalAt } from '../source-documents';
import { literalString } from '../template-scope';
import type { Finding } from '../types';
import type { Rule } from './rule';

export const sfCodeVersionWithAutomaticUpgrades: Rule = {
  id: 'sf-code-version-with-automatic-upgrades',
  defaultSeverity: 'warning',
  description: 'clusterCodeVersion is set while upgradeMode is Automatic; the version can only be set in Manual mode.',
  check({ clusters }) {
    const findings: Finding[] = [];
    for (const cluster of clusters) {
      const { upgradeMode } = cluster;
      // The schema gives upgradeMode no default, so only an explicit Automatic is a fact.
      if (upgradeMode.state !== 'known' || upgradeMode.value.trim().toLowerCase() !== 'automatic') continue;
      const { node, scope } = cluster.entry;
      const properties = propertyValue(node, 'properties');
      const versionProperty = property(properties, 'clusterCodeVersion');
      const versionNode = versionProperty?.children?.[1];
      const key = versionProperty?.children?.[0]?.value;
      const resolved = scope.resolve(versionNode);
      const version = resolved && literalString(resolved.node);
      if (!properties || !versionProperty || typeof key !== 'string' || version === undefined || version.trim() === '') continue;
      findings.push({
        code: sfCodeVersionWithAutomaticUpgrades.id,
        severity: 'warning',
        message:
          `clusterCodeVersion is ${version} while upgradeMode is Automatic. The version can only be set in Manual mode: ` +
          'the deployment fails when the version differs from the one the cluster runs, and otherwise the pin says a version that automatic upgrades move away from. ' +
          'Remove clusterCodeVersion to let Azure keep the runtime current, or set upgradeMode to Manual to pin it.',
        ...findingAt(versionProperty),
        related: [relatedAt(upgradeMode.resolved.node, 'upgradeMode is Automatic here.')],
        fixes: [
          { title: 'Remove the clusterCodeVersion pin', isPreferred: true, changes: [removalAt(properties, key)] },
          { title: 'Set upgradeMode to Manual', changes: [changeAt(upgradeMode.resolved.node, 'Manual')] },
        ],
      });
    }
    return findings;
  },
};
