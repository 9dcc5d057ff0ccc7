// Every fabricSettings parameter value is a string in the resource schema; `true` or `5` is not one, and Service Fabric reads the setting as text.
import { members, propertyValue } from '../json-nodes';
import { changeAt, findingAt, writtenText } from '../source-documents';
import type { Finding } from '../types';
import type { Rule } from './rule';
import { origin } from './value-origin';

export const sfSettingNotString: Rule = {
  id: 'sf-setting-not-string',
  defaultSeverity: 'warning',
  description: 'A fabricSettings parameter value is a boolean or a number, where the schema requires a string.',
  check({ clusters }) {
    const findings: Finding[] = [];
    for (const cluster of clusters) {
      const { node, scope } = cluster.entry;
      const settings = scope.resolve(propertyValue(propertyValue(node, 'properties'), 'fabricSettings'));
      if (settings?.node.type !== 'array') continue;
      for (const section of members(settings.node)) {
        const sectionName = scope.resolveString(propertyValue(section, 'name'));
        const parameters = scope.resolve(propertyValue(section, 'parameters'));
        if (parameters?.node.type !== 'array') continue;
        for (const parameter of members(parameters.node)) {
          const valueNode = propertyValue(parameter, 'value');
          const value = scope.resolve(valueNode);
          if (!valueNode || !value || (value.node.type !== 'boolean' && value.node.type !== 'number')) continue;
          // The number as it is written (`1.50`, not `1.5`), so that quoting it changes nothing else.
          const text = value.node.type === 'number' ? writtenText(value.node) ?? String(value.node.value) : String(value.node.value);
          const name = scope.resolveString(propertyValue(parameter, 'name'));
          const where = name && sectionName ? `${sectionName}/${name}` : 'This fabricSettings parameter';
          findings.push({
            code: sfSettingNotString.id,
            severity: 'warning',
            message:
              `${where} is the ${value.node.type} ${text}, but fabricSettings parameter values are strings in the cluster resource schema. ` +
              `Tools that validate against the schema reject it, and Service Fabric reads every setting as text. Write it as the string "${text}".`,
            ...findingAt(valueNode),
            related: origin(value.steps, text),
            fixes: [{ title: `Write the value as the string "${text}"`, isPreferred: true, changes: [changeAt(value.node, text)] }],
          });
        }
      }
    }
    return findings;
  },
};
