import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseTree, type Node } from 'jsonc-parser';
import { analyzeDocument, analyzeDocumentFullTree, analyzeTemplate, analyzeTemplateFullTree, applyFix } from '../../server/src/analysis';
import { NodeWorkspaceHost } from '../../server/src/node-workspace-host';
import { pathToFileURL } from 'node:url';
import { setJsonValue } from '../../server/src/analysis/json-edit';
import { isSkipped, markerOffsets, mayMentionServiceFabric, readRootSchema, readSelectiveTree } from '../../server/src/analysis/fast-tree';
import { ROOT } from './helpers';

/**
 * The fast path (one non-recursive scan that builds only what the rules use) must give the
 * same results as the straightforward full-tree analysis: same findings, fixes, ranges and
 * problems. No timings here; `npm run bench` measures speed.
 */
function templatesUnder(folder: string): string[] {
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

const FILES = [
  ...templatesUnder(join(ROOT, 'test', 'fixtures')),
  ...templatesUnder(join(ROOT, 'test', 'corpus', 'real')),
  ...templatesUnder(join(ROOT, 'examples')),
];

function assertSame(text: string, what: string): void {
  assert.deepEqual(analyzeTemplate(text), analyzeTemplateFullTree(text), what);
}

/** A small deterministic generator, so that a failure names a case that can be replayed. */
function lcg(seed: number): (n: number) => number {
  let state = seed;
  return (n) => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state % n;
  };
}

const SCHEMA = '"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"';

