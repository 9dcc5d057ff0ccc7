import { parseTree, type Node, type ParseError } from 'jsonc-parser';
import { members, propertyValue, rangeOf } from './json-nodes';
import { PARSE_OPTIONS, unknownValues } from './parameter-files';
import { registerDocument } from './source-documents';
import { TemplateScope, type TemplateScopeOptions } from './template-scope';
import type { OffsetRange } from './types';
import { basenameUri, dirnameUri, resolveRelativeUri, sameUri, type WorkspaceHost } from './workspace-host';

/** `$schema` of an ARM deployment template at any deployment scope. */
const DEPLOYMENT_TEMPLATE_SCHEMA =
  /^https?:\/\/schema\.management\.azure\.com\/schemas\/[^/]+\/(?:deploymentTemplate|subscriptionDeploymentTemplate|tenantDeploymentTemplate|managementGroupDeploymentTemplate)\.json#?$/i;

export function isDeploymentTemplateSchema(schema: unknown): boolean {
  return typeof schema === 'string' && DEPLOYMENT_TEMPLATE_SCHEMA.test(schema.trim());
}

/**
 * Another file's text (a linked template, a baseline, a template found in the workspace) as a
 * template tree: undefined unless it parses without a single error (nor too deep for
 * jsonc-parser) and its root `$schema` is a deployment template's.
 */
export function parseCleanTemplate(text: string): Node | undefined {
  const errors: ParseError[] = [];
  let root: Node | undefined;
  try {
    root = parseTree(text, errors, PARSE_OPTIONS);
  } catch {
    return undefined;
  }
  return root?.type === 'object' && errors.length === 0 && isDeploymentTemplateSchema(propertyValue(root, '$schema')?.value) ? root : undefined;
}

export const CLUSTER_TYPE = 'microsoft.servicefabric/clusters';
export const APPLICATION_TYPE = 'microsoft.servicefabric/clusters/applications';
const DEPLOYMENT_TYPE = 'microsoft.resources/deployments';
const MAX_NESTED_TEMPLATES = 32;

/** A resource declaration, wherever it sits in the template. */
export interface ResourceEntry {
  node: Node;
  /** The fully qualified type, lower-cased; undefined when the type cannot be resolved. */
  type: string | undefined;
  typeNode: Node | undefined;
  /** The scope the resource's expressions are evaluated in. */
  scope: TemplateScope;
  /** The resource this one is declared in (its `resources`), if any. */
  parent?: ResourceEntry;
  /** The text of `condition` when it is not literally true: the resource may not be deployed. */
  condition?: string;
  /** True when the resource has a `copy` loop: one declaration, several resources. */
  copied: boolean;
}

/** How to follow `templateLink`s: where the analysed template is, and who reads the files. */
export interface LinkOptions {
  uri: string;
  host: WorkspaceHost;
  /** Filled with the URIs of the linked templates that were read. */
  dependencies: string[];
}

/** The template being walked: its URI, and the `templateLink` in the analysed document that led here. */
interface Place {
  uri: string;
  via?: OffsetRange;
  chain: string[];
}

/**
 * Every resource declared in a template: top-level resources (array, or object of symbolic
 * names), child resources, resources of inline nested deployments, and, with `link`, of linked
 * templates at a relative path in the workspace.
 */
export function collectResources(template: Node, options: TemplateScopeOptions & { link?: LinkOptions } = {}): ResourceEntry[] {
  const found: ResourceEntry[] = [];
  const place = options.link ? { uri: options.link.uri, chain: [options.link.uri] } : undefined;
  walkTemplate(template, TemplateScope.ofTemplate(template, options), found, 0, place, options.link);
  return found;
}

function walkTemplate(template: Node, scope: TemplateScope, out: ResourceEntry[], nesting: number, place?: Place, link?: LinkOptions): void {
  walkResources(propertyValue(template, 'resources'), scope, undefined, out, nesting, place, link);
}

