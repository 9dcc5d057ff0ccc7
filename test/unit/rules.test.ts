import * as assert from 'node:assert/strict';
import { analyzeTemplate } from '../../server/src/analysis';
import { cluster, covered, ENABLED, readExample, readFixture, seen, template, type Seen } from './helpers';

/** Each case: a template and every finding a person should see in it, nothing more. */
const cases: Array<{ name: string; text: () => string; expect: Seen[] }> = [
  {
    name: 'top-level array: cluster without the token service, application with an identity makes it an error',
    text: () => readExample('sf-mits-missing.json'),
    expect: [{ code: 'sf-mits-missing', severity: 'error', line: 10, column: 15 }],
  },
  {
    name: 'symbolic-name resources (languageVersion 2.0); an existing reference is not a declaration',
    text: () => readFixture('placement-symbolic.json'),
    expect: [{ code: 'sf-mits-missing', severity: 'warning', line: 13, column: 15 }],
  },
  {
    name: 'cluster as a child resource, with an application as its child (relative type)',
    text: () => readFixture('placement-child.json'),
    expect: [
      { code: 'sf-mits-missing', severity: 'error', line: 12, column: 19 },
      { code: 'sf-version-too-low', severity: 'warning', line: 18, column: 35 },
    ],
  },
  {
    name: 'inline nested deployments, outer and inner scope',
    text: () => readFixture('placement-nested.json'),
    expect: [
      { code: 'sf-mits-missing', severity: 'warning', line: 53, column: 23 },
      { code: 'sf-version-too-low', severity: 'error', line: 24, column: 39 },
      { code: 'sf-version-too-low', severity: 'warning', line: 58, column: 39 },
    ],
  },
  {
    name: 'names of types, properties, sections and parameters are case-insensitive',
    text: () => readFixture('case-insensitive.json'),
    expect: [{ code: 'sf-force-restart-on', severity: 'warning', line: 15, column: 33 }],
  },
  {
    name: 'CRLF, tabs, comments, trailing commas and non-ASCII text before the finding',
    text: () => readFixture('crlf-tabs-comments.json'),
    expect: [
      { code: 'sf-mits-missing', severity: 'warning', line: 12, column: 27 },
      { code: 'sf-version-too-low', severity: 'warning', line: 16, column: 27 },
    ],
  },
  {
    name: 'expressions are evaluated; values that depend on a parameter without a value are unknown and never reported',
    text: () => readFixture('expressions.json'),
    expect: [
      { code: 'sf-mits-missing', severity: 'warning', line: 16, column: 15 },
      // if(true(), 'true', 'false') is "true": the token service is enabled, so the version pin is an error.
      { code: 'sf-version-too-low', severity: 'error', line: 46, column: 31 },
      { code: 'sf-force-restart-on', severity: 'warning', line: 24, column: 33 },
    ],
  },
  { name: 'version via a parameter default, token service enabled', text: () => readExample('sf-version-too-low.json'), expect: [{ code: 'sf-version-too-low', severity: 'error', line: 19, column: 39 }] },
  { name: 'forceRestart left on', text: () => readExample('sf-force-restart-on.json'), expect: [{ code: 'sf-force-restart-on', severity: 'warning', line: 23, column: 11 }] },
  {
    name: 'applications that declare identities with an api version older than 2019-06-01-preview',
    text: () => readFixture('app-identity-api-version.json'),
    expect: [
      { code: 'sf-app-identity-api-version', severity: 'error', line: 19, column: 25 },
      { code: 'sf-app-identity-api-version', severity: 'error', line: 28, column: 21 },
    ],
  },
  {
    name: 'fabricSettings values that are booleans or numbers, also through a parameter; null and unknown are left alone',
    text: () => readFixture('setting-not-string.json'),
    expect: [
      { code: 'sf-setting-not-string', severity: 'warning', line: 19, column: 63 },
      { code: 'sf-setting-not-string', severity: 'warning', line: 20, column: 56 },
      { code: 'sf-setting-not-string', severity: 'warning', line: 21, column: 55 },
    ],
  },
  {
    name: 'clusterCodeVersion with an explicit Automatic upgradeMode; Manual, an absent mode and an unknown version are not reported',
    text: () => readFixture('code-version-automatic.json'),
    expect: [
      { code: 'sf-code-version-with-automatic-upgrades', severity: 'warning', line: 17, column: 9 },
      { code: 'sf-code-version-with-automatic-upgrades', severity: 'warning', line: 57, column: 23 },
    ],
  },
  { name: 'application identity with an old api version', text: () => readExample('sf-app-identity-api-version.json'), expect: [{ code: 'sf-app-identity-api-version', severity: 'error', line: 11, column: 21 }] },
  { name: 'a boolean fabricSettings value', text: () => readExample('sf-setting-not-string.json'), expect: [{ code: 'sf-setting-not-string', severity: 'warning', line: 24, column: 63 }] },
  {
    name: 'a pinned version with automatic upgrades',
    text: () => readExample('sf-code-version-with-automatic-upgrades.json'),
    expect: [{ code: 'sf-code-version-with-automatic-upgrades', severity: 'warning', line: 12, column: 9 }],
  },
  { name: 'managed clusters get none of the three diagnostics', text: () => readExample('managed-cluster.json'), expect: [] },
  { name: 'JSON without an ARM template $schema gets nothing', text: () => readFixture('not-arm.json'), expect: [] },
  { name: 'a parameter file gets nothing', text: () => readFixture('parameters-file.json'), expect: [] },
];