describe('fast analysis equals the full-tree analysis', () => {
  it('covers the fixtures, the corpus and the examples', () => {
    assert.ok(FILES.length > 150, `only ${FILES.length} files found`);
    const templates = FILES.filter((file) => analyzeTemplateFullTree(readFileSync(file, 'utf8')).isTemplate);
    assert.ok(templates.length > 100, `only ${templates.length} templates`);
  });

  for (const file of FILES) {
    const name = relative(ROOT, file);
    it(name, () => {
      const text = readFileSync(file, 'utf8');
      assertSame(text, name);
      // Truncated (as while typing) and with CRLF line ends.
      const step = Math.max(1, Math.floor(text.length / 25));
      for (let end = 0; end < text.length; end += step) assertSame(text.slice(0, end), `${name} cut at ${end}`);
      assertSame(text.replace(/\r?\n/g, '\r\n'), `${name} with CRLF`);
    });
  }

  for (const [count, seed, serviceFabric] of [[2000, 20261128, true], [500, 20261129, false]] as const) {
    it(`agrees on ${count} mutated templates${serviceFabric ? '' : ' without Service Fabric (the pre-check path)'} (seed ${seed})`, () => {
      const random = lcg(seed);
      const pieces = [
        ...'{}[],:"\\/*\n\r\t 0-+eE.tfnux#',
        ...['/*', '*/', '//', '\\u', '\\u12', '\\x', '\u000b', '\u0001', '\u00a0', '\u2028', '\ufeff', 'true', 'nul', 'falsey', '01', '1.', '1e', '-.5', '"a":1', '[[', "[parameters('p')]"],
      ];
      const texts = FILES.map((file) => {
        const text = readFileSync(file, 'utf8');
        return serviceFabric ? text : text.replace(/servicefabric/gi, 'ServiceFoo');
      });
      for (let i = 0; i < count; i++) {
        const source = random(texts.length);
        let text = texts[source];
        const edits: string[] = [];
        for (let m = 0, count = 1 + random(3); m < count; m++) {
          const at = random(text.length + 1);
          const piece = pieces[random(pieces.length)];
          const op = random(3);
          edits.push(`${['insert', 'delete', 'replace'][op]} ${JSON.stringify(piece)} at ${at}`);
          if (op === 0) text = text.slice(0, at) + piece + text.slice(at);
          else if (op === 1) text = text.slice(0, at) + text.slice(at + 1);
          else text = text.slice(0, at) + piece + text.slice(at + 1);
        }
        assertSame(text, `case ${i}: ${relative(ROOT, FILES[source])} with ${edits.join(', ')}`);
      }
    });
  }

  it('builds the same nodes as parseTree for what it builds, and skips a resource that cannot matter', () => {
    const text = `{
  ${SCHEMA},
  "parameters": { "v": { "type": "string", "defaultValue": "6.4.617.9590" } },
  "resources": [
    { "type": "Microsoft.Storage/storageAccounts", "name": "s", "properties": { "a": [1, 2, { "b": null }] } },
    { "type": "Microsoft.ServiceFabric/clusters", "name": "c", "properties": { "clusterCodeVersion": "[parameters('v')]", "x": [true, false, -1.5e3] } }
  ]
}`;
    const full = parseTree(text)!;
    const tree = readSelectiveTree(text);
    assert.ok(tree.ok);
    const fast = tree.root!;
    const strip = (node: Node): unknown => ({
      type: node.type,
      offset: node.offset,
      length: node.length,
      value: node.value,
      colonOffset: node.colonOffset,
      children: node.children?.map(strip),
    });
    const resources = (root: Node) => root.children![2].children![1];
    assert.deepEqual(strip(fast.children![0]), strip(full.children![0]), '$schema');
    assert.deepEqual(strip(fast.children![1]), strip(full.children![1]), 'parameters');
    assert.deepEqual(strip(resources(fast).children![1]), strip(resources(full).children![1]), 'the cluster');
    // Parents point where parseTree's do.
    assert.equal(resources(fast).children![1].parent, resources(fast));
    assert.equal(fast.parent, undefined);
    // The storage account is a placeholder with its real extent.
    const storage = resources(fast).children![0];
    assert.equal(isSkipped(storage), true);
    assert.equal(storage.children, undefined);
    assert.equal(text.slice(storage.offset, storage.offset + storage.length), text.slice(resources(full).children![0].offset, resources(full).children![0].offset + resources(full).children![0].length));
    assert.equal(isSkipped(resources(fast).children![1]), false);
  });

  it('takes a resource\'s type from its own last `type`, and builds it when that is not a string', () => {
    const members = [
      '{ "type": "Microsoft.Storage/storageAccounts", "properties": { "type": "[parameters(\'t\')]" } }',
      '{ "TYPE": "[parameters(\'t\')]" }',
      '{ "type": ["[parameters(\'t\')]"] }',
      '{ "type": { "a": "[parameters(\'t\')]" } }',
      '{ "type": "[parameters(\'t\')]", "type": "Microsoft.Storage/storageAccounts" }',
      '{ "type": "Microsoft.Storage/storageAccounts", "type": "[parameters(\'t\')]" }',
      '{ "type": 5, "tags": { "type": "[x]" } }',
      '{ "t\\u0079pe": "Microsoft.Storage/storageAccounts" }',
      '{ "type": "Microsoft.Storage/storageAccounts", "type": null }',
      '{ "name": "no type", "tags": { "a": "[x]" } }',
      '{ "type": "", "tags": { "a": "[x]" } }',
    ];
    const text = `{ ${SCHEMA}, "resources": [ ${members.join(', ')} ] }`;
    const tree = readSelectiveTree(text, 'relevant', false);
    assert.ok(tree.ok);
    const built = tree.root!.children![1].children![1].children!.map((member) => !isSkipped(member));
    // A type that is not a string may be anything, as in the model: built. The \u escape could
    // spell a marker, so that resource is built whatever its type says.
    assert.deepEqual(built, [false, true, true, true, false, true, true, true, true, true, false]);
    assertSame(text, 'types of skipped resources');
  });

  it('checks the syntax inside a skipped resource as jsonc-parser does', () => {
    const storage = (properties: string) => `{ ${SCHEMA}, "resources": [ { "type": "Microsoft.Storage/storageAccounts", "properties": ${properties} }, { "type": "Microsoft.ServiceFabric/clusters", "name": "c" } ] }`;
    const valid = ['[1,]', '{"a":1,}', '[]', '{}', '[[],{},[{}]]', '{"a":{"b":[1,2,{"c":null}]},}', '"x"', '-1.5e3', 'true'];
    const invalid = ['[,1]', '{,}', '{"a" 1}', '{"a":1 "b":2}', '[1 2]', '[1,,2]', '{"a":}', '[', '{"a":1', '{1:2}', '[}', '{]'];
    for (const properties of valid) {
      const text = storage(properties);
      assert.equal(analyzeTemplate(text).problem, undefined, properties);
      assertSame(text, properties);
    }
    for (const properties of invalid) {
      const text = storage(properties);
      assert.equal(analyzeTemplate(text).problem?.kind, 'invalid-json', properties);
      assertSame(text, properties);
    }
  });

  it('builds a resource whose type is an expression, which may resolve to a cluster', () => {
    const text = `{ ${SCHEMA}, "variables": { "t": "Microsoft.Service" }, "parameters": { "t": { "type": "string", "defaultValue": "Microsoft.ServiceFabric/clusters" } },
      "resources": [ { "type": "[parameters('t')]", "name": "c", "properties": {} } ] }`;
    const findings = analyzeTemplate(text).findings.map((finding) => finding.code);
    assert.deepEqual(findings, ['sf-mits-missing']);
  });
});

