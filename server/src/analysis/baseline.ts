import type { Node } from 'jsonc-parser';
import { mayMentionServiceFabric, readSelectiveTree } from './fast-tree';
import { propertyValue } from './json-nodes';
import { documentOf } from './source-documents';
import { buildTemplateContext, symbolicName, type ClusterContext, type TemplateContext } from './template-context';
import { isDeploymentTemplateSchema, parseCleanTemplate } from './template-model';
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
  const enabled = current.clusters.filter((cluster) => cluster.tokenService.state === 'enabled' && !documentOf(cluster.typeNode)?.linkedFrom);
  if (enabled.length === 0) return;
  const before = baselineClusters(baseline, parameterValues);
  if (!before) return;
  // Each key computed once per cluster: a template with thousands of clusters stays linear.
  const keysNow = new Map(current.clusters.map((cluster) => [cluster, keysOf(cluster)]));
  const countsNow = countKeys(keysNow.values());
  const keysBefore = before.map((cluster) => ({ cluster, keys: keysOf(cluster) }));
  const byKeyBefore = new Map<string, ClusterContext[]>();
  for (const { cluster, keys } of keysBefore) {
    for (const key of keys) if (key !== undefined) byKeyBefore.set(key, [...(byKeyBefore.get(key) ?? []), cluster]);
  }
  for (const cluster of enabled) {
    const match = matchCluster(keysNow.get(cluster) ?? [], countsNow, byKeyBefore);
    if (!match) continue;
    if (match.tokenService.state === 'missing') cluster.baseline = { state: 'enabling', ref: baseline.ref };
    else if (match.tokenService.state === 'enabled') cluster.baseline = { state: 'already-enabled', ref: baseline.ref };
  }
}

/** A cluster's symbolic-name key and evaluated-name key, in the order they are tried. */
function keysOf(cluster: ClusterContext): Array<string | undefined> {
  return [symbolicKey(cluster), nameKey(cluster)];
}

function countKeys(all: Iterable<Array<string | undefined>>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const keys of all) for (const key of keys) if (key !== undefined) counts.set(key, (counts.get(key) ?? 0) + 1);
  return counts;
}

/**
 * The baseline cluster that is the same resource, if exactly one is: by symbolic name, then by
 * evaluated name, each only when it is unique in the current template too.
 */
function matchCluster(keys: Array<string | undefined>, countsNow: Map<string, number>, byKeyBefore: Map<string, ClusterContext[]>): ClusterContext | undefined {
  for (const key of keys) {
    if (key === undefined || countsNow.get(key) !== 1) continue;
    const matches = byKeyBefore.get(key) ?? [];
    if (matches.length === 1) return matches[0];
    if (matches.length > 1) return undefined;
  }
  return undefined;
}

/**
 * The baseline's tree, read once per baseline (the editor analyses on every keystroke against
 * the same baseline): only what the rules use, as for the analysed text (fast-tree.ts).
 */
const baselineRoots = new WeakMap<Baseline, Node | null>();

function baselineRoot(baseline: Baseline): Node | undefined {
  let root = baselineRoots.get(baseline);
  if (root === undefined) {
    root = readBaselineRoot(baseline.text) ?? null;
    baselineRoots.set(baseline, root);
  }
  return root ?? undefined;
}

/** The template's root, or undefined when the text is not a template that parses cleanly. */
function readBaselineRoot(text: string): Node | undefined {
  // Without Service Fabric there is nothing to compare.
  const tree = mayMentionServiceFabric(text) ? readSelectiveTree(text, 'relevant', false) : undefined;
  if (!tree) return undefined;
  // A text the fast reader refuses is read whole (and one nested too deeply to parse has no baseline).
  if (!tree.ok) return parseCleanTemplate(text);
  const root = tree.root;
  return root?.type === 'object' && isDeploymentTemplateSchema(propertyValue(root, '$schema')?.value) ? root : undefined;
}

/** The baseline's clusters, or undefined when the baseline is not a template that parses cleanly. */
function baselineClusters(baseline: Baseline, parameterValues: ParameterValues | undefined): ClusterContext[] | undefined {
  const root = baselineRoot(baseline);
  if (!root) return undefined;
  try {
    return buildTemplateContext(root, parameterValues ? { parameterValues } : {}).clusters;
  } catch (error) {
    if (error instanceof RangeError) return undefined;
    throw error;
  }
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
