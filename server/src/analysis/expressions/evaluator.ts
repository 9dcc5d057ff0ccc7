/**
 * Evaluates the deterministic subset of the ARM template functions. Everything that depends on
 * the deployment (reference, resourceGroup, subscription, deployment, utcNow, newGuid,
 * listKeys, resourceId, uniqueString, ...) and every function not listed here is UNKNOWN, and
 * UNKNOWN propagates. No JavaScript is ever evaluated.
 *
 * Function semantics follow the ARM template function reference
 * (https://learn.microsoft.com/azure/azure-resource-manager/templates/template-functions):
 * template-functions-logical, -comparison, -string, -array, -object, -deployment.
 */
import type { Node } from 'jsonc-parser';
import type { ExpressionNode } from './parser';
import { deepEquals, getProperty, isObject, toJson, UNKNOWN, type Value, type ValueObject } from './values';

/** How a value was reached: through a parameter default, a deployment parameter or a variable. */
export interface ValueStep {
  kind: 'parameter' | 'variable';
  name: string;
  /** The node that holds the value this step leads to. */
  node: Node;
  /**
   * True when `node` is in another document (a parameter file): its offsets and JSON path
   * mean nothing in the template, so it is never used for a range or a fix there.
   */
  external?: boolean;
}

/**
 * A value with where it is written. A value passed through unchanged (`parameters('x')`,
 * `variables('x')`, `.name`, `[0]`, the chosen branch of `if`, `coalesce`, `tryGet`, `first`,
 * `last`) keeps the literal JSON node that holds it, so a fix can edit that node. A computed
 * value (`concat(...)`, `toLower(...)`, ...) has no node: it is written nowhere.
 */
export interface Traced {
  /** The fully evaluated value (may contain UNKNOWN parts). */
  value(): Value;
  /** The literal JSON node in the template that holds exactly this value, when there is one. */
  readonly node?: Node;
  readonly steps: ValueStep[];
  /**
   * A property of an object value (name matched case-insensitively): undefined when the
   * object is known not to have it, an unknown Traced when that cannot be told.
   */
  property(name: string): Traced | undefined;
  /** The elements of an array value; undefined when the value is not a known array. */
  elements(): Traced[] | undefined;
}

/** What an expression can see: its template's parameters, variables and copy indexes. */
export interface EvaluationContext {
  parameter(name: string): Traced;
  variable(name: string): Traced;
  /** The current iteration of the copy loop `name` (or the innermost when undefined). */
  copyIndex(name: string | undefined): number | undefined;
}

/** A value that is written nowhere in the template. */
export class Computed implements Traced {
  readonly steps: ValueStep[];
  constructor(private readonly computed: Value, steps: ValueStep[] = []) {
    this.steps = steps;
  }
  value(): Value {
    return this.computed;
  }
  property(name: string): Traced | undefined {
    if (this.computed === UNKNOWN) return UNKNOWN_TRACED;
    if (!isObject(this.computed)) return UNKNOWN_TRACED;
    const found = getProperty(this.computed, name);
    return found === undefined ? undefined : new Computed(found, this.steps);
  }
  elements(): Traced[] | undefined {
    if (!Array.isArray(this.computed)) return undefined;
    return this.computed.map((item) => new Computed(item, this.steps));
  }
}

export const UNKNOWN_TRACED: Traced = new Computed(UNKNOWN);

export function known(value: Value): Traced {
  return new Computed(value);
}

export function evaluate(expression: ExpressionNode, context: EvaluationContext): Traced {
  switch (expression.kind) {
    case 'string':
    case 'number':
    case 'boolean':
      return known(expression.value);
    case 'null':
      return known(null);
    case 'property': {
      const target = evaluate(expression.target, context);
      // A missing property fails the deployment; that is not a value to reason about.
      return target.property(expression.name) ?? UNKNOWN_TRACED;
    }
    case 'index': {
      const target = evaluate(expression.target, context);
      const index = evaluate(expression.index, context).value();
      if (typeof index === 'string') return target.property(index) ?? UNKNOWN_TRACED;
      if (typeof index === 'number' && Number.isInteger(index)) {
        const elements = target.elements();
        return elements?.[index] ?? UNKNOWN_TRACED;
      }
      return UNKNOWN_TRACED;
    }
    case 'call':
      if (expression.namespace !== undefined) return UNKNOWN_TRACED; // user-defined functions are not evaluated
      return call(expression.name, expression.args, context);
  }
}

