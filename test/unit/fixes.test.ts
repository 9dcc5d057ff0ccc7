import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createScanner, parse, SyntaxKind, type JSONPath, type ParseError } from 'jsonc-parser';
import { analyzeTemplate, applyFix, editsForFix, type Finding, type Fix } from '../../server/src/analysis';
import { cluster, ENABLED, readExample, readFixture, ROOT, template } from './helpers';

/** Every fixture and example that raises findings, plus shapes that test the edit engine. */
function corpus(): Array<[string, string]> {
  const files: Array<[string, string]> = [];
  for (const name of readdirSync(join(ROOT, 'examples')).filter((n) => n.endsWith('.json'))) files.push([`examples/${name}`, readExample(name)]);
  for (const name of readdirSync(join(ROOT, 'test', 'fixtures')).filter((n) => n.endsWith('.json'))) files.push([`fixtures/${name}`, readFixture(name)]);
  const shapes: Record<string, string> = {
    'properties: {}': template([cluster({})]),
    'no properties': template([cluster(undefined)]),
    'section without parameters': template([cluster({ fabricSettings: [{ name: 'ManagedIdentityTokenService' }] })]),
    'section with empty parameters': template([cluster({ fabricSettings: [{ name: 'ManagedIdentityTokenService', parameters: [] }] })]),
    'IsEnabled without value': template([cluster({ fabricSettings: [{ name: 'ManagedIdentityTokenService', parameters: [{ name: 'IsEnabled' }] }] })]),
    'IsEnabled false twice': template([
      cluster({ fabricSettings: [{ name: 'ManagedIdentityTokenService', parameters: [{ name: 'IsEnabled', value: 'false' }, { name: 'isenabled', value: true }] }] }),
    ]),
    'upgradeDescription without forceRestart': template([cluster({ upgradeDescription: { upgradeTimeout: '01:00:00' } })]),
    'one-line JSON': template([cluster({ fabricSettings: [] })]).replace(/\n\s*/g, ' '),
    'enabled, forceRestart on': template([cluster({ fabricSettings: ENABLED, upgradeDescription: { forceRestart: true } })]),
    'four spaces, CRLF': template([cluster({ clusterCodeVersion: '6.4.1.1', fabricSettings: [{ name: 'Security', parameters: [] }] })])
      .replace(/\n/g, '\r\n')
      .replace(/^( +)/gm, (m) => m + m),
    'trailing commas': template([cluster({ fabricSettings: [{ name: 'Security', parameters: [] }] })]).replace(/(\]|\})(\n)/g, '$1,$2').replace(/,\n$/, '\n'),
    // Values reached through expressions: the fixes edit the parameter default or variable that holds them.
    'fabricSettings chosen by if() from a parameter default': template(
      [cluster({ fabricSettings: "[if(not(empty(parameters('s'))), parameters('s'), null())]", clusterCodeVersion: "[coalesce(variables('v'), '7.0.0.0')]" })],
      { parameters: { s: { type: 'array', defaultValue: [{ name: 'Security', parameters: [] }] } }, variables: { v: '6.4.664.9590' } },
    ),
    'IsEnabled and forceRestart through variables and tryGet': template(
      [cluster({
        fabricSettings: [{ name: "[variables('section')]", parameters: [{ name: 'IsEnabled', value: "[variables('flag')]" }] }],
        upgradeDescription: "[variables('upgrade')]",
      })],
      { variables: { section: 'ManagedIdentityTokenService', flag: 'false', upgrade: { forceRestart: "[tryGet(variables('restart'), 'on')]" }, restart: { on: true } } },
    ),
  };
  for (const [name, text] of Object.entries(shapes)) files.push([name, text]);
  return files;
}

function parseStrict(text: string): unknown {
  const errors: ParseError[] = [];
  const value = parse(text, errors, { allowTrailingComma: true, disallowComments: false });
  assert.deepEqual(errors, [], 'the result must parse');
  return value;
}

const REMOVED = Symbol('removed');

/** Applies a change to a plain object, as the fix claims to: an independent model of the edit. */
function setPath(root: unknown, path: JSONPath, value: unknown): unknown {
  if (path.length === 0) return value === REMOVED ? REMOVED : structuredClone(value);
  const [head, ...rest] = path;
  if (Array.isArray(root)) {
    const copy = [...root];
    const index = head === -1 ? copy.length : (head as number);
    copy[index] = setPath(copy[index], rest, value);
    return copy;
  }
  const object = root !== null && typeof root === 'object' ? { ...(root as Record<string, unknown>) } : {};
  const next = setPath(object[head as string], rest, value);
  if (next === REMOVED) delete object[head as string];
  else object[head as string] = next;
  return object;
}

