import type { Node } from 'jsonc-parser';
import { changeAt } from './source-documents';
import { property, propertyValue } from './json-nodes';
import type { TemplateScope } from './template-scope';
import type { JsonChange } from './types';

/**
 * The upgrade policy that the documentation gives for enabling the token service on an
 * existing cluster (configure-existing-cluster-enable-managed-identity-token-service.md),
 * plus the `healthPolicy` that every api version of the schema requires and the snippet
 * leaves out. Zero unhealthy nodes and applications are Service Fabric's own defaults.
 */
export const DOCUMENTED_UPGRADE_POLICY = {
  forceRestart: true,
  healthCheckRetryTimeout: '00:45:00',
  healthCheckStableDuration: '00:05:00',
  healthCheckWaitDuration: '00:05:00',
  upgradeDomainTimeout: '02:00:00',
  upgradeReplicaSetCheckTimeout: '1.00:00:00',
  upgradeTimeout: '12:00:00',
  healthPolicy: {
    maxPercentUnhealthyApplications: 0,
    maxPercentUnhealthyNodes: 0,
  },
};

/** Where a cluster's `upgradeDescription.forceRestart` stands. */
export type ForceRestartState =
  | { state: 'on'; property: Node; value: Node; steps: import('./template-scope').ValueStep[] }
  | { state: 'off'; set: JsonChange; title: string }
  | { state: 'unknown' };

/** Reads `properties.upgradeDescription.forceRestart` and says how to turn it on. */
export function forceRestartState(cluster: Node, scope: TemplateScope): ForceRestartState {
  const properties = propertyValue(cluster, 'properties');
  if (properties !== undefined && properties.type !== 'object') return { state: 'unknown' };
  const descriptionNode = propertyValue(properties, 'upgradeDescription');
  if (!descriptionNode) {
    const set = properties
      ? changeAt(properties, DOCUMENTED_UPGRADE_POLICY, 'upgradeDescription')
      : changeAt(cluster, DOCUMENTED_UPGRADE_POLICY, 'properties', 'upgradeDescription');
    return { state: 'off', set, title: 'Add an upgrade policy that restarts every node' };
  }
  const description = scope.resolve(descriptionNode);
  if (description?.node.type !== 'object') return { state: 'unknown' };
  const forceRestart = property(description.node, 'forceRestart');
  const valueNode = forceRestart?.children?.[1];
  if (!forceRestart || !valueNode) {
    return { state: 'off', set: changeAt(description.node, true, 'forceRestart'), title: 'Set forceRestart to true' };
  }
  const value = scope.resolve(valueNode);
  if (!value) return { state: 'unknown' };
  if (value.node.value === true) return { state: 'on', property: forceRestart, value: value.node, steps: value.steps };
  return { state: 'off', set: changeAt(value.node, true), title: 'Set forceRestart to true' };
}
