import { createScanner, findNodeAtLocation, getLocation, getNodePath, SyntaxKind, type Node, type Segment } from 'jsonc-parser';
import { detectFormatting } from './fix-edits';
import { members, propertyValue } from './json-nodes';
import type { ClusterContext } from './template-context';
import type { TemplateScope } from './template-scope';
import { parseTemplate, type ParseTemplateOptions } from './template-text';
import { ENABLE_PARAMETER, SECTION_NAME } from './token-service';
import { DOCUMENTED_UPGRADE_POLICY } from './upgrade-policy';
import type { OffsetRange } from './types';

/** A text edit by offsets into the original text. */
export interface OffsetEdit {
  offset: number;
  length: number;
  content: string;
}

/** One completion, ready to insert: the text is valid JSON where the cursor is. */
export interface CompletionData {
  label: string;
  kind: 'section' | 'parameter' | 'property' | 'policy';
  detail: string;
  documentation: string;
  /** The text to insert, in LSP snippet syntax (`${1:true}`, `$0`). */
  snippet: string;
  /** What the snippet replaces: the cursor, or the string the user is typing. */
  range: OffsetRange;
  /** What the editor matches the typed text against, when it differs from the label. */
  filterText?: string;
  /** Elsewhere in the text: a comma after the previous element, when it needs one. */
  additionalEdits: OffsetEdit[];
}

/**
 * The other parameters of the ManagedIdentityTokenService section, all static
 * (service-fabric-cluster-fabric-settings.md, as listed in DOMAIN.md). Their values depend on
 * the user's tenant and certificates, so they are left for the user to fill in.
 */
export const STANDALONE_PARAMETERS = [
  'RunInStandaloneMode',
  'StandalonePrincipalId',
  'StandaloneSendX509',
  'StandaloneTenantId',
  'StandaloneX509CredentialFindType',
  'StandaloneX509CredentialFindValue',
] as const;

const SECTION_DOC =
  'Enables the Managed Identity Token Service, which applications on a classic cluster need to use managed identities. ' +
  'Deploy it in an upgrade with upgradeDescription.forceRestart true.';
const POLICY_DOC =
  'The upgrade policy the documentation gives for enabling the Managed Identity Token Service on an existing cluster, ' +
  'with forceRestart true, plus the healthPolicy the schema requires. Set forceRestart back to false once the upgrade has completed.';

/**
 * Completions inside a classic cluster's `fabricSettings` (the token service section), inside
 * that section's `parameters` (its known parameters), and inside `upgradeDescription` (the
 * documented policy and forceRestart). Nothing elsewhere: the JSON language service and ARM
 * Tools offer the rest.
 */
