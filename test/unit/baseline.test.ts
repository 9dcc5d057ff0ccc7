import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'jsonc-parser';
import { analyzeDocument, analyzeTemplate, applyFix, type Finding } from '../../server/src/analysis';
import { cluster, ENABLED, readExample, ROOT, seen, template } from './helpers';

// The two documented steps, told apart by the template's last committed version (the baseline).

const FORCE_RESTART_ON = readExample('sf-force-restart-on.json');
const TOKEN_SECTION = /\n\s*"fabricSettings": \[\s*\{\s*"name": "ManagedIdentityTokenService",[\s\S]*?\n\s*\],/;
/** The example before the change: the same cluster without the token service. */
const WITHOUT_SERVICE = FORCE_RESTART_ON.replace(TOKEN_SECTION, '');
/** The example with forceRestart false. */
const FORCE_RESTART_OFF = FORCE_RESTART_ON.replace('"forceRestart": true', '"forceRestart": false');

const withBaseline = (text: string, baseline: string, ref = 'HEAD') => analyzeDocument(text, { baseline: { text: baseline, ref } }).findings;
const codes = (findings: Finding[]) => findings.map((finding) => `${finding.code}:${finding.severity}`);

describe('baseline: upgrade-aware forceRestart advice', () => {
  it('the scripted texts are what the cases need (the regular expression removed the section)', () => {
    assert.notEqual(WITHOUT_SERVICE, FORCE_RESTART_ON);
    assert.ok(!WITHOUT_SERVICE.includes('ManagedIdentityTokenService'));
    assert.deepEqual(codes(analyzeTemplate(WITHOUT_SERVICE).findings), ['sf-mits-missing:warning', 'sf-force-restart-on:warning']);
  });

  it('this change enables the token service without forceRestart: sf-force-restart-needed, whose fix sets it', () => {
    const findings = withBaseline(FORCE_RESTART_OFF, WITHOUT_SERVICE);
    assert.deepEqual(codes(findings), ['sf-force-restart-needed:warning']);
    const [needed] = findings;
    assert.match(needed.message, /This change enables the Managed Identity Token Service on Cluster 'northwind-sf'/);
    assert.match(needed.message, /which has no enabled ManagedIdentityTokenService section at HEAD, but upgradeDescription\.forceRestart is not true\./);
    assert.equal(FORCE_RESTART_OFF.slice(needed.range.offset, needed.range.offset + needed.range.length), '"forceRestart": false');
    assert.deepEqual(needed.fixes.map((fix) => fix.title), ['Set forceRestart to true']);
    const fixed = applyFix(FORCE_RESTART_OFF, needed.fixes[0])!;
    // Only the value changed: the comment and the rest stay byte for byte.
    assert.equal(fixed, FORCE_RESTART_ON);
    // Fixed, then analysed again: the first-step note, nothing else.
    assert.deepEqual(codes(withBaseline(fixed, WITHOUT_SERVICE)), ['sf-force-restart-on:information']);
  });

  it('this change enables the token service with forceRestart: sf-force-restart-on is the first step, as Information, with no fix', () => {
    const findings = withBaseline(FORCE_RESTART_ON, WITHOUT_SERVICE);
    assert.deepEqual(codes(findings), ['sf-force-restart-on:information']);
    assert.match(findings[0].message, /^First step: this change enables the Managed Identity Token Service, which is not enabled at HEAD, with upgradeDescription\.forceRestart true/);
    assert.match(findings[0].message, /Roll back forceRestart to false after this upgrade completes/);
    assert.deepEqual(findings[0].fixes, []);
  });

  it('the token service was already enabled at the baseline and forceRestart is still true: "left on", a Warning with the fix', () => {
    const findings = withBaseline(FORCE_RESTART_ON, FORCE_RESTART_ON, 'main~1');
    assert.deepEqual(codes(findings), ['sf-force-restart-on:warning']);
    assert.match(findings[0].message, /^forceRestart was left on: the Managed Identity Token Service was already enabled at main~1/);
    assert.deepEqual(findings[0].fixes.map((fix) => fix.title), ['Set forceRestart to false']);
  });

  it('one baseline, analysed again and again (as on every keystroke), gives the same advice each time', () => {
    const baseline = { text: WITHOUT_SERVICE.replace('"resources": [', '// a comment\n  "resources": ['), ref: 'HEAD' };
    const first = analyzeDocument(FORCE_RESTART_ON, { baseline }).findings;
    assert.deepEqual(codes(first), ['sf-force-restart-on:information']);
    assert.deepEqual(analyzeDocument(FORCE_RESTART_ON, { baseline }).findings, first);
    assert.deepEqual(codes(analyzeDocument(FORCE_RESTART_OFF, { baseline }).findings), ['sf-force-restart-needed:warning']);
  });

  it('already enabled and forceRestart false: nothing, as without a baseline', () => {
    assert.deepEqual(withBaseline(FORCE_RESTART_OFF, FORCE_RESTART_OFF), []);
    assert.deepEqual(analyzeTemplate(FORCE_RESTART_OFF).findings, []);
  });

  it('without a baseline, or with one that is not a readable template, the findings are exactly those of today', () => {
    for (const text of [FORCE_RESTART_ON, FORCE_RESTART_OFF, WITHOUT_SERVICE, readExample('sf-mits-missing.json')]) {
      const today = analyzeTemplate(text).findings;
      assert.deepEqual(analyzeDocument(text).findings, today);
      const deep = `{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", "x": "Microsoft.ServiceFabric/clusters", "resources": ${'['.repeat(20000)}`;
      for (const baseline of ['', '{ not json', '{"resources": []}', '[]', WITHOUT_SERVICE.slice(0, 200), WITHOUT_SERVICE.replace('"resources": [', '"resources": [,'), deep]) {
        assert.deepEqual(withBaseline(text, baseline), today, `baseline ${JSON.stringify(baseline.slice(0, 30))}`);
      }
    }
  });

  it('no upgradeDescription at all: the fix adds the documented policy, valid against every shipped schema', () => {
    const before = template([cluster({ fabricSettings: [] })]);
    const after = template([cluster({ fabricSettings: ENABLED })]);
    const [finding] = withBaseline(after, before);
    assert.equal(finding.code, 'sf-force-restart-needed');
    assert.deepEqual(finding.fixes.map((fix) => fix.title), ['Add an upgrade policy that restarts every node']);
    const fixed = applyFix(after, finding.fixes[0])!;
    const resource = (parse(fixed) as { resources: Array<Record<string, any>> }).resources[0];
    assert.equal(resource.properties.upgradeDescription.forceRestart, true);
    assert.deepEqual(codes(withBaseline(fixed, before)), ['sf-force-restart-on:information']);

    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const Ajv = require('ajv-draft-04');
    const schemas = join(ROOT, 'test', 'schemas');
    const ajv = new Ajv({ strict: false, allErrors: true });
    ajv.addSchema(JSON.parse(readFileSync(join(schemas, 'common', 'definitions.json'), 'utf8')));
    const versions = readdirSync(schemas).filter((name) => /^\d{4}-\d{2}-\d{2}/.test(name));
    assert.equal(versions.length, 4);
    for (const version of versions) {
      ajv.addSchema(JSON.parse(readFileSync(join(schemas, version, 'Microsoft.ServiceFabric.json'), 'utf8')));
      const validate = ajv.getSchema(`https://schema.management.azure.com/schemas/${version}/Microsoft.ServiceFabric.json#/resourceDefinitions/clusters`);
      const full = { ...resource, apiVersion: version, properties: { ...resource.properties, managementEndpoint: 'https://x:19080', nodeTypes: [], reliabilityLevel: 'Silver' } };
      assert.ok(validate(full), `${version}: ${JSON.stringify(validate.errors)}`);
      // The check can fail: without forceRestart's siblings the policy is not valid.
      assert.equal(validate({ ...full, properties: { ...full.properties, upgradeDescription: { forceRestart: true } } }), false, version);
    }
  });

  it('clusters are matched by name, never by position: a reordered template pairs each cluster with its own baseline', () => {
    const policy = (forceRestart: boolean) => ({ upgradeDescription: { forceRestart } });
    const before = template([
      cluster({ fabricSettings: ENABLED, ...policy(false) }, { name: 'alpha' }),
      cluster({ fabricSettings: [], ...policy(false) }, { name: 'beta' }),
    ]);
    const after = template([
      cluster({ fabricSettings: ENABLED, ...policy(true) }, { name: 'beta' }),
      cluster({ fabricSettings: ENABLED, ...policy(true) }, { name: 'alpha' }),
    ]);
    const findings = withBaseline(after, before);
    assert.deepEqual(
      findings.map((finding) => [finding.code, finding.severity, finding.message.slice(0, 40)]),
      [
        ['sf-force-restart-on', 'information', 'First step: this change enables the Mana'],
        ['sf-force-restart-on', 'warning', 'forceRestart was left on: the Managed Id'],
      ],
    );
    // The first finding is on beta (first in the new text), the second on alpha.
    assert.ok(findings[0].range.offset < after.indexOf('"alpha"'));
    assert.ok(findings[1].range.offset > after.indexOf('"alpha"'));
  });

  it('evaluated names: a name from a parameter default matches the same literal name', () => {
    const before = template([cluster({ fabricSettings: [] , upgradeDescription: { forceRestart: false } }, { name: 'prod-sf' })]);
    const after = template([cluster({ fabricSettings: ENABLED, upgradeDescription: { forceRestart: false } }, { name: "[parameters('clusterName')]" })], {
      parameters: { clusterName: { type: 'string', defaultValue: 'PROD-SF' } },
    });
    assert.deepEqual(codes(withBaseline(after, before)), ['sf-force-restart-needed:warning']);
  });

  it('symbolic names (languageVersion 2.0) match first, even when the resource name changed', () => {
    const v2 = (name: string, properties: Record<string, unknown>) =>
      JSON.stringify({
        $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
        languageVersion: '2.0',
        contentVersion: '1.0.0.0',
        resources: { sf: cluster(properties, { name }) },
      }, null, 2);
    const before = v2('old-name', { fabricSettings: [], upgradeDescription: { forceRestart: true } });
    const after = v2('new-name', { fabricSettings: ENABLED, upgradeDescription: { forceRestart: true } });
    assert.deepEqual(codes(withBaseline(after, before)), ['sf-force-restart-on:information']);
  });

  it('a cluster with no match in the baseline (new, renamed, or ambiguous) is advised as without a baseline', () => {
    const enabledOn = (name: string) => cluster({ fabricSettings: ENABLED, upgradeDescription: { forceRestart: true } }, { name });
    const without = (name: string) => cluster({ fabricSettings: [], upgradeDescription: { forceRestart: false } }, { name });
    const after = template([enabledOn('gamma')]);
    const today = seen(after);
    assert.deepEqual(today.map((finding) => finding.severity), ['warning']);
    for (const before of [template([]), template([without('delta')]), template([without('gamma'), without('gamma')])]) {
      assert.deepEqual(seen(after, withBaseline(after, before)), today);
    }
    // forceRestart off and a new cluster: no sf-force-restart-needed (a new cluster starts with the setting).
    const newOff = template([cluster({ fabricSettings: ENABLED, upgradeDescription: { forceRestart: false } }, { name: 'gamma' })]);
    assert.deepEqual(withBaseline(newOff, template([without('delta')])), []);
  });

  it('a token service whose state depends on the deployment, at the baseline or now, gets no baseline advice', () => {
    const unknownSettings = "[parameters('settings')]";
    const before = template([cluster({ fabricSettings: unknownSettings, upgradeDescription: { forceRestart: false } }, { name: 'c1' })], {
      parameters: { settings: { type: 'array' } },
    });
    const after = template([cluster({ fabricSettings: ENABLED, upgradeDescription: { forceRestart: false } }, { name: 'c1' })]);
    assert.deepEqual(withBaseline(after, before), []);
  });
});
