import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { analyzeDocument, analyzeTemplate, completionsAt, enablePlan, enableTargets, hoverInfo, suppressionEdit } from '../../server/src/analysis';
import { forgetSelectiveTrees, readSelectiveTree } from '../../server/src/analysis/fast-tree';
import { ROOT } from './helpers';

/**
 * Hovers, completions and code lenses read valid text with the analysis's fast tree, and the
 * "Disable for this line" edit scans only from a place the fast tree shows to be outside any
 * comment. Both must give what the straightforward way gives: jsonc-parser's whole tree, and a
 * scan of the text from its start. No timings here; `npm run bench` measures speed.
 */
function filesUnder(folder: string): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.jsonc?$/i.test(name)) found.push(path);
    }
  };
  walk(folder);
  return found;
}

const FILES = [...filesUnder(join(ROOT, 'test', 'fixtures')), ...filesUnder(join(ROOT, 'test', 'corpus', 'real')), ...filesUnder(join(ROOT, 'examples'))];
const TEXTS = FILES.map((file) => ({ name: relative(ROOT, file), text: readFileSync(file, 'utf8') })).filter(({ text }) => readSelectiveTree(text).ok);

/** Up to `count` offsets spread over the text, each just inside a string (where hovers and completions happen). */
function offsetsIn(text: string, count: number): number[] {
  const quotes: number[] = [];
  for (let i = text.indexOf('"'); i >= 0; i = text.indexOf('"', i + 1)) quotes.push(i + 1);
  const step = Math.max(1, Math.floor(quotes.length / count));
  return quotes.filter((_, i) => i % step === 0);
}

/** The offset of the first non-blank character of every line (at most `count` lines, spread out). */
function lineOffsets(text: string, count: number): number[] {
  const offsets: number[] = [];
  for (let start = 0; start < text.length; ) {
    let first = start;
    while (text[first] === ' ' || text[first] === '\t') first++;
    if (first < text.length && !'\r\n'.includes(text[first])) offsets.push(first);
    let end = first;
    while (end < text.length && text[end] !== '\n' && text[end] !== '\r') end++;
    if (end === text.length) break;
    start = end + (text.startsWith('\r\n', end) ? 2 : 1);
  }
  const step = Math.max(1, Math.floor(offsets.length / count));
  return offsets.filter((_, i) => i % step === 0);
}

describe('editor features on the fast tree equal those on the whole tree', () => {
  it(`hovers, completions and code lens targets over ${TEXTS.length} valid fixtures, corpus templates and examples`, () => {
    let hovers = 0;
    for (const { name, text } of TEXTS) {
      const offsets = offsetsIn(text, 80);
      const fast = offsets.map((offset) => hoverInfo(text, offset));
      const full = offsets.map((offset) => hoverInfo(text, offset, { fullTree: true }));
      assert.deepEqual(fast, full, `${name}: hovers`);
      hovers += fast.filter(Boolean).length;
      for (const offset of offsetsIn(text, 5)) assert.deepEqual(completionsAt(text, offset), completionsAt(text, offset, { fullTree: true }), `${name}: completions at ${offset}`);
      assert.deepEqual(enableTargets(text), enableTargets(text, { fullTree: true }), `${name}: code lens targets`);
    }
    // The comparison means something only if there were hovers to compare.
    assert.ok(hovers > 50, `only ${hovers} hovers found`);
  });
});

describe('editor features share the tree with the analysis', () => {
  it('the code lens stays after the analysis of the same text with a URI read the tree (as the server does)', () => {
    // The example has one classic cluster without the token service: one lens, and the plan.
    const text = readFileSync(join(ROOT, 'examples', 'sf-mits-missing.json'), 'utf8');
    const uri = 'untitled:Untitled-1';
    const host = { readFile: () => undefined, listDirectory: () => [], parameterFileMapping: () => [] };
    assert.equal(analyzeDocument(text, { uri, host }).findings.length, 1);
    const [target] = enableTargets(text);
    assert.ok(target, 'no code lens target');
    hoverInfo(text, target.range.offset, { uri, host });
    analyzeDocument(text, { uri: 'untitled:Untitled-2', host });
    assert.equal(enableTargets(text).length, 1);
    assert.ok(enablePlan(text, target.clusterOffset), 'no plan for the lens');
  });
});

