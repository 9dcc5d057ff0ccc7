import type { Node } from 'jsonc-parser';
import { changeAt } from './source-documents';
import { property, propertyValue } from './json-nodes';
import { UNKNOWN } from './expressions/values';
import { type TemplateScope, type ValueStep } from './template-scope';
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
  /**
   * `range` is the `forceRestart` property when it is written on the cluster, otherwise the
   * cluster's `upgradeDescription`; `value` is the literal node that holds `true`, if any.
   */
  | { state: 'on'; range: Node; value: Node | undefined; steps: ValueStep[] }
  /** `set` is undefined when the place to write is computed by an expression. */
  | { state: 'off'; set: JsonChange | undefined; title: string }
  | { state: 'unknown' };

/** Reads `properties.upgradeDescription.forceRestart`, evaluated, and says how to turn it on. */
export function forceRestartState(cluster: Node, scope: TemplateScope): ForceRestartState {
  const propertiesNode = propertyValue(cluster, 'properties');
  const properties = propertiesNode && scope.trace(propertiesNode);
  const description = properties ? properties.property('upgradeDescription') : undefined;
  if (!description) {
    const set = properties?.node?.type === 'object'
      ? changeAt(properties.node, DOCUMENTED_UPGRADE_POLICY, 'upgradeDescription')
      : propertiesNode ? undefined : changeAt(cluster, DOCUMENTED_UPGRADE_POLICY, 'properties', 'upgradeDescription');
    return { state: 'off', set, title: 'Add an upgrade policy that restarts every node' };
  }
  const descriptionValue = description.value();
  if (descriptionValue === null) {
    return {
      state: 'off',
      set: description.node?.type === 'null' ? changeAt(description.node, DOCUMENTED_UPGRADE_POLICY) : undefined,
      title: 'Add an upgrade policy that restarts every node',
    };
  }
  if (descriptionValue === UNKNOWN || typeof descriptionValue !== 'object' || Array.isArray(descriptionValue)) return { state: 'unknown' };
  const forceRestart = description.property('forceRestart');
  if (!forceRestart) {
    const set = description.node?.type === 'object' ? changeAt(description.node, true, 'forceRestart') : undefined;
    return { state: 'off', set, title: 'Set forceRestart to true' };
  }
  const value = forceRestart.value();
  if (value === UNKNOWN) return { state: 'unknown' };
  if (value === true) {
    // On the cluster's own `forceRestart` when it is written there; otherwise on its `upgradeDescription`.
    const written = description.node?.type === 'object' && description.steps.length === 0 ? property(description.node, 'forceRestart') : undefined;
    const range = written ?? propertyValue(propertiesNode, 'upgradeDescription') ?? propertiesNode ?? cluster;
    const literal = forceRestart.node?.type === 'boolean' ? forceRestart.node : undefined;
    return { state: 'on', range, value: literal, steps: forceRestart.steps };
  }
  // A traced node is always literal JSON: an expression's result is written nowhere.
  const set = forceRestart.node ? changeAt(forceRestart.node, true) : undefined;
  return { state: 'off', set, title: 'Set forceRestart to true' };
}