describe('a parameter file, analysed with its template read by the fast reader', () => {
  it('gives what reading the template with parseTree gives, for every file of the corpus and the fixtures with a host', () => {
    const folders = [join(ROOT, 'test', 'corpus', 'real'), join(ROOT, 'test', 'fixtures', 'parameter-files')];
    const host = new NodeWorkspaceHost({ roots: folders });
    let parameterFiles = 0;
    let findings = 0;
    for (const folder of folders) {
      for (const file of templatesUnder(folder)) {
        const text = readFileSync(file, 'utf8');
        const options = { uri: pathToFileURL(file).toString(), host };
        const full = analyzeDocumentFullTree(text, options);
        assert.deepEqual(analyzeDocument(text, options), full, relative(ROOT, file));
        if (full.parametersFor !== undefined) parameterFiles++;
        findings += full.findings.length;
      }
    }
    assert.ok(parameterFiles > 20, `only ${parameterFiles} parameter files paired`);
    assert.ok(findings > 50, `only ${findings} findings`);
  });
});

describe('the pre-check for Service Fabric', () => {
  /**
   * The reference: the lower-cased text says `servicefabric`, or the text holds a `\u` escape
   * (JSON's escape is a lower-case u only: `\U` is no escape, and `\\Users` spells nothing).
   */
  const reference = (text: string) => text.toLowerCase().includes('servicefabric') || /\\u/.test(text);

  it('finds Service Fabric in any case, and any \\u escape that could spell it', () => {
    const cases: Array<[string, boolean]> = [
      ['', false],
      ['{"type": "Microsoft.Storage/storageAccounts"}', false],
      ['{"type": "Microsoft.ServiceFabric/clusters"}', true],
      ['{"type": "microsoft.servicefabric/clusters"}', true],
      ['{"type": "MICROSOFT.SERVICEFABRIC/CLUSTERS"}', true],
      ['{"type": "Microsoft.sErViCeFaBrIc/managedClusters"}', true],
      ['ServiceFabric', true],
      ['{"type": "Microsoft.Service\\u0046abric/clusters"}', true],
      ['{"type": "\\u004dicrosoft.Storage"}', true],
      ['\\u', true],
      ['x\\', false],
      ['{"path": "C:\\\\Users\\\\ServiceFoo"}', false],
      ['{"a": "\\n\\t\\"\\\\"}', false],
      ['{"type": "Microsoft.Service Fabric"}', false],
      ['{"type": "Microsoft.ServiceFabri"}', false],
    ];
    for (const [text, expected] of cases) {
      assert.equal(mayMentionServiceFabric(text), expected, JSON.stringify(text));
      assert.equal(reference(text), expected, `the reference on ${JSON.stringify(text)}`);
    }
  });

  it('agrees with the single regular expression on every fixture, corpus template and example, with and without Service Fabric', () => {
    let without = 0;
    for (const file of FILES) {
      const text = readFileSync(file, 'utf8');
      for (const variant of [text, text.replace(/servicefabric/gi, 'ServiceFoo'), text.replace(/\\u/g, 'u'), text.replace(/servicefabric/gi, 'ServiceFoo').replace(/\\u/g, 'u')]) {
        assert.equal(mayMentionServiceFabric(variant), reference(variant), relative(ROOT, file));
        if (!reference(variant)) without++;
      }
    }
    assert.ok(without > 150, `only ${without} texts without Service Fabric`);
  });

  it('analyses a cluster whose type is spelled with JSON escapes, as the full tree does', () => {
    const text = `{ ${SCHEMA}, "resources": [ { "type": "Microsoft.Service\\u0046abric/clusters", "name": "c", "properties": {} } ] }`;
    assert.equal(/servicefabric/i.test(text), false);
    const result = analyzeTemplate(text);
    assert.deepEqual(result.findings.map((finding) => finding.code), ['sf-mits-missing']);
    assert.deepEqual(result, analyzeTemplateFullTree(text));
  });
});