describe('the "Disable for this line" edit scans only near the line', () => {
  const SCHEMA = 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#';
  // Comments of every kind around values: a directive in a line comment after a value, one in
  // a block comment, a block comment over several lines with a directive and `//` inside it,
  // a value that starts on the line a block comment ends on, and comment-like text in strings.
  const commented = (eol: string) =>
    [
      '// header comment',
      '{',
      `  "$schema": "${SCHEMA}",`,
      '  "parameters": { "p": { "type": "string", "defaultValue": "// not a comment /* nor this */" } }, // sf-managed-identity-disable-next-line sf-mits-missing',
      '  "resources": [',
      '    /* sf-managed-identity-disable-next-line sf-version-too-low, sf-force-restart-on */',
      '    {',
      '      "type": "Microsoft.ServiceFabric/clusters", /* a block',
      '      comment // with a line comment inside',
      '      sf-managed-identity-disable-next-line sf-mits-missing',
      '      */ "name": "c",',
      '      "properties": {',
      '        // sf-managed-identity-disable-next-line -- a reason only',
      '        "upgradeDescription": { "forceRestart": true },',
      '        "fabricSettings": []',
      '      }',
      '    }',
      '  ]',
      '}',
    ].join(eol);
  const texts = [
    ...TEXTS.filter(({ text }) => analyzeTemplate(text).findings.length > 0 || /\/[/*]/.test(text)),
    { name: 'commented, LF', text: commented('\n') },
    { name: 'commented, CRLF', text: commented('\r\n') },
    { name: 'commented, CR', text: commented('\r') },
  ];

  it(`gives the same edit as a scan from the start, on every line of ${texts.length} templates`, () => {
    let edits = 0;
    for (const { name, text } of texts) {
      const offsets = lineOffsets(text, name.startsWith('commented') ? 1000 : 20);
      for (const code of ['sf-mits-missing', 'sf-force-restart-on']) {
        readSelectiveTree(text);
        const near = offsets.map((offset) => suppressionEdit(text, offset, code));
        forgetSelectiveTrees();
        const fromStart = offsets.map((offset) => suppressionEdit(text, offset, code));
        assert.deepEqual(near, fromStart, `${name}: ${code}`);
        edits += near.filter(Boolean).length;
      }
    }
    assert.ok(edits > 100, `only ${edits} edits compared`);
  });

  it('adds to the directive of the line before, refuses inside a block comment, and inserts above otherwise', () => {
    // Expected by reading the text above, not from the code.
    const text = commented('\r\n');
    readSelectiveTree(text);
    const at = (snippet: string) => text.indexOf(snippet);
    // The block comment's directive above the cluster's `{` names two other codes.
    assert.deepEqual(suppressionEdit(text, at('{\r\n      "type"'), 'sf-mits-missing'), {
      offset: at(' */\r\n    {'),
      length: 0,
      content: ', sf-mits-missing',
    });
    // Already named there: nothing to add.
    assert.equal(suppressionEdit(text, at('{\r\n      "type"'), 'sf-force-restart-on'), undefined);
    // `"name"` starts on a line that begins inside the block comment.
    assert.equal(suppressionEdit(text, at('"name"'), 'sf-force-restart-on'), undefined);
    // A directive with only a reason names every rule.
    assert.equal(suppressionEdit(text, at('"upgradeDescription"'), 'sf-force-restart-on'), undefined);
    // The comment after the parameters' value governs the `"resources"` line.
    assert.deepEqual(suppressionEdit(text, at('"resources"'), 'sf-force-restart-on'), {
      offset: at(' sf-mits-missing\r\n  "resources"') + ' sf-mits-missing'.length,
      length: 0,
      content: ' sf-force-restart-on',
    });
    assert.deepEqual(suppressionEdit(text, at('"fabricSettings"'), 'sf-mits-missing'), {
      offset: at('        "fabricSettings"'),
      length: 0,
      content: '        // sf-managed-identity-disable-next-line sf-mits-missing\r\n',
    });
  });
});
