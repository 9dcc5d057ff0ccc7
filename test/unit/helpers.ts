import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { analyzeTemplate, type Finding } from '../../server/src/analysis';

export const ROOT = join(__dirname, '..', '..', '..');

export function readFixture(name: string): string {
  return readFileSync(join(ROOT, 'test', 'fixtures', name), 'utf8');
}

export function readExample(name: string): string {
  return readFileSync(join(ROOT, 'examples', name), 'utf8');
}

/** A finding as a person reads it in the editor: code, severity, and 1-based line and column. */
export interface Seen {
  code: string;
  severity: string;
  line: number;
  column: number;
}

export function position(text: string, offset: number): { line: number; column: number } {
  const document = TextDocument.create('file:///t.json', 'json', 0, text);
  const { line, character } = document.positionAt(offset);
  return { line: line + 1, column: character + 1 };
}

export function seen(text: string, findings: Finding[] = analyzeTemplate(text).findings): Seen[] {
  return findings.map((finding) => ({ code: finding.code, severity: finding.severity, ...position(text, finding.range.offset) }));
}

/** The text of the range a finding covers. */
export function covered(text: string, finding: Finding): string {
  return text.substring(finding.range.offset, finding.range.offset + finding.range.length);
}

/** An ARM template around the given resources, as compact as a test needs. */
export function template(resources: unknown[], extra: Record<string, unknown> = {}): string {
  return JSON.stringify(
    {
      $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
      contentVersion: '1.0.0.0',
      ...extra,
      resources,
    },
    null,
    2,
  );
}

/** A classic cluster resource with the given properties. */
export function cluster(properties: Record<string, unknown> | undefined, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'Microsoft.ServiceFabric/clusters',
    apiVersion: '2021-06-01',
    name: 'c1',
    location: 'westeurope',
    ...extra,
    ...(properties === undefined ? {} : { properties }),
  };
}

export const ENABLED = [{ name: 'ManagedIdentityTokenService', parameters: [{ name: 'IsEnabled', value: 'true' }] }];
