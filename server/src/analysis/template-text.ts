import { parseTree, type Node, type ParseError } from 'jsonc-parser';
import { templateParameterFile } from './analyze';
import { readSelectiveTree } from './fast-tree';
import { PARSE_OPTIONS } from './parameter-files';
import type { WorkspaceHost } from './workspace-host';
import { propertyValue } from './json-nodes';
import { buildTemplateContext, type TemplateContext } from './template-context';
import { isDeploymentTemplateSchema } from './template-model';
import { registerDocument } from './source-documents';

/** A template's model, for editor features that also work on text the user is still typing. */
export interface ParsedTemplate {
  root: Node;
  context: TemplateContext;
  /** True when the text is not valid JSON(C); the tree is jsonc-parser's best effort. */
  hasErrors: boolean;
}

export interface ParseTemplateOptions {
  uri?: string;
  host?: WorkspaceHost;
  /**
   * Build jsonc-parser's whole tree even for valid text. The default reads valid text with the
   * analysis's fast tree, which has every node the editor features look at (the tests compare).
   */
  fullTree?: boolean;
}

/** The last model built, for the hovers, completions and code lenses that follow each other on one text. */
let last: { text: string; uri?: string; host?: WorkspaceHost; fullTree: boolean; parsed: ParsedTemplate | undefined } | undefined;

/**
 * The template model of `text`, or undefined when it is not an ARM deployment template. With
 * the template's URI and a host, parameters take the values of its parameter file.
 *
 * Valid text is read with the analysis's fast tree, which the analysis of the same text has
 * usually just read (fast-tree.ts keeps it), so a hover on a large template does not parse it
 * again; text with a syntax error gets jsonc-parser's best-effort tree. The model of the last
 * text is kept (unless a host whose files change gave parameter values): the editor asks for
 * completions and code lenses on one text in a row.
 */
export function parseTemplate(text: string, options: ParseTemplateOptions = {}): ParsedTemplate | undefined {
  const fullTree = options.fullTree === true;
  if (last && last.uri === options.uri && last.host === options.host && last.fullTree === fullTree && last.text.length === text.length && last.text === text) {
    if (last.parsed) registerDocument(last.parsed.root, { uri: options.uri, text });
    return last.parsed;
  }
  const parsed = build(text, options, fullTree);
  // With a host whose files change, the parameter file's values may change under the same text.
  if (options.host === undefined || options.host.unchanging === true) last = { text, uri: options.uri, host: options.host, fullTree, parsed };
  return parsed;
}

function build(text: string, options: ParseTemplateOptions, fullTree: boolean): ParsedTemplate | undefined {
  let root: Node | undefined;
  let hasErrors = false;
  const fast = fullTree ? undefined : readSelectiveTree(text, 'relevant');
  if (fast?.ok) {
    root = fast.root;
  } else {
    const errors: ParseError[] = [];
    try {
      root = parseTree(text, errors, PARSE_OPTIONS);
    } catch {
      // Nested too deeply for jsonc-parser: analyzeTemplate reports it; editor features stay quiet.
      return undefined;
    }
    hasErrors = errors.length > 0;
  }
  if (root?.type !== 'object' || !isDeploymentTemplateSchema(propertyValue(root, '$schema')?.value)) return undefined;
  // The fast tree is shared with the analysis, which registers it under the URI it was given.
  // Here it is the document at `options.uri` (none: the document itself), so that the changes
  // the model computes say which document they edit as the caller expects. Registered again on
  // each call (above), since an analysis in between registers it its own way.
  registerDocument(root, { uri: options.uri, text });
  try {
    const { values } = options.uri !== undefined && options.host ? templateParameterFile(root, options.uri, options.host) : {};
    return { root, context: buildTemplateContext(root, values ? { parameterValues: values } : {}), hasErrors };
  } catch (error) {
    // Resources nested thousands of levels inside each other: the analysis reports it.
    if (error instanceof RangeError) return undefined;
    throw error;
  }
}
