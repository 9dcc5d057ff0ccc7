import type { Node } from 'jsonc-parser';
import { UNKNOWN } from './expressions/values';
import { propertyValue } from './json-nodes';
import { changeAt } from './source-documents';
import type { JsonChange } from './types';
import type { ParameterUse, TemplateScope, Traced, ValueStep } from './template-scope';

export const SECTION_NAME = 'ManagedIdentityTokenService';
export const ENABLE_PARAMETER = 'IsEnabled';

/**
 * Whether a cluster's fabricSettings enable the token service, and if not, how to enable it.
 * `enable` is empty when the value to change is computed by an expression: a fix writes only
 * to JSON that is written literally, never over an expression. `steps` say where the settings
 * came from when they are not written on the cluster itself.
 */
export type TokenServiceState =
  | { state: 'enabled' }
  | { state: 'unknown' }
  | { state: 'missing'; reason: string; enable: JsonChange[]; steps: ValueStep[]; computed?: string };

const ENABLED_SECTION = { name: SECTION_NAME, parameters: [{ name: ENABLE_PARAMETER, value: 'true' }] };

/**
 * Reads `properties.fabricSettings` of a classic cluster, with its expressions evaluated.
 * Section and parameter names are case-insensitive, as in Service Fabric's settings
 * validator; the value must be the string "true". Every IsEnabled in every matching section
 * must say so.
 */
export function tokenServiceState(cluster: Node, scope: TemplateScope): TokenServiceState {
  const propertiesNode = propertyValue(cluster, 'properties');
  if (propertiesNode === undefined) {
    return {
      state: 'missing',
      reason: 'the cluster has no fabricSettings',
      enable: [changeAt(cluster, { fabricSettings: [ENABLED_SECTION] }, 'properties')],
      steps: [],
    };
  }
  const { result: properties, parameters: propertiesFrom } = scope.logParameters(() => scope.trace(propertiesNode));
  const { result: settings, parameters: settingsFrom } = scope.logParameters(() => properties.property('fabricSettings'));
  const dependsOn = new Map([...propertiesFrom, ...settingsFrom]);
  if (settings === undefined) {
    return {
      state: 'missing',
      reason: 'the cluster has no fabricSettings',
      enable: properties.node?.type === 'object' ? [changeAt(properties.node, [ENABLED_SECTION], 'fabricSettings')] : [],
      steps: properties.steps,
      computed: properties.node ? undefined : 'properties',
    };
  }
  const settingsValue = settings.value();
  if (settingsValue === null) {
    // `null` (often the false branch of an if()) means no settings at all.
    const literalNull = settings.node?.type === 'null';
    return {
      state: 'missing',
      reason: literalNull && settings.steps.length === 0 ? 'fabricSettings is null' : `fabricSettings evaluates to null${withDefaults(dependsOn)}`,
      enable: literalNull && settings.node ? [changeAt(settings.node, [ENABLED_SECTION])] : [],
      steps: settings.steps,
      computed: literalNull ? undefined : 'fabricSettings',
    };
  }
  const sectionsAll = settings.elements();
  if (!sectionsAll || settingsValue === UNKNOWN) return { state: 'unknown' };

  let unknown = false;
  const sections: Traced[] = [];
  for (const section of sectionsAll) {
    const name = section.property('name')?.value();
    if (typeof name !== 'string') unknown = true;
    else if (name.toLowerCase() === SECTION_NAME.toLowerCase()) sections.push(section);
  }

  // Each IsEnabled that is not "true": its value, or the parameter itself if it has no value.
  const notTrue: Array<{ value: Traced; shown: unknown } | { parameterWithoutValue: Traced }> = [];
  let enableParameters = 0;
  let firstParameters: Traced | undefined;
  for (const section of sections) {
    const parameters = section.property('parameters');
    if (parameters && !parameters.elements()) {
      unknown = true;
      continue;
    }
    firstParameters ??= parameters;
    for (const parameter of parameters?.elements() ?? []) {
      const name = parameter.property('name')?.value();
      if (typeof name !== 'string') {
        unknown = true;
        continue;
      }
      if (name.toLowerCase() !== ENABLE_PARAMETER.toLowerCase()) continue;
      enableParameters++;
      const value = parameter.property('value');
      const shown = value?.value();
      if (shown === UNKNOWN) unknown = true;
      else if (!value) notTrue.push({ parameterWithoutValue: parameter });
      else if (shown !== 'true') notTrue.push({ value, shown });
    }
  }

  if (sections.length > 0 && enableParameters > 0 && notTrue.length === 0 && !unknown) return { state: 'enabled' };
  if (unknown) return { state: 'unknown' };

  const computed = (traced: Traced | undefined, what: string) => (traced?.node ? undefined : what);
  if (sections.length === 0) {
    return {
      state: 'missing',
      reason: `fabricSettings has no ${SECTION_NAME} section`,
      enable: settings.node?.type === 'array' ? [changeAt(settings.node, ENABLED_SECTION, -1)] : [],
      steps: settings.steps,
      computed: computed(settings, 'fabricSettings'),
    };
  }
  if (enableParameters === 0) {
    const section = sections[0];
    let enable: JsonChange[] = [];
    if (firstParameters?.node?.type === 'array') enable = [changeAt(firstParameters.node, ENABLED_SECTION.parameters[0], -1)];
    else if (!firstParameters && section.node?.type === 'object') enable = [changeAt(section.node, ENABLED_SECTION.parameters, 'parameters')];
    return {
      state: 'missing',
      reason: `the ${SECTION_NAME} section has no ${ENABLE_PARAMETER} parameter`,
      enable,
      steps: (firstParameters ?? section).steps,
      computed: computed(firstParameters ?? section, `The ${SECTION_NAME} section`),
    };
  }
  const changes: JsonChange[] = [];
  let editable = true;
  for (const entry of notTrue) {
    if ('value' in entry) {
      if (entry.value.node) changes.push(changeAt(entry.value.node, 'true'));
      else editable = false;
    } else if (entry.parameterWithoutValue.node?.type === 'object') {
      changes.push(changeAt(entry.parameterWithoutValue.node, 'true', 'value'));
    } else {
      editable = false;
    }
  }
  const first = notTrue[0];
  return {
    state: 'missing',
    reason: 'value' in first ? `${ENABLE_PARAMETER} is ${JSON.stringify(first.shown)}, not the string "true"` : `${ENABLE_PARAMETER} has no value`,
    enable: editable ? changes : [],
    steps: 'value' in first ? first.value.steps : first.parameterWithoutValue.steps,
    computed: editable ? undefined : `The ${ENABLE_PARAMETER} value`,
  };
}

/**
 * " with the default value of parameter 'a'" (or "values of parameters 'a' and 'b'"), or ""
 * when no parameter was read. "default" only when every value read was a default.
 */
function withDefaults(parameters: Map<string, ParameterUse>): string {
  if (parameters.size === 0) return '';
  const names = [...parameters.keys()].map((name) => `'${name}'`);
  const list = names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
  const defaults = [...parameters.values()].every((use) => use === 'default') ? 'default ' : '';
  const plural = names.length > 1;
  return ` with the ${defaults}value${plural ? 's' : ''} of parameter${plural ? 's' : ''} ${list}`;
}
