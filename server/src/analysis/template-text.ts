import { parseTree, type Node, type ParseError } from 'jsonc-parser';
import { templateParameterFile } from './analyze';
import { PARSE_OPTIONS } from './parameter-files';
import type { WorkspaceHost } from './workspace-host';
import { propertyValue } from './json-nodes';
import { buildTemplateContext, type TemplateContext } from './template-context';
import { isDeploymentTemplateSchema } from './template-model';

/** A template's model, for editor features that also work on text the user is still typing. */
export interface ParsedTemplate {
  root: Node;
  context: TemplateContext;
  /** True when the text is not valid JSON(C); the tree is jsonc-parser's best effort. */
  hasErrors: boolean;
}

/**
 * The template model of `text`, or undefined when it is not an ARM deployment template. With
 * the template's URI and a host, parameters take the values of its parameter file.
 */
export function parseTemplate(text: string, options: { uri?: string; host?: WorkspaceHost } = {}): ParsedTemplate | undefined {
  const errors: ParseError[] = [];
  let root: Node | undefined;
  try {
    root = parseTree(text, errors, PARSE_OPTIONS);
  } catch {
    // Nested too deeply for jsonc-parser: analyzeTemplate reports it; editor features stay quiet.
    return undefined;
  }
  if (root?.type !== 'object' || !isDeploymentTemplateSchema(propertyValue(root, '$schema')?.value)) return undefined;
  const { values } = options.uri !== undefined && options.host ? templateParameterFile(root, options.uri, options.host) : {};
  return { root, context: buildTemplateContext(root, values ? { parameterValues: values } : {}), hasErrors: errors.length > 0 };
}
