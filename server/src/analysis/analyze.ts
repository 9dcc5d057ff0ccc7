import { parseTree, printParseErrorCode, visit, type Node, type ParseError } from 'jsonc-parser';
import { mayMentionServiceFabric, readSelectiveTree } from './fast-tree';
import { propertyValue } from './json-nodes';
import { RULES } from './rules';
import { buildTemplateContext } from './template-context';
import { isDeploymentTemplateSchema } from './template-model';
import type { AnalysisResult, Finding } from './types';

/** ARM accepts comments and trailing commas in templates. */
export const PARSE_OPTIONS = { allowTrailingComma: true, disallowComments: false, allowEmptyContent: true };
/** Finds a deployment template `$schema` in text that could not be parsed. */
const SCHEMA_IN_TEXT = /"\$schema"\s*:\s*"https?:\/\/schema\.management\.azure\.com\/schemas\/[^/"]+\/(?:deploymentTemplate|subscriptionDeploymentTemplate|tenantDeploymentTemplate|managementGroupDeploymentTemplate)\.json#?"/i;

/** A fresh result each time: callers may change the result they get. */
const notATemplate = (): AnalysisResult => ({ isTemplate: false, findings: [] });

/**
 * Analyses one document. Documents that are not ARM deployment templates get no findings;
 * templates that cannot be read get one problem that says where and why.
 *
 * Reads the text once, without recursion, and builds nodes only for what the rules can use
 * (fast-tree.ts). A template that never mentions Service Fabric only has its syntax and
 * `$schema` checked. The results are those of `analyzeTemplateFullTree`.
 */
export function analyzeTemplate(text: string): AnalysisResult {
  const serviceFabric = mayMentionServiceFabric(text);
  const tree = readSelectiveTree(text, serviceFabric ? 'relevant' : 'schema');
  if (!tree.ok) return analyzeInvalidText(text);
  const root = tree.root;
  if (root?.type !== 'object' || !isDeploymentTemplateSchema(propertyValue(root, '$schema')?.value)) return notATemplate();
  // Without a Service Fabric type there is no cluster and no application, so no finding.
  if (!serviceFabric) return { isTemplate: true, findings: [] };
  return checkRules(root);
}

/**
 * The straightforward analysis: jsonc-parser's parseTree of the whole text, then the rules.
 * Kept as the reference that the fast path is tested against.
 */
export function analyzeTemplateFullTree(text: string): AnalysisResult {
  const errors: ParseError[] = [];
  let root: Node | undefined;
  try {
    root = parseTree(text, errors, PARSE_OPTIONS);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    // jsonc-parser recurses once per nesting level and overflows at about 10,000 levels.
    return SCHEMA_IN_TEXT.test(text) ? tooDeep() : notATemplate();
  }
  if (root?.type !== 'object' || !isDeploymentTemplateSchema(propertyValue(root, '$schema')?.value)) {
    return notATemplate();
  }
  if (errors.length > 0) return invalidJson(errors[0], text.length);
  return checkRules(root);
}

const tooDeep = (): AnalysisResult => ({
  isTemplate: true,
  findings: [],
  problem: {
    kind: 'too-deep',
    message: 'This template is nested too deeply to analyse, so it was not checked for managed identity readiness.',
    range: { offset: 0, length: 0 },
  },
});

function invalidJson(first: ParseError, textLength: number): AnalysisResult {
  return {
    isTemplate: true,
    findings: [],
    problem: {
      kind: 'invalid-json',
      message: `This template is not valid JSON here (${printParseErrorCode(first.error)}), so it was not checked for managed identity readiness.`,
      // jsonc-parser reports an error at the end of the text (an unterminated comment or
      // string, a missing bracket) with a range past the end; keep it inside the text.
      range: clampRange(first.offset, first.length, textLength),
    },
  };
}

function checkRules(root: Node): AnalysisResult {
  try {
    const context = buildTemplateContext(root);
    return { isTemplate: true, findings: dedupe(RULES.flatMap((rule) => rule.check(context))) };
  } catch (error) {
    // The model walks child resources and nested deployments recursively; only resources
    // nested thousands of levels deep in each other can exhaust the stack.
    if (error instanceof RangeError) return tooDeep();
    throw error;
  }
}

/**
 * Text with a syntax error: jsonc-parser's own scan (no tree) gives the first error and the
 * `$schema` of the tree that parseTree would recover, so the result is parseTree's.
 */
function analyzeInvalidText(text: string): AnalysisResult {
  let first: ParseError | undefined;
  let depth = 0;
  let rootIsObject = false;
  let key: string | undefined;
  let schema: unknown;
  const value = (literal: unknown) => {
    if (depth === 1 && key === '$schema') schema = literal;
  };
  const begin = (isObject: boolean) => () => {
    if (depth === 0) rootIsObject = isObject;
    value(undefined);
    depth++;
  };
  const end = () => {
    depth--;
  };
  try {
    visit(
      text,
      {
        onObjectBegin: begin(true),
        onArrayBegin: begin(false),
        onObjectEnd: end,
        onArrayEnd: end,
        onObjectProperty: (name) => {
          if (depth === 1) key = name.toLowerCase();
        },
        onLiteralValue: value,
        onError: (error, offset, length) => {
          first ??= { error, offset, length };
        },
      },
      PARSE_OPTIONS,
    );
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    return SCHEMA_IN_TEXT.test(text) ? tooDeep() : notATemplate();
  }
  if (!rootIsObject || !isDeploymentTemplateSchema(schema)) return notATemplate();
  // The fast reader and jsonc-parser disagree about an error: trust the full tree.
  if (!first) return analyzeTemplateFullTree(text);
  return invalidJson(first, text.length);
}

function clampRange(offset: number, length: number, textLength: number): { offset: number; length: number } {
  const start = Math.min(Math.max(0, offset), textLength);
  return { offset: start, length: Math.max(0, Math.min(length, textLength - start)) };
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