describe('rules over fixture templates', () => {
  for (const { name, text, expect } of cases) {
    it(name, () => {
      const byPosition = (a: Seen, b: Seen) => a.line - b.line || a.column - b.column || a.code.localeCompare(b.code);
      assert.deepEqual(seen(text()).sort(byPosition), [...expect].sort(byPosition));
    });
  }

  it('the new rules say what is wrong, why, and what to do, and point at where the value comes from', () => {
    const apps = readFixture('app-identity-api-version.json');
    const [child, fromParameter] = analyzeTemplate(apps).findings;
    assert.match(child.message, /^Application 'child' declares 'identity' with apiVersion 2019-03-01, .* before api version 2019-06-01-preview: .*does not get its managed identity\. Use api version 2021-06-01/);
    assert.equal(covered(apps, child), '"2019-03-01"');
    assert.deepEqual(child.related?.map((r) => apps.substr(r.range.offset, 10)), ['"identity"']);
    assert.match(fromParameter.message, /declares 'managedIdentities' with apiVersion 2018-02-01/);

    const settings = readFixture('setting-not-string.json');
    const [fromDefault, boolean, number] = analyzeTemplate(settings).findings;
    assert.match(boolean.message, /^Security\/AllowDefaultClient is the boolean false, but fabricSettings parameter values are strings .* Write it as the string "false"\.$/);
    assert.match(number.message, /is the number 1\.50,/);
    assert.deepEqual(fromDefault.related?.map((r) => r.message), ["The value true comes from parameter 'tls'."]);

    const pinned = readFixture('code-version-automatic.json');
    const [automatic] = analyzeTemplate(pinned).findings;
    assert.equal(covered(pinned, automatic), '"clusterCodeVersion": "6.5.641.9590"');
    assert.match(automatic.message, /^clusterCodeVersion is 6\.5\.641\.9590 while upgradeMode is Automatic\. The version can only be set in Manual mode/);
    assert.equal(pinned.substr(automatic.related![0].range.offset, automatic.related![0].range.length), '"automatic"');
  });

  it('sf-version-too-low leaves a cluster with automatic upgrades to sf-code-version-with-automatic-upgrades', () => {
    // 6.5.641.9590 is below 6.5 CU2, but with Automatic the pin itself is what has to go.
    const codes = (mode: string) => analyzeTemplate(template([cluster({ upgradeMode: mode, clusterCodeVersion: '6.5.641.9590' })])).findings.map((f) => f.code);
    assert.deepEqual(codes('Automatic'), ['sf-mits-missing', 'sf-code-version-with-automatic-upgrades']);
    assert.deepEqual(codes('Manual'), ['sf-mits-missing', 'sf-version-too-low']);
  });

  it('ranges cover the type value, the clusterCodeVersion value and the forceRestart property', () => {
    const missing = readExample('sf-mits-missing.json');
    assert.equal(covered(missing, analyzeTemplate(missing).findings[0]), '"Microsoft.ServiceFabric/clusters"');
    const low = readExample('sf-version-too-low.json');
    assert.equal(covered(low, analyzeTemplate(low).findings[0]), `"[parameters('clusterCodeVersion')]"`);
    const on = readExample('sf-force-restart-on.json');
    assert.equal(covered(on, analyzeTemplate(on).findings[0]), '"forceRestart": true');
  });
});

