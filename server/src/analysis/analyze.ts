import { parseTree, printParseErrorCode, visit, type Node, type ParseError } from 'jsonc-parser';
import { compareWithBaseline, type Baseline } from './baseline';
import { mayMentionServiceFabric, readRootSchema, readSelectiveTree } from './fast-tree';
import { analyzeManifest } from './manifest/analyze-manifest';
import { isApplicationManifestUri } from './manifest/parse-manifest';
import { propertyValue } from './json-nodes';
import { isParameterFileSchema, parameterFileFor, parameterValues, parseParameterFile, PARSE_OPTIONS, templateForParameterFile, unknownValues } from './parameter-files';
import { RULES } from './rules';
import { registerDocument } from './source-documents';
import { buildTemplateContext } from './template-context';
import { isDeploymentTemplateSchema, type LinkOptions } from './template-model';
import type { ParameterValues } from './template-scope';
import type { AnalysisResult, Finding, Fix } from './types';
import { basenameUri, sameUri, type WorkspaceHost } from './workspace-host';

/** Finds a deployment template `$schema` in text that could not be parsed. */
const SCHEMA_IN_TEXT = /"\$schema"\s*:\s*"https?:\/\/schema\.management\.azure\.com\/schemas\/[^/"]+\/(?:deploymentTemplate|subscriptionDeploymentTemplate|tenantDeploymentTemplate|managementGroupDeploymentTemplate)\.json#?"/i;

/** Where a document is, and how to reach the files beside it. Without them, it is analysed alone. */
export interface AnalyzeOptions {
  uri?: string;
  host?: WorkspaceHost;
  /** The template's last committed version: forceRestart advice then tells the two upgrade steps apart. */
  baseline?: Baseline;
}

/** A fresh result each time: callers may change the result they get. */
const notATemplate = (): AnalysisResult => ({ isTemplate: false, findings: [] });
/** A parameter file names its schema; only then is the full tree needed to pair it. */
const PARAMETER_SCHEMA_IN_TEXT = /deploymentParameters\.json/i;

/**
 * Analyses one document. Documents that are not ARM deployment templates get no findings;
 * templates that cannot be read get one problem that says where and why.
 */
export function analyzeTemplate(text: string): AnalysisResult {
  return analyzeDocument(text);
}

/**
 * Analyses a template with the values of its parameter file, or a parameter file with the
 * template it is for. Without a URI and a host, a template is analysed with its defaults alone
 * and a parameter file gets nothing.
 *
 * A template is read once, without recursion, and only what the rules can use becomes nodes
 * (fast-tree.ts); one that never mentions Service Fabric (nor, with a host, links another
 * template) only has its root `$schema` read, and its syntax is not checked. The results are
 * those of `analyzeTemplateFullTree`, which the tests check.
 */
export function analyzeDocument(text: string, options: AnalyzeOptions = {}): AnalysisResult {
  // An ApplicationManifest.xml is checked against the ARM applications of its type.
  if (options.uri !== undefined && isApplicationManifestUri(options.uri)) return analyzeManifest(text, options.host);
  const withHost = options.uri !== undefined && options.host !== undefined;
  // Parameter files are small and are paired through their whole tree.
  if (withHost && PARAMETER_SCHEMA_IN_TEXT.test(text)) return analyzeFullText(text, options, readTemplateFast);
  // A linked template can bring a cluster into a template that never names Service Fabric.
  const serviceFabric = mayMentionServiceFabric(text) || (withHost && /templatelink/i.test(text));
  // Without a Service Fabric type there is no cluster and no application, so no finding.
  if (!serviceFabric) return withoutServiceFabric(text);
  const tree = readSelectiveTree(text, 'relevant');
  if (!tree.ok) return analyzeInvalidText(text, options);
  const root = tree.root;
  if (root?.type !== 'object' || !isDeploymentTemplateSchema(propertyValue(root, '$schema')?.value)) return notATemplate();
  return analyzeTemplateRoot(root, text, options);
}

/**
 * A document that mentions no Service Fabric type (and links no template): whether it is a
 * template, and nothing else. Its syntax is not checked: no cluster can be in it whatever the
 * syntax, and VS Code's own JSON support reports syntax errors. Usually settled by reading up
 * to the root `$schema` (readRootSchema); otherwise the whole text is read for it.
 */
