import { SaxesParser, type SaxesTag } from 'saxes';
import type { OffsetRange } from '../types';

/** An attribute value as written: its decoded value and the range of the text between the quotes. */
export interface ManifestValue {
  value: string;
  range: OffsetRange;
}

/** An element of the manifest: where its start tag, its content and its end tag are. */
export interface ManifestElement {
  /** The local name (without a namespace prefix). */
  name: string;
  /** From `<` to the end of the element (`/>` or its end tag's `>`). */
  range: OffsetRange;
  /** The offset just after the start tag's `>`. */
  contentStart: number;
  /** The offset of the end tag's `<`; equal to `range.offset + range.length` for `<X/>`. */
  contentEnd: number;
  selfClosing: boolean;
  children: ManifestElement[];
  parent?: ManifestElement;
}

/** What the identity rules read from an ApplicationManifest.xml. */
export interface ApplicationManifest {
  /** The root `ApplicationManifest` element (any namespace prefix). */
  root: ManifestElement;
  applicationTypeName?: ManifestValue;
  /** `<Principals><ManagedIdentities><ManagedIdentity Name="...">`, in document order. */
  identities: ManifestValue[];
  /** `IdentityBindingPolicy ApplicationIdentityRef` values under `ServiceManifestImport/Policies`. */
  bindings: ManifestValue[];
  principals?: ManifestElement;
  managedIdentities?: ManifestElement;
}

export type ManifestParse =
  | { ok: true; manifest: ApplicationManifest | undefined }
  | { ok: false; message: string; range: OffsetRange };

/** The name an ApplicationManifest.xml has (compared ignoring case). */
export const APPLICATION_MANIFEST_FILE = 'ApplicationManifest.xml';

export function isApplicationManifestUri(uri: string | undefined): boolean {
  if (uri === undefined) return false;
  const name = uri.substring(uri.lastIndexOf('/') + 1);
  return name.toLowerCase() === APPLICATION_MANIFEST_FILE.toLowerCase();
}

const localName = (name: string) => name.substring(name.indexOf(':') + 1);

/**
 * Parses an ApplicationManifest.xml with saxes, a well-formedness-checking XML parser, and
 * keeps the offsets (UTF-16 code units, as the editor counts them) of what the rules need.
 * Well-formed XML whose root is not `ApplicationManifest` gives `manifest: undefined`; XML that
 * is not well-formed gives the first error and where it is.
 */
export function parseApplicationManifest(text: string): ManifestParse {
  const parser = new SaxesParser({ position: true });
  const stack: ManifestElement[] = [];
  let root: ManifestElement | undefined;
  let tagStart = 0;
  let error: { message: string; offset: number } | undefined;
  const values: Array<{ element: ManifestElement; attributes: Record<string, string> }> = [];

  parser.on('opentagstart', () => {
    // The event comes once the name is read; the tag starts at the `<` before it.
    tagStart = Math.max(0, text.lastIndexOf('<', parser.position - 1));
  });
  parser.on('opentag', (tag: SaxesTag) => {
    const element: ManifestElement = {
      name: localName(tag.name),
      range: { offset: tagStart, length: parser.position - tagStart },
      contentStart: parser.position,
      contentEnd: parser.position,
      selfClosing: tag.isSelfClosing,
      children: [],
      parent: stack[stack.length - 1],
    };
    element.parent?.children.push(element);
    root ??= element;
    const attributes: Record<string, string> = {};
    for (const [name, value] of Object.entries(tag.attributes as Record<string, string | { value: string }>)) attributes[localName(name)] = typeof value === 'string' ? value : value.value;
    values.push({ element, attributes });
    stack.push(element);
  });
  parser.on('closetag', () => {
    const element = stack.pop();
    if (!element) return;
    const end = parser.position;
    if (!element.selfClosing) element.contentEnd = Math.max(element.contentStart, text.lastIndexOf('</', end - 1));
    element.range = { offset: element.range.offset, length: end - element.range.offset };
  });
  parser.on('error', (e: Error) => {
    // saxes goes on after an error; the first one is the one to show.
    error ??= { message: e.message.replace(/^(?:[^:]*:)?\d+:\d+: /, ''), offset: parser.position };
  });
  try {
    parser.write(text).close();
  } catch (e) {
    error ??= { message: e instanceof Error ? e.message : String(e), offset: parser.position };
  }
  if (error) {
    const offset = Math.min(Math.max(0, error.offset - 1), text.length);
    return { ok: false, message: error.message, range: { offset, length: Math.min(1, text.length - offset) } };
  }
  if (!root || root.name !== 'ApplicationManifest') return { ok: true, manifest: undefined };

  const manifest: ApplicationManifest = { root, identities: [], bindings: [] };
  for (const { element, attributes } of values) {
    const parent = element.parent;
    if (element === root && attributes.ApplicationTypeName !== undefined) {
      manifest.applicationTypeName = attributeValue(text, element, 'ApplicationTypeName', attributes.ApplicationTypeName);
    } else if (element.name === 'Principals' && parent === root) {
      manifest.principals ??= element;
    } else if (element.name === 'ManagedIdentities' && parent?.name === 'Principals' && parent.parent === root) {
      manifest.managedIdentities ??= element;
    } else if (element.name === 'ManagedIdentity' && parent?.name === 'ManagedIdentities' && parent.parent?.name === 'Principals' && parent.parent.parent === root) {
      if (attributes.Name !== undefined) manifest.identities.push(attributeValue(text, element, 'Name', attributes.Name));
    } else if (
      element.name === 'IdentityBindingPolicy' &&
      parent?.name === 'Policies' &&
      parent.parent?.name === 'ServiceManifestImport' &&
      parent.parent.parent === root &&
      attributes.ApplicationIdentityRef !== undefined
    ) {
      manifest.bindings.push(attributeValue(text, element, 'ApplicationIdentityRef', attributes.ApplicationIdentityRef));
    }
  }
  return { ok: true, manifest };
}

/**
 * The range of an attribute's value in a start tag that saxes found well-formed: the tag is
 * scanned name by name (a value may hold `>` or another attribute's name, so no search).
 */
function attributeValue(text: string, element: ManifestElement, attribute: string, value: string): ManifestValue {
  const end = element.range.offset + element.range.length;
  let i = element.range.offset + 1;
  const isSpace = (c: string) => c === ' ' || c === '\t' || c === '\r' || c === '\n';
  // Skip the element name.
  while (i < end && !isSpace(text[i]) && text[i] !== '>' && text[i] !== '/') i++;
  while (i < end) {
    while (i < end && isSpace(text[i])) i++;
    const nameStart = i;
    while (i < end && !isSpace(text[i]) && text[i] !== '=' && text[i] !== '>' && text[i] !== '/') i++;
    const name = text.substring(nameStart, i);
    if (name === '') break;
    while (i < end && text[i] !== '"' && text[i] !== "'") i++;
    const quote = text[i];
    const valueStart = ++i;
    while (i < end && text[i] !== quote) i++;
    if (localName(name) === attribute) return { value, range: { offset: valueStart, length: i - valueStart } };
    i++;
  }
  return { value, range: { offset: element.range.offset, length: 0 } };
}
