import type { Node } from 'jsonc-parser';
import { property, propertyValue } from './json-nodes';
import { APPLICATION_TYPE, CLUSTER_TYPE, collectResources, type LinkOptions, type ResourceEntry } from './template-model';
import { isExpression, literalString, type Resolved, type TemplateScopeOptions } from './template-scope';
import { tokenServiceState, type TokenServiceState } from './token-service';
import { forceRestartState, type ForceRestartState } from './upgrade-policy';
import { otherFileApplications } from './workspace-applications';

/** A classic Service Fabric cluster and what the rules need to know about it. */
export interface ClusterContext {
  entry: ResourceEntry;
  typeNode: Node;
  /** "Cluster 'name'" when the name is a literal, otherwise "This cluster". */
  label: string;
  tokenService: TokenServiceState;
  forceRestart: ForceRestartState;
  /** Applications with a managed identity that run on this cluster (see `linkApplications`). */
  identityApplications: IdentityApplication[];
  /** How the token service stood in the baseline (the last committed version), when one was compared. */
  baseline?: ClusterBaseline;
  /** `properties.upgradeMode`: absent, unknown (undefined), or its resolved value. */
  upgradeMode: { state: 'absent' } | { state: 'unknown' } | { state: 'known'; value: string; resolved: Resolved };
}

/**
 * The token service of a cluster that is enabled now, compared with the same cluster in the
 * baseline (`ref` names it: a git ref such as HEAD): `enabling` when the baseline did not
 * enable it (this change does), `already-enabled` when the baseline did too.
 */
export interface ClusterBaseline {
  state: 'enabling' | 'already-enabled';
  ref: string;
}

/** An application resource that uses a managed identity. */
export interface IdentityApplication {
  entry: ResourceEntry;
  /** The `identity` or `properties.managedIdentities` node that shows it. */
  evidence: Node;
  label: string;
  /** The file name of the other template of the workspace that deploys it, when it is not in this one. */
  otherFile?: string;
}

/** What the rules check: the template's clusters and its applications with identities. */
export interface TemplateContext {
  root: Node;
  clusters: ClusterContext[];
  identityApplications: IdentityApplication[];
  applications: ApplicationContext[];
  /** Every resource declaration, of any type. */
  resources: ResourceEntry[];
  /** Where the template is and who reads other files, when the analysis has a host. */
  link?: LinkOptions;
}

/** Every application resource, whether it uses an identity or not. */
export interface ApplicationContext {
  entry: ResourceEntry;
  label: string;
  /** The `identity` property and the `properties.managedIdentities` property, where declared. */
  declaredIdentity: Node[];
}

/** `options.parameterValues` (a parameter file's values) win over the template's defaults. */
export function buildTemplateContext(root: Node, options: TemplateScopeOptions & { link?: LinkOptions } = {}): TemplateContext {
  const clusters: ClusterContext[] = [];
  const identityApplications: IdentityApplication[] = [];
  const applications: ApplicationContext[] = [];
  const resources = collectResources(root, options);
  for (const entry of resources) {
    if (entry.type === CLUSTER_TYPE && entry.typeNode) {
      const name = knownName(entry);
      clusters.push({
        entry,
        typeNode: entry.typeNode,
        label: name ? `Cluster '${name}'` : 'This cluster',
        tokenService: tokenServiceState(entry.node, entry.scope),
        forceRestart: forceRestartState(entry.node, entry.scope),
        identityApplications: [],
        upgradeMode: upgradeModeOf(entry),
      });
    } else if (entry.type === APPLICATION_TYPE) {
      const name = knownName(entry);
      const label = name ? `Application '${name}'` : 'An application';
      const evidence = identityEvidence(entry);
      if (evidence) identityApplications.push({ entry, evidence, label });
      const declaredIdentity = [property(entry.node, 'identity'), property(propertyValue(entry.node, 'properties'), 'managedIdentities')].filter(
        (node): node is Node => node !== undefined,
      );
      applications.push({ entry, label, declaredIdentity });
    }
  }
  for (const application of identityApplications) {
    const cluster = clusterOf(application.entry, clusters);
    cluster?.identityApplications.push(application);
  }
  if (options.link) linkOtherFiles(clusters, options.link);
  return { root, clusters, identityApplications, applications, resources, ...(options.link ? { link: options.link } : {}) };
}

/**
 * Applications of other templates in the workspace (an application template beside its cluster
 * template) that run on a cluster of this one, matched by the cluster's name evaluated with the
 * values known here (parameter file, else defaults) and the application's cluster name evaluated
 * with its template's defaults. Only for a cluster that would otherwise have none and lacks the
 * token service: the only case where they change a finding, so other analyses read no file.
 */