function withoutServiceFabric(text: string): AnalysisResult {
  const quick = readRootSchema(text);
  let isTemplate: boolean;
  if (quick.known) isTemplate = isDeploymentTemplateSchema(quick.schema);
  else {
    const tree = readSelectiveTree(text, 'schema', false);
    if (tree.ok) isTemplate = tree.root?.type === 'object' && isDeploymentTemplateSchema(propertyValue(tree.root, '$schema')?.value);
    else {
      const scan = scanInvalidText(text);
      isTemplate = scan === 'too-deep' ? SCHEMA_IN_TEXT.test(text) : scan.rootIsObject && isDeploymentTemplateSchema(scan.schema);
    }
  }
  return isTemplate ? { isTemplate: true, findings: [] } : notATemplate();
}

/**
 * The straightforward analysis: jsonc-parser's parseTree of the whole text, then the rules.
 * Kept as the reference that the fast path is tested against.
 */
export function analyzeTemplateFullTree(text: string): AnalysisResult {
  return analyzeFullText(text, {});
}

/**
 * The straightforward analysis of a template or a parameter file with a host: everything,
 * the template of a parameter file included, through jsonc-parser's parseTree. The reference
 * that the tests compare `analyzeDocument` with.
 */
export function analyzeDocumentFullTree(text: string, options: AnalyzeOptions = {}): AnalysisResult {
  return analyzeFullText(text, options);
}

/** How a parameter file's analysis reads its template: the root, and whether it had syntax errors. */
type TemplateReader = (text: string) => { root: Node | undefined; errors: boolean };

/** parseTree; a template nested too deeply to parse is no template here. */
const readTemplateFull: TemplateReader = (text) => {
  const errors: ParseError[] = [];
  try {
    return { root: parseTree(text, errors, PARSE_OPTIONS), errors: errors.length > 0 };
  } catch {
    return { root: undefined, errors: false };
  }
};

/**
 * The fast reader, which builds what the rules use; parseTree when it finds a syntax error
 * (so the outcome is parseTree's, also where the two would disagree).
 */
const readTemplateFast: TemplateReader = (text) => {
  const tree = readSelectiveTree(text, 'relevant', false);
  return tree.ok ? { root: tree.root, errors: false } : readTemplateFull(text);
};

function analyzeFullText(text: string, options: AnalyzeOptions, readTemplate: TemplateReader = readTemplateFull): AnalysisResult {
  const serviceFabric = mayMentionServiceFabric(text) || (options.uri !== undefined && options.host !== undefined && /templatelink/i.test(text));
  const errors: ParseError[] = [];
  let root: Node | undefined;
  try {
    root = parseTree(text, errors, PARSE_OPTIONS);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    // jsonc-parser recurses once per nesting level and overflows at about 10,000 levels.
    if (!SCHEMA_IN_TEXT.test(text)) return notATemplate();
    return serviceFabric ? tooDeep() : { isTemplate: true, findings: [] };
  }
  // A parameter file (what parseParameterFile checks, on the tree already parsed).
  if (root?.type === 'object' && options.uri !== undefined && options.host && isParameterFileSchema(propertyValue(root, '$schema')?.value)) {
    return analyzeParameterFile(text, root, errors, options.uri, options.host, readTemplate);
  }
  if (root?.type !== 'object' || !isDeploymentTemplateSchema(propertyValue(root, '$schema')?.value)) return notATemplate();
  // The same pre-check as the fast path: without Service Fabric (or a linked template) no rule
  // applies, and syntax errors are not reported.
  if (!serviceFabric) return { isTemplate: true, findings: [] };
  if (errors.length > 0) return { isTemplate: true, findings: [], problem: invalidJson(errors[0], 'template', text.length) };
  return analyzeTemplateRoot(root, text, options);
}

