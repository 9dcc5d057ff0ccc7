// The token service exists from runtime 6.5 CU2 on; enabling it on an older pinned runtime fails the deployment.
import { propertyValue } from '../json-nodes';
import { isBelowMinimum, MINIMUM_VERSION, type ClusterOs } from '../cluster-version';
import type { TemplateContext } from '../template-context';
import { literalString, type TemplateScope } from '../template-scope';
import type { Finding, Fix } from '../types';
import { origin } from './value-origin';
import type { Rule } from './rule';
import type { Node } from 'jsonc-parser';
import { changeAt, findingAt } from '../source-documents';

const PARAMETER_NOT_ALLOWED =
  "ParameterNotAllowed: Section 'ManagedIdentityTokenService' and Parameter 'IsEnabled' is not allowed.";

export const sfVersionTooLow: Rule = {
  id: 'sf-version-too-low',
  defaultSeverity: 'warning',
  description: 'clusterCodeVersion is older than 6.5 CU2, the first runtime with the Managed Identity Token Service.',
  check({ clusters }: TemplateContext) {
    const findings: Finding[] = [];
    for (const cluster of clusters) {
      // With automatic upgrades the pin is the problem, and sf-code-version-with-automatic-upgrades reports it.
      if (cluster.upgradeMode.state === 'known' && cluster.upgradeMode.value.trim().toLowerCase() === 'automatic') continue;
      const { node, scope } = cluster.entry;
      const properties = propertyValue(node, 'properties');
      const versionNode = propertyValue(properties, 'clusterCodeVersion');
      const resolved = scope.resolve(versionNode);
      const version = resolved && literalString(resolved.node);
      if (!versionNode || !resolved || version === undefined) continue;

      const os = clusterOs(properties, scope);
      // With the OS unknown, only a version too low for both is a fact.
      const tooLow = isBelowMinimum(version, os ?? 'linux');
      if (!tooLow) continue;

      const enabled = cluster.tokenService.state === 'enabled';
      const minimum = os ? `${MINIMUM_VERSION[os].display} on ${os === 'linux' ? 'Linux' : 'Windows'}` : `${MINIMUM_VERSION.windows.display} on Windows, ${MINIMUM_VERSION.linux.display} on Linux`;
      const message = enabled
        ? `clusterCodeVersion ${version} is older than 6.5 CU2 (${minimum}), the first runtime with the Managed Identity Token Service, ` +
          `which this cluster enables. The deployment fails with "${PARAMETER_NOT_ALLOWED}" Upgrade the cluster to 6.5 CU2 or later first.`
        : `clusterCodeVersion ${version} is older than 6.5 CU2 (${minimum}), the first runtime with the Managed Identity Token Service. ` +
          'Upgrade the cluster to 6.5 CU2 or later before enabling managed identities; on this version that deployment fails with ParameterNotAllowed.';

      findings.push({
        code: sfVersionTooLow.id,
        severity: enabled ? 'error' : 'warning',
        message,
        ...findingAt(versionNode),
        related: origin(resolved.steps, version),
        fixes: (os ? [os] : (['windows', 'linux'] as const)).map((target) => raiseFix(resolved.node, target, os === undefined)),
      });
    }
    return findings;
  },
};

/** Linux when `vmImage` says Linux or Ubuntu; Windows when it says otherwise or is absent; unknown if unresolved. */
function clusterOs(properties: Node | undefined, scope: TemplateScope): ClusterOs | undefined {
  const vmImageNode = propertyValue(properties, 'vmImage');
  if (!vmImageNode) return 'windows';
  const vmImage = scope.resolveString(vmImageNode);
  if (vmImage === undefined) return undefined;
  return /linux|ubuntu/i.test(vmImage) ? 'linux' : 'windows';
}

function raiseFix(valueNode: Node, os: ClusterOs, sayOs: boolean): Fix {
  const target = MINIMUM_VERSION[os].display;
  return {
    title: `Raise clusterCodeVersion to ${target}${sayOs ? (os === 'linux' ? ' (Linux)' : ' (Windows)') : ''}`,
    isPreferred: !sayOs,
    changes: [changeAt(valueNode, target)],
  };
}
