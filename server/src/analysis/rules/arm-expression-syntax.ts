// An expression that cannot be parsed fails the deployment, and the analysis cannot evaluate anything that depends on it.
import type { Node } from 'jsonc-parser';
import { parseExpression } from '../expressions/parser';
import { isSkipped } from '../fast-tree';
import { property, propertyValue, rangeOf } from '../json-nodes';
import { isExpression } from '../template-scope';
import type { Finding } from '../types';
import type { Rule } from './rule';

export const armExpressionSyntax: Rule = {
  id: 'arm-expression-syntax',
  defaultSeverity: 'warning',
  description: 'A template expression ("[...]") cannot be parsed.',
  check({ root }) {
    const findings: Finding[] = [];
    // An explicit stack: templates can nest deeper than the call stack allows.
    const stack: Node[] = [root];
    while (stack.length > 0) {
      const node = stack.pop()!;
      if (isSkipped(node)) continue;
      if (isOtherResource(node)) {
        // Only the resources the analysis reads are checked (their child resources may be).
        const children = property(node, 'resources')?.children?.[1];
        if (children) stack.push(children);
        continue;
      }
      if (node.type === 'property') {
        // Property names are never expressions; only the value is. Descriptive `metadata` of
        // a template or of a parameter or output declaration is free text, not evaluated.
        if (node.children?.[1] && !isDescriptiveMetadata(node)) stack.push(node.children[1]);
        continue;
      }
      if (node.type === 'object' && node.children) {
        // A name given twice: the last one wins (as in JSON.parse, and as the rules read it),
        // so an expression under an earlier one is never evaluated and gets no finding.
        const later = new Set<string>();
        const kept: Node[] = [];
        for (let i = node.children.length - 1; i >= 0; i--) {
          const key = node.children[i].children?.[0]?.value;
          const name = typeof key === 'string' ? key.toLowerCase() : undefined;
          if (name !== undefined && later.has(name)) continue;
          if (name !== undefined) later.add(name);
          kept.push(node.children[i]);
        }
        for (const child of kept) stack.push(child);
        continue;
      }
      if (node.children) {
        for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]);
        continue;
      }
      if (node.type !== 'string' || !isExpression(node.value)) continue;
      const parsed = parseExpression(node.value.trimEnd());
      if (parsed.ok) continue;
      findings.push({
        code: armExpressionSyntax.id,
        severity: 'warning',
        message:
          `This template expression cannot be parsed: ${parsed.error.message} (at character ${parsed.error.offset + 1} of the expression). ` +
          'Azure Resource Manager rejects the template, and this analysis treats every value that depends on it as unknown. ' +
          'Correct the expression, or start the string with "[[" if it is meant as literal text.',
        range: rangeOf(node),
        fixes: [],
      });
    }
    return findings;
  },
};

/** `metadata` of a template (beside `$schema`/`contentVersion`) or of a declaration with a `type`. */
function isDescriptiveMetadata(prop: Node): boolean {
  if (String(prop.children?.[0]?.value).toLowerCase() !== 'metadata') return false;
  const parent = prop.parent;
  return property(parent, '$schema') !== undefined || property(parent, 'contentVersion') !== undefined || property(parent, 'type') !== undefined;
}

/**
 * A resource that the rules do not read: its literal `type` names neither a Service Fabric type
 * nor a deployment. Its expressions are ARM's to check; the fast reader does not even build it.
 */
function isOtherResource(node: Node): boolean {
  if (node.type !== 'object') return false;
  const container = node.parent?.type === 'property' ? node.parent.parent : node.parent;
  const inResources = node.parent?.type === 'array' ? String(node.parent.parent?.children?.[0]?.value).toLowerCase() === 'resources' : node.parent?.type === 'property' && String(container?.parent?.children?.[0]?.value).toLowerCase() === 'resources';
  if (!inResources) return false;
  const type: unknown = propertyValue(node, 'type')?.value;
  if (typeof type !== 'string' || isExpression(type)) return false;
  const lower = String(type).toLowerCase();
  return !lower.includes('servicefabric') && !lower.includes('deployments');
}
