import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * The rule pages that ship beside the bundles (`dist/../docs/rules/<code>.md`), as file URIs,
 * so that a diagnostic's link opens offline.
 */
export function bundledRuleDocsUri(code: string): string {
  return pathToFileURL(join(__dirname, '..', 'docs', 'rules', `${code}.md`)).toString();
}
