/**
 * Values of ARM template expressions. UNKNOWN is a value the analysis cannot know without the
 * deployment (reference(), resourceGroup(), a parameter without a value, ...). It may sit
 * inside an array or object whose other members are known; every function that needs a whole
 * value checks that no part of it is unknown, so a rule never reports a guess as a fact.
 */
export const UNKNOWN: unique symbol = Symbol('unknown');
export type Unknown = typeof UNKNOWN;

export type Value = string | number | boolean | null | Unknown | Value[] | ValueObject;
export interface ValueObject {
  [key: string]: Value;
}

export function isObject(value: Value): value is ValueObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** True when no part of the value is unknown. */
export function isFullyKnown(value: Value, depth = 0): boolean {
  if (value === UNKNOWN || depth > 64) return false;
  if (Array.isArray(value)) return value.every((item) => isFullyKnown(item, depth + 1));
  if (isObject(value)) return Object.values(value).every((item) => isFullyKnown(item, depth + 1));
  return true;
}

/** ARM matches property names case-insensitively. When a name occurs twice the last one wins. */
export function getProperty(object: ValueObject, name: string): Value | undefined {
  const wanted = name.toLowerCase();
  let found: Value | undefined;
  for (const key of Object.keys(object)) if (key.toLowerCase() === wanted) found = object[key];
  return found;
}

/**
 * Deep equality as ARM's `equals` compares JSON tokens: strings case-sensitively, objects by
 * their properties (names case-insensitively), arrays element by element. UNKNOWN if any part
 * that matters is unknown.
 */
export function deepEquals(a: Value, b: Value, depth = 0): boolean | Unknown {
  if (a === UNKNOWN || b === UNKNOWN || depth > 64) return UNKNOWN;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b)) return isFullyKnown(a) && isFullyKnown(b) ? false : UNKNOWN;
    if (a.length !== b.length) return false;
    let unknown = false;
    for (let i = 0; i < a.length; i++) {
      const same = deepEquals(a[i], b[i], depth + 1);
      if (same === false) return false;
      if (same === UNKNOWN) unknown = true;
    }
    return unknown ? UNKNOWN : true;
  }
  if (isObject(a) || isObject(b)) {
    if (!isObject(a) || !isObject(b)) return isFullyKnown(a) && isFullyKnown(b) ? false : UNKNOWN;
    const keysA = Object.keys(a).map((k) => k.toLowerCase());
    const keysB = new Set(Object.keys(b).map((k) => k.toLowerCase()));
    if (keysA.length !== keysB.size || keysA.some((k) => !keysB.has(k))) return false;
    let unknown = false;
    for (const key of Object.keys(a)) {
      const same = deepEquals(a[key], getProperty(b, key) as Value, depth + 1);
      if (same === false) return false;
      if (same === UNKNOWN) unknown = true;
    }
    return unknown ? UNKNOWN : true;
  }
  return a === b;
}

/** Compact JSON, as ARM's `string()` writes objects and arrays; undefined if any part is unknown. */
export function toJson(value: Value): string | undefined {
  if (!isFullyKnown(value)) return undefined;
  return JSON.stringify(value);
}
