import * as assert from 'node:assert/strict';
import { analyzeTemplate, applyFix, enablePlan, enableTargets } from '../../server/src/analysis';
import { cluster, ENABLED, readExample, template } from './helpers';

/** The plan for the only cluster that needs one, applied to the text. */
function enableOnly(text: string): { result: string; message: string } {
  const targets = enableTargets(text);
  assert.equal(targets.length, 1);
  const plan = enablePlan(text, targets[0].clusterOffset)!;
  return { result: applyFix(text, plan.fix)!, message: plan.message };
}

describe('enable managed identities on a cluster (one step)', () => {
  it('gives the result of the combined quick fix where the version is fine', () => {
    const text = readExample('sf-mits-missing.json');
    const [target] = enableTargets(text);
    assert.equal(text.substr(target.range.offset, target.range.length), '"Microsoft.ServiceFabric/clusters"');
    const { result, message } = enableOnly(text);
    assert.equal(result, readExample('sf-mits-missing.fixed.json'));
    assert.equal(
      message,
      'Enabled managed identities on this cluster: added the ManagedIdentityTokenService section with IsEnabled "true" to fabricSettings ' +
        'and added the documented upgrade policy with forceRestart true. ' +
        'Step 1: deploy the template; the cluster upgrade restarts every node and starts the Managed Identity Token Service. ' +
        'Step 2: once that upgrade has completed, set forceRestart back to false and deploy again, or every later upgrade restarts every node needlessly.',
    );
  });

  it('also raises a clusterCodeVersion that is too low, in one edit that keeps comments, tabs and CRLF', () => {
    const text = [
      '{',
      '\t"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",',
      '\t"resources": [',
      '\t\t{',
      '\t\t\t"type": "Microsoft.ServiceFabric/clusters", // the old one',
      '\t\t\t"name": "legacy",',
      '\t\t\t"properties": {',
      '\t\t\t\t"vmImage": "Linux",',
      '\t\t\t\t"clusterCodeVersion": "6.4.617.1", /* pinned */',
      '\t\t\t\t"fabricSettings": [],',
      '\t\t\t\t"upgradeDescription": { "forceRestart": false, "upgradeTimeout": "12:00:00" }',
      '\t\t\t}',
      '\t\t}',
      '\t]',
      '}',
      '',
    ].join('\r\n');
    const expected = [
      '{',
      '\t"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",',
      '\t"resources": [',
      '\t\t{',
      '\t\t\t"type": "Microsoft.ServiceFabric/clusters", // the old one',
      '\t\t\t"name": "legacy",',
      '\t\t\t"properties": {',
      '\t\t\t\t"vmImage": "Linux",',
      '\t\t\t\t"clusterCodeVersion": "6.5.460.1", /* pinned */',
      '\t\t\t\t"fabricSettings": [',
      '\t\t\t\t\t{',
      '\t\t\t\t\t\t"name": "ManagedIdentityTokenService",',
      '\t\t\t\t\t\t"parameters": [',
      '\t\t\t\t\t\t\t{',
      '\t\t\t\t\t\t\t\t"name": "IsEnabled",',
      '\t\t\t\t\t\t\t\t"value": "true"',
      '\t\t\t\t\t\t\t}',
      '\t\t\t\t\t\t]',
      '\t\t\t\t\t}',
      '\t\t\t\t],',
      '\t\t\t\t"upgradeDescription": { "forceRestart": true, "upgradeTimeout": "12:00:00" }',
      '\t\t\t}',
      '\t\t}',
      '\t]',
      '}',
      '',
    ].join('\r\n');
    const { result, message } = enableOnly(text);
    assert.equal(result, expected);
    assert.match(message, /^Enabled managed identities on cluster 'legacy': added the ManagedIdentityTokenService section .*, raised clusterCodeVersion to 6\.5\.460\.1 and set upgradeDescription\.forceRestart to true\. Step 1/);
    // Analysed again: the token service and the version are fine; forceRestart is on, as step 1 wants.
    assert.deepEqual(analyzeTemplate(result).findings.map((f) => f.code), ['sf-force-restart-on']);
    assert.deepEqual(enableTargets(result), [], 'no code lens once it is done');
  });

  it('raises a version held in a parameter default there, and says to check parameter files', () => {
    const text = readExample('sf-version-too-low.json').replace('"name": "ManagedIdentityTokenService"', '"name": "Security"');
    const { result, message } = enableOnly(text);
    assert.match(result, /"defaultValue": "6\.5\.658\.9590"/);
    assert.match(result, /"clusterCodeVersion": "\[parameters\('clusterCodeVersion'\)\]"/);
    assert.match(message, /If a parameter file sets clusterCodeVersion, raise it there too\.$/);
  });

  it('does not guess the OS: with vmImage unknown it leaves a too-low version and says what to do', () => {
    const text = template([cluster({ vmImage: "[parameters('image')]", clusterCodeVersion: '6.4.1.1', fabricSettings: [] })]);
    const { result, message } = enableOnly(text);
    assert.match(result, /"clusterCodeVersion": "6\.4\.1\.1"/);
    assert.match(message, /raise it to 6\.5\.658\.9590 \(Windows\) or 6\.5\.460\.1 \(Linux\), whichever this cluster runs/);
  });

  it('leaves forceRestart alone when it is already true', () => {
    const text = template([cluster({ fabricSettings: [], upgradeDescription: { forceRestart: true } })]);
    const { result, message } = enableOnly(text);
    assert.match(result, /"forceRestart": true/);
    assert.doesNotMatch(message, /forceRestart to true|forceRestart true\./);
  });

  it('offers nothing for clusters that are enabled or unknown, managed clusters, or invalid JSON', () => {
    assert.deepEqual(enableTargets(template([cluster({ fabricSettings: ENABLED })])), []);
    assert.deepEqual(enableTargets(template([cluster({ fabricSettings: "[variables('settings')]" })])), []);
    assert.deepEqual(enableTargets(template([{ type: 'Microsoft.ServiceFabric/managedClusters', name: 'm', properties: {} }])), []);
    const text = readExample('sf-mits-missing.json');
    assert.deepEqual(enableTargets(text.replace('"nodeTypes": []', '"nodeTypes": [')), []);
    assert.equal(enablePlan(text, 0), undefined, 'an offset that is no cluster');
  });

  it('finds each cluster that needs it', () => {
    const text = template([cluster({ fabricSettings: [] }, { name: 'a' }), cluster({ fabricSettings: ENABLED }, { name: 'b' }), cluster(undefined, { name: 'c' })]);
    assert.deepEqual(enableTargets(text).map((t) => t.label), ["Cluster 'a'", "Cluster 'c'"]);
  });
});