/** The rules over a template's tree, with its parameter file and linked templates where a host gives them. */
function analyzeTemplateRoot(root: Node, text: string, options: AnalyzeOptions): AnalysisResult {
  try {
    registerDocument(root, { uri: options.uri, text });
    const dependencies: string[] = [];
    const { values, parameterFile } = options.uri !== undefined && options.host ? templateParameterFile(root, options.uri, options.host, dependencies) : {};
    const findings = runRules(
      root,
      values,
      options.uri !== undefined && options.host ? { uri: options.uri, host: options.host, dependencies } : undefined,
      options.baseline,
    );
    return {
      isTemplate: true,
      findings: findings.map((finding) => inTemplate(finding, options.uri, parameterFile)),
      ...(dependencies.length ? { dependencies } : {}),
    };
  } catch (error) {
    // The model walks child resources and nested deployments recursively; only resources
    // nested thousands of levels deep in each other can exhaust the stack.
    if (error instanceof RangeError) return tooDeep();
    throw error;
  }
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

/**
 * Text with a syntax error: jsonc-parser's own scan (no tree) gives the first error and the
 * `$schema` of the tree that parseTree would recover, so the result is parseTree's.
 */
function analyzeInvalidText(text: string, options: AnalyzeOptions): AnalysisResult {
  const scan = scanInvalidText(text);
  if (scan === 'too-deep') return SCHEMA_IN_TEXT.test(text) ? tooDeep() : notATemplate();
  const { first, rootIsObject, schema } = scan;
  if (!rootIsObject || !isDeploymentTemplateSchema(schema)) return notATemplate();
  // The fast reader and jsonc-parser disagree about an error: trust the full tree.
  if (!first) return analyzeFullText(text, options);
  return { isTemplate: true, findings: [], problem: invalidJson(first, 'template', text.length) };
}

/** jsonc-parser's scan of a text: its first error, whether the root is an object, and the root's last `$schema`. */
function scanInvalidText(text: string): { first: ParseError | undefined; rootIsObject: boolean; schema: unknown } | 'too-deep' {
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
    return 'too-deep';
  }
  return { first, rootIsObject, schema };
}

function clampRange(offset: number, length: number, textLength: number): { offset: number; length: number } {
  const start = Math.min(Math.max(0, offset), textLength);
  return { offset: start, length: Math.max(0, Math.min(length, textLength - start)) };
}

/**
 * The values of the parameter file paired with the template at `uri`, and that file (registered,
 * so that findings and hovers can point into it). Its URI is added to `dependencies` when there
 * is one, readable or not.
 */
export function templateParameterFile(
  template: Node,
  templateUri: string,
  host: WorkspaceHost,
  dependencies: string[] = [],
): { values?: ParameterValues; parameterFile?: { uri: string; name: string } } {
  const uri = parameterFileFor(templateUri, host);
  if (uri === undefined) return {};
  dependencies.push(uri);
  const parameterText = host.readFile(uri);
  const parsed = parameterText === undefined ? undefined : parseParameterFile(parameterText);
  if (parameterText === undefined || !parsed) return {};
  const parameterFile = { uri, name: basenameUri(uri) };
  registerDocument(parsed.root, { uri, text: parameterText, parameterFile: parameterFile.name });
  // A parameter file that cannot be read leaves every parameter unknown: its defaults would be a guess.
  return { values: parsed.valid ? parameterValues(parsed.root) : unknownValues(template), parameterFile };
}

function runRules(template: Node, values: ParameterValues | undefined, link: LinkOptions | undefined, baseline?: Baseline): Finding[] {
  const context = buildTemplateContext(template, { ...(values ? { parameterValues: values } : {}), ...(link ? { link } : {}) });
  if (baseline) compareWithBaseline(context, baseline, values);
  return dedupe(RULES.flatMap((rule) => rule.check(context)));
}

/**
 * A template's finding as the template shows it: fixes that would edit another file are offered
 * there instead, and a finding that rests on a parameter file's value says so.
 */