function comments(text: string): string[] {
  const scanner = createScanner(text, false);
  const found: string[] = [];
  for (let kind = scanner.scan(); kind !== SyntaxKind.EOF; kind = scanner.scan()) {
    if (kind === SyntaxKind.LineCommentTrivia || kind === SyntaxKind.BlockCommentTrivia) found.push(scanner.getTokenValue());
  }
  return found;
}

function count(findings: Finding[], code: string): number {
  return findings.filter((f) => f.code === code).length;
}

describe('quick fixes', () => {
  const cases: Array<{ name: string; text: string; finding: Finding; fix: Fix }> = [];
  for (const [name, text] of corpus()) {
    for (const finding of analyzeTemplate(text).findings) {
      for (const fix of finding.fixes) cases.push({ name, text, finding, fix });
    }
  }

  it('are offered for every finding in the fixtures', () => {
    assert.ok(cases.length >= 40, `only ${cases.length} fixes found`);
    for (const { finding } of cases) {
      const preferred = finding.fixes.filter((f) => f.isPreferred).length;
      // Without a known OS there is no single right version, so neither is preferred.
      const osAlternatives = finding.fixes.every((f) => / \((Windows|Linux)\)$/.test(f.title));
      assert.equal(preferred, osAlternatives ? 0 : 1, `${finding.code}: ${finding.fixes.map((f) => f.title).join(', ')}`);
    }
  });

  for (const { name, text, finding, fix } of cases) {
    describe(`${name}: ${finding.code}: ${fix.title}`, () => {
      const fixed = applyFix(text, fix);

      it('changes exactly the paths it names, and the result parses', () => {
        assert.ok(fixed !== undefined);
        let expected = parseStrict(text);
        for (const change of fix.changes) expected = setPath(expected, change.path, change.remove ? REMOVED : change.value);
        assert.deepEqual(parseStrict(fixed), expected);
      });

      it('keeps every comment, the line endings and the indentation style', () => {
        assert.deepEqual(comments(fixed!), comments(text));
        if (text.includes('\r\n')) assert.doesNotMatch(fixed!, /[^\r]\n/, 'a CRLF file gained a bare LF');
        else assert.doesNotMatch(fixed!, /\r/, 'an LF file gained a CR');
        const tabs = /^\t/m.test(text);
        const inserted = fixed!.split(/\r?\n/).filter((line) => !text.includes(line));
        for (const line of inserted) assert.doesNotMatch(line, tabs ? /^\t* +\S/ : /^ *\t/, `indentation of ${JSON.stringify(line)}`);
      });

      it('does what its title says when the template is analysed again', () => {
        const before = analyzeTemplate(text).findings;
        const after = analyzeTemplate(fixed!).findings;
        if (fix.title.startsWith('Add an upgrade policy') || fix.title === 'Set forceRestart to true') {
          assert.equal(count(after, 'sf-mits-missing'), count(before, 'sf-mits-missing'));
          assert.equal(count(after, 'sf-force-restart-on'), count(before, 'sf-force-restart-on') + 1);
        } else {
          assert.equal(count(after, finding.code), count(before, finding.code) - 1);
        }
      });

      it('is one edit per place it changes, never overlapping', () => {
        const edits = editsForFix(text, fix)!;
        // Removing a last property also removes the comma before it: two places.
        const places = fix.changes.reduce((sum, change) => sum + (change.remove ? 2 : 1), 0);
        assert.ok(edits.length >= 1 && edits.length <= places);
        for (let i = 1; i < edits.length; i++) assert.ok(edits[i - 1].offset + edits[i - 1].length <= edits[i].offset);
      });
    });
  }
});

