import * as assert from 'node:assert/strict';
import { applyEdits, parse, type ParseError } from 'jsonc-parser';
import { analyzeTemplate, completionsAt, STANDALONE_PARAMETERS, type CompletionData } from '../../server/src/analysis';
import { readExample } from './helpers';

const SCHEMA = 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#';

/** A template with one classic cluster whose `properties` are given as text, with `|` as the cursor. */
function at(properties: string): { text: string; offset: number } {
  const full = [
    '{',
    `  "$schema": "${SCHEMA}",`,
    '  "resources": [',
    '    {',
    '      "type": "Microsoft.ServiceFabric/clusters",',
    '      "name": "c1",',
    `      "properties": ${properties}`,
    '    }',
    '  ]',
    '}',
    '',
  ].join('\n');
  const offset = full.indexOf('|');
  return { text: full.replace('|', ''), offset };
}

/** What the editor does when the user picks a completion, with every placeholder left at its default. */
function accept(text: string, completion: CompletionData): string {
  const body = completion.snippet
    .replace(/\$\{\d+:([^}]*)\}/g, '$1')
    .replace(/\$\d+/g, '')
    .replace(/\\([\\$}])/g, '$1');
  return applyEdits(text, [...completion.additionalEdits, { ...completion.range, content: body }]);
}

function parseStrict(text: string): unknown {
  const errors: ParseError[] = [];
  const value = parse(text, errors, { allowTrailingComma: false, disallowComments: false });
  assert.deepEqual(errors, [], `not valid JSON:\n${text}`);
  return value;
}

const labels = (completions: CompletionData[]) => completions.map((c) => c.label);

