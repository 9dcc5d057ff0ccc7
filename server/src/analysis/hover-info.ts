import type { Node } from 'jsonc-parser';
import { comparableVersion, isBelowMinimum, MINIMUM_VERSION, type ClusterOs } from './cluster-version';
import { members, property, propertyValue, rangeOf } from './json-nodes';
import { clusterOs } from './rules/sf-version-too-low';
import type { ClusterContext } from './template-context';
import { documentOf } from './source-documents';
import { parseTemplate, type ParseTemplateOptions } from './template-text';
import { ENABLE_PARAMETER, SECTION_NAME } from './token-service';
import type { OffsetRange } from './types';

/** The settings of a classic cluster that matter for managed identities. */
export type HoverTopic = 'token-service-section' | 'is-enabled' | 'force-restart' | 'cluster-code-version' | 'upgrade-mode';

/** Where a cluster's `clusterCodeVersion` gets its value. */
export type VersionSource =
  | 'literal'
  /** The `defaultValue` of a parameter; a parameter file or the deployment may pass another. */
  | 'parameter-default'
  /** The value a nested deployment passes to a parameter of its inner-scoped template. */
  | 'nested-deployment-value'
  /** The value the template's parameter file gives the parameter (see `parameterFile`). */
  | 'parameter-file'
  /** Computed by an expression (a function such as `concat`), not written anywhere as a whole. */
  | 'expression'
  | 'variable'
  /** An expression the analysis does not evaluate. */
  | 'unresolved'
  /** The cluster has no clusterCodeVersion. */
  | 'absent';

/** What the analysis knows about a cluster's runtime version and the token service. */
export interface VersionSupport {
  /** The resolved version string; undefined when it could not be resolved. */
  value?: string;
  source: VersionSource;
  /** The parameters and variables the value went through, outermost first. */
  steps: Array<{ kind: 'parameter' | 'variable'; name: string }>;
  /** The expression as written, when it could not be resolved or computes the value. */
  expression?: string;
  /** The name of the parameter file the value comes from, for source 'parameter-file'. */
  parameterFile?: string;
  /** From `vmImage`; undefined when vmImage is an expression the analysis cannot resolve. */
  os?: ClusterOs;
  /** True when the cluster has no vmImage, so the OS is taken to be Windows. */
  osAssumed: boolean;
  /** Whether the version has the Managed Identity Token Service (6.5 CU2 or later). */
  supports: 'yes' | 'no' | 'unknown';
}

/** What to show when the cursor rests on one of the topics. */
export interface HoverInfo {
  topic: HoverTopic;
  /** The key or name string under the cursor. */
  range: OffsetRange;
  /** The rule whose page explains the topic. */
  ruleCode: string;
  /** Two or three sentences: what the setting does for managed identities. */
  explanation: string;
  /** One sentence about this cluster, when the analysis knows it. */
  state?: string;
  /** For clusterCodeVersion and upgradeMode: the version and whether it has the token service. */
  version?: VersionSupport;
}

const EXPLANATION: Record<HoverTopic, string> = {
  'token-service-section':
    `The ${SECTION_NAME} section of fabricSettings configures the Managed Identity Token Service (fabric:/System/ManagedIdentityTokenService), ` +
    'which authenticates Service Fabric applications with their managed identities and obtains tokens for them. ' +
    `Applications on this cluster can use managed identities only when the section has ${ENABLE_PARAMETER} "true".`,
  'is-enabled':
    `${ENABLE_PARAMETER} "true" (a string, not the boolean true) turns the Managed Identity Token Service on. ` +
    'On an existing cluster, deploy it in an upgrade with upgradeDescription.forceRestart true, so that every node restarts and the new system service starts. ' +
    `It needs runtime 6.5 CU2 or later (${MINIMUM_VERSION.windows.display} on Windows, ${MINIMUM_VERSION.linux.display} on Linux).`,
  'force-restart':
    'forceRestart true makes a cluster upgrade restart every node. ' +
    'The upgrade that enables the Managed Identity Token Service on an existing cluster needs it, so that the new system service starts. ' +
    'Set it back to false once that upgrade has completed; otherwise every later upgrade restarts every node needlessly.',
  'cluster-code-version':
    'clusterCodeVersion pins the Service Fabric runtime of the cluster; it can only be set when upgradeMode is Manual. ' +
    `The Managed Identity Token Service needs 6.5 CU2 or later (${MINIMUM_VERSION.windows.display} on Windows, ${MINIMUM_VERSION.linux.display} on Linux); ` +
    'on an older runtime, enabling it fails the deployment with ParameterNotAllowed.',
  'upgrade-mode':
    'upgradeMode is Automatic or Manual. In Manual mode clusterCodeVersion pins the runtime, ' +
    `and a runtime older than 6.5 CU2 has no Managed Identity Token Service: enabling it fails the deployment with ParameterNotAllowed.`,
};

