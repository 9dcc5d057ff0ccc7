import { parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import { propertyValue } from './json-nodes';
import { RULES } from './rules';
import { registerDocument } from './source-documents';
import { buildTemplateContext } from './template-context';
import { isDeploymentTemplateSchema } from './template-model';
import type { AnalysisResult, Finding } from './types';

/** ARM accepts comments and trailing commas in templates. */
const PARSE_OPTIONS = { allowTrailingComma: true, disallowComments: false, allowEmptyContent: true };
/** Finds a deployment template `$schema` in text that could not be parsed. */
const SCHEMA_IN_TEXT = /"\$schema"\s*:\s*"https?:\/\/schema\.management\.azure\.com\/schemas\/[^/"]+\/(?:deploymentTemplate|subscriptionDeploymentTemplate|tenantDeploymentTemplate|managementGroupDeploymentTemplate)\.json#?"/i;

/**
 * Analyses one document. Documents that are not ARM deployment templates get no findings;
 * templates that cannot be read get one problem that says where and why.
 */
export function analyzeTemplate(text: string): AnalysisResult {
  const errors: ParseError[] = [];
  let root: Node | undefined;
  try {
    root = parseTree(text, errors, PARSE_OPTIONS);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    // jsonc-parser recurses once per nesting level and overflows at about 10,000 levels.
    if (!SCHEMA_IN_TEXT.test(text)) return { isTemplate: false, findings: [] };
    return {
      isTemplate: true,
      findings: [],
      problem: {
        kind: 'too-deep',
        message: 'This template is nested too deeply to analyse, so it was not checked for managed identity readiness.',
        range: { offset: 0, length: 0 },
      },
    };
  }
  if (root?.type !== 'object' || !isDeploymentTemplateSchema(propertyValue(root, '$schema')?.value)) {
    return { isTemplate: false, findings: [] };
  }
  if (errors.length > 0) {
    const first = errors[0];
    return {
      isTemplate: true,
      findings: [],
      problem: {
        kind: 'invalid-json',
        message: `This template is not valid JSON here (${printParseErrorCode(first.error)}), so it was not checked for managed identity readiness.`,
        range: { offset: first.offset, length: first.length },
      },
    };
  }
  registerDocument(root, { text });
  const context = buildTemplateContext(root);
  return { isTemplate: true, findings: dedupe(RULES.flatMap((rule) => rule.check(context))) };
}

/** Clusters that share a parameter would otherwise report the same place twice. */
function dedupe(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((finding) => {
    const key = `${finding.code}@${finding.range.offset}:${finding.range.length}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
