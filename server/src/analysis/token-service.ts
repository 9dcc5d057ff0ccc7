import type { Node } from 'jsonc-parser';
import { changeAt } from './source-documents';
import { members, propertyValue } from './json-nodes';
import type { JsonChange } from './types';
import type { TemplateScope } from './template-scope';

export const SECTION_NAME = 'ManagedIdentityTokenService';
export const ENABLE_PARAMETER = 'IsEnabled';

/** Whether a cluster's fabricSettings enable the token service, and if not, how to enable it. */
export type TokenServiceState =
  | { state: 'enabled' }
  | { state: 'unknown' }
  | { state: 'missing'; reason: string; enable: JsonChange[] };

const ENABLED_SECTION = { name: SECTION_NAME, parameters: [{ name: ENABLE_PARAMETER, value: 'true' }] };

/**
 * Reads `properties.fabricSettings` of a classic cluster. Section and parameter names are
 * case-insensitive, as in Service Fabric's settings validator; the value must be the string
 * "true". Every IsEnabled in every matching section must say so.
 */
export function tokenServiceState(cluster: Node, scope: TemplateScope): TokenServiceState {
  const properties = propertyValue(cluster, 'properties');
  if (properties === undefined) {
    return {
      state: 'missing',
      reason: 'the cluster has no fabricSettings',
      enable: [changeAt(cluster, { fabricSettings: [ENABLED_SECTION] }, 'properties')],
    };
  }
  if (properties.type !== 'object') return { state: 'unknown' };
  const settingsNode = propertyValue(properties, 'fabricSettings');
  if (!settingsNode) {
    return {
      state: 'missing',
      reason: 'the cluster has no fabricSettings',
      enable: [changeAt(properties, [ENABLED_SECTION], 'fabricSettings')],
    };
  }
  const settings = scope.resolve(settingsNode);
  if (settings?.node.type !== 'array') return { state: 'unknown' };

  let unknown = false;
  const sections: Node[] = [];
  for (const section of members(settings.node)) {
    const name = scope.resolveString(propertyValue(section, 'name'));
    if (name === undefined) unknown = true;
    else if (name.toLowerCase() === SECTION_NAME.toLowerCase()) sections.push(section);
  }

  // Each IsEnabled that is not "true": its value node, or the parameter itself if it has no value.
  const notTrue: Array<{ value: Node } | { parameterWithoutValue: Node }> = [];
  let enableParameters = 0;
  let firstParameters: Node | undefined;
  for (const section of sections) {
    const parameters = scope.resolve(propertyValue(section, 'parameters'));
    if (propertyValue(section, 'parameters') && parameters?.node.type !== 'array') {
      unknown = true;
      continue;
    }
    firstParameters ??= parameters?.node;
    for (const parameter of members(parameters?.node)) {
      const name = scope.resolveString(propertyValue(parameter, 'name'));
      if (name === undefined) {
        unknown = true;
        continue;
      }
      if (name.toLowerCase() !== ENABLE_PARAMETER.toLowerCase()) continue;
      enableParameters++;
      const valueNode = propertyValue(parameter, 'value');
      const value = scope.resolve(valueNode);
      if (valueNode && !value) unknown = true;
      else if (!value) notTrue.push({ parameterWithoutValue: parameter });
      else if (value.node.value !== 'true') notTrue.push({ value: value.node });
    }
  }

  if (sections.length > 0 && enableParameters > 0 && notTrue.length === 0 && !unknown) return { state: 'enabled' };
  if (unknown) return { state: 'unknown' };

  if (sections.length === 0) {
    return {
      state: 'missing',
      reason: `fabricSettings has no ${SECTION_NAME} section`,
      enable: [changeAt(settings.node, ENABLED_SECTION, -1)],
    };
  }
  if (enableParameters === 0) {
    const section = sections[0];
    const enable: JsonChange = firstParameters
      ? changeAt(firstParameters, ENABLED_SECTION.parameters[0], -1)
      : changeAt(section, ENABLED_SECTION.parameters, 'parameters');
    return { state: 'missing', reason: `the ${SECTION_NAME} section has no ${ENABLE_PARAMETER} parameter`, enable: [enable] };
  }
  return {
    state: 'missing',
    reason: 'value' in notTrue[0]
      ? `${ENABLE_PARAMETER} is ${JSON.stringify(notTrue[0].value.value)}, not the string "true"`
      : `${ENABLE_PARAMETER} has no value`,
    enable: notTrue.map((entry) => ('value' in entry ? changeAt(entry.value, 'true') : changeAt(entry.parameterWithoutValue, 'true', 'value'))),
  };
}
