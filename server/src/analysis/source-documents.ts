import { getNodePath, type JSONPath, type Node } from 'jsonc-parser';
import type { Finding, JsonChange, OffsetRange, RelatedLocation } from './types';

/** What the analysis knows about a document whose nodes it reads. */
export interface SourceDocument {
  /** Absent when the caller did not say (a template analysed on its own). */
  uri?: string;
  text: string;
  /** A parameter file's name, for messages ("azuredeploy.parameters.json"). */
  parameterFile?: string;
  /** For a linked template: its name, and the `templateLink` in the analysed document that leads to it. */
  linkedFrom?: { name: string; range: OffsetRange };
}

const documents = new WeakMap<Node, SourceDocument>();

/** Remembers which document a parse tree comes from, so that changes and locations can say so. */
export function registerDocument(root: Node, document: SourceDocument): void {
  documents.set(root, document);
}

function rootOf(node: Node): Node {
  let current = node;
  while (current.parent) current = current.parent;
  return current;
}

/** The document a node belongs to, if it was registered. */
export function documentOf(node: Node): SourceDocument | undefined {
  return documents.get(rootOf(node));
}

/** The text of a node as written in its document (`1.50`, not `1.5`). */
export function writtenText(node: Node): string | undefined {
  return documentOf(node)?.text.substring(node.offset, node.offset + node.length);
}

/** A change at `node` (or below it, through `suffix`), tagged with the node's document. */
export function changeAt(node: Node, value: unknown, ...suffix: JSONPath): JsonChange {
  const uri = documentOf(node)?.uri;
  return { path: [...getNodePath(node), ...suffix], value, ...(uri === undefined ? {} : { uri }) };
}

/** Removes the property `key` of the object `node`, tagged with the node's document. */
export function removalAt(object: Node, key: string): JsonChange {
  const uri = documentOf(object)?.uri;
  return { path: [...getNodePath(object), key], value: undefined, remove: true, ...(uri === undefined ? {} : { uri }) };
}

/**
 * Where a finding about `node` goes: the node itself, or, for a node in a linked template, the
 * `templateLink` that leads there, with the place in the linked template alongside.
 */
export function findingAt(node: Node): Pick<Finding, 'range' | 'linked'> {
  const range = { offset: node.offset, length: node.length };
  const document = documentOf(node);
  if (document?.linkedFrom && document.uri !== undefined) {
    return { range: document.linkedFrom.range, linked: { uri: document.uri, name: document.linkedFrom.name, range } };
  }
  return { range };
}

/** A related location at `node`, tagged with the node's document. */
export function relatedAt(node: Node, message: string): RelatedLocation {
  const uri = documentOf(node)?.uri;
  return { range: { offset: node.offset, length: node.length }, message, ...(uri === undefined ? {} : { uri }) };
}