describe('sf-mits-missing', () => {
  const codes = (text: string) => analyzeTemplate(text).findings.map((f) => `${f.code}:${f.severity}`);

  it('is satisfied only by the string "true"', () => {
    const section = (value: unknown) => [{ name: 'ManagedIdentityTokenService', parameters: [{ name: 'IsEnabled', value }] }];
    assert.deepEqual(codes(template([cluster({ fabricSettings: section('true') })])), []);
    assert.deepEqual(codes(template([cluster({ fabricSettings: section('false') })])), ['sf-mits-missing:warning']);
    // The boolean is also not a string, which sf-setting-not-string reports at the value.
    assert.deepEqual(codes(template([cluster({ fabricSettings: section(true) })])), ['sf-mits-missing:warning', 'sf-setting-not-string:warning']);
    assert.deepEqual(codes(template([cluster({ fabricSettings: section('') })])), ['sf-mits-missing:warning']);
  });

  it('reports a missing section, a section without IsEnabled, and a cluster without properties', () => {
    assert.deepEqual(codes(template([cluster({})])), ['sf-mits-missing:warning']);
    assert.deepEqual(codes(template([cluster(undefined)])), ['sf-mits-missing:warning']);
    assert.deepEqual(codes(template([cluster({ fabricSettings: [{ name: 'ManagedIdentityTokenService', parameters: [] }] })])), ['sf-mits-missing:warning']);
    assert.deepEqual(codes(template([cluster({ fabricSettings: [{ name: 'ManagedIdentityTokenService' }] })])), ['sf-mits-missing:warning']);
  });

  it('does not count IsEnabled "true" in another section', () => {
    const text = template([cluster({ fabricSettings: [{ name: 'DnsService', parameters: [{ name: 'IsEnabled', value: 'true' }] }] })]);
    assert.deepEqual(codes(text), ['sf-mits-missing:warning']);
  });

  it('escalates to an error for an application with an identity, and points at it', () => {
    const app = (identity: unknown, properties: unknown = {}) => ({
      type: 'Microsoft.ServiceFabric/clusters/applications',
      apiVersion: '2021-06-01',
      name: 'c1/app',
      ...(identity ? { identity } : {}),
      properties,
    });
    assert.deepEqual(codes(template([cluster({}), app({ type: 'SystemAssigned' })])), ['sf-mits-missing:error']);
    assert.deepEqual(codes(template([cluster({}), app({ type: 'SystemAssigned, UserAssigned' })])), ['sf-mits-missing:error']);
    assert.deepEqual(codes(template([cluster({}), app(undefined, { managedIdentities: [{ name: 'a', principalId: 'p' }] })])), ['sf-mits-missing:error']);
    assert.deepEqual(codes(template([cluster({}), app({ type: 'None' })])), ['sf-mits-missing:warning']);
    assert.deepEqual(codes(template([cluster({}), app(undefined, { managedIdentities: [] })])), ['sf-mits-missing:warning']);
    assert.deepEqual(codes(template([cluster({}), app({ type: "[parameters('unknown')]" })])), ['sf-mits-missing:warning']);

    const text = template([cluster({}), app({ type: 'SystemAssigned' })]);
    const [finding] = analyzeTemplate(text).findings;
    assert.equal(finding.related?.length, 1);
    assert.equal(text.substring(finding.related![0].range.offset, finding.related![0].range.offset + finding.related![0].range.length), '{\n        "type": "SystemAssigned"\n      }');
    assert.match(finding.message, /Application 'c1\/app' in this template runs on this cluster and uses a managed identity/);
  });

  it('says what is wrong, why, and what to do', () => {
    const [finding] = analyzeTemplate(template([cluster({ fabricSettings: [] })])).findings;
    assert.match(finding.message, /^Cluster 'c1' does not enable the Managed Identity Token Service: fabricSettings has no ManagedIdentityTokenService section\./);
    assert.match(finding.message, /cannot use managed identities/);
    assert.match(finding.message, /forceRestart true/);
  });
});

