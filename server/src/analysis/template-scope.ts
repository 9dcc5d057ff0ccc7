import type { Node } from 'jsonc-parser';
import { propertyValue } from './json-nodes';

/** How a value was reached: through a parameter default, a deployment parameter or a variable. */
export interface ValueStep {
  kind: 'parameter' | 'variable';
  name: string;
  /** The node that holds the value this step leads to. */
  node: Node;
}

/** A value that the analysis knows: the literal node that holds it, and how it was reached. */
export interface Resolved {
  node: Node;
  steps: ValueStep[];
}

interface ParameterSource {
  name: string;
  /** The node of the value: the `defaultValue`, or the value a nested deployment passes in. */
  value: Node | undefined;
  /** The scope in which `value` is evaluated. */
  scope: TemplateScope;
  /** A value from a parameter file: a literal; a string that looks like an expression is unknown. */
  literal?: boolean;
}

/**
 * The values a parameter file gives, by parameter name in lower case. A value of undefined
 * means the file supplies the parameter in a way the analysis cannot know (a Key Vault
 * `reference`): unknown, not the default.
 */
export type ParameterValues = ReadonlyMap<string, { name: string; value: Node | undefined }>;

/** How a template is deployed: the parameter file's values win over the defaults. */
export interface TemplateScopeOptions {
  parameterValues?: ParameterValues;
}

const MAX_RESOLUTION_DEPTH = 32;

/**
 * A template's parameters and variables, with the simple forms of ARM expressions resolved:
 * `[parameters('x')]` to the parameter's value, `[variables('x')]` to the variable's value.
 * Everything else is unknown, and unknown is never guessed at.
 */
export class TemplateScope {
  private readonly parameters = new Map<string, ParameterSource>();
  private readonly variables = new Map<string, Node>();

  private constructor() {}

  /**
   * The scope of a template: its variables, and its parameters' values from the parameter file
   * when one is given, otherwise their default values.
   */
  static ofTemplate(template: Node, options: TemplateScopeOptions = {}): TemplateScope {
    const scope = new TemplateScope();
    scope.addVariables(template);
    for (const decl of propertyEntries(propertyValue(template, 'parameters'))) {
      const given = options.parameterValues?.get(decl.name.toLowerCase());
      scope.parameters.set(
        decl.name.toLowerCase(),
        given
          ? { name: decl.name, value: given.value, scope, literal: true }
          : { name: decl.name, value: propertyValue(decl.value, 'defaultValue'), scope },
      );
    }
    return scope;
  }

  /**
   * The scope of a nested template evaluated with `expressionEvaluationOptions.scope: inner`:
   * its own parameters, fed by the values the deployment passes in (evaluated in the outer
   * scope), otherwise by their defaults.
   */
  static ofInnerTemplate(template: Node, passed: Node | undefined, outer: TemplateScope): TemplateScope {
    const scope = TemplateScope.ofTemplate(template);
    for (const given of propertyEntries(passed)) {
      const key = given.name.toLowerCase();
      if (!scope.parameters.has(key)) continue;
      // A reference (Key Vault secret) or anything but `value` is unknown here.
      const value = propertyValue(given.value, 'value');
      scope.parameters.set(key, { name: given.name, value, scope: outer });
    }
    return scope;
  }

  private addVariables(template: Node): void {
    for (const decl of propertyEntries(propertyValue(template, 'variables'))) {
      // `copy` in variables builds values that only the full evaluator knows.
      if (decl.name.toLowerCase() === 'copy') continue;
      this.variables.set(decl.name.toLowerCase(), decl.value);
    }
  }

  /** Resolves a value node to the literal node that holds its value, or undefined if unknown. */
  resolve(node: Node | undefined, depth = 0): Resolved | undefined {
    if (!node || depth > MAX_RESOLUTION_DEPTH) return undefined;
    if (node.type !== 'string' || !isExpression(node.value)) return { node, steps: [] };
    const ref = parseSimpleReference(node.value);
    if (!ref) return undefined;
    if (ref.kind === 'parameter') {
      const source = this.parameters.get(ref.name.toLowerCase());
      if (!source?.value) return undefined;
      if (source.literal) {
        // A parameter file holds values, not template expressions: never guess what `[...]` means there.
        if (source.value.type === 'string' && isExpression(source.value.value)) return undefined;
        return { node: source.value, steps: [{ kind: 'parameter', name: source.name, node: source.value }] };
      }
      const inner = source.scope.resolve(source.value, depth + 1);
      return inner && { node: inner.node, steps: [{ kind: 'parameter', name: source.name, node: inner.node }, ...inner.steps] };
    }
    const value = this.variables.get(ref.name.toLowerCase());
    const inner = this.resolve(value, depth + 1);
    return inner && { node: inner.node, steps: [{ kind: 'variable', name: ref.name, node: inner.node }, ...inner.steps] };
  }

  /** The resolved value as a string, with ARM's `[[` escape removed; undefined if unknown or not a string. */
  resolveString(node: Node | undefined): string | undefined {
    const resolved = this.resolve(node);
    return resolved ? literalString(resolved.node) : undefined;
  }
}

/** The string value of a literal string node, with ARM's `[[` escape removed. */
export function literalString(node: Node): string | undefined {
  if (node.type !== 'string' || typeof node.value !== 'string') return undefined;
  return node.value.startsWith('[[') ? node.value.slice(1) : node.value;
}

/** True for a string that ARM evaluates as an expression: `[...]`, but not the `[[` escape. */
export function isExpression(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith('[') && !value.startsWith('[[') && value.trimEnd().endsWith(']');
}

const SIMPLE_REFERENCE = /^\[\s*(parameters|variables)\s*\(\s*'((?:[^']|'')*)'\s*\)\s*\]$/i;

/** Recognises exactly `[parameters('x')]` and `[variables('x')]`. */
export function parseSimpleReference(expression: string): { kind: 'parameter' | 'variable'; name: string } | undefined {
  const match = SIMPLE_REFERENCE.exec(expression.trim());
  if (!match) return undefined;
  return {
    kind: match[1].toLowerCase() === 'parameters' ? 'parameter' : 'variable',
    name: match[2].replace(/''/g, "'"),
  };
}

function propertyEntries(object: Node | undefined): Array<{ name: string; value: Node }> {
  if (object?.type !== 'object') return [];
  const entries: Array<{ name: string; value: Node }> = [];
  for (const prop of object.children ?? []) {
    const key = prop.children?.[0]?.value;
    const value = prop.children?.[1];
    if (typeof key === 'string' && value) entries.push({ name: key, value });
  }
  return entries;
}
