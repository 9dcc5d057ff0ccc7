import * as assert from 'node:assert/strict';
import { hoverInfo, type HoverInfo, type WorkspaceHost } from '../../server/src/analysis';
import { cluster, ENABLED, readExample, readFixture, template } from './helpers';

/** The hover with the cursor `into` characters inside the `occurrence`-th match of `marker`. */
function hoverAt(text: string, marker: string, into = 1, occurrence = 0): HoverInfo | undefined {
  let at = -1;
  for (let i = 0; i <= occurrence; i++) at = text.indexOf(marker, at + 1);
  assert.ok(at >= 0, `marker ${marker} not found`);
  return hoverInfo(text, at + into);
}

describe('hover data', () => {
  const versions = readFixture('hover-versions.json');

  it('explains each setting and links its rule', () => {
    const text = readExample('sf-version-too-low.json');
    const topics = [
      ['"upgradeMode"', 'upgrade-mode', 'sf-version-too-low'],
      ['"clusterCodeVersion": "[', 'cluster-code-version', 'sf-version-too-low'],
      ['"ManagedIdentityTokenService"', 'token-service-section', 'sf-mits-missing'],
      ['"IsEnabled"', 'is-enabled', 'sf-mits-missing'],
      ['"forceRestart"', 'force-restart', 'sf-force-restart-on'],
    ];
    for (const [marker, topic, rule] of topics) {
      const info = hoverAt(text, marker);
      assert.equal(info?.topic, topic, marker);
      assert.equal(info.ruleCode, rule, marker);
      // The range is the key or name string itself, quotes included.
      const key = marker.slice(0, marker.indexOf('"', 1) + 1);
      assert.equal(text.substr(info.range.offset, info.range.length), key, marker);
      const sentences = info.explanation.split(/(?<=\.) /);
      assert.ok(sentences.length >= 2 && sentences.length <= 3, `${marker}: two or three sentences, got ${sentences.length}`);
    }
  });

  it('says what the documented facts are', () => {
    const text = readExample('sf-version-too-low.json');
    assert.match(hoverAt(text, '"IsEnabled"')!.explanation, /"true" \(a string, not the boolean true\)/);
    assert.match(hoverAt(text, '"forceRestart"')!.explanation, /Set it back to false once that upgrade has completed/);
    assert.match(hoverAt(text, '"clusterCodeVersion": "[')!.explanation, /6\.5\.658\.9590 on Windows, 6\.5\.460\.1 on Linux.*ParameterNotAllowed/);
    assert.match(hoverAt(text, '"forceRestart"')!.state!, /not true/);
    assert.equal(hoverAt(text, '"IsEnabled"')!.state, 'This cluster enables the Managed Identity Token Service.');
  });

  it('also answers on the value of a property', () => {
    const text = readExample('sf-version-too-low.json');
    assert.equal(hoverAt(text, '"[parameters(\'clusterCodeVersion\')]"', 5)?.topic, 'cluster-code-version');
    assert.equal(hoverAt(text, '"forceRestart": false', 18)?.topic, 'force-restart');
  });

  it('shows a literal version, its OS and that it is too low', () => {
    assert.deepEqual(hoverAt(versions, '"clusterCodeVersion": "6.5.454.1"')?.version, {
      value: '6.5.454.1',
      source: 'literal',
      steps: [],
      os: 'linux',
      osAssumed: false,
      supports: 'no',
    });
  });

  it('follows a variable to a parameter default', () => {
    assert.deepEqual(hoverAt(versions, '"clusterCodeVersion": "[variables')?.version, {
      value: '7.0.470.9590',
      source: 'parameter-default',
      steps: [
        { kind: 'variable', name: 'pinned' },
        { kind: 'parameter', name: 'codeVersion' },
      ],
      os: 'windows',
      osAssumed: true,
      supports: 'yes',
    });
  });

  // Before the expression evaluator this concat was 'unresolved'; it is now computed, as ARM does.
  it('evaluates an expression and says the value is computed by it', () => {
    assert.deepEqual(hoverAt(versions, '"clusterCodeVersion": "[concat')?.version, {
      value: '6.5.658.9590',
      source: 'expression',
      steps: [],
      expression: "[concat('6.5.', '658.9590')]",
      os: 'windows',
      osAssumed: true,
      supports: 'yes',
    });
  });

  it('says unknown for an expression whose value depends on the deployment', () => {
    const text = readFixture('hover-versions.json').replace("[concat('6.5.', '658.9590')]", "[reference('old').clusterCodeVersion]");
    assert.deepEqual(hoverAt(text, '"clusterCodeVersion": "[reference')?.version, {
      source: 'unresolved',
      steps: [],
      expression: "[reference('old').clusterCodeVersion]",
      os: 'windows',
      osAssumed: true,
      supports: 'unknown',
    });
  });

  it('takes the value from the template\'s parameter file, and names that file', () => {
    const template = readExample('parameter-files/azuredeploy.json');
    const parameters = readExample('parameter-files/azuredeploy.parameters.json');
    const files: Record<string, string> = { 'file:///ws/azuredeploy.json': template, 'file:///ws/azuredeploy.parameters.json': parameters };
    const host: WorkspaceHost = {
      readFile: (uri) => files[uri],
      listDirectory: (folder) => (folder === 'file:///ws' ? ['azuredeploy.json', 'azuredeploy.parameters.json'] : []),
      parameterFileMapping: () => [],
    };
    const at = template.indexOf('"clusterCodeVersion": "[') + 1;
    // The file gives 6.5.641.9590 and vmImage "Windows": below 6.5.658.9590, the Windows minimum.
    assert.deepEqual(hoverInfo(template, at, { uri: 'file:///ws/azuredeploy.json', host })?.version, {
      value: '6.5.641.9590',
      source: 'parameter-file',
      parameterFile: 'azuredeploy.parameters.json',
      steps: [{ kind: 'parameter', name: 'clusterCodeVersion' }],
      os: 'windows',
      osAssumed: false,
      supports: 'no',
    });
    // Without the workspace, the default 7.2.477.9590 counts, and the OS parameter has no value.
    assert.deepEqual(hoverInfo(template, at)?.version, {
      value: '7.2.477.9590',
      source: 'parameter-default',
      steps: [{ kind: 'parameter', name: 'clusterCodeVersion' }],
      os: undefined,
      osAssumed: false,
      supports: 'yes',
    });
  });

  it('says unknown when the OS is unknown and the version lies between the two minimums', () => {
    assert.deepEqual(hoverAt(versions, '"clusterCodeVersion": "6.5.500.1"')?.version, {
      value: '6.5.500.1',
      source: 'literal',
      steps: [],
      os: undefined,
      osAssumed: false,
      supports: 'unknown',
    });
  });

  it('takes the value a nested deployment passes, not the inner default', () => {
    assert.deepEqual(hoverAt(versions, '"clusterCodeVersion": "[parameters(\'v\')]"')?.version, {
      value: '6.4.676.9590',
      source: 'nested-deployment-value',
      steps: [{ kind: 'parameter', name: 'v' }],
      os: 'windows',
      osAssumed: false,
      supports: 'no',
    });
  });

  it('matches section and parameter names case-insensitively, as Service Fabric does', () => {
    assert.equal(hoverAt(versions, '"managedidentitytokenservice"')?.topic, 'token-service-section');
    assert.equal(hoverAt(versions, '"ISENABLED"')?.topic, 'is-enabled');
    assert.match(hoverAt(versions, '"forceRestart": true')!.state!, /roll it back to false/);
  });

  it('on upgradeMode without clusterCodeVersion, says the version is not set', () => {
    const text = template([cluster({ upgradeMode: 'Automatic', fabricSettings: ENABLED })]);
    assert.deepEqual(hoverAt(text, '"upgradeMode"')?.version, { source: 'absent', steps: [], os: 'windows', osAssumed: true, supports: 'unknown' });
  });

  it('stays quiet elsewhere, outside clusters, in other JSON and in broken text', () => {
    const text = readExample('sf-version-too-low.json');
    assert.equal(hoverAt(text, '"reliabilityLevel"'), undefined);
    assert.equal(hoverAt(text, '"$schema"'), undefined);
    // A parameter declaration named clusterCodeVersion is not the cluster's property.
    assert.equal(hoverAt(text, '"clusterCodeVersion": {'), undefined);
    assert.equal(hoverInfo('{"upgradeMode": "Manual"}', 3), undefined);
    const managed = template([{ type: 'Microsoft.ServiceFabric/managedClusters', name: 'm', properties: { upgradeMode: 'Manual' } }]);
    assert.equal(hoverAt(managed, '"upgradeMode"'), undefined);
  });

  it('still answers while the template is being typed, and never throws on broken text', () => {
    const text = readExample('sf-version-too-low.json');
    const cut = text.slice(0, text.indexOf('"managementEndpoint"'));
    assert.equal(hoverAt(cut, '"clusterCodeVersion": "[')?.topic, 'cluster-code-version');
    for (let end = 0; end < text.length; end += 97) {
      const broken = text.slice(0, end);
      for (let offset = 0; offset <= broken.length; offset += 31) hoverInfo(broken, offset);
    }
  });
});