type Args = ExpressionNode[];

function call(name: string, args: Args, context: EvaluationContext): Traced {
  const lazy = LAZY[name];
  if (lazy) return lazy(args, context);
  const fn = FUNCTIONS[name];
  if (!fn) return UNKNOWN_TRACED;
  const values = args.map((arg) => evaluate(arg, context).value());
  const result = fn(values);
  return known(result === undefined ? UNKNOWN : result);
}

/** Functions that pass a value through (keeping where it is written) or evaluate lazily. */
const LAZY: Record<string, (args: Args, context: EvaluationContext) => Traced> = {
  parameters(args, context) {
    const name = args.length === 1 ? evaluate(args[0], context).value() : UNKNOWN;
    return typeof name === 'string' ? context.parameter(name) : UNKNOWN_TRACED;
  },
  variables(args, context) {
    const name = args.length === 1 ? evaluate(args[0], context).value() : UNKNOWN;
    return typeof name === 'string' ? context.variable(name) : UNKNOWN_TRACED;
  },
  // "When the condition is True, only the true value is evaluated. When the condition is
  // False, only the false value is evaluated." (template-functions-logical#if)
  if(args, context) {
    if (args.length !== 3) return UNKNOWN_TRACED;
    const condition = evaluate(args[0], context).value();
    if (typeof condition !== 'boolean') return UNKNOWN_TRACED;
    return evaluate(args[condition ? 1 : 2], context);
  },
  // "Returns first non-null value from the parameters. Empty strings, empty arrays, and empty
  // objects aren't null." (template-functions-comparison#coalesce)
  coalesce(args, context) {
    for (const arg of args) {
      const traced = evaluate(arg, context);
      const value = traced.value();
      if (value === UNKNOWN) return UNKNOWN_TRACED;
      if (value !== null) return traced;
    }
    return known(null);
  },
  // tryGet(itemToTest, keyOrIndex, ...): null when a key or index does not exist (template-functions-object#tryget).
  tryget(args, context) {
    if (args.length < 2) return UNKNOWN_TRACED;
    let current = evaluate(args[0], context);
    for (const arg of args.slice(1)) {
      const key = evaluate(arg, context).value();
      const value = current.value();
      if (value === UNKNOWN || key === UNKNOWN) return UNKNOWN_TRACED;
      if (value === null) return known(null);
      if (isObject(value) && typeof key === 'string') {
        current = current.property(key) ?? known(null);
      } else if (Array.isArray(value) && typeof key === 'number') {
        current = current.elements()?.[key] ?? known(null);
      } else {
        return UNKNOWN_TRACED;
      }
    }
    return current;
  },
  first(args, context) {
    if (args.length !== 1) return UNKNOWN_TRACED;
    const traced = evaluate(args[0], context);
    const value = traced.value();
    if (typeof value === 'string') return value.length > 0 ? known(value[0]) : known('');
    return traced.elements()?.[0] ?? UNKNOWN_TRACED;
  },
  last(args, context) {
    if (args.length !== 1) return UNKNOWN_TRACED;
    const traced = evaluate(args[0], context);
    const value = traced.value();
    if (typeof value === 'string') return value.length > 0 ? known(value[value.length - 1]) : known('');
    const elements = traced.elements();
    return elements?.[elements.length - 1] ?? UNKNOWN_TRACED;
  },
  createarray(args, context) {
    return known(args.map((arg) => evaluate(arg, context).value()));
  },
  copyindex(args, context) {
    let name: string | undefined;
    let offset = 0;
    for (const arg of args) {
      const value = evaluate(arg, context).value();
      if (typeof value === 'string' && name === undefined) name = value;
      else if (typeof value === 'number') offset = value;
      else return UNKNOWN_TRACED;
    }
    const index = context.copyIndex(name);
    return index === undefined ? UNKNOWN_TRACED : known(index + offset);
  },
};

