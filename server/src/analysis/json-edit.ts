import { createScanner, parseTree, SyntaxKind, type Edit, type JSONPath, type Node } from 'jsonc-parser';
import { isSkipped, readSelectiveTree } from './fast-tree';

/** How the document is formatted: one indentation unit and its line ending. */
export interface DocumentFormat {
  indentUnit: string;
  eol: string;
}

/**
 * Sets the value at `path` with one edit that touches nothing but that value: no other line
 * is reformatted, comments stay where they are, trailing-comma style is kept. An index of -1
 * appends to an array; missing objects on the way are created. Returns undefined when the
 * path runs through something that is not an object or array.
 *
 * jsonc-parser's `modify` reformats the whole lines around an insertion (a one-line sibling
 * object becomes several lines), so this does the insertion itself.
 */
export function setJsonValue(text: string, path: JSONPath, value: unknown, format: DocumentFormat, keepTree = true): Edit | undefined {
  // The analysis's own tree has every node a fix can name (clusters, parameters, variables)
  // and is usually still there from the analysis; a path that runs into a part it skipped
  // falls back to the full tree.
  const found = walk(selectiveRoot(text, keepTree), path) ?? walk(parseTree(text, [], { allowTrailingComma: true, disallowComments: false }), path);
  if (!found) return undefined;
  const { node, depth } = found;
  if (depth === path.length) {
    return { offset: node.offset, length: node.length, content: serialize(value, lineIndent(text, node.offset), format) };
  }
  const segment = path[depth];
  let entry: unknown = value;
  for (let i = path.length - 1; i > depth; i--) {
    const inner = path[i];
    entry = typeof inner === 'number' ? [entry] : { [inner]: entry };
  }
  if (node.type === 'object' && typeof segment === 'string') return insertMember(text, node, entry, format, segment);
  if (node.type === 'array' && segment === -1) return insertMember(text, node, entry, format);
  return undefined;
}

/**
 * The deepest node of `path` that exists, and how many segments it took. Undefined when there
 * is no tree, or when the walk meets a placeholder whose content was not built.
 */
function walk(root: Node | undefined, path: JSONPath): { node: Node; depth: number } | undefined {
  if (!root || isSkipped(root)) return undefined;
  let node: Node = root;
  let depth = 0;
  for (; depth < path.length; depth++) {
    const child = childAt(node, path[depth]);
    if (child === undefined) break;
    if (isSkipped(child)) return undefined;
    node = child;
  }
  return { node, depth };
}

/** The analysis's tree of the text; the fixes of one request share it (readSelectiveTree keeps the last). */
/** The fast tree of `text`; kept for the next caller only when `keep` (see readSelectiveTree). */
function selectiveRoot(text: string, keep: boolean): Node | undefined {
  const tree = readSelectiveTree(text, 'relevant', keep);
  return tree.ok ? tree.root : undefined;
}

/**
 * Deletes the property at `path` (its last segment is the key) and nothing else: comments stay,
 * also one at the end of the property's line; a property alone on its line takes the line with
 * it; the commas stay valid, and a trailing comma stays a trailing comma. Returns the edits in
 * document order, never overlapping, or undefined when there is no such property.
 */
export function removeJsonProperty(text: string, path: JSONPath): Edit[] | undefined {
  const key = path[path.length - 1];
  if (typeof key !== 'string') return undefined;
  const root = parseTree(text, [], { allowTrailingComma: true, disallowComments: false });
  let object: Node | undefined = root;
  for (const segment of path.slice(0, -1)) object = object && childAt(object, segment);
  if (object?.type !== 'object') return undefined;
  const members = object.children ?? [];
  let index = -1;
  members.forEach((member, i) => {
    if (member.children?.[0]?.value === key && member.children[1]) index = i;
  });
  if (index < 0) return undefined;
  const member = members[index];
  const start = member.offset;
  const end = member.offset + member.length;
  const commaAt = nextToken(text, end);
  const ownComma = commaAt !== undefined && text[commaAt] === ',';
  const edits: Edit[] = [];
  if (!ownComma && index > 0) {
    // The last property goes: the comma before it goes with it.
    const previous = members[index - 1];
    const previousComma = nextToken(text, previous.offset + previous.length);
    if (previousComma !== undefined && text[previousComma] === ',') edits.push({ offset: previousComma, length: 1, content: '' });
  }
  const removedEnd = ownComma ? commaAt + 1 : end;
  const rest = skipBlanks(text, removedEnd);
  let lineStart = start;
  while (lineStart > 0 && (text[lineStart - 1] === ' ' || text[lineStart - 1] === '\t')) lineStart--;
  const aloneBefore = lineStart === 0 || text[lineStart - 1] === '\n' || text[lineStart - 1] === '\r';
  const atLineEnd = rest >= text.length || text[rest] === '\n' || text[rest] === '\r';
  if (aloneBefore && atLineEnd) {
    const lineBreak = text.startsWith('\r\n', rest) ? 2 : rest < text.length ? 1 : 0;
    edits.push({ offset: lineStart, length: rest + lineBreak - lineStart, content: '' });
  } else if (aloneBefore || ownComma) {
    // Something follows on the line (a comment, the next property): it keeps its place.
    edits.push({ offset: start, length: rest - start, content: '' });
  } else {
    edits.push({ offset: lineStart, length: end - lineStart, content: '' });
  }
  return edits;
}

