import * as assert from 'node:assert/strict';
import { analyzeTemplate, type Finding } from '../../server/src/analysis';
import { cluster, covered, ENABLED, template } from './helpers';

const MITS = 'ManagedIdentityTokenService';
const summary = (findings: Finding[]) => findings.map((f) => `${f.code}:${f.severity}`);
const app = (name: string, extra: Record<string, unknown> = {}) => ({
  type: 'Microsoft.ServiceFabric/clusters/applications',
  apiVersion: '2021-06-01',
  name,
  identity: { type: 'SystemAssigned' },
  properties: {},
  ...extra,
});

describe('rules read evaluated values', () => {
  it('fabricSettings built by functions: enabled when they evaluate to the section', () => {
    const settings = "[createArray(createObject('name', concat('ManagedIdentity', 'TokenService'), 'parameters', createArray(createObject('name', 'IsEnabled', 'value', toLower('TRUE')))))]";
    assert.deepEqual(summary(analyzeTemplate(template([cluster({ fabricSettings: settings })])).findings), []);
  });

  it('fabricSettings that is a whole parameter: read from the default, fixed there', () => {
    const text = template([cluster({ fabricSettings: "[parameters('settings')]" })], {
      parameters: { settings: { type: 'array', defaultValue: [{ name: 'Security', parameters: [] }] } },
    });
    const [finding] = analyzeTemplate(text).findings;
    assert.equal(finding.code, 'sf-mits-missing');
    assert.match(finding.message, /fabricSettings has no ManagedIdentityTokenService section/);
    // The section is appended to the parameter's default, where the array is written.
    assert.deepEqual(finding.fixes[1].changes[0].path, ['parameters', 'settings', 'defaultValue', -1]);
    assert.deepEqual(finding.related?.map((r) => r.message), ["The value of fabricSettings comes from parameter 'settings'."]);
  });

  it('fabricSettings that evaluates to null through if(): reported, but no fix over the expression', () => {
    const text = template([cluster({ fabricSettings: "[if(not(empty(parameters('s'))), parameters('s'), null())]" })], {
      parameters: { s: { type: 'array', defaultValue: [] } },
    });
    const [finding] = analyzeTemplate(text).findings;
    assert.equal(finding.code, 'sf-mits-missing');
    assert.match(finding.message, /fabricSettings evaluates to null with the default value of parameter 's'\./);
    assert.match(finding.message, /computed by an expression, so there is no quick fix/);
    assert.deepEqual(finding.fixes, []);
  });

  it('IsEnabled computed to "false": reported without a fix; computed to "true": enabled', () => {
    const section = (value: string) => [{ name: MITS, parameters: [{ name: 'IsEnabled', value }] }];
    const [off] = analyzeTemplate(template([cluster({ fabricSettings: section("[toLower('FALSE')]") })])).findings;
    assert.match(off.message, /IsEnabled is "false", not the string "true"/);
    assert.deepEqual(off.fixes, []);
    assert.deepEqual(analyzeTemplate(template([cluster({ fabricSettings: section("[string(json('\"true\"'))]") })])).findings, []);
  });

  it('a value that depends on the deployment is unknown: no finding', () => {
    for (const fabricSettings of ["[reference('x').settings]", "[if(equals(resourceGroup().location, 'x'), createArray(), null())]", "[parameters('noDefault')]"]) {
      const text = template([cluster({ fabricSettings, upgradeDescription: { forceRestart: "[equals(utcNow(), 'x')]" }, clusterCodeVersion: "[concat(parameters('noDefault'), '6.4.1.1')]" })], {
        parameters: { noDefault: { type: 'string' } },
      });
      assert.deepEqual(summary(analyzeTemplate(text).findings), [], fabricSettings);
    }
  });

  it('clusterCodeVersion computed by concat: reported, without a fix, pointing at the variable', () => {
    const text = template([cluster({ fabricSettings: ENABLED, clusterCodeVersion: "[variables('version')]" })], {
      variables: { version: "[concat('6.4', '.654.9590')]" },
    });
    const [finding] = analyzeTemplate(text).findings;
    assert.equal(finding.code, 'sf-version-too-low');
    assert.match(finding.message, /^clusterCodeVersion 6\.4\.654\.9590 is older/);
    assert.deepEqual(finding.fixes, []);
    assert.equal(covered(text, { ...finding, range: finding.related![0].range }), `"[concat('6.4', '.654.9590')]"`);
  });

  it('clusterCodeVersion chosen by if() from a parameter: the fix edits the parameter default', () => {
    const text = template([cluster({ fabricSettings: ENABLED, clusterCodeVersion: "[if(empty(parameters('v')), null(), parameters('v'))]" })], {
      parameters: { v: { type: 'string', defaultValue: '6.4.654.9590' } },
    });
    const [finding] = analyzeTemplate(text).findings;
    assert.equal(finding.severity, 'error');
    assert.deepEqual(finding.fixes[0].changes, [{ path: ['parameters', 'v', 'defaultValue'], value: '6.5.658.9590' }]);
  });

  it('vmImage evaluated: a Linux image computed by format() gives the Linux minimum', () => {
    const text = template([cluster({ fabricSettings: ENABLED, clusterCodeVersion: '6.5.441.1', vmImage: "[format('{0}{1}', 'Ubuntu', '18_04')]" })]);
    assert.deepEqual(analyzeTemplate(text).findings[0].fixes.map((f) => f.title), ['Raise clusterCodeVersion to 6.5.460.1']);
  });

  it('forceRestart through coalesce() and a whole upgradeDescription parameter', () => {
    const viaCoalesce = template([cluster({ fabricSettings: ENABLED, upgradeDescription: { forceRestart: "[coalesce(null(), parameters('f'))]" } })], {
      parameters: { f: { type: 'bool', defaultValue: true } },
    });
    const [finding] = analyzeTemplate(viaCoalesce).findings;
    assert.equal(finding.code, 'sf-force-restart-on');
    assert.deepEqual(finding.fixes[0].changes, [{ path: ['parameters', 'f', 'defaultValue'], value: false }]);

    const wholeObject = template([cluster({ fabricSettings: ENABLED, upgradeDescription: "[parameters('u')]" })], {
      parameters: { u: { type: 'object', defaultValue: { forceRestart: true } } },
    });
    const [onObject] = analyzeTemplate(wholeObject).findings;
    assert.equal(onObject.code, 'sf-force-restart-on');
    assert.equal(covered(wholeObject, onObject), `"[parameters('u')]"`);

    const computed = template([cluster({ fabricSettings: ENABLED, upgradeDescription: { forceRestart: "[not(false())]" } })]);
    const [computedFinding] = analyzeTemplate(computed).findings;
    assert.deepEqual(computedFinding.fixes, []);
    assert.match(computedFinding.message, /computed by an expression/);
  });

  it('a type written through a variable is evaluated', () => {
    const text = template([{ ...cluster({}), type: "[variables('t')]" }], { variables: { t: "[concat('Microsoft.ServiceFabric/', 'clusters')]" } });
    assert.deepEqual(summary(analyzeTemplate(text).findings), ['sf-mits-missing:warning']);
  });
});

