import type { Node } from 'jsonc-parser';
import { property, propertyValue } from './json-nodes';
import { APPLICATION_TYPE, CLUSTER_TYPE, collectResources, type LinkOptions, type ResourceEntry } from './template-model';
import { isExpression, literalString, type Resolved, type TemplateScopeOptions } from './template-scope';
import { tokenServiceState, type TokenServiceState } from './token-service';
import { forceRestartState, type ForceRestartState } from './upgrade-policy';

/** A classic Service Fabric cluster and what the rules need to know about it. */
export interface ClusterContext {
  entry: ResourceEntry;
  typeNode: Node;
  /** "Cluster 'name'" when the name is a literal, otherwise "This cluster". */
  label: string;
  tokenService: TokenServiceState;
  forceRestart: ForceRestartState;
  /** `properties.upgradeMode`: absent, unknown (undefined), or its resolved value. */
  upgradeMode: { state: 'absent' } | { state: 'unknown' } | { state: 'known'; value: string; resolved: Resolved };
}

/** An application resource that uses a managed identity. */
export interface IdentityApplication {
  entry: ResourceEntry;
  /** The `identity` or `properties.managedIdentities` node that shows it. */
  evidence: Node;
  label: string;
}

/** What the rules check: the template's clusters and its applications with identities. */
export interface TemplateContext {
  root: Node;
  clusters: ClusterContext[];
  identityApplications: IdentityApplication[];
  applications: ApplicationContext[];
}

/** Every application resource, whether it uses an identity or not. */
export interface ApplicationContext {
  entry: ResourceEntry;
  label: string;
  /** The `identity` property and the `properties.managedIdentities` property, where declared. */
  declaredIdentity: Node[];
}

export function buildTemplateContext(root: Node, options: TemplateScopeOptions & { link?: LinkOptions } = {}): TemplateContext {
  const clusters: ClusterContext[] = [];
  const identityApplications: IdentityApplication[] = [];
  const applications: ApplicationContext[] = [];
  for (const entry of collectResources(root, options)) {
    if (entry.type === CLUSTER_TYPE && entry.typeNode) {
      clusters.push({
        entry,
        typeNode: entry.typeNode,
        label: clusterLabel(entry.node),
        tokenService: tokenServiceState(entry.node, entry.scope),
        forceRestart: forceRestartState(entry.node, entry.scope),
        upgradeMode: upgradeModeOf(entry),
      });
    } else if (entry.type === APPLICATION_TYPE) {
      const name = literalName(entry.node);
      const label = name ? `Application '${name}'` : 'An application';
      const evidence = identityEvidence(entry);
      if (evidence) identityApplications.push({ entry, evidence, label });
      const declaredIdentity = [property(entry.node, 'identity'), property(propertyValue(entry.node, 'properties'), 'managedIdentities')].filter(
        (node): node is Node => node !== undefined,
      );
      applications.push({ entry, label, declaredIdentity });
    }
  }
  return { root, clusters, identityApplications, applications };
}

function upgradeModeOf({ node, scope }: ResourceEntry): ClusterContext['upgradeMode'] {
  const modeNode = propertyValue(propertyValue(node, 'properties'), 'upgradeMode');
  if (!modeNode) return { state: 'absent' };
  const resolved = scope.resolve(modeNode);
  const value = resolved && literalString(resolved.node);
  return resolved && value !== undefined ? { state: 'known', value, resolved } : { state: 'unknown' };
}

/**
 * An application uses a managed identity when `identity.type` is anything but None, or when
 * `properties.managedIdentities` lists one. Values that cannot be resolved do not count.
 */
function identityEvidence(entry: ResourceEntry): Node | undefined {
  const { node, scope } = entry;
  const identityNode = propertyValue(node, 'identity');
  const identity = scope.resolve(identityNode);
  if (identityNode && identity?.node.type === 'object') {
    const type = scope.resolveString(propertyValue(identity.node, 'type'));
    if (type !== undefined && type.trim() !== '' && type.trim().toLowerCase() !== 'none') return identityNode;
  }
  const managedNode = propertyValue(propertyValue(node, 'properties'), 'managedIdentities');
  const managed = scope.resolve(managedNode);
  if (managedNode && managed?.node.type === 'array' && (managed.node.children?.length ?? 0) > 0) return managedNode;
  return undefined;
}

function clusterLabel(resource: Node): string {
  const name = literalName(resource);
  return name ? `Cluster '${name}'` : 'This cluster';
}

/** The resource's name when it is written as a literal; names from expressions are not guessed. */
function literalName(resource: Node): string | undefined {
  const nameNode = propertyValue(resource, 'name');
  if (nameNode?.type !== 'string' || isExpression(nameNode.value)) return undefined;
  return literalString(nameNode);
}