/** The offset of the next token after `offset` that is not whitespace or a comment. */
function nextToken(text: string, offset: number): number | undefined {
  const scanner = createScanner(text, false);
  scanner.setPosition(offset);
  for (let kind = scanner.scan(); kind !== SyntaxKind.EOF; kind = scanner.scan()) {
    if (kind === SyntaxKind.Trivia || kind === SyntaxKind.LineBreakTrivia || kind === SyntaxKind.LineCommentTrivia || kind === SyntaxKind.BlockCommentTrivia) continue;
    return scanner.getTokenOffset();
  }
  return undefined;
}

function childAt(node: Node, segment: string | number): Node | undefined {
  if (node.type === 'object' && typeof segment === 'string') {
    let found: Node | undefined;
    for (const property of node.children ?? []) {
      if (property.children?.[0]?.value === segment && property.children[1]) found = property.children[1];
    }
    return found;
  }
  if (node.type === 'array' && typeof segment === 'number' && segment >= 0) return node.children?.[segment];
  return undefined;
}

/** Adds a property (when `key` is given) or an array element at the end of a container. */
function insertMember(text: string, container: Node, value: unknown, format: DocumentFormat, key?: string): Edit {
  const members = container.children ?? [];
  const open = container.offset;
  const close = container.offset + container.length - 1;
  const member = (indent: string, compact: boolean) =>
    (key === undefined ? '' : `${JSON.stringify(key)}: `) + (compact ? serializeCompact(value) : serialize(value, indent, format));

  if (members.length === 0) {
    const interior = text.substring(open + 1, close);
    const outerIndent = lineIndent(text, open);
    const indent = outerIndent + format.indentUnit;
    if (/^\s*$/.test(interior) && !interior.includes('\n')) {
      // `{}` or `[]` on one line opens up, as a person would write it.
      return { offset: open + 1, length: interior.length, content: `${format.eol}${indent}${member(indent, false)}${format.eol}${outerIndent}` };
    }
    return { offset: open + 1, length: 0, content: `${format.eol}${indent}${member(indent, false)}` };
  }

  const last = members[members.length - 1];
  const valueEnd = last.offset + last.length;
  let scan = skipBlanks(text, valueEnd);
  const hasComma = text[scan] === ',';
  if (hasComma) scan = skipBlanks(text, scan + 1);
  if (text.startsWith('//', scan)) {
    scan = lineEnd(text, scan);
  } else if (text.startsWith('/*', scan)) {
    const commentEnd = text.indexOf('*/', scan + 2);
    if (commentEnd >= 0 && !/[\r\n]/.test(text.substring(scan, commentEnd))) scan = skipBlanks(text, commentEnd + 2);
  }
  const atLineEnd = scan >= text.length || text[scan] === '\n' || text[scan] === '\r';
  const multiLine = /[\r\n]/.test(text.substring(open, last.offset));

  if (multiLine && atLineEnd) {
    // The new member goes on a line of its own, after any comment that ends the last line. An
    // array element follows its sibling's style: on one line if the sibling is on one line.
    const indent = lineIndent(text, last.offset);
    const compact = key === undefined && !/[\r\n]/.test(text.substring(last.offset, valueEnd));
    return {
      offset: valueEnd,
      length: scan - valueEnd,
      content: `${hasComma ? '' : ','}${text.substring(valueEnd, scan)}${format.eol}${indent}${member(indent, compact)}${hasComma ? ',' : ''}`,
    };
  }
  // A container written on one line stays on one line.
  const commaEnd = hasComma ? text.indexOf(',', valueEnd) + 1 : valueEnd;
  return {
    offset: commaEnd,
    length: 0,
    content: hasComma ? ` ${member('', true)},` : `, ${member('', true)}`,
  };
}

/** Pretty JSON whose continuation lines start with `indent`, in the document's style. */
function serialize(value: unknown, indent: string, format: DocumentFormat): string {
  return JSON.stringify(value, null, format.indentUnit).split('\n').join(format.eol + indent);
}

/** One-line JSON with a space after each colon and comma, as people write it by hand. */
function serializeCompact(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(serializeCompact).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}: ${serializeCompact(v)}`);
    return entries.length ? `{ ${entries.join(', ')} }` : '{}';
  }
  return JSON.stringify(value);
}

/** The whitespace at the start of the line that holds `offset`. */
export function lineIndent(text: string, offset: number): string {
  let start = offset;
  while (start > 0 && text[start - 1] !== '\n' && text[start - 1] !== '\r') start--;
  let end = start;
  while (text[end] === ' ' || text[end] === '\t') end++;
  return text.substring(start, end);
}

function skipBlanks(text: string, offset: number): number {
  while (text[offset] === ' ' || text[offset] === '\t') offset++;
  return offset;
}

function lineEnd(text: string, offset: number): number {
  while (offset < text.length && text[offset] !== '\n' && text[offset] !== '\r') offset++;
  return offset;
}