describe('quick fix output, byte for byte', () => {
  const preferred = (text: string, code: string) => analyzeTemplate(text).findings.find((f) => f.code === code)!.fixes.find((f) => f.isPreferred)!;
  const pairs: Array<[string, () => string, () => string, string]> = [
    ['examples/sf-mits-missing', () => readExample('sf-mits-missing.json'), () => readExample('sf-mits-missing.fixed.json'), 'sf-mits-missing'],
    ['examples/sf-version-too-low', () => readExample('sf-version-too-low.json'), () => readExample('sf-version-too-low.fixed.json'), 'sf-version-too-low'],
    ['examples/sf-force-restart-on', () => readExample('sf-force-restart-on.json'), () => readExample('sf-force-restart-on.fixed.json'), 'sf-force-restart-on'],
    ['fixtures/placement-symbolic (empty fabricSettings)', () => readFixture('placement-symbolic.json'), () => readFixture('placement-symbolic.fixed.json'), 'sf-mits-missing'],
    ['fixtures/crlf-tabs-comments (CRLF, tabs, trailing commas)', () => readFixture('crlf-tabs-comments.json'), () => readFixture('crlf-tabs-comments.fixed.json'), 'sf-mits-missing'],
    ['examples/sf-app-identity-api-version', () => readExample('sf-app-identity-api-version.json'), () => readExample('sf-app-identity-api-version.fixed.json'), 'sf-app-identity-api-version'],
    ['examples/sf-setting-not-string', () => readExample('sf-setting-not-string.json'), () => readExample('sf-setting-not-string.fixed.json'), 'sf-setting-not-string'],
    [
      'examples/sf-code-version-with-automatic-upgrades (removal keeps the comment that ended the line)',
      () => readExample('sf-code-version-with-automatic-upgrades.json'),
      () => readExample('sf-code-version-with-automatic-upgrades.fixed.json'),
      'sf-code-version-with-automatic-upgrades',
    ],
  ];
  for (const [name, before, after, code] of pairs) {
    it(`${name}: the preferred fix gives the hand-written result`, () => {
      assert.equal(applyFix(before(), preferred(before(), code)), after());
    });
  }

  const fixNamed = (text: string, code: string, title: string) =>
    analyzeTemplate(text).findings.filter((f) => f.code === code).flatMap((f) => f.fixes).find((f) => f.title === title)!;

  it('quotes a number as it is written, and a value where it lives (the parameter default)', () => {
    const text = readFixture('setting-not-string.json');
    assert.equal(applyFix(text, fixNamed(text, 'sf-setting-not-string', 'Write the value as the string "1.50"')), text.replace('"value": 1.50 }', '"value": "1.50" }'));
    assert.equal(
      applyFix(text, fixNamed(text, 'sf-setting-not-string', 'Write the value as the string "true"')),
      text.replace('"tls": { "type": "bool", "defaultValue": true }', '"tls": { "type": "bool", "defaultValue": "true" }'),
    );
  });

  it('raises an application apiVersion where it lives', () => {
    const text = readFixture('app-identity-api-version.json');
    const fixes = analyzeTemplate(text).findings.map((f) => f.fixes[0]);
    assert.equal(applyFix(text, fixes[0]), text.replace('"apiVersion": "2019-03-01",', '"apiVersion": "2021-06-01",'));
    assert.equal(applyFix(text, fixes[1]), text.replace('"defaultValue": "2018-02-01"', '"defaultValue": "2021-06-01"'));
  });

  it('removes the last property with the comma before it, and a property from a one-line object', () => {
    const text = readFixture('code-version-automatic.json');
    const [last, oneLine] = analyzeTemplate(text).findings;
    const remove = (finding: Finding) => finding.fixes.find((f) => f.title === 'Remove the clusterCodeVersion pin')!;
    assert.equal(
      applyFix(text, remove(last)),
      text.replace(`"upgradeMode": "[parameters('upgradeMode')]",\n        "clusterCodeVersion": "6.5.641.9590"\n`, `"upgradeMode": "[parameters('upgradeMode')]"\n`),
    );
    assert.equal(applyFix(text, remove(oneLine)), text.replace('"properties": { "clusterCodeVersion": "7.1.458.9590", "upgradeMode"', '"properties": { "upgradeMode"'));
    const manual = last.fixes.find((f) => f.title === 'Set upgradeMode to Manual')!;
    assert.equal(applyFix(text, manual), text.replace('"defaultValue": "automatic"', '"defaultValue": "Manual"'));
  });

  it('a removal keeps CRLF, tabs and a trailing comma', () => {
    const text = [
      '{',
      '\t"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",',
      '\t"resources": [{',
      '\t\t"type": "Microsoft.ServiceFabric/clusters",',
      '\t\t"properties": {',
      '\t\t\t"fabricSettings": [{ "name": "ManagedIdentityTokenService", "parameters": [{ "name": "IsEnabled", "value": "true" }] }],',
      '\t\t\t"upgradeMode": "Automatic",',
      '\t\t\t/* pinned */ "clusterCodeVersion": "7.1.458.9590",',
      '\t\t},',
      '\t}],',
      '}',
      '',
    ].join('\r\n');
    const fixed = applyFix(text, fixNamed(text, 'sf-code-version-with-automatic-upgrades', 'Remove the clusterCodeVersion pin'));
    assert.equal(fixed, text.replace('\t\t\t/* pinned */ "clusterCodeVersion": "7.1.458.9590",\r\n', '\t\t\t/* pinned */ \r\n'));
  });

  it('a one-line container stays on one line', () => {
    const text = '{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", "resources": [{"type": "Microsoft.ServiceFabric/clusters", "properties": {"fabricSettings": [{"name": "ManagedIdentityTokenService", "parameters": [{"name": "Other", "value": "x"}]}]}}]}';
    const fix = analyzeTemplate(text).findings[0].fixes.find((f) => f.title === 'Enable the Managed Identity Token Service')!;
    assert.equal(applyFix(text, fix), text.replace('{"name": "Other", "value": "x"}', '{"name": "Other", "value": "x"}, { "name": "IsEnabled", "value": "true" }'));
  });
});

