import { parseTree, type Node, type ParseError } from 'jsonc-parser';
import { PARSE_OPTIONS } from './analyze';
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

/** The template model of `text`, or undefined when it is not an ARM deployment template. */
export function parseTemplate(text: string): ParsedTemplate | undefined {
  const errors: ParseError[] = [];
  let root: Node | undefined;
  try {
    root = parseTree(text, errors, PARSE_OPTIONS);
  } catch {
    // Nested too deeply for jsonc-parser: analyzeTemplate reports it; editor features stay quiet.
    return undefined;
  }
  if (root?.type !== 'object' || !isDeploymentTemplateSchema(propertyValue(root, '$schema')?.value)) return undefined;
  return { root, context: buildTemplateContext(root), hasErrors: errors.length > 0 };
}
