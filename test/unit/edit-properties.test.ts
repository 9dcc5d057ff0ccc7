import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { createScanner, findNodeAtLocation, parse, parseTree, SyntaxKind, type JSONPath, type Node, type ParseError } from 'jsonc-parser';
import { CodeActionKind, type CodeAction, type TextDocumentEdit } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { analyzeTemplate, type JsonChange } from '../../server/src/analysis';
import { codeActions } from '../../server/src/lsp/code-actions';
import { toDiagnostics } from '../../server/src/lsp/diagnostics';
import { applyToModel, expectedCodes, print, style, templateJson, templateModel, type Style, type TemplateModel } from './fuzz/formatted';
import { fuzz, runsFor } from './fuzz/harness';

const DOCS = (code: string) => `file:///docs/${code}.md`;
const JSONC = { allowTrailingComma: true, disallowComments: false };

function parseStrict(text: string): unknown {
  const errors: ParseError[] = [];
  const value = parse(text, errors, JSONC);
  assert.deepEqual(errors, [], 'the text parses');
  return value;
}

/** Sets `path` in a plain value as the fix describes it: missing objects are created, -1 appends. */
function setPath(root: unknown, path: JSONPath, value: unknown): void {
  let node = root as Record<string | number, unknown>;
  for (let i = 0; i < path.length - 1; i++) {
    const key = path[i];
    if (node[key] === undefined) node[key] = typeof path[i + 1] === 'number' ? [] : {};
    node = node[key] as Record<string | number, unknown>;
  }
  const last = path[path.length - 1];
  if (last === -1) (node as unknown as unknown[]).push(structuredClone(value));
  else node[last] = structuredClone(value);
}

/** Every token that is not whitespace or a line break, comments included. */
function tokens(text: string, skip: Array<[number, number]> = []): string[] {
  const scanner = createScanner(text, false);
  const out: string[] = [];
  for (let kind = scanner.scan(); kind !== SyntaxKind.EOF; kind = scanner.scan()) {
    if (kind === SyntaxKind.Trivia || kind === SyntaxKind.LineBreakTrivia) continue;
    const start = scanner.getTokenOffset();
    const end = start + scanner.getTokenLength();
    if (skip.some(([from, to]) => start >= from && end <= to)) continue;
    out.push(scanner.getTokenValue() + '@' + kind);
  }
  return out;
}

function isSubsequence(small: string[], big: string[]): boolean {
  let i = 0;
  for (const token of big) if (i < small.length && token === small[i]) i++;
  return i === small.length;
}

/** The clusters of a text by name, with the offsets of their objects. */
function clusterSpans(text: string): Array<{ name: string; from: number; to: number }> {
  const spans: Array<{ name: string; from: number; to: number }> = [];
  const visit = (node: Node | undefined) => {
    if (!node) return;
    if (node.type === 'object') {
      const get = (key: string) => node.children?.find((p) => p.children?.[0].value === key)?.children?.[1]?.value;
      if (get('type') === 'Microsoft.ServiceFabric/clusters') spans.push({ name: String(get('name')), from: node.offset, to: node.offset + node.length });
    }
    node.children?.forEach(visit);
  };
  visit(parseTree(text, [], JSONC));
  return spans;
}

function clusterAt(text: string, offset: number): string {
  const span = clusterSpans(text).find((s) => offset >= s.from && offset < s.to);
  assert.ok(span, `offset ${offset} lies in a cluster`);
  return span.name;
}

function codesByCluster(text: string): Map<string, string[]> {
  const byName = new Map(clusterSpans(text).map((s) => [s.name, [] as string[]]));
  for (const finding of analyzeTemplate(text).findings) byName.get(clusterAt(text, finding.range.offset))!.push(finding.code);
  for (const codes of byName.values()) codes.sort();
  return byName;
}

function actionsFor(text: string, version: number): { document: TextDocument; actions: CodeAction[] } {
  const document = TextDocument.create('file:///t.json', 'json', version, text);
  const result = analyzeTemplate(text);
  const diagnostics = toDiagnostics(document, result, DOCS);
  const range = { start: { line: 0, character: 0 }, end: document.positionAt(text.length) };
  const actions = codeActions(document, result, { textDocument: { uri: document.uri }, range, context: { diagnostics, only: [CodeActionKind.QuickFix] } }, true, DOCS);
  return { document, actions };
}

/** The indentation each line should have: its nesting depth times the unit. */
function checkIndentation(text: string, s: Style): void {
  const scanner = createScanner(text, false);
  let depth = 0;
  let lineStart = true;
  let line = 0;
  for (let kind = scanner.scan(); kind !== SyntaxKind.EOF; kind = scanner.scan()) {
    if (kind === SyntaxKind.LineBreakTrivia) {
      lineStart = true;
      line++;
      continue;
    }
    if (kind === SyntaxKind.Trivia) continue;
    if (lineStart) {
      const closing = kind === SyntaxKind.CloseBraceToken || kind === SyntaxKind.CloseBracketToken;
      const start = scanner.getTokenOffset();
      const lineBegin = Math.max(text.lastIndexOf('\n', start - 1), text.lastIndexOf('\r', start - 1)) + 1;
      assert.equal(JSON.stringify(text.substring(lineBegin, start)), JSON.stringify(s.indent.repeat(closing ? depth - 1 : depth)), `indentation of line ${line + 1}`);
      lineStart = false;
    }
    if (kind === SyntaxKind.OpenBraceToken || kind === SyntaxKind.OpenBracketToken) depth++;
    if (kind === SyntaxKind.CloseBraceToken || kind === SyntaxKind.CloseBracketToken) depth--;
  }
}

