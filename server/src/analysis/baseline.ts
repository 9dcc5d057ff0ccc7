import { parseTree, type Node, type ParseError } from 'jsonc-parser';
import { propertyValue } from './json-nodes';
import { PARSE_OPTIONS } from './parameter-files';
import { documentOf } from './source-documents';
import { buildTemplateContext, symbolicName, type ClusterContext, type TemplateContext } from './template-context';
import { isDeploymentTemplateSchema } from './template-model';
import type { ParameterValues } from './template-scope';

/**
 * The version of a template to compare with: its text at a git ref (the last committed
 * version, usually HEAD). `ref` only names it in messages.
 */
export interface Baseline {
  text: string;
  ref: string;
}

/**
 * Compares the clusters of `current` with those of the baseline and sets each matched cluster's
 * `baseline` when its token service is enabled now: `enabling` when the baseline's cluster did
 * not enable it, `already-enabled` when it did. Clusters are matched by their symbolic name
 * (languageVersion 2.0), then by their evaluated resource name, each only when it is unique on
 * both sides; never by position, since a reordered template would pair the wrong clusters. A
 * cluster with no match, an unknown state on either side, a cluster from a linked template, or
 * a baseline that is not a readable template gets nothing: the rules then behave as without a
 * baseline. The parameter file's current values are used for both versions (its own history is
 * not read).
 */
export function compareWithBaseline(current: TemplateContext, baseline: Baseline, parameterValues?: ParameterValues): void {
  const before = baselineClusters(baseline.text, parameterValues);
  if (!before) return;
  for (const cluster of current.clusters) {
    if (cluster.tokenService.state !== 'enabled') continue;
    // Linked templates are not compared: their history is not read.
    if (documentOf(cluster.typeNode)?.linkedFrom) continue;
    const match = matchCluster(cluster, current.clusters, before);
    if (!match) continue;
    if (match.tokenService.state === 'missing') cluster.baseline = { state: 'enabling', ref: baseline.ref };
    else if (match.tokenService.state === 'enabled') cluster.baseline = { state: 'already-enabled', ref: baseline.ref };
  }
}

/** The baseline's clusters, or undefined when the baseline is not a template that parses cleanly. */
function baselineClusters(text: string, parameterValues: ParameterValues | undefined): ClusterContext[] | undefined {
  const errors: ParseError[] = [];
  let root: Node | undefined;
  try {
    root = parseTree(text, errors, PARSE_OPTIONS);
  } catch {
    // Nested too deeply to parse: no baseline.
    return undefined;
  }
  if (errors.length > 0 || root?.type !== 'object' || !isDeploymentTemplateSchema(propertyValue(root, '$schema')?.value)) return undefined;
  try {
    return buildTemplateContext(root, parameterValues ? { parameterValues } : {}).clusters;
  } catch (error) {
    if (error instanceof RangeError) return undefined;
    throw error;
  }
}

/** The baseline cluster that is the same resource as `cluster`, if exactly one is. */
function matchCluster(cluster: ClusterContext, currentClusters: ClusterContext[], before: ClusterContext[]): ClusterContext | undefined {
  for (const key of [symbolicKey, nameKey]) {
    const wanted = key(cluster);
    if (wanted === undefined) continue;
    // Unique on both sides, or the pairing is a guess.
    if (currentClusters.filter((other) => key(other) === wanted).length !== 1) continue;
    const matches = before.filter((other) => key(other) === wanted);
    if (matches.length === 1) return matches[0];
    if (matches.length > 1) return undefined;
  }
  return undefined;
}

/** The symbolic name of a resource declared in a `resources` object (languageVersion 2.0). */
function symbolicKey(cluster: ClusterContext): string | undefined {
  const parent = cluster.entry.node.parent;
  if (parent?.type !== 'property' || !parent.parent || !isResourcesObject(parent.parent)) return undefined;
  const key = parent.children?.[0]?.value;
  return typeof key === 'string' ? `symbolic:${key}` : undefined;
}

/** An object that is the value of a `resources` property. */
function isResourcesObject(node: Node): boolean {
  const owner = node.parent;
  return node.type === 'object' && owner?.type === 'property' && String(owner.children?.[0]?.value).toLowerCase() === 'resources';
}

/** The resource's name, evaluated (case-insensitive, as ARM resource names are); copies have no single name. */
function nameKey(cluster: ClusterContext): string | undefined {
  if (cluster.entry.copied) return undefined;
  const name = symbolicName(cluster.entry);
  return name === undefined ? undefined : `name:${name.toLowerCase()}`;
}
