import { detectFormatting } from '../fix-edits';
import type { ApplicationManifest, ManifestElement } from './parse-manifest';

/** A text edit of a document other than the analysed one, by UTF-16 offsets into its text. */
export interface OffsetEdit {
  offset: number;
  length: number;
  content: string;
}

/** Root children that come before `<Principals>` in the ApplicationManifest schema. */
const BEFORE_PRINCIPALS = ['Description', 'Parameters', 'ServiceManifestImport', 'ServiceTypeHealthPolicy', 'ServiceTemplates', 'DefaultServices'];

/**
 * Whether XML 1.0 can hold `value` at all (its `Char` production): not C0 controls other than
 * tab, line feed and carriage return, not lone surrogates, not U+FFFE or U+FFFF.
 */
export function isXmlText(value: string): boolean {
  return !/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(value);
}

/**
 * `value` as the text of a double-quoted XML attribute value. Tab, line feed and carriage
 * return are written as character references: written as they are, a parser normalises them to
 * spaces, and the name would read back different.
 */
export function xmlAttribute(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/"/g, '&quot;')
    .replace(/\t/g, '&#9;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;');
}

/**
 * The one insertion that adds `<ManagedIdentity Name="name" />` under
 * `<Principals><ManagedIdentities>`, creating those elements where the manifest has none, in
 * the manifest's own indentation (tabs or its number of spaces) and line endings. Nothing
 * else in the text changes.
 */
export function addManagedIdentityEdit(text: string, manifest: ApplicationManifest, name: string): OffsetEdit {
  const { indentUnit: unit, eol } = detectFormatting(text);
  const prefix = prefixOf(text, manifest.root);
  const identity = `<${prefix}ManagedIdentity Name="${xmlAttribute(name)}" />`;
  const identities = (indent: string) => `<${prefix}ManagedIdentities>${eol}${indent}${unit}${identity}${eol}${indent}</${prefix}ManagedIdentities>`;
  const principals = (indent: string) =>
    `<${prefix}Principals>${eol}${indent}${unit}${identities(indent + unit)}${eol}${indent}</${prefix}Principals>`;

  if (manifest.managedIdentities) return appendChild(text, manifest.managedIdentities, () => identity, unit, eol);
  if (manifest.principals) return appendChild(text, manifest.principals, identities, unit, eol);
  const root = manifest.root;
  const before = root.children.filter((child) => BEFORE_PRINCIPALS.includes(child.name));
  const last = before[before.length - 1];
  if (last) {
    const indent = indentOf(text, last.range.offset) ?? (indentOf(text, root.range.offset) ?? '') + unit;
    return { offset: end(last), length: 0, content: `${eol}${indent}${principals(indent)}` };
  }
  const first = root.children[0];
  if (first) {
    const indent = indentOf(text, first.range.offset);
    if (indent !== undefined) return { offset: first.range.offset, length: 0, content: `${principals(indent)}${eol}${indent}` };
  }
  return appendChild(text, root, principals, unit, eol);
}

/** Adds the element `build(indent)` as the last child of `parent`. */
function appendChild(text: string, parent: ManifestElement, build: (indent: string) => string, unit: string, eol: string): OffsetEdit {
  const parentIndent = indentOf(text, parent.range.offset) ?? '';
  const last = parent.children[parent.children.length - 1];
  if (last) {
    const indent = indentOf(text, last.range.offset) ?? parentIndent + unit;
    return { offset: end(last), length: 0, content: `${eol}${indent}${build(indent)}` };
  }
  const indent = parentIndent + unit;
  if (parent.selfClosing) {
    // `<X />` becomes `<X>`, the child, and `</X>`.
    const tag = text.substring(parent.range.offset, end(parent));
    const open = tag.replace(/\s*\/>$/, '>');
    const qualified = tag.substring(1).split(/[\s/>]/)[0];
    return { offset: parent.range.offset, length: parent.range.length, content: `${open}${eol}${indent}${build(indent)}${eol}${parentIndent}</${qualified}>` };
  }
  const content = text.substring(parent.contentStart, parent.contentEnd);
  if (content.trim() === '') {
    return { offset: parent.contentStart, length: content.length, content: `${eol}${indent}${build(indent)}${eol}${parentIndent}` };
  }
  // Only comments (or text) inside: add after them, before the end tag's line.
  const lastBreak = Math.max(content.lastIndexOf('\n'), content.lastIndexOf('\r'));
  if (lastBreak >= 0 && content.substring(lastBreak + 1).trim() === '') {
    return { offset: parent.contentStart + lastBreak + 1, length: 0, content: `${indent}${build(indent)}${eol}` };
  }
  return { offset: parent.contentEnd, length: 0, content: build(indent) };
}

const end = (element: ManifestElement) => element.range.offset + element.range.length;

/** The whitespace before `offset` on its line, when nothing else precedes it there. */
function indentOf(text: string, offset: number): string | undefined {
  let start = offset;
  while (start > 0 && (text[start - 1] === ' ' || text[start - 1] === '\t')) start--;
  if (start > 0 && text[start - 1] !== '\n' && text[start - 1] !== '\r') return undefined;
  return text.substring(start, offset);
}

/** The namespace prefix of the root element (`fabric:`), or '' for the default namespace. */
function prefixOf(text: string, root: ManifestElement): string {
  const qualified = text.substring(root.range.offset + 1).split(/[\s/>]/)[0];
  const colon = qualified.indexOf(':');
  return colon < 0 ? '' : qualified.substring(0, colon + 1);
}