describe('hostile input', () => {
  it('survives deeply nested values, long variable chains and self-referencing variables', () => {
    const deep = JSON.parse(`${'['.repeat(3000)}${']'.repeat(3000)}`);
    const variables: Record<string, unknown> = { v0: 'ManagedIdentityTokenService' };
    for (let i = 1; i < 2000; i++) variables[`v${i}`] = `[variables('v${i - 1}')]`;
    variables.self = "[concat(variables('self'), 'x')]";
    const text = template([
      cluster({ fabricSettings: [{ name: "[variables('v1999')]", parameters: deep }] }),
      cluster({ fabricSettings: "[variables('self')]" }, { name: 'c2' }),
      // No ManagedIdentityTokenService section, whatever the deep parameters hold: reported.
      cluster({ fabricSettings: "[createArray(createObject('name', 'Security', 'parameters', parameters('deep')))]" }, { name: 'c3' }),
    ], { variables, parameters: { deep: { type: 'array', defaultValue: deep } } });
    // The chain is deeper than the evaluation bound, so the first section's name is unknown;
    // the self-reference is unknown too. Nothing is reported on them, and nothing throws.
    // Evaluating c3's fabricSettings builds the 3000-deep value, which the depth bound cuts off.
    assert.deepEqual(summary(analyzeTemplate(text).findings), ['sf-mits-missing:warning']);
  });
});

describe('property iteration', () => {
  it('fabricSettings built by a copy loop in properties is read, not taken as missing', () => {
    const loop = (value: string) => ({
      copy: [{
        name: 'fabricSettings',
        count: "[length(parameters('sections'))]",
        input: { name: "[parameters('sections')[copyIndex('fabricSettings')]]", parameters: [{ name: 'IsEnabled', value }] },
      }],
    });
    const parameters = { sections: { type: 'array', defaultValue: ['Security', 'ManagedIdentityTokenService'] } };
    assert.deepEqual(summary(analyzeTemplate(template([cluster(loop('true'))], { parameters })).findings), []);
    const [off] = analyzeTemplate(template([cluster(loop('false'))], { parameters })).findings;
    assert.match(off.message, /IsEnabled is "false"/);
    assert.deepEqual(off.fixes, [], 'the value sits in the loop input, which builds every section: no fix');
    const unknownCount = { ...loop('true'), copy: [{ name: 'fabricSettings', count: "[parameters('n')]", input: {} }] };
    assert.deepEqual(summary(analyzeTemplate(template([cluster(unknownCount)], { parameters: { n: { type: 'int' } } })).findings), []);
  });
});

