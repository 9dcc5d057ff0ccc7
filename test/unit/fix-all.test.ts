import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { parse, parseTree, type Node, type ParseError } from 'jsonc-parser';
import type { CodeAction, TextDocumentEdit } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { analyzeTemplate } from '../../server/src/analysis';
import { codeActions } from '../../server/src/lsp/code-actions';
import { toDiagnostics } from '../../server/src/lsp/diagnostics';
import { clusterModel, expectedCodes, print, style, templateJson, type ClusterModel, type Placement, type TemplateModel } from './fuzz/formatted';
import { fuzz, runsFor } from './fuzz/harness';

const DOCS = (code: string) => `file:///docs/${code}.md`;
const JSONC = { allowTrailingComma: true, disallowComments: false };

function fixAllActions(text: string, only: string[]): { document: TextDocument; actions: CodeAction[] } {
  const document = TextDocument.create('file:///many.json', 'json', 3, text);
  const result = analyzeTemplate(text);
  const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  const context = { diagnostics: toDiagnostics(document, result, DOCS), only };
  return { document, actions: codeActions(document, result, { textDocument: { uri: document.uri }, range, context }, true, DOCS) };
}

/**
 * What fix-all does to a cluster, by the rules: the token service is enabled, with a
 * restart when forceRestart is not already on; a version below 6.5 CU2 is raised to the
 * minimum for the cluster's OS. forceRestart left on is not rolled back on save.
 */
function afterFixAll(cluster: ClusterModel): ClusterModel {
  const next = { ...cluster };
  if (cluster.mits !== 'enabled') {
    next.mits = 'enabled';
    next.force = 'true';
  }
  if (expectedCodes(cluster).includes('sf-version-too-low')) next.version = { ...cluster.version!, value: cluster.linux ? '6.5.460.1' : '6.5.658.9590' };
  return next;
}

function codesByName(text: string): Map<string, string[]> {
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
  const byName = new Map(spans.map((s) => [s.name, [] as string[]]));
  for (const finding of analyzeTemplate(text).findings) {
    byName.get(spans.find((s) => finding.range.offset >= s.from && finding.range.offset < s.to)!.name)!.push(finding.code);
  }
  for (const codes of byName.values()) codes.sort();
  return byName;
}

const manyClusters: fc.Arbitrary<TemplateModel> = fc
  .record({ placement: fc.constantFrom<Placement>('array', 'symbolic', 'child', 'nested-inner', 'nested-outer'), count: fc.integer({ min: 5, max: 40 }) })
  .chain(({ placement, count }) => fc.tuple(...Array.from({ length: count }, (_, i) => clusterModel(i))).map((clusters) => ({ placement, clusters })));

describe('fix-all (source.fixAll.sfManagedIdentity)', function () {
  this.timeout(0);

  it('applies the preferred fix of every finding in one versioned edit without overlapping edits, on templates with many clusters', () => {
    fuzz(
      'fix-all',
      fc.record({ model: manyClusters, style }),
      ({ model, style: s }) => print(templateJson(model), s),
      ({ model, style: s }) => {
        const text = print(templateJson(model), s);
        const { document, actions } = fixAllActions(text, ['source.fixAll']);
        const expectedAfter = model.clusters.map(afterFixAll);
        const anythingToFix = model.clusters.some((c) => expectedCodes(c).some((code) => code !== 'sf-force-restart-on'));
        assert.equal(actions.length, anythingToFix ? 1 : 0, 'one fix-all action when there is something to fix, none otherwise');
        if (!anythingToFix) return;
        const [action] = actions;
        assert.equal(action.kind, 'source.fixAll.sfManagedIdentity');
        assert.equal(action.edit!.documentChanges!.length, 1, 'one edit for the whole document');
        const change = action.edit!.documentChanges![0] as TextDocumentEdit;
        assert.equal(change.textDocument.version, 3);
        let previousEnd = -1;
        for (const edit of change.edits) {
          const from = document.offsetAt(edit.range.start);
          assert.ok(from >= previousEnd, 'edits are sorted and do not overlap');
          previousEnd = document.offsetAt(edit.range.end);
        }
        const after = TextDocument.applyEdits(document, change.edits);
        const errors: ParseError[] = [];
        parse(after, errors, JSONC);
        assert.deepEqual(errors, [], 'the result parses');
        const now = codesByName(after);
        for (const cluster of expectedAfter) assert.deepEqual(now.get(cluster.name), expectedCodes(cluster), `after fix-all: ${cluster.name}`);
        assert.deepEqual(fixAllActions(after, ['source.fixAll.sfManagedIdentity']).actions, [], 'nothing is left for a second fix-all');
      },
      runsFor(0.004),
    );
  });

  it('is offered only when asked for, by its kind or a parent kind', () => {
    const text = print(templateJson({ placement: 'array', clusters: [{ name: 'a', mits: 'no-properties', version: undefined, linux: false, force: 'no-description' }] }), {
      indent: '  ',
      eol: '\n',
      seed: 1,
      comments: 0,
      trailingCommas: false,
    });
    const kinds = (only: string[]) => fixAllActions(text, only).actions.map((a) => a.kind);
    assert.deepEqual(kinds(['source.fixAll']), ['source.fixAll.sfManagedIdentity']);
    assert.deepEqual(kinds(['source']), ['source.fixAll.sfManagedIdentity']);
    assert.deepEqual(kinds(['source.fixAll.sfManagedIdentity']), ['source.fixAll.sfManagedIdentity']);
    assert.deepEqual(kinds(['source.fixAll.eslint']), []);
    assert.deepEqual(kinds(['source.organizeImports']), []);
    // The lightbulb asks for quick fixes; fix-all is not among them.
    assert.ok(!kinds(['quickfix']).includes('source.fixAll.sfManagedIdentity'));
  });
});