export function completionsAt(text: string, offset: number, options: ParseTemplateOptions = {}): CompletionData[] {
  const parsed = parseTemplate(text, options);
  if (!parsed) return [];
  const location = getLocation(text, offset);
  let path = location.path.map((segment) => (typeof segment === 'string' ? segment.toLowerCase() : segment));
  let isAtPropertyKey = location.isAtPropertyKey;
  // Only a string the cursor is inside of (between its quotes) is being typed.
  let editing = location.previousNode;
  if (editing && !(editing.offset < offset && offset < editing.offset + editing.length)) editing = undefined;
  // jsonc-parser places a cursor after a complete property value, before any comma, in that value.
  if (!isAtPropertyKey && typeof path[path.length - 1] === 'string' && !editing) {
    const value = findNodeAtLocation(parsed.root, location.path);
    if (value && offset >= value.offset + value.length) {
      path = [...path.slice(0, -1), ''];
      isAtPropertyKey = true;
    }
  }
  for (const cluster of parsed.context.clusters) {
    const resourcePath = getNodePath(cluster.entry.node).map((segment) => (typeof segment === 'string' ? segment.toLowerCase() : segment));
    if (!startsWith(path, resourcePath)) continue;
    const rest = path.slice(resourcePath.length);
    const properties = propertyValue(cluster.entry.node, 'properties');

    // "fabricSettings": [ | ]
    if (rest.length === 3 && rest[0] === 'properties' && rest[1] === 'fabricsettings' && typeof rest[2] === 'number') {
      if (editing && editing.type !== 'string') return [];
      if (hasSection(cluster, properties)) return [];
      return [sectionCompletion(text, offset, editing)].filter(isDefined);
    }
    // "fabricSettings": [ { | } ]
    if (rest.length === 4 && rest[0] === 'properties' && rest[1] === 'fabricsettings' && typeof rest[2] === 'number' && isAtPropertyKey) {
      const element = members(propertyValue(properties, 'fabricSettings'))[rest[2]];
      if (element?.type !== 'object' || (element.children?.length ?? 0) > (editing ? 1 : 0)) return [];
      if (hasSection(cluster, properties)) return [];
      return [sectionMembersCompletion(text, offset, editing)].filter(isDefined);
    }
    // "parameters": [ | ] of the token service section
    if (rest.length === 5 && rest[0] === 'properties' && rest[1] === 'fabricsettings' && typeof rest[2] === 'number' && rest[3] === 'parameters' && typeof rest[4] === 'number') {
      const section = members(propertyValue(properties, 'fabricSettings'))[rest[2]];
      if (!isTokenServiceSection(section, cluster.entry.scope)) return [];
      if (editing && editing.type !== 'string') return [];
      return parameterCompletions(text, offset, editing, section!, cluster.entry.scope);
    }
    // "upgradeDescription": { | }
    if (rest.length === 3 && rest[0] === 'properties' && rest[1] === 'upgradedescription' && isAtPropertyKey) {
      const description = propertyValue(properties, 'upgradeDescription');
      if (description?.type !== 'object') return [];
      return policyCompletions(text, offset, editing, description);
    }
  }
  return [];
}

function hasSection(cluster: ClusterContext, properties: Node | undefined): boolean {
  return members(propertyValue(properties, 'fabricSettings')).some((section) => isTokenServiceSection(section, cluster.entry.scope));
}

function isTokenServiceSection(section: Node | undefined, scope: TemplateScope): boolean {
  return scope.resolveString(propertyValue(section, 'name'))?.toLowerCase() === SECTION_NAME.toLowerCase();
}

/** Where the inserted text goes, and how it must be framed to stay valid JSON. */
interface Slot {
  range: OffsetRange;
  /** Indentation of the lines the new text starts on. */
  indent: string;
  unit: string;
  eol: string;
  /** Text before and after the insertion: line breaks and a trailing comma. */
  before: string;
  after: string;
  additionalEdits: OffsetEdit[];
  /** Set when the cursor is in a key or string that is already followed by a value or colon. */
  blocked: boolean;
}

/**
 * Frames an insertion at the cursor (or over the string being typed) so that the result is
 * valid JSON: a comma after the previous sibling if it has none, a comma after the new text if
 * a sibling follows, and line breaks when the cursor shares its line with a bracket.
 */
function slot(text: string, offset: number, editing: Node | undefined): Slot {
  const range = editing && (editing.type === 'string' || editing.type === 'property')
    ? editingRange(editing)
    : { offset, length: 0 };
  const { indentUnit: unit, eol } = detectFormatting(text);
  const previous = lastToken(text, range.offset);
  const next = firstToken(text, range.offset + range.length);
  const lineStart = text.lastIndexOf('\n', range.offset - 1) + 1;
  const lineIndent = /^[ \t]*/.exec(text.slice(lineStart))![0];
  const onOwnLine = text.slice(lineStart, range.offset).trim() === '';
  const indent = onOwnLine ? text.slice(lineStart, range.offset) : lineIndent + unit;
  const nextOnSameLine = next.kind !== SyntaxKind.EOF && !text.slice(range.offset + range.length, next.offset).includes('\n');
  const closes = next.kind === SyntaxKind.CloseBraceToken || next.kind === SyntaxKind.CloseBracketToken;
  const additionalEdits: OffsetEdit[] = [];
  const opens = [SyntaxKind.OpenBraceToken, SyntaxKind.OpenBracketToken, SyntaxKind.CommaToken];
  if (!opens.includes(previous.kind)) additionalEdits.push({ offset: previous.end, length: 0, content: ',' });
  const trailingComma = !closes && next.kind !== SyntaxKind.CommaToken && next.kind !== SyntaxKind.EOF;
  return {
    range,
    indent,
    unit,
    eol,
    before: onOwnLine ? '' : eol + indent,
    after: (trailingComma ? ',' : '') + (closes && nextOnSameLine ? eol + lineIndent : ''),
    additionalEdits,
    blocked: next.kind === SyntaxKind.ColonToken || previous.kind === SyntaxKind.ColonToken,
  };
}

