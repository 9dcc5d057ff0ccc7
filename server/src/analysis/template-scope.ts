import type { Node } from 'jsonc-parser';
import { Computed, evaluate, UNKNOWN_TRACED, type EvaluationContext, type Traced, type ValueStep } from './expressions/evaluator';
import { isExpressionString, parseExpression, unescapeLiteral } from './expressions/parser';
import { UNKNOWN, type Value, type ValueObject } from './expressions/values';
import { propertyValue } from './json-nodes';

export type { Traced, ValueStep };

/** A value that the analysis knows is written literally: the node that holds it, and how it was reached. */
export interface Resolved {
  node: Node;
  steps: ValueStep[];
}

interface ParameterSource {
  name: string;
  /**
   * True when `value` is in a parameter file: plain JSON, read as it is written; a string
   * there that looks like an expression is unknown (never guessed at).
   */
  external?: boolean;
  use: ParameterUse;
  /** The node of the value: a value given from outside, the `defaultValue`, or undefined (unknown). */
  value: Node | undefined;
  /** The scope in which `value` is evaluated. */
  scope: TemplateScope;
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

/**
 * Where a parameter's value came from: its `defaultValue`, a value given from outside (a
 * parameter file), a value a nested deployment passed in, or nowhere.
 */
export type ParameterUse = 'default' | 'given' | 'passed' | 'none';

/** Evaluation nested deeper than this (variables through variables ...) is unknown. */
const MAX_EVALUATION_DEPTH = 100;
let templateCount = 0;
/** JSON values nested deeper than this are unknown (JavaScript runs one evaluation at a time). */
const MAX_VALUE_DEPTH = 256;
let valueDepth = 0;
/** A variable `copy` loop with more iterations than this is unknown. */
const MAX_COPY_COUNT = 1000;

/** Shared by a template's scope and the scopes derived from it (copy loops). */
interface Budget {
  depth: number;
  /** While set, the names of the parameters that evaluation looks up (see `logParameters`). */
  log?: Map<string, ParameterUse>;
}

/**
 * A template's parameters and variables, and the evaluation of its expressions in them.
 * Values that depend on the deployment are unknown, and unknown is never guessed at.
 *
 * Every parameter lookup goes through `parameter()`, where values from outside (a parameter
 * file, a nested deployment's `parameters`) meet the template's defaults.
 */
export class TemplateScope implements EvaluationContext {
  private readonly parameters = new Map<string, ParameterSource>();
  private variables = new Map<string, { name: string; node: Node }>();
  /** Variables built by a `copy` block in `variables`. */
  private copyVariables = new Map<string, Node>();
  private readonly variableCache = new Map<string, Traced>();
  private readonly inProgress = new Set<string>();
  private copyIndexes: Array<{ name: string; index: number }> = [];
  private budget: Budget = { depth: 0 };
  /** See `symbolic()`. */
  private symbolicParameters = false;
  private symbolicScope: TemplateScope | undefined;
  /** Tells the templates of one analysis apart in `symbolic()` placeholders. */
  private templateId = 0;

  private constructor() {}