/** undefined means UNKNOWN: the function cannot be evaluated on these arguments. */
type Fn = (args: Value[]) => Value | undefined;

const FUNCTIONS: Record<string, Fn> = {
  true: (args) => (args.length === 0 ? true : undefined),
  false: (args) => (args.length === 0 ? false : undefined),
  null: (args) => (args.length === 0 ? null : undefined),
  equals: (args) => (args.length === 2 ? (deepEquals(args[0], args[1]) as Value) : undefined),
  not: ([a, ...rest]) => (rest.length === 0 && typeof a === 'boolean' ? !a : undefined),
  // Three-valued: one known false decides `and`, one known true decides `or`.
  and: (args) => logical(args, false),
  or: (args) => logical(args, true),
  // "Determines if an array, object, or string is empty"; null is empty too (template-functions-array#empty).
  empty: ([a, ...rest]) => {
    if (rest.length > 0 || a === UNKNOWN) return undefined;
    if (a === null) return true;
    if (typeof a === 'string' || Array.isArray(a)) return a.length === 0;
    if (isObject(a)) return Object.keys(a).length === 0;
    return undefined;
  },
  // "The string comparison is case-sensitive. However, when testing if an object contains a
  // key, the comparison is case-insensitive." (template-functions-object#contains)
  contains: ([container, item, ...rest]) => {
    if (rest.length > 0 || container === UNKNOWN || item === UNKNOWN) return undefined;
    if (typeof container === 'string') {
      return typeof item === 'string' || typeof item === 'number' ? container.includes(String(item)) : undefined;
    }
    if (Array.isArray(container)) {
      let unknown = false;
      for (const element of container) {
        const same = deepEquals(element, item);
        if (same === true) return true;
        if (same === UNKNOWN) unknown = true;
      }
      return unknown ? undefined : false;
    }
    if (isObject(container)) return typeof item === 'string' ? getProperty(container, item) !== undefined : undefined;
    return undefined;
  },
  tolower: ([s, ...rest]) => (rest.length === 0 && typeof s === 'string' ? s.toLowerCase() : undefined),
  toupper: ([s, ...rest]) => (rest.length === 0 && typeof s === 'string' ? s.toUpperCase() : undefined),
  // string(): objects and arrays as compact JSON, integers in decimal (template-functions-string#string).
  // Booleans and null are left unknown: the docs do not show how they are written.
  string: ([a, ...rest]) => {
    if (rest.length > 0) return undefined;
    if (typeof a === 'string') return a;
    if (typeof a === 'number') return String(a);
    if (Array.isArray(a) || isObject(a)) return toJson(a);
    return undefined;
  },
  // bool(): "true"/"false" (any case), 0 or 1, or a boolean (template-functions-logical#bool).
  bool: ([a, ...rest]) => {
    if (rest.length > 0) return undefined;
    if (typeof a === 'boolean') return a;
    if (typeof a === 'string' && /^(true|false)$/i.test(a.trim())) return a.trim().toLowerCase() === 'true';
    if (a === 0 || a === 1) return a === 1;
    return undefined;
  },
  int: ([a, ...rest]) => {
    if (rest.length > 0) return undefined;
    if (typeof a === 'number' && Number.isInteger(a)) return a;
    if (typeof a === 'string' && /^\s*-?\d{1,15}\s*$/.test(a)) return Number(a);
    return undefined;
  },
  json: ([a, ...rest]) => {
    if (rest.length > 0 || typeof a !== 'string') return undefined;
    try {
      return JSON.parse(a) as Value;
    } catch {
      return undefined;
    }
  },
  createobject: (args) => {
    if (args.length % 2 !== 0) return undefined;
    const object: ValueObject = {};
    for (let i = 0; i < args.length; i += 2) {
      const key = args[i];
      if (typeof key !== 'string') return undefined;
      object[key] = args[i + 1];
    }
    return object;
  },
  union: (args) => {
    if (args.length < 1) return undefined;
    if (args.every(Array.isArray)) {
      const out: Value[] = [];
      for (const array of args as Value[][]) {
        for (const item of array) {
          let seen: boolean | typeof UNKNOWN = false;
          for (const existing of out) {
            const same = deepEquals(existing, item);
            if (same === true) {
              seen = true;
              break;
            }
            if (same === UNKNOWN) seen = UNKNOWN;
          }
          if (seen === UNKNOWN) return undefined;
          if (!seen) out.push(item);
        }
      }
      return out;
    }
    if (args.every(isObject)) return (args as ValueObject[]).reduce((merged, next) => mergeObjects(merged, next, 0), {} as ValueObject);
    return undefined;
  },
  length: ([a, ...rest]) => {
    if (rest.length > 0) return undefined;
    if (typeof a === 'string' || Array.isArray(a)) return a.length;
    if (isObject(a)) return Object.keys(a).length;
    return undefined;
  },
  split: ([s, delimiter, ...rest]) => {
    if (rest.length > 0 || typeof s !== 'string') return undefined;
    const delimiters = typeof delimiter === 'string' ? [delimiter] : Array.isArray(delimiter) ? delimiter : undefined;
    if (!delimiters || !delimiters.every((d): d is string => typeof d === 'string' && d.length > 0)) return undefined;
    const pattern = new RegExp(delimiters.map((d) => d.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'));
    return s.split(pattern);
  },
  replace: ([s, oldValue, newValue, ...rest]) => {
    if (rest.length > 0 || typeof s !== 'string' || typeof oldValue !== 'string' || typeof newValue !== 'string' || oldValue === '') return undefined;
    return s.split(oldValue).join(newValue);
  },
  // concat(): all arrays, or strings and integers (template-functions-string#concat).
  concat: (args) => {
    if (args.length === 0) return undefined;
    if (args.every(Array.isArray)) return (args as Value[][]).flat(1);
    if (args.every((a) => typeof a === 'string' || typeof a === 'number')) return args.join('');
    return undefined;
  },
  format: ([formatString, ...args]) => (typeof formatString === 'string' ? compositeFormat(formatString, args) : undefined),
};

function logical(args: Value[], decisive: boolean): Value | undefined {
  if (args.length < 2) return undefined;
  let unknown = false;
  for (const arg of args) {
    if (arg === decisive) return decisive;
    if (typeof arg !== 'boolean') unknown = true;
  }
  return unknown ? undefined : !decisive;
}

/**
 * ARM's union merges nested objects recursively; nested arrays are replaced, not merged
 * (template-functions-object#union; Azure/PSRule.Rules.Azure#2885).
 */
function mergeObjects(a: ValueObject, b: ValueObject, depth: number): ValueObject {
  const merged: ValueObject = { ...a };
  for (const [key, value] of Object.entries(b)) {
    const existingKey = Object.keys(merged).find((k) => k.toLowerCase() === key.toLowerCase());
    const existing = existingKey !== undefined ? merged[existingKey] : undefined;
    if (existingKey !== undefined) delete merged[existingKey];
    merged[existingKey ?? key] =
      existing !== undefined && isObject(existing) && isObject(value) && depth < 32 ? mergeObjects(existing, value, depth + 1) : value;
  }
  return merged;
}

/**
 * .NET composite formatting, which `format()` uses: `{0}`, `{1}`, ... and `{{`/`}}` for literal
 * braces. Alignment and format strings (`{0,5}`, `{0:N2}`) are not evaluated. Booleans are
 * written as .NET writes them, "True" and "False".
 */
function compositeFormat(format: string, args: Value[]): string | undefined {
  let out = '';
  for (let i = 0; i < format.length; i++) {
    const c = format[i];
    if (c === '{') {
      if (format[i + 1] === '{') {
        out += '{';
        i++;
        continue;
      }
      const match = /^\{(\d+)\}/.exec(format.slice(i));
      if (!match) return undefined;
      const arg = args[Number(match[1])];
      if (arg === undefined || arg === UNKNOWN) return undefined;
      if (typeof arg === 'string') out += arg;
      else if (typeof arg === 'number') out += String(arg);
      else if (typeof arg === 'boolean') out += arg ? 'True' : 'False';
      else if (arg === null) out += '';
      else return undefined;
      i += match[0].length - 1;
    } else if (c === '}') {
      if (format[i + 1] !== '}') return undefined;
      out += '}';
      i++;
    } else {
      out += c;
    }
  }
  return out;
}