function linkOtherFiles(clusters: ClusterContext[], link: LinkOptions): void {
  const lonely = clusters.filter((cluster) => cluster.tokenService.state === 'missing' && cluster.identityApplications.length === 0);
  if (lonely.length === 0 || !link.host.findFiles) return;
  const named = lonely.flatMap((cluster) => {
    const name = evaluatedName(cluster.entry);
    return name === undefined ? [] : [{ cluster, name: name.toLowerCase() }];
  });
  if (named.length === 0) return;
  const applications = otherFileApplications(link, otherTemplateApplications, applicationClusterName);
  for (const { cluster, name } of named) {
    for (const application of applications) {
      if (application.clusterName !== name) continue;
      cluster.identityApplications.push({ entry: application.entry, evidence: application.evidence, label: application.label, otherFile: application.fileName });
    }
  }
}

/** The applications with a managed identity of another template, read alone with its defaults. */
function otherTemplateApplications(root: Node): IdentityApplication[] {
  return buildTemplateContext(root).identityApplications;
}

/**
 * The name of the cluster an application runs on, evaluated: its parent cluster's name when it
 * is declared as a child resource, else the first segment of its own `clusterName/appName`.
 */
function applicationClusterName(application: ResourceEntry): string | undefined {
  for (let parent = application.parent; parent; parent = parent.parent) {
    if (parent.type === CLUSTER_TYPE) return evaluatedName(parent);
  }
  const name = evaluatedName(application);
  if (name === undefined || !name.includes('/')) return undefined;
  const cluster = name.slice(0, name.indexOf('/')).trim();
  return cluster === '' ? undefined : cluster;
}

/** The resource's name evaluated with the values known (no placeholder for an unknown parameter). */
function evaluatedName(entry: ResourceEntry): string | undefined {
  const name = entry.scope.resolveString(propertyValue(entry.node, 'name'));
  return name === undefined || name.trim() === '' ? undefined : name.trim();
}

/** `properties.upgradeMode` evaluated: known only when it evaluates to a string written somewhere. */
function upgradeModeOf({ node, scope }: ResourceEntry): ClusterContext['upgradeMode'] {
  const modeNode = propertyValue(propertyValue(node, 'properties'), 'upgradeMode');
  if (!modeNode) return { state: 'absent' };
  const resolved = scope.resolve(modeNode);
  const value = scope.resolveString(modeNode);
  return resolved && value !== undefined ? { state: 'known', value, resolved } : { state: 'unknown' };
}

/**
 * The cluster an application runs on: the cluster it is declared in (as a child resource),
 * or the cluster whose name is the first segment of the application's name
 * (`clusterName/appName`), both evaluated. Names that come from the same parameter match even
 * when that parameter has no value. Undefined when the cluster is not in this template or
 * cannot be told.
 */
export function clusterOf(application: ResourceEntry, clusters: ClusterContext[]): ClusterContext | undefined {
  for (let parent = application.parent; parent; parent = parent.parent) {
    const cluster = clusters.find((c) => c.entry === parent);
    if (cluster) return cluster;
  }
  const appName = symbolicName(application);
  if (appName === undefined || !appName.includes('/')) return undefined;
  const clusterName = appName.slice(0, appName.indexOf('/')).toLowerCase();
  const matches = clusters.filter((cluster) => symbolicName(cluster.entry)?.toLowerCase() === clusterName);
  return matches.length === 1 ? matches[0] : undefined;
}

/** The resource's name evaluated, with parameters that have no value standing for themselves. */
export function symbolicName(entry: ResourceEntry): string | undefined {
  const value = entry.scope.symbolic().trace(propertyValue(entry.node, 'name')).value();
  return typeof value === 'string' ? value : undefined;
}

/**
 * An application uses a managed identity when `identity.type` is anything but None, or when
 * `properties.managedIdentities` lists one. Values that cannot be evaluated do not count.
 */
function identityEvidence(entry: ResourceEntry): Node | undefined {
  const { node, scope } = entry;
  const identityNode = propertyValue(node, 'identity');
  if (identityNode) {
    const type = scope.trace(identityNode).property('type')?.value();
    if (typeof type === 'string' && type.trim() !== '' && type.trim().toLowerCase() !== 'none') return identityNode;
  }
  const managedNode = propertyValue(propertyValue(node, 'properties'), 'managedIdentities');
  if (managedNode) {
    const managed = scope.trace(managedNode).value();
    if (Array.isArray(managed) && managed.length > 0) return managedNode;
  }
  return undefined;
}

/**
 * The resource's name when it is written as a literal. A name from an expression is not used
 * in messages: a parameter default is often replaced at deployment, and a message naming the
 * wrong cluster would mislead.
 */
function knownName(entry: ResourceEntry): string | undefined {
  const node = propertyValue(entry.node, 'name');
  if (node?.type !== 'string' || isExpression(node.value)) return undefined;
  return literalString(node);
}