  /**
   * The scope of a template: its variables, and its parameters' values from the parameter file
   * when one is given, otherwise their default values.
   */
  static ofTemplate(template: Node, options: TemplateScopeOptions = {}): TemplateScope {
    const scope = new TemplateScope();
    scope.templateId = ++templateCount;
    scope.addVariables(template);
    for (const decl of propertyEntries(propertyValue(template, 'parameters'))) {
      const key = decl.name.toLowerCase();
      const given = options.parameterValues?.get(key);
      scope.parameters.set(
        key,
        given
          ? // A parameter file's value (undefined: given, but unknown, such as a Key Vault reference).
            { name: decl.name, value: given.value, external: true, use: 'given', scope }
          : { name: decl.name, value: propertyValue(decl.value, 'defaultValue'), use: 'default', scope },
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
      scope.parameters.set(key, { name: given.name, value, scope: outer, use: 'passed' });
    }
    return scope;
  }

  private addVariables(template: Node): void {
    for (const decl of propertyEntries(propertyValue(template, 'variables'))) {
      if (decl.name.toLowerCase() === 'copy') {
        // "copy": [{ "name": "x", "count": n, "input": ... }] declares variable x as an array.
        for (const loop of decl.value.type === 'array' ? decl.value.children ?? [] : []) {
          const name = propertyValue(loop, 'name');
          if (name?.type === 'string' && typeof name.value === 'string') this.copyVariables.set(name.value.toLowerCase(), loop);
        }
        continue;
      }
      this.variables.set(decl.name.toLowerCase(), { name: decl.name, node: decl.value });
    }
  }

  /** A derived scope inside iteration `index` of the copy loop `name`. */
  private withCopyIndex(name: string, index: number): TemplateScope {
    const derived = new TemplateScope();
    // Parameters and variables are the template's; only the loop position differs.
    derived.parameters.clear();
    for (const [key, source] of this.parameters) derived.parameters.set(key, source);
    derived.variables = this.variables;
    derived.copyVariables = this.copyVariables;
    derived.budget = this.budget;
    derived.templateId = this.templateId;
    derived.copyIndexes = [...this.copyIndexes, { name: name.toLowerCase(), index }];
    derived.rootForVariables = this.rootForVariables ?? this;
    return derived;
  }

  /**
   * A scope in which a parameter without any value evaluates to a placeholder that stands for
   * it, `\u0000<template>:parameters('name')\u0000`, instead of unknown. Only for comparing two names that
   * come from the same parameter (an application's cluster name and the cluster's name); the
   * placeholders are never shown or reported as values.
   */
  symbolic(): TemplateScope {
    // One per scope, so that its variables are evaluated once however many names are compared.
    if (this.symbolicScope) return this.symbolicScope;
    const derived = this.withCopyIndex('', -1);
    this.symbolicScope = derived;
    derived.copyIndexes = this.copyIndexes;
    derived.symbolicParameters = true;
    derived.rootForVariables = undefined;
    derived.variableCache.clear();
    return derived;
  }

  /**
   * Runs `read` and returns its result with the names of the parameters the evaluation looked
   * up (in this template; values passed into an inner-scope template are evaluated in the
   * outer one), so a message can say which parameters a value depends on.
   */
  logParameters<T>(read: () => T): { result: T; parameters: Map<string, ParameterUse> } {
    const outer = this.budget.log;
    const log = new Map<string, ParameterUse>();
    this.budget.log = log;
    try {
      return { result: read(), parameters: log };
    } finally {
      this.budget.log = outer;
      for (const [name, use] of log) outer?.set(name, use);
    }
  }

  /** Variables are evaluated in the template's scope, not inside a loop's. */
  private rootForVariables: TemplateScope | undefined;

  // EvaluationContext

  /** The one place where a parameter's value is looked up. */
  parameter(name: string): Traced {
    const source = this.parameters.get(name.toLowerCase());
    this.budget.log?.set(source?.name ?? name, source?.value ? source.use : 'none');
    if (!source?.value) {
      if (!this.symbolicParameters || !source) return UNKNOWN_TRACED;
      // Same parameter of the same template: the same placeholder. (Parameters passed into an
      // inner-scope template are evaluated in the outer scope, which is not symbolic.)
      return new Computed(`\u0000${source.scope.templateId}:parameters('${source.name.toLowerCase()}')\u0000`);
    }
    if (source.external) {
      // A parameter file's value lives in another document (source-documents.ts knows which):
      // plain JSON, never evaluated in the template's scope.
      return new ParameterFileValue(source.value, [{ kind: 'parameter', name: source.name, node: source.value }]);
    }
    const step: ValueStep = { kind: 'parameter', name: source.name, node: source.value };
    return source.scope.trace(source.value, [step]);
  }

  variable(name: string): Traced {
    const root = this.rootForVariables ?? this;
    if (root !== this) return root.variable(name);
    const key = name.toLowerCase();
    const cached = this.variableCache.get(key);
    if (cached) return cached;
    // A variable that refers to itself, directly or through others, is unknown.
    if (this.inProgress.has(key)) return UNKNOWN_TRACED;
    this.inProgress.add(key);
    try {
      const traced = this.computeVariable(key);
      this.variableCache.set(key, traced);
      return traced;
    } finally {
      this.inProgress.delete(key);
    }
  }

  private computeVariable(key: string): Traced {
    const declared = this.variables.get(key);
    if (declared) return this.trace(declared.node, [{ kind: 'variable', name: declared.name, node: declared.node }]);
    const loop = this.copyVariables.get(key);
    return loop ? this.copyLoop(loop, []) : UNKNOWN_TRACED;
  }

  /**
   * The array a copy loop `{ "name", "count", "input" }` builds, in a variable's `copy` or in
   * a property `copy` of an object (property iteration). Written nowhere: it has no node.
   */
  copyLoop(loop: Node, steps: ValueStep[]): Traced {
    const loopName = propertyValue(loop, 'name')?.value;
    const count = this.trace(propertyValue(loop, 'count')).value();
    const input = propertyValue(loop, 'input');
    if (typeof loopName !== 'string' || typeof count !== 'number' || !Number.isInteger(count) || count < 0 || count > MAX_COPY_COUNT || !input) {
      return UNKNOWN_TRACED;
    }
    const items: Value[] = [];
    for (let i = 0; i < count; i++) items.push(this.withCopyIndex(loopName, i).trace(input).value());
    return new Computed(items, steps);
  }

  copyIndex(name: string | undefined): number | undefined {
    if (this.copyIndexes.length === 0) return undefined;
    if (name === undefined) return this.copyIndexes[this.copyIndexes.length - 1].index;
    return [...this.copyIndexes].reverse().find((entry) => entry.name === name.toLowerCase())?.index;
  }

  /**
   * The value of a node as ARM evaluates it: expressions evaluated, `[[` unescaped, objects
   * and arrays member by member. Undefined only when the node is.
   */
  trace(node: Node | undefined, steps: ValueStep[] = []): Traced {
    if (!node) return UNKNOWN_TRACED;
    if (node.type === 'string' && isExpressionString(trimmedEnd(node.value))) {
      if (this.budget.depth >= MAX_EVALUATION_DEPTH) return UNKNOWN_TRACED;
      const parsed = parseExpression(trimmedEnd(node.value));
      if (!parsed.ok) return UNKNOWN_TRACED;
      this.budget.depth++;
      try {
        const result = evaluate(parsed.expression, this);
        return steps.length > 0 ? withSteps(result, steps) : result;
      } finally {
        this.budget.depth--;
      }
    }
    return new JsonValue(node, this, steps);
  }

  /** Resolves a value node to the literal node that holds its value, or undefined if it is computed or unknown. */
  resolve(node: Node | undefined): Resolved | undefined {
    if (!node) return undefined;
    const traced = this.trace(node);
    if (!traced.node || traced.value() === UNKNOWN) return undefined;
    return { node: traced.node, steps: traced.steps };
  }

  /** The value as a string; undefined if unknown or not a string. */
  resolveString(node: Node | undefined): string | undefined {
    if (!node) return undefined;
    const value = this.trace(node).value();
    return typeof value === 'string' ? value : undefined;
  }
}

function trimmedEnd(value: unknown): string {
  return typeof value === 'string' ? value.trimEnd() : '';
}

/** Adds the steps that led to an expression in front of the steps the expression took. */
function withSteps(traced: Traced, steps: ValueStep[]): Traced {
  if (traced === UNKNOWN_TRACED) return traced;
  const all = [...steps, ...traced.steps];
  return {
    node: traced.node,
    steps: all,
    value: () => traced.value(),
    property: (name) => {
      const inner = traced.property(name);
      return inner && withSteps(inner, steps);
    },
    elements: () => traced.elements()?.map((element) => withSteps(element, steps)),
  };
}

/**
 * A value written in a parameter file: plain JSON. Its node is in that document, so a finding,
 * related location or fix that uses it carries the parameter file's URI (source-documents.ts).
 */
class ParameterFileValue implements Traced {
  constructor(
    readonly node: Node,
    readonly steps: ValueStep[],
  ) {}

