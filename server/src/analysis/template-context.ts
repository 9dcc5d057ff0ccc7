import type { Node } from 'jsonc-parser';
import { propertyValue } from './json-nodes';
import { APPLICATION_TYPE, CLUSTER_TYPE, collectResources, type ResourceEntry } from './template-model';
import { isExpression, literalString } from './template-scope';
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
}

export function buildTemplateContext(root: Node): TemplateContext {
  const clusters: ClusterContext[] = [];
  const identityApplications: IdentityApplication[] = [];
  for (const entry of collectResources(root)) {
    if (entry.type === CLUSTER_TYPE && entry.typeNode) {
      clusters.push({
        entry,
        typeNode: entry.typeNode,
        label: clusterLabel(entry.node),
        tokenService: tokenServiceState(entry.node, entry.scope),
        forceRestart: forceRestartState(entry.node, entry.scope),
      });
    } else if (entry.type === APPLICATION_TYPE) {
      const evidence = identityEvidence(entry);
      if (evidence) {
        const name = literalName(entry.node);
        identityApplications.push({ entry, evidence, label: name ? `Application '${name}'` : 'An application' });
      }
    }
  }
  return { root, clusters, identityApplications };
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