describe('what the fixes write is valid against the official resource schemas', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Ajv = require('ajv-draft-04');
  const schemas = join(ROOT, 'test', 'schemas');
  const ajv = new Ajv({ strict: false, allErrors: true });
  ajv.addSchema(JSON.parse(readFileSync(join(schemas, 'common', 'definitions.json'), 'utf8')));
  const apiVersions = readdirSync(schemas).filter((name) => /^\d{4}-\d{2}-\d{2}/.test(name));
  for (const version of apiVersions) ajv.addSchema(JSON.parse(readFileSync(join(schemas, version, 'Microsoft.ServiceFabric.json'), 'utf8')));

  const clusterOf = (text: string, apiVersion: string) => {
    const resource = (parseStrict(text) as { resources: Array<Record<string, unknown>> }).resources.find((r) => r.type === 'Microsoft.ServiceFabric/clusters')!;
    return { ...resource, apiVersion };
  };

  it('covers the four api versions that ship with the project', () => assert.equal(apiVersions.length, 4));

  for (const version of apiVersions) {
    for (const example of ['sf-mits-missing', 'sf-version-too-low', 'sf-force-restart-on']) {
      it(`${example}: valid before and after every fix, api version ${version}`, () => {
        const validate = ajv.getSchema(`https://schema.management.azure.com/schemas/${version}/Microsoft.ServiceFabric.json#/resourceDefinitions/clusters`);
        const text = readExample(`${example}.json`);
        assert.ok(validate(clusterOf(text, version)), `the example itself: ${JSON.stringify(validate.errors)}`);
        const fixes = analyzeTemplate(text).findings.flatMap((f) => f.fixes);
        assert.ok(fixes.length > 0);
        for (const fix of fixes) {
          assert.ok(validate(clusterOf(applyFix(text, fix)!, version)), `${fix.title}: ${JSON.stringify(validate.errors)}`);
        }
      });
    }
  }

  for (const version of apiVersions) {
    it(`sf-setting-not-string: the boolean fails the schema and the quoted value passes, api version ${version}`, () => {
      const validate = ajv.getSchema(`https://schema.management.azure.com/schemas/${version}/Microsoft.ServiceFabric.json#/resourceDefinitions/clusters`);
      const text = readExample('sf-setting-not-string.json');
      assert.equal(validate(clusterOf(text, version)), false, 'a boolean setting value must fail the schema');
      const [fix] = analyzeTemplate(text).findings[0].fixes;
      assert.ok(validate(clusterOf(applyFix(text, fix)!, version)), JSON.stringify(validate.errors));
    });

    it(`sf-code-version-with-automatic-upgrades: valid before and after both fixes, api version ${version}`, () => {
      const validate = ajv.getSchema(`https://schema.management.azure.com/schemas/${version}/Microsoft.ServiceFabric.json#/resourceDefinitions/clusters`);
      const text = readExample('sf-code-version-with-automatic-upgrades.json');
      assert.ok(validate(clusterOf(text, version)), JSON.stringify(validate.errors));
      const fixes = analyzeTemplate(text).findings[0].fixes;
      assert.equal(fixes.length, 2);
      for (const fix of fixes) assert.ok(validate(clusterOf(applyFix(text, fix)!, version)), `${fix.title}: ${JSON.stringify(validate.errors)}`);
    });
  }

  it('sf-app-identity-api-version: the raised application is valid against the 2021-06-01 schema; the old one is not', () => {
    const validate = ajv.getSchema('https://schema.management.azure.com/schemas/2021-06-01/Microsoft.ServiceFabric.json#/resourceDefinitions/clusters_applications');
    const application = (text: string) => (parseStrict(text) as { resources: Array<Record<string, unknown>> }).resources[0];
    const text = readExample('sf-app-identity-api-version.json');
    assert.equal(validate(application(text)), false);
    const fixed = applyFix(text, analyzeTemplate(text).findings[0].fixes[0])!;
    assert.ok(validate(application(fixed)), JSON.stringify(validate.errors));
  });

  it('the inserted upgrade policy fails the schema without its healthPolicy (the check can fail)', () => {
    const validate = ajv.getSchema('https://schema.management.azure.com/schemas/2021-06-01/Microsoft.ServiceFabric.json#/resourceDefinitions/clusters');
    const text = readExample('sf-mits-missing.json');
    const fixed = applyFix(text, analyzeTemplate(text).findings[0].fixes[0])!;
    const resource = clusterOf(fixed, '2021-06-01') as unknown as { properties: { upgradeDescription: Record<string, unknown> } };
    delete resource.properties.upgradeDescription.healthPolicy;
    assert.equal(validate(resource), false);
  });
});
