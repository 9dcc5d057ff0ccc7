import type { Node } from 'jsonc-parser';
import { members, propertyValue } from './json-nodes';
import { TemplateScope, type TemplateScopeOptions } from './template-scope';

/** `$schema` of an ARM deployment template at any deployment scope. */
const DEPLOYMENT_TEMPLATE_SCHEMA =
  /^https?:\/\/schema\.management\.azure\.com\/schemas\/[^/]+\/(?:deploymentTemplate|subscriptionDeploymentTemplate|tenantDeploymentTemplate|managementGroupDeploymentTemplate)\.json#?$/i;

export function isDeploymentTemplateSchema(schema: unknown): boolean {
  return typeof schema === 'string' && DEPLOYMENT_TEMPLATE_SCHEMA.test(schema.trim());
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
}

/**
 * Every resource declared in a template: top-level resources (array, or object of symbolic
 * names), child resources, and resources of inline nested deployments.
 */
export function collectResources(template: Node, options: TemplateScopeOptions = {}): ResourceEntry[] {
  const found: ResourceEntry[] = [];
  walkTemplate(template, TemplateScope.ofTemplate(template, options), found, 0);
  return found;
}

function walkTemplate(template: Node, scope: TemplateScope, out: ResourceEntry[], nesting: number): void {
  walkResources(propertyValue(template, 'resources'), scope, undefined, out, nesting);
}

function walkResources(
  resources: Node | undefined,
  scope: TemplateScope,
  parentType: string | undefined,
  out: ResourceEntry[],
  nesting: number,
): void {
  for (const resource of members(resources)) {
    if (resource.type !== 'object') continue;
    // `existing: true` (languageVersion 2.0) references a resource; it declares nothing.
    if (propertyValue(resource, 'existing')?.value === true) continue;
    const typeNode = propertyValue(resource, 'type');
    const type = qualifiedType(scope.resolveString(typeNode), parentType);
    out.push({ node: resource, type, typeNode, scope });
    walkResources(propertyValue(resource, 'resources'), scope, type, out, nesting);
    if (type === DEPLOYMENT_TYPE && nesting < MAX_NESTED_TEMPLATES) {
      const properties = propertyValue(resource, 'properties');
      const template = propertyValue(properties, 'template');
      if (template?.type === 'object') {
        const evaluation = scope.resolveString(propertyValue(propertyValue(properties, 'expressionEvaluationOptions'), 'scope'));
        const inner = evaluation?.toLowerCase() === 'inner';
        const nestedScope = inner
          ? TemplateScope.ofInnerTemplate(template, propertyValue(properties, 'parameters'), scope)
          : scope;
        walkTemplate(template, nestedScope, out, nesting + 1);
      }
    }
  }
}

/** A child resource may give its type relative to its parent (`applications`) or in full. */
function qualifiedType(type: string | undefined, parentType: string | undefined): string | undefined {
  if (type === undefined) return undefined;
  const lower = type.trim().toLowerCase();
  if (parentType === undefined || lower.includes('/')) return lower;
  return `${parentType}/${lower}`;
}