const RULE: Record<HoverTopic, string> = {
  'token-service-section': 'sf-mits-missing',
  'is-enabled': 'sf-mits-missing',
  'force-restart': 'sf-force-restart-on',
  'cluster-code-version': 'sf-version-too-low',
  'upgrade-mode': 'sf-version-too-low',
};

/**
 * What the cursor at `offset` rests on, when it is one of the settings of a classic cluster
 * that matter for managed identities: the section or parameter name of the token service, or
 * the key or value of forceRestart, clusterCodeVersion or upgradeMode.
 */
export function hoverInfo(text: string, offset: number, options: ParseTemplateOptions = {}): HoverInfo | undefined {
  const parsed = parseTemplate(text, options);
  if (!parsed) return undefined;
  for (const cluster of parsed.context.clusters) {
    const info = clusterHover(cluster, offset);
    if (info) return info;
  }
  return undefined;
}

function clusterHover(cluster: ClusterContext, offset: number): HoverInfo | undefined {
  const { node, scope } = cluster.entry;
  const properties = propertyValue(node, 'properties');

  for (const [key, topic] of [['clusterCodeVersion', 'cluster-code-version'], ['upgradeMode', 'upgrade-mode']] as const) {
    const hit = propertyHit(properties, key, offset);
    if (hit) return info(topic, hit, { version: versionSupport(cluster) });
  }

  const description = inThisDocument(scope.trace(propertyValue(properties, 'upgradeDescription')).node);
  const forceRestart = propertyHit(description, 'forceRestart', offset);
  if (forceRestart) return info('force-restart', forceRestart, { state: forceRestartState(cluster) });

  const settings = inThisDocument(scope.trace(propertyValue(properties, 'fabricSettings')).node);
  if (settings?.type !== 'array') return undefined;
  for (const section of members(settings)) {
    const sectionName = propertyValue(section, 'name');
    if (!isName(sectionName, SECTION_NAME, scope)) continue;
    if (contains(sectionName, offset)) return info('token-service-section', sectionName!, { state: tokenServiceState(cluster) });
    const parameters = inThisDocument(scope.trace(propertyValue(section, 'parameters')).node);
    for (const parameter of members(parameters)) {
      const parameterName = propertyValue(parameter, 'name');
      if (isName(parameterName, ENABLE_PARAMETER, scope) && contains(parameterName, offset)) {
        return info('is-enabled', parameterName!, { state: tokenServiceState(cluster) });
      }
    }
  }
  return undefined;
}

/** The node, when it is written in the hovered template (not in its parameter file, whose offsets differ). */
function inThisDocument(node: Node | undefined): Node | undefined {
  return node && documentOf(node)?.parameterFile === undefined ? node : undefined;
}

function info(topic: HoverTopic, node: Node, extra: Pick<HoverInfo, 'state' | 'version'>): HoverInfo {
  return { topic, range: rangeOf(node), ruleCode: RULE[topic], explanation: EXPLANATION[topic], ...extra };
}