  value(): Value {
    return plainJson(this.node, 0);
  }

  property(name: string): Traced | undefined {
    if (this.node.type !== 'object') return UNKNOWN_TRACED;
    const child = propertyValue(this.node, name);
    return child && new ParameterFileValue(child, this.steps);
  }

  elements(): Traced[] | undefined {
    if (this.node.type !== 'array') return undefined;
    return (this.node.children ?? []).map((child) => new ParameterFileValue(child, this.steps));
  }
}

function plainJson(node: Node, depth: number): Value {
  if (depth > 256) return UNKNOWN;
  switch (node.type) {
    case 'string':
      // A parameter file holds values, not template expressions: never guess what `[...]` means there.
      return isExpression(node.value) ? UNKNOWN : (node.value as string);
    case 'number':
    case 'boolean':
      return node.value as number | boolean;
    case 'null':
      return null;
    case 'array':
      return (node.children ?? []).map((child) => plainJson(child, depth + 1));
    case 'object': {
      const object: ValueObject = {};
      for (const entry of propertyEntries(node)) object[entry.name] = plainJson(entry.value, depth + 1);
      return object;
    }
    default:
      return UNKNOWN;
  }
}

/** A value written in the template's JSON; its members are evaluated in the scope it is written in. */
class JsonValue implements Traced {
  private cached: Value | undefined;
  private computing = false;

