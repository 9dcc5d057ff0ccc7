// The token service exists from runtime 6.5 CU2 on; enabling it on an older pinned runtime fails the deployment.
import { propertyValue } from '../json-nodes';
import { isBelowMinimum, MINIMUM_VERSION, type ClusterOs } from '../cluster-version';
import type { TemplateContext } from '../template-context';
import type { Traced } from '../template-scope';
import { deploymentNote } from './deployment-note';
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
      const propertiesNode = propertyValue(node, 'properties');
      const properties = propertiesNode && scope.trace(propertiesNode);
      const traced = properties?.property('clusterCodeVersion');
      const version = traced?.value();
      if (!traced || typeof version !== 'string') continue;
      // Report where the version is written on the cluster, or on `properties` when it comes whole from elsewhere.
      const versionNode = propertyValue(propertiesNode, 'clusterCodeVersion') ?? propertiesNode!;

      const os = clusterOs(properties!);
      // With the OS unknown, only a version too low for both is a fact.
      const tooLow = isBelowMinimum(version, os ?? 'linux');
      if (!tooLow) continue;

      const enabled = cluster.tokenService.state === 'enabled';
      const minimum = os ? `${MINIMUM_VERSION[os].display} on ${os === 'linux' ? 'Linux' : 'Windows'}` : `${MINIMUM_VERSION.windows.display} on Windows, ${MINIMUM_VERSION.linux.display} on Linux`;
      const note = deploymentNote(cluster.entry);
      const message = (enabled
        ? `clusterCodeVersion ${version} is older than 6.5 CU2 (${minimum}), the first runtime with the Managed Identity Token Service, ` +
          `which this cluster enables. The deployment fails with "${PARAMETER_NOT_ALLOWED}" Upgrade the cluster to 6.5 CU2 or later first.`
        : `clusterCodeVersion ${version} is older than 6.5 CU2 (${minimum}), the first runtime with the Managed Identity Token Service. ` +
          'Upgrade the cluster to 6.5 CU2 or later before enabling managed identities; on this version that deployment fails with ParameterNotAllowed.') +
        (note ? ` ${note.trim()}` : '');

      findings.push({
        code: sfVersionTooLow.id,
        severity: enabled ? 'error' : 'warning',
        message: message + (traced.node ? '' : ' The version is computed by an expression, so there is no quick fix: change the expression or the values it uses.'),
        ...findingAt(versionNode),
        related: origin(traced.steps, version),
        // Only a version written literally is replaced; an expression is never overwritten.
        fixes: traced.node ? (os ? [os] : (['windows', 'linux'] as const)).map((target) => raiseFix(traced.node!, target, os === undefined)) : [],
      });
    }
    return findings;
  },
};

/** Linux when `vmImage` says Linux or Ubuntu; Windows when it says otherwise or is absent; unknown if unresolved. */
export function clusterOs(properties: Traced): ClusterOs | undefined {
  const vmImageValue = properties.property('vmImage');
  if (!vmImageValue) return 'windows';
  const vmImage = vmImageValue.value();
  if (typeof vmImage !== 'string') return undefined;
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