describe('nested shapes', () => {
  it('a cluster in a copy loop is reported once, and the message says so', () => {
    const text = template([cluster({}, { name: "[concat('c', copyIndex())]", copy: { name: 'clusters', count: 3 } })]);
    const findings = analyzeTemplate(text).findings;
    assert.deepEqual(summary(findings), ['sf-mits-missing:warning']);
    assert.match(findings[0].message, /^This cluster does not enable/);
    assert.match(findings[0].message, /declared in a copy loop, so this applies to every copy/);
  });

  it('a conditional cluster is still analysed; the message quotes a condition that is not literally true', () => {
    const conditional = analyzeTemplate(template([cluster({}, { condition: "[equals(parameters('deploy'), 'yes')]" })])).findings;
    assert.deepEqual(summary(conditional), ['sf-mits-missing:warning']);
    assert.match(conditional[0].message, /deployed only when its condition "\[equals\(parameters\('deploy'\), 'yes'\)\]" is true/);
    const always = analyzeTemplate(template([cluster({}, { condition: true })])).findings;
    assert.doesNotMatch(always[0].message, /condition/);
  });
});

describe('applications are linked to their cluster', () => {
  it('by name: concat and format of the cluster name parameter, even without a default', () => {
    const parameters = { clusterName: { type: 'string' } };
    const named = cluster({}, { name: "[parameters('clusterName')]" });
    for (const appName of ["[concat(parameters('clusterName'), '/app')]", "[format('{0}/{1}', parameters('ClusterName'), 'app')]"]) {
      const findings = analyzeTemplate(template([named, app(appName)], { parameters })).findings;
      assert.deepEqual(summary(findings), ['sf-mits-missing:error'], appName);
    }
  });

  it('a parameter of the same name in an inner-scope nested template is another parameter', () => {
    const inner = {
      type: 'Microsoft.Resources/deployments',
      apiVersion: '2022-09-01',
      name: 'nested',
      properties: {
        mode: 'Incremental',
        expressionEvaluationOptions: { scope: 'inner' },
        template: {
          $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
          contentVersion: '1.0.0.0',
          parameters: { clusterName: { type: 'string' } },
          resources: [app("[concat(parameters('clusterName'), '/app')]")],
        },
      },
    };
    const text = template([cluster({}, { name: "[parameters('clusterName')]" }), inner], { parameters: { clusterName: { type: 'string' } } });
    assert.deepEqual(summary(analyzeTemplate(text).findings), ['sf-mits-missing:warning']);
  });

  it('an application of another cluster does not escalate this one', () => {
    const findings = analyzeTemplate(template([cluster({}), app('other-cluster/app')])).findings;
    assert.deepEqual(summary(findings), ['sf-mits-missing:warning']);
    assert.deepEqual(findings[0].related, []);
  });

  it('with two clusters, only the one the application runs on is an error', () => {
    const findings = analyzeTemplate(template([cluster({}, { name: 'a' }), cluster({}, { name: 'b' }), app('b/app')])).findings;
    assert.deepEqual(summary(findings), ['sf-mits-missing:warning', 'sf-mits-missing:error']);
    assert.match(findings[1].message, /^Cluster 'b' does not enable/);
  });

  it('as a child resource with a relative type and a short name', () => {
    const parent = { ...cluster({}), resources: [{ ...app('app'), type: 'applications' }] };
    const findings = analyzeTemplate(template([parent])).findings;
    assert.deepEqual(summary(findings), ['sf-mits-missing:error']);
    assert.equal(findings[0].related?.length, 1);
  });

  it('an application whose cluster name cannot be told does not escalate', () => {
    const findings = analyzeTemplate(template([cluster({}), app("[concat(resourceGroup().name, '/app')]")])).findings;
    assert.deepEqual(summary(findings), ['sf-mits-missing:warning']);
  });
});

describe('arm-expression-syntax', () => {
  it('reports an expression that cannot be parsed, on that string, and never a literal', () => {
    const text = template([cluster({ fabricSettings: ENABLED }, { location: "[concat('a', 'b'))]", tags: { escaped: "[[concat('a'))]", text: '[not closed' } })]);
    const findings = analyzeTemplate(text).findings;
    assert.deepEqual(summary(findings), ['arm-expression-syntax:warning']);
    assert.equal(covered(text, findings[0]), `"[concat('a', 'b'))]"`);
    assert.match(findings[0].message, /Unexpected "\)" after the end of the expression \(at character 18 of the expression\)/);
 
    const described = template([cluster({ fabricSettings: ENABLED })], {
      metadata: { note: '[free text)]' },
      parameters: { p: { type: 'string', metadata: { description: '[Optional] (the name)]' } } },
    });
    assert.deepEqual(analyzeTemplate(described).findings, [], 'descriptive metadata is free text');
  });
});