describe('a template without Service Fabric', () => {
  const OTHER = '"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#"';
  const nested = `{ "type": "Microsoft.Resources/deployments", "name": "n", "properties": { "mode": "Incremental", "template": { ${SCHEMA}, "resources": [] } } }`;
  const cases: Array<[string, string, boolean]> = [
    ['a template', `{ ${SCHEMA}, "resources": [] }`, true],
    ['a syntax error after the $schema', `{ ${SCHEMA}, "resources": [ { "type": "x", ] ] }`, true],
    ['an unterminated comment after the $schema', `{ ${SCHEMA}, /* "resources": [] }`, true],
    ['the $schema after the resources', `{ "resources": [ { "type": "Microsoft.Storage/storageAccounts", "name": "s" } ], ${SCHEMA} }`, true],
    ['a $schema in a value before the root one', `{ "metadata": { ${OTHER} }, ${SCHEMA}, "resources": [] }`, true],
    ['a nested template with its own $schema after the root one', `{ ${SCHEMA}, "resources": [ ${nested} ] }`, true],
    ['two root $schema, the last not a template schema', `{ ${SCHEMA}, ${OTHER.replace('$schema', '$SCHEMA')}, "resources": [] }`, false],
    ['two root $schema, the last a template schema', `{ ${OTHER}, "resources": [], ${SCHEMA} }`, true],
    ['a $schema that is an object', `{ "$schema": { "a": 1 }, "resources": [] }`, false],
    ['a second root $Schema, a number, at the very end', `{ ${SCHEMA}, "resources": [], "$Schema":2}`, false],
    ['no $schema', '{ "name": "x", "version": "1.0.0" }', false],
    ['a parameter file', `{ ${OTHER}, "parameters": {} }`, false],
    ['an array around a template', `[ { ${SCHEMA} } ]`, false],
    ['a syntax error before the $schema', `{ "a": tru, ${SCHEMA}, "resources": [] }`, true],
    ['a missing comma before the $schema', `{ "a": 1 ${SCHEMA}, "resources": [] }`, true],
    ['a trailing comma before the $schema', `{ "a": [1,], ${SCHEMA} }`, true],
    ['empty', '', false],
  ];
  for (const [what, text, isTemplate] of cases) {
    it(`${what}: ${isTemplate ? 'a template' : 'not a template'}, no problem, as the full tree says`, () => {
      assert.equal(mayMentionServiceFabric(text), false);
      assert.deepEqual(analyzeTemplate(text), { isTemplate, findings: [] });
      assertSame(text, what);
    });
  }

  it('reads only up to the root $schema when no other $schema follows', () => {
    const known = (text: string) => readRootSchema(text).known;
    const tail = ', "resources": [ { "type": "x", ] ] ] } } garbage';
    assert.deepEqual(readRootSchema(`{ ${SCHEMA}${tail}`), { known: true, schema: SCHEMA.split('"')[3] });
    assert.deepEqual(readRootSchema(`{ "$schema": 7${tail}`), { known: true, schema: undefined });
    assert.deepEqual(readRootSchema('{ "a": 1 }'), { known: true, schema: undefined });
    // Another $schema later, a \u escape that could spell one, or an error on the way: read it all.
    assert.equal(known(`{ ${SCHEMA}, "resources": [ ${nested} ] }`), false);
    assert.equal(known(`{ ${SCHEMA}, "\\u0024schema": "x" }`), false);
    assert.equal(known(`{ "a": tru, ${SCHEMA} }`), false);
    assert.equal(known(`[ { ${SCHEMA} } ]`), false);
  });

  it('settles a template nested 100,000 levels deep with a syntax error: a template, no problem', () => {
    const text = `{ ${SCHEMA}, "resources": [ { "type": "Microsoft.Storage/storageAccounts", "properties": ${'['.repeat(100_000)} } ] }`;
    assert.deepEqual(analyzeTemplate(text), { isTemplate: true, findings: [] });
    assert.deepEqual(analyzeTemplateFullTree(text), { isTemplate: true, findings: [] });
  });
});