describe('sf-version-too-low', () => {
  const versionFindings = (version: string, properties: Record<string, unknown> = {}) =>
    analyzeTemplate(template([cluster({ clusterCodeVersion: version, fabricSettings: ENABLED, ...properties })])).findings.filter(
      (f) => f.code === 'sf-version-too-low',
    );

  // [version, vmImage (undefined: absent), reported?]
  const table: Array<[string, string | undefined, boolean]> = [
    ['5.7.198.9494', undefined, true],
    ['6.4.664.9590', 'Windows', true],
    ['6.5.639.9590', undefined, true],
    ['6.5.657.9590', 'Windows', true],
    ['6.5.658.9590', 'Windows', false],
    ['6.5.664.9590', undefined, false],
    ['6.5.658.9494', undefined, false],
    ['7.0.470.9590', undefined, false],
    ['10.1.3008.1', 'Windows', false],
    ['6.5.476.1', undefined, true], // a Linux build number on a Windows cluster
    ['6.5.459.1', 'Linux', true],
    ['6.5.460.1', 'Linux', false],
    ['6.5.476.1', 'Linux', false],
    ['6.5.454.1', 'Ubuntu18_04', true],
    ['6.5.476.1', 'UbuntuServer 20.04', false],
    ['6.4.654.1', 'linux', true],
    ['10.1.3008.4', 'Ubuntu22', false],
    ['6.5.658', undefined, false], // three parts are enough
    ['6.5', undefined, false], // not a runtime version: not guessed at
    ['latest', undefined, false],
  ];
  for (const [version, vmImage, reported] of table) {
    it(`${version} on ${vmImage ?? '(no vmImage)'} is ${reported ? '' : 'not '}reported`, () => {
      const found = versionFindings(version, vmImage === undefined ? {} : { vmImage });
      assert.equal(found.length, reported ? 1 : 0);
    });
  }

  it('is an error quoting ParameterNotAllowed when the token service is enabled, a warning otherwise', () => {
    const [enabled] = versionFindings('6.5.641.9590');
    assert.equal(enabled.severity, 'error');
    assert.ok(enabled.message.includes("ParameterNotAllowed: Section 'ManagedIdentityTokenService' and Parameter 'IsEnabled' is not allowed."));
    const [disabled] = analyzeTemplate(template([cluster({ clusterCodeVersion: '6.5.641.9590' })])).findings.filter((f) => f.code === 'sf-version-too-low');
    assert.equal(disabled.severity, 'warning');
  });

  it('offers the minimum for the cluster OS, and both when the OS is unknown', () => {
    assert.deepEqual(versionFindings('6.5.641.9590')[0].fixes.map((f) => f.title), ['Raise clusterCodeVersion to 6.5.658.9590']);
    assert.deepEqual(versionFindings('6.5.441.1', { vmImage: 'Linux' })[0].fixes.map((f) => f.title), ['Raise clusterCodeVersion to 6.5.460.1']);
    const unknownOs = analyzeTemplate(readFixture('expressions.json')).findings.find((f) => f.code === 'sf-version-too-low')!;
    assert.deepEqual(unknownOs.fixes.map((f) => f.title), ['Raise clusterCodeVersion to 6.5.658.9590 (Windows)', 'Raise clusterCodeVersion to 6.5.460.1 (Linux)']);
  });

  it('points at the parameter default or variable the version comes from', () => {
    const example = readExample('sf-version-too-low.json');
    const [fromParameter] = analyzeTemplate(example).findings;
    assert.deepEqual(fromParameter.related?.map((r) => [example.substring(r.range.offset, r.range.offset + r.range.length), r.message]), [
      ['"6.5.641.9590"', "The value 6.5.641.9590 comes from parameter 'clusterCodeVersion'."],
    ]);
    const fixture = readFixture('crlf-tabs-comments.json');
    const fromVariable = analyzeTemplate(fixture).findings.find((f) => f.code === 'sf-version-too-low')!;
    assert.deepEqual(seen(fixture, [{ ...fromVariable, range: fromVariable.related![0].range }]).map((s) => s.line), [8]);
    assert.match(fromVariable.related![0].message, /variable 'pinned'/);
    const nested = readFixture('placement-nested.json');
    const fromDeployment = analyzeTemplate(nested).findings.filter((f) => f.code === 'sf-version-too-low')[1];
    assert.deepEqual(seen(nested, [{ ...fromDeployment, range: fromDeployment.related![0].range }]).map((s) => s.line), [42]);
  });
});