function inTemplate(finding: Finding, uri: string | undefined, parameterFile: { uri: string; name: string } | undefined): Finding {
  const fromParameterFile = parameterFile !== undefined && (finding.related ?? []).some((related) => related.uri === parameterFile.uri);
  let message = fromParameterFile
    ? `${finding.message} This comes from the value in the parameter file ${parameterFile.name}, where the quick fix is offered.`
    : finding.message;
  let related = finding.related?.map(({ uri: relatedUri, ...rest }) => (relatedUri === undefined || relatedUri === uri ? rest : { ...rest, uri: relatedUri }));
  if (finding.linked) {
    // Shown at the templateLink, with the place in the linked template as related information.
    message = `In the linked template ${finding.linked.name}: ${message}`;
    related = [{ uri: finding.linked.uri, range: finding.linked.range, message: `The finding is here in ${finding.linked.name}.` }, ...(related ?? [])];
  }
  return { ...finding, message, ...(related ? { related } : {}), fixes: fixesFor(finding.fixes, uri) };
}

/** The fixes whose every change is in the document `uri`, with the changes' URIs dropped. */
function fixesFor(fixes: Fix[], uri: string | undefined): Fix[] {
  return fixes
    .filter((fix) => fix.changes.every((change) => change.uri === undefined || change.uri === uri))
    .map((fix) => ({ ...fix, changes: fix.changes.map(({ uri: _uri, ...change }) => change) }));
}

/**
 * A parameter file, analysed with the template it is for: a finding that rests on one of its
 * values is shown at that value, with the fixes that edit this file.
 */
function analyzeParameterFile(text: string, root: Node, errors: ParseError[], uri: string, host: WorkspaceHost, readTemplate: TemplateReader): AnalysisResult {
  const templateUri = templateForParameterFile(uri, root, host);
  const templateText = templateUri === undefined || sameUri(templateUri, uri) ? undefined : host.readFile(templateUri);
  // Nested too deeply to parse: the template gets its own message; its parameter file gets nothing.
  const { root: template, errors: templateErrors } = templateText === undefined ? { root: undefined, errors: false } : readTemplate(templateText);
  if (templateUri === undefined || templateText === undefined || template?.type !== 'object' || !isDeploymentTemplateSchema(propertyValue(template, '$schema')?.value)) {
    return { isTemplate: false, findings: [] };
  }
  const dependencies = [templateUri];
  if (errors.length > 0) return { isTemplate: false, parametersFor: templateUri, findings: [], problem: invalidJson(errors[0], 'parameter file', text.length), dependencies };
  if (templateErrors) return { isTemplate: false, parametersFor: templateUri, findings: [], dependencies };

  registerDocument(template, { uri: templateUri, text: templateText });
  const name = basenameUri(uri);
  registerDocument(root, { uri, text, parameterFile: name });
  const templateName = basenameUri(templateUri);
  const findings: Finding[] = [];
  let templateFindings: Finding[];
  try {
    templateFindings = runRules(template, parameterValues(root), { uri: templateUri, host, dependencies });
  } catch (error) {
    // Resources nested thousands of levels in each other (the fast reader reads any depth).
    if (error instanceof RangeError) return { isTemplate: false, findings: [] };
    throw error;
  }
  for (const finding of templateFindings) {
    const here = finding.related?.find((related) => related.uri === uri);
    if (!here) continue;
    findings.push({
      ...finding,
      message: `${finding.message} The template ${templateName} uses this value.`,
      range: here.range,
      related: [
        { uri: templateUri, range: finding.range, message: `${templateName} uses the value here.` },
        ...(finding.related ?? []).filter((related) => related !== here).map((related) => ({ ...related, uri: related.uri ?? templateUri })),
      ],
      fixes: fixesFor(finding.fixes, uri),
    });
  }
  return { isTemplate: false, parametersFor: templateUri, findings, dependencies };
}

function invalidJson(error: ParseError, what: 'template' | 'parameter file', textLength: number) {
  return {
    kind: 'invalid-json' as const,
    message: `This ${what} is not valid JSON here (${printParseErrorCode(error.error)}), so it was not checked for managed identity readiness.`,
    // jsonc-parser reports an error at the end of the text (an unterminated comment or
    // string, a missing bracket) with a range past the end; keep it inside the text.
    range: clampRange(error.offset, error.length, textLength),
  };
}

/** Clusters that share a parameter would otherwise report the same place twice. */
function dedupe(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((finding) => {
    const inLinked = finding.linked ? `@${finding.linked.uri}:${finding.linked.range.offset}` : '';
    const key = `${finding.code}@${finding.range.offset}:${finding.range.length}${inLinked}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