describe('the markers that make the fast reader build a resource', () => {
  /** Every offset of each word in the lower-cased text, and of each `\u`, one search at a time. */
  function reference(text: string): number[] {
    const lower = text.toLowerCase();
    assert.equal(lower.length, text.length, 'lower-casing keeps the offsets');
    const offsets = new Set<number>();
    for (const [haystack, needle] of [[lower, 'servicefabric'], [lower, 'deployments'], [text, '\\u']]) {
      for (let at = haystack.indexOf(needle); at >= 0; at = haystack.indexOf(needle, at + 1)) offsets.add(at);
    }
    return [...offsets].sort((a, b) => a - b);
  }

  it('finds each marker in any case, in ascending order', () => {
    const text = 'deployments ServiceFabric \\u0041 DEPLOYMENTS microsoft.servicefabric "\\\\Users" \\u\\u Deployments';
    assert.deepEqual(markerOffsets(text), [0, 12, 26, 33, 55, 79, 81, 84]);
    assert.deepEqual(markerOffsets(text), reference(text));
    assert.deepEqual(markerOffsets(''), []);
    assert.deepEqual(markerOffsets('{"type": "Microsoft.Storage/storageAccounts"}'), []);
  });

  it('agrees with one search per marker on every fixture, corpus template and example', () => {
    let found = 0;
    for (const file of FILES) {
      const text = readFileSync(file, 'utf8');
      const offsets = markerOffsets(text);
      assert.deepEqual(offsets, reference(text), relative(ROOT, file));
      found += offsets.length;
    }
    assert.ok(found > 500, `only ${found} markers`);
  });
});

describe('edits use the fast tree only where it has the nodes', () => {
  it('edits inside a resource that the fast tree skipped, by reading the full tree', () => {
    const text = `{ ${SCHEMA}, "resources": [ { "type": "Microsoft.Storage/storageAccounts", "properties": { "a": 1 } } ] }`;
    assert.equal(isSkipped((readSelectiveTree(text) as { root: Node }).root.children![1].children![1].children![0]), true);
    const edit = setJsonValue(text, ['resources', 0, 'properties', 'a'], 2, { indentUnit: '  ', eol: '\n' });
    assert.deepEqual(edit, { offset: text.indexOf('1 }'), length: 1, content: '2' });
  });

  it('applies every fix on every fixture, corpus template and example, leaving valid JSON', () => {
    let fixes = 0;
    for (const file of FILES) {
      const text = readFileSync(file, 'utf8');
      for (const finding of analyzeTemplate(text).findings) {
        for (const fix of finding.fixes) {
          const fixed = applyFix(text, fix);
          assert.ok(fixed !== undefined, `${relative(ROOT, file)}: ${fix.title}`);
          // fixes.test.ts compares the fixed examples with hand-written files; here every fix
          // must at least apply through the fast tree and leave JSON that parses.
          assert.equal(analyzeTemplateFullTree(fixed).problem, undefined, `${relative(ROOT, file)}: ${fix.title} leaves valid JSON`);
          fixes++;
        }
      }
    }
    assert.ok(fixes > 50, `only ${fixes} fixes`);
  });
});