function checkLineEndings(text: string, s: Style): void {
  if (s.eol === '\r\n') assert.doesNotMatch(text, /(?<!\r)\n|\r(?!\n)/, 'every line ends with CRLF');
  else assert.doesNotMatch(text, /\r/, 'every line ends with LF');
}

/** The node of the longest prefix of `path` that exists: where a change may touch the text. */
function deepestExisting(root: Node, path: JSONPath): Node {
  for (let length = path.length; length >= 0; length--) {
    const node = findNodeAtLocation(root, path.slice(0, length).map((p) => (p === -1 ? Number.MAX_SAFE_INTEGER : p)) as JSONPath);
    if (node) return node;
  }
  return root;
}

function checkFix(model: TemplateModel, s: Style): void {
  const text = print(templateJson(model), s);
  // The printer is faithful: what it wrote is the model, formatted as asked.
  assert.deepEqual(parseStrict(text), templateJson(model));
  checkIndentation(text, s);
  checkLineEndings(text, s);

  // The analysis finds what the documentation says each cluster has.
  const before = codesByCluster(text);
  for (const cluster of model.clusters) assert.deepEqual(before.get(cluster.name), expectedCodes(cluster), `findings of ${cluster.name}`);

  const result = analyzeTemplate(text);
  const { document, actions } = actionsFor(text, 7);
  const root = parseTree(text, [], JSONC)!;
  let offered = 0;
  for (const finding of result.findings) {
    for (const fix of finding.fixes) {
      const range = { start: document.positionAt(finding.range.offset), end: document.positionAt(finding.range.offset + finding.range.length) };
      const action = actions.find((a) => a.title === fix.title && JSON.stringify(a.diagnostics?.[0].range) === JSON.stringify(range));
      assert.ok(action, `"${fix.title}" is offered for ${finding.code}`);
      offered++;
      const change = action.edit!.documentChanges![0] as TextDocumentEdit;
      assert.equal(change.textDocument.version, 7, 'the edit is versioned with the document it was computed for');
      const after = TextDocument.applyEdits(document, change.edits);

      // 1. The result parses, and is the original with exactly the fix's paths set.
      const expected = structuredClone(parseStrict(text));
      fix.changes.forEach((c: JsonChange) => setPath(expected, c.path, c.value));
      assert.deepEqual(parseStrict(after), expected, `"${fix.title}" changes only the paths it names`);

      // 2. Every other byte is kept: edits stay inside the nodes the paths lead to, and every
      // token of the original (comments too) is still there, but the values replaced.
      const spans = fix.changes.map((c) => deepestExisting(root, c.path)).map((n) => [n.offset, n.offset + n.length] as [number, number]);
      for (const edit of change.edits) {
        const from = document.offsetAt(edit.range.start);
        const to = document.offsetAt(edit.range.end);
        assert.ok(spans.some(([a, b]) => from >= a && to <= b), `"${fix.title}" edits ${from}-${to} inside ${JSON.stringify(spans)}`);
      }
      const replaced = fix.changes
        .map((c) => findNodeAtLocation(root, c.path))
        .filter((n): n is Node => n !== undefined)
        .map((n) => [n.offset, n.offset + n.length] as [number, number]);
      assert.ok(isSubsequence(tokens(text, replaced), tokens(after)), `"${fix.title}" keeps every token and comment`);

      // 3. Indentation and line endings follow the document.
      checkIndentation(after, s);
      checkLineEndings(after, s);

      // 4. The fixed finding is gone, and every cluster has what the model says it now has.
      const fixedName = clusterAt(text, finding.range.offset);
      const now = codesByCluster(after);
      for (const cluster of model.clusters) {
        const want = cluster.name === fixedName ? expectedCodes(applyToModel(cluster, fix.title)) : expectedCodes(cluster);
        assert.deepEqual(now.get(cluster.name), want, `after "${fix.title}" on ${fixedName}: findings of ${cluster.name}`);
      }

      // 5. Applying it again offers nothing further for it.
      const again = actionsFor(after, 8);
      const repeat = again.actions.filter(
        (a) => a.title === fix.title && clusterAt(after, again.document.offsetAt(a.diagnostics![0].range.start)) === fixedName,
      );
      assert.deepEqual(repeat.map((a) => a.title), [], `"${fix.title}" is not offered again for ${fixedName}`);
    }
  }
  assert.equal(actions.length, offered, 'every action offered was checked');
}

describe('property: quick fixes on templates formatted every way', function () {
  this.timeout(0);
  it('parse, change only their paths, keep every other byte, fix the finding, are not offered twice, follow the format', () => {
    fuzz(
      'edits',
      fc.record({ model: templateModel, style }),
      ({ model, style: s }) => print(templateJson(model), s),
      ({ model, style: s }) => checkFix(model, s),
      runsFor(0.05, 60),
    );
  });
});