/** A string or key being typed, quotes included. */
function editingRange(editing: Node): OffsetRange {
  const node = editing.type === 'property' ? editing.children?.[0] ?? editing : editing;
  return { offset: node.offset, length: node.length };
}

interface Token {
  kind: SyntaxKind;
  offset: number;
  end: number;
}

const TRIVIA = new Set([SyntaxKind.Trivia, SyntaxKind.LineBreakTrivia, SyntaxKind.LineCommentTrivia, SyntaxKind.BlockCommentTrivia]);

/** The last token that ends at or before `offset`, comments and white space skipped. */
function lastToken(text: string, offset: number): Token {
  const scanner = createScanner(text.slice(0, offset), false);
  let last: Token = { kind: SyntaxKind.EOF, offset: 0, end: 0 };
  for (let kind = scanner.scan(); kind !== SyntaxKind.EOF; kind = scanner.scan()) {
    if (!TRIVIA.has(kind)) last = { kind, offset: scanner.getTokenOffset(), end: scanner.getTokenOffset() + scanner.getTokenLength() };
  }
  return last;
}

/** The first token from `offset` on, comments and white space skipped. */
function firstToken(text: string, offset: number): Token {
  const scanner = createScanner(text, false);
  scanner.setPosition(offset);
  for (let kind = scanner.scan(); ; kind = scanner.scan()) {
    if (!TRIVIA.has(kind)) return { kind, offset: scanner.getTokenOffset(), end: scanner.getTokenOffset() + scanner.getTokenLength() };
  }
}

function finish(slot: Slot, body: string, data: Omit<CompletionData, 'snippet' | 'range' | 'additionalEdits'>): CompletionData | undefined {
  if (slot.blocked) return undefined;
  return { ...data, snippet: slot.before + body + slot.after, range: slot.range, additionalEdits: slot.additionalEdits };
}

function sectionCompletion(text: string, offset: number, editing: Node | undefined): CompletionData | undefined {
  const s = slot(text, offset, editing);
  const i = s.indent;
  const u = s.unit;
  const body = [
    '{',
    `${i}${u}"name": "${SECTION_NAME}",`,
    `${i}${u}"parameters": [`,
    `${i}${u}${u}{`,
    `${i}${u}${u}${u}"name": "${ENABLE_PARAMETER}",`,
    `${i}${u}${u}${u}"value": "\${1:true}"`,
    `${i}${u}${u}}`,
    `${i}${u}]`,
    `${i}}$0`,
  ].join(s.eol);
  return finish(s, body, {
    label: `${SECTION_NAME} section`,
    kind: 'section',
    detail: `Enable the Managed Identity Token Service (${ENABLE_PARAMETER} "true")`,
    documentation: SECTION_DOC,
    filterText: `"${SECTION_NAME}"`,
  });
}