  constructor(
    readonly node: Node,
    private readonly scope: TemplateScope,
    readonly steps: ValueStep[],
  ) {}

  value(): Value {
    if (this.cached !== undefined) return this.cached;
    // An object that contains itself through variables is unknown; so is JSON nested deeper
    // than the call stack can follow.
    if (this.computing || valueDepth >= MAX_VALUE_DEPTH) return UNKNOWN;
    this.computing = true;
    valueDepth++;
    try {
      this.cached = this.compute();
      return this.cached;
    } finally {
      this.computing = false;
      valueDepth--;
    }
  }

  private compute(): Value {
    const { node } = this;
    switch (node.type) {
      case 'string':
        return typeof node.value === 'string' ? unescapeLiteral(node.value) : UNKNOWN;
      case 'number':
      case 'boolean':
        return node.value as number | boolean;
      case 'null':
        return null;
      case 'array':
        return (node.children ?? []).map((child) => this.scope.trace(child, this.steps).value());
      case 'object': {
        const object: ValueObject = {};
        const loops = copyLoops(node);
        for (const entry of propertyEntries(node)) {
          if (loops && entry.name.toLowerCase() === 'copy') continue;
          object[entry.name] = this.scope.trace(entry.value, this.steps).value();
        }
        for (const loop of loops ?? []) {
          const name = propertyValue(loop, 'name')?.value;
          if (typeof name !== 'string') return UNKNOWN;
          object[name] = this.scope.copyLoop(loop, this.steps).value();
        }
        return object;
      }
      default:
        return UNKNOWN;
    }
  }

  property(name: string): Traced | undefined {
    if (this.node.type !== 'object') return UNKNOWN_TRACED;
    // Property iteration: "copy": [{ "name": "fabricSettings", "count": ..., "input": ... }]
    // builds the property `fabricSettings` (template-resources property iteration).
    const loops = copyLoops(this.node);
    if (loops && name.toLowerCase() !== 'copy') {
      for (const loop of loops) {
        const loopName = propertyValue(loop, 'name')?.value;
        if (typeof loopName !== 'string') return UNKNOWN_TRACED;
        if (loopName.toLowerCase() === name.toLowerCase()) return this.scope.copyLoop(loop, this.steps);
      }
    }
    const child = propertyValue(this.node, name);
    return child ? this.scope.trace(child, this.steps) : undefined;
  }

  elements(): Traced[] | undefined {
    if (this.node.type !== 'array') return undefined;
    return (this.node.children ?? []).map((child) => this.scope.trace(child, this.steps));
  }
}

/** The loops of an object's `copy` array (property iteration), or undefined when it has none. */
function copyLoops(object: Node): Node[] | undefined {
  const copy = propertyValue(object, 'copy');
  return copy?.type === 'array' ? copy.children ?? [] : undefined;
}

/** True for a string that ARM evaluates as an expression: `[...]`, but not the `[[` escape. */
export function isExpression(value: unknown): value is string {
  return typeof value === 'string' && isExpressionString(value.trimEnd());
}

/** The string value of a literal string node, with ARM's `[[` escape removed. */
export function literalString(node: Node): string | undefined {
  if (node.type !== 'string' || typeof node.value !== 'string') return undefined;
  return unescapeLiteral(node.value);
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