describe('completion data', () => {
  it('offers the token service section in an empty fabricSettings, which then needs nothing more', () => {
    const { text, offset } = at('{\n        "fabricSettings": [\n          |\n        ]\n      }');
    const completions = completionsAt(text, offset);
    assert.deepEqual(labels(completions), ['ManagedIdentityTokenService section']);
    const result = accept(text, completions[0]);
    assert.equal(
      result,
      at(
        '{\n        "fabricSettings": [\n          {\n            "name": "ManagedIdentityTokenService",\n            "parameters": [\n' +
          '              {\n                "name": "IsEnabled",\n                "value": "true"\n              }\n            ]\n          }\n        ]\n      }',
      ).text,
    );
    assert.deepEqual(
      analyzeTemplate(result).findings.map((f) => f.code),
      [],
      'the token service is enabled, and nothing else is reported',
    );
  });

  it('adds the comma the previous section lacks, and one before a following section', () => {
    const after = at('{ "fabricSettings": [ { "name": "Security", "parameters": [] } | ] }');
    const first = accept(after.text, completionsAt(after.text, after.offset)[0]);
    assert.deepEqual((parseStrict(first) as any).resources[0].properties.fabricSettings.map((s: any) => s.name), ['Security', 'ManagedIdentityTokenService']);

    const before = at('{ "fabricSettings": [ | { "name": "Security", "parameters": [] } ] }');
    const second = accept(before.text, completionsAt(before.text, before.offset)[0]);
    assert.deepEqual((parseStrict(second) as any).resources[0].properties.fabricSettings.map((s: any) => s.name), ['ManagedIdentityTokenService', 'Security']);

    const between = at('{ "fabricSettings": [ { "name": "A", "parameters": [] }, | { "name": "B", "parameters": [] } ] }');
    const third = accept(between.text, completionsAt(between.text, between.offset)[0]);
    assert.deepEqual((parseStrict(third) as any).resources[0].properties.fabricSettings.map((s: any) => s.name), ['A', 'ManagedIdentityTokenService', 'B']);
  });

  it('replaces the string being typed, and fills an empty object', () => {
    const typing = at('{ "fabricSettings": [ "Manag|" ] }');
    const [completion] = completionsAt(typing.text, typing.offset);
    assert.equal(typing.text.substr(completion.range.offset, completion.range.length), '"Manag"');
    assert.ok(completion.filterText!.startsWith('"Manag'), 'the editor matches what was typed, quote included');
    parseStrict(accept(typing.text, completion));

    const object = at('{ "fabricSettings": [ {|} ] }');
    const [members] = completionsAt(object.text, object.offset);
    assert.deepEqual((parseStrict(accept(object.text, members)) as any).resources[0].properties.fabricSettings, [
      { name: 'ManagedIdentityTokenService', parameters: [{ name: 'IsEnabled', value: 'true' }] },
    ]);
  });

  it('does not offer the section twice, nor for managed clusters', () => {
    const present = at('{ "fabricSettings": [ { "name": "managedIdentityTokenService", "parameters": [] }, | ] }');
    assert.deepEqual(completionsAt(present.text, present.offset), []);
    const managed = at('{ "fabricSettings": [ | ] }');
    const text = managed.text.replace('Microsoft.ServiceFabric/clusters', 'Microsoft.ServiceFabric/managedClusters');
    assert.deepEqual(completionsAt(text, managed.offset + 7), []);
  });

  it('offers the known parameters of the section, without those it has', () => {
    const { text, offset } = at('{ "fabricSettings": [ { "name": "ManagedIdentityTokenService", "parameters": [ { "name": "StandaloneTenantId", "value": "x" } | ] } ] }');
    const completions = completionsAt(text, offset);
    assert.deepEqual(labels(completions), [
      'IsEnabled',
      'RunInStandaloneMode',
      'StandalonePrincipalId',
      'StandaloneSendX509',
      'StandaloneX509CredentialFindType',
      'StandaloneX509CredentialFindValue',
    ]);
    assert.equal(STANDALONE_PARAMETERS.length, 6);
    const parameters = (parseStrict(accept(text, completions[0])) as any).resources[0].properties.fabricSettings[0].parameters;
    assert.deepEqual(parameters, [
      { name: 'StandaloneTenantId', value: 'x' },
      { name: 'IsEnabled', value: 'true' },
    ]);
  });

  it('offers no parameters in another section', () => {
    const { text, offset } = at('{ "fabricSettings": [ { "name": "Security", "parameters": [ | ] } ] }');
    assert.deepEqual(completionsAt(text, offset), []);
  });

  it('offers the documented upgrade policy, and each of its properties the description lacks', () => {
    const { text, offset } = at('{\n        "upgradeDescription": {\n          "upgradeTimeout": "01:00:00",\n          |\n        }\n      }');
    const completions = completionsAt(text, offset);
    assert.deepEqual(labels(completions), [
      'Documented upgrade policy for enabling managed identities',
      'forceRestart',
      'healthCheckRetryTimeout',
      'healthCheckStableDuration',
      'healthCheckWaitDuration',
      'upgradeDomainTimeout',
      'upgradeReplicaSetCheckTimeout',
      'healthPolicy',
    ]);
    const policy = (parseStrict(accept(text, completions[0])) as any).resources[0].properties.upgradeDescription;
    assert.deepEqual(policy, {
      upgradeTimeout: '01:00:00',
      forceRestart: true,
      healthCheckRetryTimeout: '00:45:00',
      healthCheckStableDuration: '00:05:00',
      healthCheckWaitDuration: '00:05:00',
      upgradeDomainTimeout: '02:00:00',
      upgradeReplicaSetCheckTimeout: '1.00:00:00',
      healthPolicy: { maxPercentUnhealthyApplications: 0, maxPercentUnhealthyNodes: 0 },
    });
    const forceRestart = accept(text, completions[1]);
    assert.equal(
      forceRestart,
      at('{\n        "upgradeDescription": {\n          "upgradeTimeout": "01:00:00",\n          "forceRestart": true\n        }\n      }').text,
    );
  });

  it('adds a comma after the property before it, and before the property after it', () => {
    const { text, offset } = at('{ "upgradeDescription": { "upgradeTimeout": "01:00:00" | } }');
    const force = completionsAt(text, offset).find((c) => c.label === 'forceRestart')!;
    assert.deepEqual((parseStrict(accept(text, force)) as any).resources[0].properties.upgradeDescription, { upgradeTimeout: '01:00:00', forceRestart: true });

    const first = at('{ "upgradeDescription": { | "upgradeTimeout": "01:00:00" } }');
    const policy = completionsAt(first.text, first.offset)[0];
    assert.equal(Object.keys((parseStrict(accept(first.text, policy)) as any).resources[0].properties.upgradeDescription).length, 8);
  });

  it('keeps CRLF line endings and tab indentation', () => {
    const { text } = at('{\n        "fabricSettings": [\n          |\n        ]\n      }');
    const crlfTabs = text.replace(/\n/g, '\r\n').replace(/^( +)/gm, (spaces) => '\t'.repeat(spaces.length / 2));
    const crlfOffset = crlfTabs.indexOf('[\r\n\t\t\t\t\t') + 8;
    const [completion] = completionsAt(crlfTabs, crlfOffset);
    const result = accept(crlfTabs, completion);
    assert.ok(!/[^\r]\n/.test(result), 'every line ends in CRLF');
    assert.ok(result.includes('\r\n\t\t\t\t\t\t"name": "ManagedIdentityTokenService",\r\n'), result);
    parseStrict(result);
  });

  it('offers nothing outside these places, in other JSON, or on a key that already has a value', () => {
    const text = readExample('sf-mits-missing.json');
    assert.deepEqual(completionsAt(text, text.indexOf('"resources"')), []);
    assert.deepEqual(completionsAt('{"fabricSettings": []}', 20), []);
    const key = at('{ "upgradeDescription": { "upgr|": "01:00:00" } }');
    assert.deepEqual(completionsAt(key.text, key.offset), []);
  });
});