function sectionMembersCompletion(text: string, offset: number, editing: Node | undefined): CompletionData | undefined {
  const s = slot(text, offset, editing);
  const i = s.indent;
  const u = s.unit;
  const body = [
    `"name": "${SECTION_NAME}",`,
    `${i}"parameters": [`,
    `${i}${u}{`,
    `${i}${u}${u}"name": "${ENABLE_PARAMETER}",`,
    `${i}${u}${u}"value": "\${1:true}"`,
    `${i}${u}}`,
    `${i}]$0`,
  ].join(s.eol);
  return finish(s, body, {
    label: `${SECTION_NAME} section`,
    kind: 'section',
    detail: `Enable the Managed Identity Token Service (${ENABLE_PARAMETER} "true")`,
    documentation: SECTION_DOC,
    filterText: `"name"`,
  });
}

function parameterCompletions(text: string, offset: number, editing: Node | undefined, section: Node, scope: TemplateScope): CompletionData[] {
  const present = new Set(
    members(propertyValue(section, 'parameters'))
      .map((parameter) => scope.resolveString(propertyValue(parameter, 'name'))?.toLowerCase())
      .filter(isDefined),
  );
  const s = slot(text, offset, editing);
  const items: CompletionData[] = [];
  for (const name of [ENABLE_PARAMETER, ...STANDALONE_PARAMETERS]) {
    if (present.has(name.toLowerCase())) continue;
    const value = name === ENABLE_PARAMETER ? '${1:true}' : '$1';
    const item = finish(s, `{ "name": "${name}", "value": "${value}" }$0`, {
      label: name,
      kind: 'parameter',
      detail: name === ENABLE_PARAMETER ? 'Turns the Managed Identity Token Service on ("true")' : `${SECTION_NAME} parameter (static)`,
      documentation:
        name === ENABLE_PARAMETER
          ? SECTION_DOC
          : `A static parameter of the ${SECTION_NAME} section (Service Fabric fabric settings documentation). Changing it needs a cluster upgrade.`,
      filterText: `"${name}"`,
    });
    if (item) items.push(item);
  }
  return items;
}

function policyCompletions(text: string, offset: number, editing: Node | undefined, description: Node): CompletionData[] {
  const present = new Set(
    (description.children ?? [])
      .filter((prop) => prop !== editing)
      .map((prop) => String(prop.children?.[0]?.value).toLowerCase()),
  );
  const s = slot(text, offset, editing);
  const missing = Object.entries(DOCUMENTED_UPGRADE_POLICY).filter(([key]) => !present.has(key.toLowerCase()));
  const items: CompletionData[] = [];
  const property = ([key, value]: [string, unknown]) =>
    `"${key}": ${escapeSnippet(JSON.stringify(value, null, s.unit).replace(/\n/g, s.eol + s.indent))}`;
  if (missing.length > 1) {
    const item = finish(s, missing.map(property).join(`,${s.eol}${s.indent}`) + '$0', {
      label: 'Documented upgrade policy for enabling managed identities',
      kind: 'policy',
      detail: missing.map(([key]) => key).join(', '),
      documentation: POLICY_DOC,
      filterText: `"${missing[0][0]}"`,
    });
    if (item) items.push(item);
  }
  for (const entry of missing) {
    const item = finish(s, property(entry) + '$0', {
      label: entry[0],
      kind: 'property',
      detail: `${JSON.stringify(entry[1])} (documented for enabling managed identities)`,
      documentation:
        entry[0] === 'forceRestart'
          ? 'true restarts every node in the upgrade, which enabling the Managed Identity Token Service needs. Set it back to false once the upgrade has completed.'
          : POLICY_DOC,
      filterText: `"${entry[0]}"`,
    });
    if (item) items.push(item);
  }
  return items;
}

/** Escapes text for LSP snippet syntax. */
function escapeSnippet(text: string): string {
  return text.replace(/[\\$}]/g, '\\$&');
}

function startsWith(path: Segment[], prefix: Segment[]): boolean {
  return prefix.length <= path.length && prefix.every((segment, index) => path[index] === segment);
}

function isDefined<T>(value: T | undefined): value is T {
  return value !== undefined;
}
