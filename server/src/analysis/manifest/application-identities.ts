import type { Node } from 'jsonc-parser';
import { members, propertyValue } from '../json-nodes';
import type { TemplateContext } from '../template-context';
import type { ResourceEntry } from '../template-model';
import { isExpression, literalString, type Resolved } from '../template-scope';
import type { WorkspaceHost } from '../workspace-host';
import { APPLICATION_MANIFEST_FILE, parseApplicationManifest, type ApplicationManifest } from './parse-manifest';

const APPLICATION_TYPES = new Set(['microsoft.servicefabric/clusters/applications', 'microsoft.servicefabric/managedclusters/applications']);
const APPLICATION_TYPE_TYPES = new Set(['microsoft.servicefabric/clusters/applicationtypes', 'microsoft.servicefabric/managedclusters/applicationtypes']);

/** One `properties.managedIdentities[]` entry whose `name` evaluates to a string. */
export interface ArmIdentity {
  name: string;
  /** The `name` value in the application. */
  node: Node;
  /** Where the value is written (the literal, a parameter default, a variable), when it is a literal string. */
  written?: Resolved;
}

/** An ARM Service Fabric application (classic or managed cluster) and the identities it names. */
export interface ArmApplication {
  entry: ResourceEntry;
  /** The application type's name, when it can be evaluated. */
  typeName?: string;
  identities: ArmIdentity[];
  /** The `properties.managedIdentities` node, when there is one. */
  managedIdentitiesNode?: Node;
}

/**
 * The applications of a template with their type names: `properties.typeName`, or, when it is
 * absent (a managed cluster application names a type version by resource id), the one
 * application type the template declares.
 */
export function armApplications(context: TemplateContext): ArmApplication[] {
  const types = context.resources.filter((entry) => entry.type !== undefined && APPLICATION_TYPE_TYPES.has(entry.type));
  const onlyType = types.length === 1 ? lastSegment(types[0].scope.resolveString(propertyValue(types[0].node, 'name'))) : undefined;
  return context.resources
    .filter((entry) => entry.type !== undefined && APPLICATION_TYPES.has(entry.type))
    .map((entry) => {
      const properties = propertyValue(entry.node, 'properties');
      const typeNameNode = propertyValue(properties, 'typeName');
      const typeName = typeNameNode ? entry.scope.resolveString(typeNameNode) : onlyType;
      const managedIdentitiesNode = propertyValue(properties, 'managedIdentities');
      const identities: ArmIdentity[] = [];
      for (const element of managedIdentitiesNode?.type === 'array' ? members(managedIdentitiesNode) : []) {
        const node = propertyValue(element, 'name');
        const name = node && entry.scope.resolveString(node);
        if (!node || name === undefined) continue;
        const resolved = entry.scope.resolve(node);
        const written = resolved && resolved.node.type === 'string' && !isExpression(resolved.node.value) && literalString(resolved.node) === name ? resolved : undefined;
        identities.push({ name, node, ...(written ? { written } : {}) });
      }
      return { entry, ...(typeName !== undefined ? { typeName } : {}), identities, ...(managedIdentitiesNode ? { managedIdentitiesNode } : {}) };
    });
}

function lastSegment(name: string | undefined): string | undefined {
  if (name === undefined) return undefined;
  const segment = name.substring(name.lastIndexOf('/') + 1);
  return segment === '' ? undefined : segment;
}

/** An ApplicationManifest.xml found in the workspace. */
export interface FoundManifest {
  uri: string;
  text: string;
  manifest: ApplicationManifest;
}

/**
 * The ApplicationManifest.xml whose ApplicationTypeName is `typeName`, through the host (which
 * decides what may be listed and read). Every manifest read is added to `dependencies`.
 */
export function findManifest(host: WorkspaceHost, typeName: string, dependencies: string[]): FoundManifest | undefined {
  for (const uri of host.findFiles?.(APPLICATION_MANIFEST_FILE) ?? []) {
    const text = host.readFile(uri);
    if (text === undefined) continue;
    if (!dependencies.includes(uri)) dependencies.push(uri);
    const parsed = parseApplicationManifest(text);
    if (parsed.ok && parsed.manifest?.applicationTypeName?.value === typeName) return { uri, text, manifest: parsed.manifest };
  }
  return undefined;
}

/** Levenshtein distance, for "the closest existing name". */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

/** The name of `names` closest to `name` (ignoring case first, then by edit distance). */
export function closestName(name: string, names: string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const candidate of names) {
    const distance = candidate.toLowerCase() === name.toLowerCase() ? 0 : editDistance(name, candidate);
    if (!best || distance < best.distance) best = { name: candidate, distance };
  }
  return best?.name;
}