describe('deep nesting', () => {
  const LEVELS = 100_000;

  it('finds the cluster in a template with 100,000 levels of nesting elsewhere', () => {
    // Deep values in a parameter, inside the cluster and in another resource: the cluster has
    // no fabricSettings, so the token service is missing; no version, so nothing else.
    const text =
      `{ ${SCHEMA}, "parameters": { "p": { "type": "array", "defaultValue": ${'['.repeat(LEVELS)}${']'.repeat(LEVELS)} } },` +
      ` "resources": [ { "type": "Microsoft.ServiceFabric/clusters", "name": "c", "properties": { "deep": ${'{"a":'.repeat(LEVELS)}1${'}'.repeat(LEVELS)} } },` +
      ` { "type": "Microsoft.Storage/storageAccounts", "properties": ${'['.repeat(LEVELS)}${']'.repeat(LEVELS)} } ] }`;
    const result = analyzeTemplate(text);
    assert.equal(result.isTemplate, true);
    assert.equal(result.problem, undefined);
    assert.deepEqual(result.findings.map((finding) => finding.code), ['sf-mits-missing']);
    assert.match(result.findings[0].message, /^Cluster 'c' does not enable the Managed Identity Token Service: the cluster has no fabricSettings\./);
    // The full-tree analysis cannot read it at all.
    assert.equal(analyzeTemplateFullTree(text).problem?.kind, 'too-deep');
  });

  it('settles a deeply nested template without Service Fabric: a template, no findings', () => {
    const text = `{ ${SCHEMA}, "resources": [ { "type": "Microsoft.Storage/storageAccounts", "properties": ${'{"a":'.repeat(LEVELS)}1${'}'.repeat(LEVELS)} } ] }`;
    assert.deepEqual(analyzeTemplate(text), { isTemplate: true, findings: [] });
  });

  it('says "too deep" for a deeply nested template with a syntax error, instead of throwing', () => {
    const text = `{ ${SCHEMA}, "resources": [ { "type": "Microsoft.ServiceFabric/clusters", "properties": ${'['.repeat(LEVELS)} } ] }`;
    const result = analyzeTemplate(text);
    assert.equal(result.isTemplate, true);
    assert.equal(result.problem?.kind, 'too-deep');
    assert.match(result.problem!.message, /nested too deeply/);
  });

  it('says "too deep" for resources nested 50,000 levels in each other, instead of throwing', () => {
    const child = '[{"type": "Microsoft.ServiceFabric/clusters", "name": "c", "resources": ';
    const text = `{ ${SCHEMA}, "resources": ${child.repeat(LEVELS / 2)}[]${'}]'.repeat(LEVELS / 2)} }`;
    const result = analyzeTemplate(text);
    assert.equal(result.problem?.kind, 'too-deep');
  });

  it('ignores a deeply nested document that is not a template', () => {
    assert.deepEqual(analyzeTemplate('['.repeat(LEVELS) + ']'.repeat(LEVELS)), { isTemplate: false, findings: [] });
    assert.deepEqual(analyzeTemplate('{"a":'.repeat(LEVELS) + '1' + '}'.repeat(LEVELS)), { isTemplate: false, findings: [] });
  });
});