/** The key node of `key` in `object` when the cursor is on its key or its value. */
function propertyHit(object: Node | undefined, key: string, offset: number): Node | undefined {
  const prop = property(object, key);
  const keyNode = prop?.children?.[0];
  if (!prop || !keyNode || !contains(prop, offset)) return undefined;
  const value = prop.children?.[1];
  return contains(keyNode, offset) || (value && contains(value, offset)) ? keyNode : undefined;
}

function isName(node: Node | undefined, wanted: string, scope: ClusterContext['entry']['scope']): boolean {
  return scope.resolveString(node)?.toLowerCase() === wanted.toLowerCase();
}

/** The cursor touches the node, at either end included, as editors place it on a word. */
function contains(node: Node | undefined, offset: number): boolean {
  return node !== undefined && node.offset <= offset && offset <= node.offset + node.length;
}

function tokenServiceState({ tokenService }: ClusterContext): string {
  if (tokenService.state === 'enabled') return 'This cluster enables the Managed Identity Token Service.';
  if (tokenService.state === 'missing') return `This cluster does not enable the Managed Identity Token Service yet: ${tokenService.reason}.`;
  return 'Whether this cluster enables the Managed Identity Token Service depends on values this analysis cannot resolve.';
}

function forceRestartState({ forceRestart }: ClusterContext): string {
  if (forceRestart.state === 'on') return 'forceRestart is true for this cluster: roll it back to false once the upgrade that enables the token service has completed.';
  if (forceRestart.state === 'off') return 'forceRestart is not true for this cluster: upgrades restart only the nodes a change needs.';
  return 'This analysis cannot resolve the value of forceRestart for this cluster.';
}

/** The cluster's clusterCodeVersion: its value, where it comes from, and whether it has the token service. */
export function versionSupport(cluster: ClusterContext): VersionSupport {
  const { node, scope } = cluster.entry;
  const propertiesNode = propertyValue(node, 'properties');
  const properties = propertiesNode && scope.trace(propertiesNode);
  // Without properties there is no vmImage either: Windows, as the rule assumes.
  const os = properties ? clusterOs(properties) : 'windows';
  const osAssumed = !properties?.property('vmImage');
  const versionNode = propertyValue(propertiesNode, 'clusterCodeVersion');
  if (!versionNode) return { source: 'absent', steps: [], os, osAssumed, supports: 'unknown' };
  const traced = scope.trace(versionNode);
  const value = traced.value();
  const written = typeof versionNode.value === 'string' ? versionNode.value : undefined;
  if (typeof value !== 'string') {
    return { source: 'unresolved', steps: [], expression: written, os, osAssumed, supports: 'unknown' };
  }
  const steps = traced.steps.map(({ kind, name }) => ({ kind, name }));
  const last = traced.steps[traced.steps.length - 1];
  const parameterFile = last && documentOf(last.node)?.parameterFile;
  let source: VersionSource;
  if (!traced.node) source = 'expression';
  else if (!last) source = 'literal';
  else if (last.kind === 'variable') source = 'variable';
  else if (parameterFile !== undefined) source = 'parameter-file';
  else source = String(last.node.parent?.children?.[0]?.value).toLowerCase() === 'defaultvalue' ? 'parameter-default' : 'nested-deployment-value';
  return {
    value,
    source,
    steps,
    ...(source === 'expression' && written !== undefined ? { expression: written } : {}),
    ...(source === 'parameter-file' ? { parameterFile } : {}),
    os,
    osAssumed,
    supports: supports(value, os),
  };
}

function supports(version: string, os: ClusterOs | undefined): VersionSupport['supports'] {
  if (comparableVersion(version) === undefined) return 'unknown';
  if (os) return isBelowMinimum(version, os) ? 'no' : 'yes';
  // With the OS unknown, only a version on the same side of both minimums is a fact.
  if (isBelowMinimum(version, 'linux')) return 'no';
  if (!isBelowMinimum(version, 'windows')) return 'yes';
  return 'unknown';
}
