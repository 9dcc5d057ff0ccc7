import * as fc from 'fast-check';

export const SCHEMA = 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#';

/** Any JSON value, small. */
export const anyJson: fc.Arbitrary<unknown> = fc.jsonValue({ maxDepth: 3 });

/** Mostly the right kind of value, sometimes anything at all. */
function maybe<T>(good: fc.Arbitrary<T>): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 4, arbitrary: good }, { weight: 1, arbitrary: anyJson });
}

const setting = fc.record(
  {
    name: maybe(fc.constantFrom('ManagedIdentityTokenService', 'managedIdentityTokenService', 'Security', "[parameters('section')]")),
    parameters: maybe(
      fc.array(
        fc.record(
          {
            name: maybe(fc.constantFrom('IsEnabled', 'isEnabled', 'Other')),
            value: maybe(fc.constantFrom('true', 'false', 'True', '', "[parameters('enabled')]", "[variables('enabled')]")),
          },
          { requiredKeys: [] },
        ),
        { maxLength: 3 },
      ),
    ),
  },
  { requiredKeys: [] },
);

/** A Service Fabric cluster whose every field may be missing, right, wrong, or of the wrong type. */
export const cluster: fc.Arbitrary<Record<string, unknown>> = fc.record(
  {
    type: maybe(
      fc.constantFrom('Microsoft.ServiceFabric/clusters', 'microsoft.servicefabric/CLUSTERS', "[variables('clusterType')]", 'Microsoft.ServiceFabric/managedClusters'),
    ),
    apiVersion: maybe(fc.constantFrom('2021-06-01', '2019-03-01', '2018-02-01')),
    name: maybe(fc.string({ maxLength: 10 })),
    location: maybe(fc.constant("[resourceGroup().location]")),
    existing: fc.option(fc.boolean(), { nil: undefined }),
    properties: maybe(
      fc.record(
        {
          fabricSettings: maybe(fc.array(setting, { maxLength: 3 })),
          clusterCodeVersion: maybe(fc.constantFrom('6.5.658.9590', '6.4.617.9590', '7.2.477.9590', '6.5.460.1', 'abc', "[parameters('version')]")),
          upgradeMode: maybe(fc.constantFrom('Manual', 'Automatic', 'manual')),
          vmImage: maybe(fc.constantFrom('Windows', 'Linux')),
          upgradeDescription: maybe(fc.record({ forceRestart: maybe(fc.constantFrom(true, false, 'true', "[parameters('force')]")) }, { requiredKeys: [] })),
        },
        { requiredKeys: [] },
      ),
    ),
  },
  { requiredKeys: [] },
);

const parameters = fc.dictionary(
  fc.constantFrom('section', 'enabled', 'version', 'force', 'clusterType', 'x'),
  fc.record({ type: maybe(fc.constantFrom('string', 'bool', 'object')), defaultValue: anyJson }, { requiredKeys: [] }),
  { maxKeys: 4 },
);
const variables = fc.dictionary(fc.constantFrom('enabled', 'clusterType', 'version', 'y'), anyJson, { maxKeys: 4 });

/** A resource: a cluster, anything at all (numbers, strings, null), or a nested deployment. */
const resource: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  resource: fc.oneof(
    { weight: 5, arbitrary: cluster },
    { weight: 2, arbitrary: anyJson },
    { weight: 1, arbitrary: fc.integer() },
    { weight: 1, arbitrary: fc.record({ type: fc.constant('Microsoft.ServiceFabric/clusters'), resources: fc.array(tie('resource'), { maxLength: 2 }) }) },
    {
      weight: 1,
      arbitrary: fc.record({
        type: fc.constant('Microsoft.Resources/deployments'),
        apiVersion: fc.constant('2022-09-01'),
        properties: fc.record(
          {
            expressionEvaluationOptions: maybe(fc.record({ scope: fc.constantFrom('inner', 'outer', 'Inner') })),
            parameters: maybe(fc.dictionary(fc.constantFrom('enabled', 'version'), fc.record({ value: anyJson }), { maxKeys: 2 })),
            template: maybe(
              fc.record({ $schema: fc.constant(SCHEMA), parameters: maybe(parameters), resources: maybe(fc.array(tie('resource'), { maxLength: 2 })) }, { requiredKeys: ['resources'] }),
            ),
          },
          { requiredKeys: [] },
        ),
      }),
    },
  ),
})).resource;

