import type { Node } from 'jsonc-parser';

/**
 * The value node of the property `name` of an object node. ARM matches property names
 * case-insensitively; when a name occurs twice the last one wins, as in JSON.parse.
 */
export function propertyValue(object: Node | undefined, name: string): Node | undefined {
  return property(object, name)?.children?.[1];
}

/** The property node (key and value) of `name` in an object node, matched case-insensitively. */
export function property(object: Node | undefined, name: string): Node | undefined {
  if (object?.type !== 'object' || !object.children) return undefined;
  const wanted = name.toLowerCase();
  let found: Node | undefined;
  for (const prop of object.children) {
    const key = prop.children?.[0];
    if (key && typeof key.value === 'string' && key.value.toLowerCase() === wanted && prop.children?.[1]) {
      found = prop;
    }
  }
  return found;
}

/** The elements of an array node, or the property values of an object node. */
export function members(node: Node | undefined): Node[] {
  if (!node?.children) return [];
  if (node.type === 'array') return node.children;
  if (node.type === 'object') {
    return node.children.map((p) => p.children?.[1]).filter((v): v is Node => v !== undefined);
  }
  return [];
}

export function rangeOf(node: Node): { offset: number; length: number } {
  return { offset: node.offset, length: node.length };
}
