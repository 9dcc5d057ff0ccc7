import { MarkupKind, type Hover } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { HoverInfo, VersionSupport } from '../analysis';
import { MINIMUM_VERSION } from '../analysis/cluster-version';
import { toRange, type RuleDocsUri } from './diagnostics';

const OS_NAME = { windows: 'Windows', linux: 'Linux' } as const;

/** The Markdown hover for what the analysis found under the cursor. */
export function toHover(document: TextDocument, info: HoverInfo, docsUri: RuleDocsUri): Hover {
  const lines = [info.explanation];
  if (info.state) lines.push('', info.state);
  if (info.version) lines.push('', ...versionLines(info.version));
  lines.push('', `[${info.ruleCode}](${docsUri(info.ruleCode)})`);
  return { contents: { kind: MarkupKind.Markdown, value: lines.join('\n') }, range: toRange(document, info.range) };
}

function versionLines(version: VersionSupport): string[] {
  const os = version.os ? OS_NAME[version.os] : undefined;
  const value =
    version.source === 'absent'
      ? 'clusterCodeVersion: not set in this cluster'
      : version.value === undefined
        ? `clusterCodeVersion: unknown (${version.expression ? `${code(version.expression)} is not resolved by this analysis` : 'not a string'})`
        : `clusterCodeVersion: ${code(version.value)}, ${origin(version)}`;
  const system = !os
    ? 'OS: unknown (vmImage is not resolved)'
    : version.osAssumed
      ? `OS: ${os} (assumed: the cluster has no vmImage)`
      : `OS: ${os} (from vmImage)`;
  const minimum = version.os ? `${MINIMUM_VERSION[version.os].display} on ${os}` : `${MINIMUM_VERSION.windows.display} on Windows, ${MINIMUM_VERSION.linux.display} on Linux`;
  const supports =
    version.supports === 'yes'
      ? `Managed Identity Token Service: **supported** (6.5 CU2 or later: ${minimum})`
      : version.supports === 'no'
        ? `Managed Identity Token Service: **not supported**, older than 6.5 CU2 (${minimum})`
        : `Managed Identity Token Service: **unknown** (needs 6.5 CU2 or later: ${minimum})`;
  return [`- ${value}`, `- ${system}`, `- ${supports}`];
}

function origin(version: VersionSupport): string {
  const steps = version.steps.map((step) => `${step.kind} ${code(step.name)}`);
  const last = steps.pop();
  const via = steps.map((step) => `${step} → `).join('');
  switch (version.source) {
    case 'literal':
      return 'written here';
    case 'parameter-default':
      return `from ${via}the default value of ${last} (a parameter file or the deployment may pass another)`;
    case 'nested-deployment-value':
      return `from ${via}the value a nested deployment passes to ${last}`;
    case 'parameter-file':
      return `from ${via}the value of ${last} in the parameter file ${code(version.parameterFile ?? '')}`;
    case 'expression':
      return `computed by ${version.expression ? code(version.expression) : 'an expression'}${steps.length || last ? ` from ${[...steps, last].join(', ')}` : ''}`;
    default:
      return `from ${via}${last}`;
  }
}

/** Inline code that survives backticks in the value. */
function code(text: string): string {
  const fence = text.includes('`') ? '``' : '`';
  return `${fence}${text}${fence}`;
}