/** A template that an ARM author, a typo, or an attacker might write. */
export const hostileTemplate: fc.Arbitrary<Record<string, unknown>> = fc.record(
  {
    $schema: fc.oneof({ weight: 6, arbitrary: fc.constant(SCHEMA) }, { weight: 1, arbitrary: anyJson }, { weight: 1, arbitrary: fc.constant(` ${SCHEMA.toUpperCase()} `) }),
    contentVersion: maybe(fc.constant('1.0.0.0')),
    languageVersion: fc.option(fc.constant('2.0'), { nil: undefined }),
    parameters: maybe(parameters),
    variables: maybe(variables),
    resources: fc.oneof(
      { weight: 6, arbitrary: fc.array(resource, { maxLength: 4 }) },
      { weight: 2, arbitrary: fc.dictionary(fc.string({ minLength: 1, maxLength: 6 }), resource, { maxKeys: 3 }) },
      { weight: 1, arbitrary: anyJson },
    ),
  },
  { requiredKeys: ['$schema'] },
);

/**
 * Duplicated keys: every property whose key is in `keys` is written twice, once with a decoy
 * value. JSON.parse (and ARM) keep the last one.
 */
export interface Duplication {
  keys: string[];
  decoy: unknown;
  decoyLast: boolean;
}

export const duplication: fc.Arbitrary<Duplication> = fc.record({
  keys: fc.subarray(['$schema', 'resources', 'type', 'properties', 'fabricSettings', 'name', 'parameters', 'value', 'clusterCodeVersion', 'upgradeMode', 'upgradeDescription', 'forceRestart', 'defaultValue', 'variables']),
  decoy: anyJson,
  decoyLast: fc.boolean(),
});

/** JSON text of `value` with the duplicated keys of `dup`. */
export function writeWithDuplicates(value: unknown, dup: Duplication, indent = ''): string {
  if (Array.isArray(value)) {
    return `[${value.map((v) => writeWithDuplicates(v, dup, indent)).join(', ')}]`;
  }
  if (value !== null && typeof value === 'object') {
    const parts: string[] = [];
    for (const [key, v] of Object.entries(value)) {
      if (v === undefined) continue;
      const real = `${JSON.stringify(key)}: ${writeWithDuplicates(v, dup, indent)}`;
      if (dup.keys.includes(key)) {
        const decoy = `${JSON.stringify(key)}: ${JSON.stringify(dup.decoy)}`;
        parts.push(...(dup.decoyLast ? [real, decoy] : [decoy, real]));
      } else {
        parts.push(real);
      }
    }
    return `{${parts.join(', ')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** Nesting: `depth` arrays or objects around a value, placed at one of the spots ARM reads. */
export function nested(depth: number, kind: 'array' | 'object', placement: 'root' | 'resources' | 'cluster-properties' | 'variables'): string {
  const open = kind === 'array' ? '[' : '{"a":';
  const close = kind === 'array' ? ']' : '}';
  const deep = open.repeat(depth) + '1' + close.repeat(depth);
  const cluster = (properties: string) =>
    `{"type": "Microsoft.ServiceFabric/clusters", "apiVersion": "2021-06-01", "name": "c", "properties": ${properties}}`;
  const plain = cluster('{"fabricSettings": []}');
  switch (placement) {
    case 'root':
      return deep;
    case 'resources':
      return `{"$schema": "${SCHEMA}", "resources": [${plain}, ${deep}]}`;
    case 'cluster-properties':
      return `{"$schema": "${SCHEMA}", "resources": [${cluster(`{"fabricSettings": [], "deep": ${deep}}`)}]}`;
    case 'variables':
      return `{"$schema": "${SCHEMA}", "variables": {"v": ${deep}}, "resources": [${plain}]}`;
  }
}