describe('sf-force-restart-on', () => {
  it('reports only the boolean true', () => {
    const count = (forceRestart: unknown) =>
      analyzeTemplate(template([cluster({ fabricSettings: ENABLED, upgradeDescription: { forceRestart } })])).findings.length;
    assert.equal(count(true), 1);
    assert.equal(count(false), 0);
    assert.equal(count('bool'), 0);
  });

  it('tells the user to roll it back once the upgrade has completed', () => {
    const [finding] = analyzeTemplate(readExample('sf-force-restart-on.json')).findings;
    assert.match(finding.message, /Roll it back to false once that upgrade has completed, or every later upgrade restarts every node too\./);
    assert.deepEqual(finding.fixes.map((f) => f.title), ['Set forceRestart to false']);
  });
});

describe('documents that cannot be analysed', () => {
  it('gives one clear problem for malformed JSON, and no findings', () => {
    const text = readFixture('invalid.json');
    const result = analyzeTemplate(text);
    assert.equal(result.findings.length, 0);
    assert.equal(result.problem?.kind, 'invalid-json');
    assert.deepEqual(seen(text, [{ code: 'x', severity: 'warning', message: '', range: result.problem!.range, fixes: [] }])[0], {
      code: 'x',
      severity: 'warning',
      line: 6,
      column: 7,
    });
  });

  it('analyses every truncation of a template without throwing', () => {
    const text = readExample('sf-mits-missing.json');
    let reported = 0;
    let quiet = 0;
    for (let end = 0; end < text.length; end++) {
      const part = text.slice(0, end);
      if (part.trimEnd() === text.trimEnd()) continue;
      const result = analyzeTemplate(part);
      assert.equal(result.findings.length, 0, `a finding on the text cut at ${end}`);
      if (result.isTemplate && /servicefabric/i.test(part)) {
        assert.equal(result.problem?.kind, 'invalid-json', `no problem reported for the text cut at ${end}`);
        reported++;
      } else if (result.isTemplate) {
        // No Service Fabric type yet: nothing to check, and the syntax is the editor's business.
        assert.equal(result.problem, undefined, `a problem reported for the text cut at ${end}, before any Service Fabric type`);
        quiet++;
      }
    }
    // Once the $schema is complete, every cut is a template; once it names a Service Fabric
    // type, it says it is not valid JSON.
    assert.ok(reported > text.length / 2, `only ${reported} cuts with Service Fabric were recognised as templates`);
    assert.ok(quiet > 50, `only ${quiet} cuts without Service Fabric were recognised as templates`);
  });

  it('survives nesting far deeper than a recursive parser can follow', () => {
    const text = `{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", "x": ${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    // Read without recursion: a valid template without a cluster, so no problem and no finding.
    assert.deepEqual(analyzeTemplate(text), { isTemplate: true, findings: [] });
  });
});