function walkResources(
  resources: Node | undefined,
  scope: TemplateScope,
  parent: ResourceEntry | undefined,
  out: ResourceEntry[],
  nesting: number,
  place?: Place,
  link?: LinkOptions,
): void {
  const parentType = parent?.type;
  for (const resource of members(resources)) {
    if (resource.type !== 'object') continue;
    // `existing: true` (languageVersion 2.0) references a resource; it declares nothing.
    if (propertyValue(resource, 'existing')?.value === true) continue;
    const typeNode = propertyValue(resource, 'type');
    const type = qualifiedType(scope.resolveString(typeNode), parentType);
    const entry: ResourceEntry = { node: resource, type, typeNode, scope, parent, condition: conditionText(resource), copied: propertyValue(resource, 'copy') !== undefined };
    out.push(entry);
    walkResources(propertyValue(resource, 'resources'), scope, entry, out, nesting, place, link);
    if (type === DEPLOYMENT_TYPE && nesting < MAX_NESTED_TEMPLATES) {
      const properties = propertyValue(resource, 'properties');
      const template = propertyValue(properties, 'template');
      const templateLink = propertyValue(properties, 'templateLink');
      if (template === undefined && templateLink && place && link) {
        followLink(templateLink, properties!, scope, out, nesting, place, link);
      } else if (template?.type === 'object') {
        const evaluation = scope.resolveString(propertyValue(propertyValue(properties, 'expressionEvaluationOptions'), 'scope'));
        const inner = evaluation?.toLowerCase() === 'inner';
        const nestedScope = inner
          ? TemplateScope.ofInnerTemplate(template, propertyValue(properties, 'parameters'), scope)
          : scope;
        walkTemplate(template, nestedScope, out, nesting + 1, place, link);
      }
    }
  }
}

/**
 * Follows a `templateLink` whose `relativePath` (or `uri`) is a relative path: the linked
 * template is read through the host (which refuses anything outside the workspace) and walked
 * with its own parameters, fed by the deployment's `parameters`. Anything else (a URL, a
 * template spec, a file that is missing, broken or not a template, a cycle) is skipped quietly.
 */
function followLink(templateLink: Node, properties: Node, scope: TemplateScope, out: ResourceEntry[], nesting: number, place: Place, link: LinkOptions): void {
  const path = scope.resolveString(propertyValue(templateLink, 'relativePath')) ?? scope.resolveString(propertyValue(templateLink, 'uri'));
  const target = path === undefined ? undefined : resolveRelativeUri(dirnameUri(place.uri), path);
  if (target === undefined || place.chain.some((uri) => sameUri(uri, target))) return;
  const text = link.host.readFile(target);
  if (text === undefined) return;
  link.dependencies.push(target);
  const root = parseCleanTemplate(text);
  if (root === undefined) return;
  const via = place.via ?? rangeOf(templateLink);
  registerDocument(root, { uri: target, text, linkedFrom: { name: basenameUri(target), range: via } });
  // A parameters file given by link is not read: its values are unknown.
  const linkedScope = propertyValue(properties, 'parametersLink')
    ? TemplateScope.ofTemplate(root, { parameterValues: unknownValues(root) })
    : TemplateScope.ofInnerTemplate(root, propertyValue(properties, 'parameters'), scope);
  walkTemplate(root, linkedScope, out, nesting + 1, { uri: target, via, chain: [...place.chain, target] }, link);
}

/** A child resource may give its type relative to its parent (`applications`) or in full. */
function qualifiedType(type: string | undefined, parentType: string | undefined): string | undefined {
  if (type === undefined) return undefined;
  const lower = type.trim().toLowerCase();
  if (parentType === undefined || lower.includes('/')) return lower;
  return `${parentType}/${lower}`;
}

/** `condition` as written, unless it is the literal `true` (or absent). */
function conditionText(resource: Node): string | undefined {
  const condition = propertyValue(resource, 'condition');
  if (!condition || condition.value === true) return undefined;
  if (condition.type === 'string' || condition.type === 'boolean') return String(condition.value);
  return 'a condition';
}
