import { parseTree, type Node, type ParseError } from 'jsonc-parser';
import { propertyValue } from './json-nodes';
import type { ParameterValues } from './template-scope';
import { basenameUri, dirnameUri, resolveRelativeUri, sameUri, type WorkspaceHost } from './workspace-host';

/** `$schema` of an ARM deployment parameter file, at any deployment scope. */
const PARAMETER_FILE_SCHEMA =
  /^https?:\/\/schema\.management\.azure\.com\/schemas\/[^/]+\/(?:deploymentParameters|subscriptionDeploymentParameters|tenantDeploymentParameters|managementGroupDeploymentParameters)\.json#?$/i;

/** ARM accepts comments and trailing commas. */
export const PARSE_OPTIONS = { allowTrailingComma: true, disallowComments: false, allowEmptyContent: true };

/** Reading every JSON file of a large folder for `metadata.template` would stall the editor. */
const MAX_FILES_SCANNED_FOR_METADATA = 100;

export function isParameterFileSchema(schema: unknown): boolean {
  return typeof schema === 'string' && PARAMETER_FILE_SCHEMA.test(schema.trim());
}

/** A parsed parameter file: its root and whether it parsed cleanly. */
export interface ParsedParameterFile {
  root: Node;
  valid: boolean;
}

/** Parses text as a parameter file; undefined when it is not one (or not JSON at all). */
export function parseParameterFile(text: string): ParsedParameterFile | undefined {
  const errors: ParseError[] = [];
  let root: Node | undefined;
  try {
    root = parseTree(text, errors, PARSE_OPTIONS);
  } catch {
    return undefined;
  }
  if (root?.type !== 'object' || !isParameterFileSchema(propertyValue(root, '$schema')?.value)) return undefined;
  return { root, valid: errors.length === 0 };
}

/**
 * The values a parameter file gives: `parameters.<name>.value`. A parameter given by a Key Vault
 * `reference` (or any other way) is there, with an unknown value.
 */
export function parameterValues(root: Node): ParameterValues {
  const values = new Map<string, { name: string; value: Node | undefined }>();
  const parameters = propertyValue(root, 'parameters');
  for (const prop of parameters?.type === 'object' ? parameters.children ?? [] : []) {
    const name = prop.children?.[0]?.value;
    const entry = prop.children?.[1];
    if (typeof name !== 'string' || !entry) continue;
    values.set(name.toLowerCase(), { name, value: entry.type === 'object' ? propertyValue(entry, 'value') : undefined });
  }
  return values;
}

/** Every parameter the template declares, unknown: what a parameter file that cannot be read gives. */
export function unknownValues(template: Node): ParameterValues {
  const values = new Map<string, { name: string; value: Node | undefined }>();
  const parameters = propertyValue(template, 'parameters');
  for (const prop of parameters?.type === 'object' ? parameters.children ?? [] : []) {
    const name = prop.children?.[0]?.value;
    if (typeof name === 'string') values.set(name.toLowerCase(), { name, value: undefined });
  }
  return values;
}

const JSON_FILE = /\.jsonc?$/i;
const PARAMETERS_NAME = /^(.*)\.parameters\.jsonc?$/i;

/** The file in `names` that equals `wanted` exactly, else ignoring case (Windows and macOS do). */
function findName(names: string[], wanted: string): string | undefined {
  return names.find((name) => name === wanted) ?? names.find((name) => name.toLowerCase() === wanted.toLowerCase());
}

/** The template a parameter file's `metadata.template` names, relative to the parameter file. */
function metadataTemplate(parameterFileUri: string, root: Node): string | undefined {
  const named = propertyValue(propertyValue(root, 'metadata'), 'template')?.value;
  return typeof named === 'string' ? resolveRelativeUri(dirnameUri(parameterFileUri), named) : undefined;
}

/**
 * The parameter file a template is deployed with, in this order: the
 * `azureResourceManagerTools.parameterFiles` mapping; `<name>.parameters.json` beside
 * `<name>.json` (so `azuredeploy.parameters.json` beside `azuredeploy.json`); a parameter file
 * in the same folder whose `metadata.template` names the template.
 */
export function parameterFileFor(templateUri: string, host: WorkspaceHost): string | undefined {
  const mapped = host.parameterFileMapping().find((entry) => sameUri(entry.template, templateUri));
  if (mapped) return mapped.parameters;
  const folder = dirnameUri(templateUri);
  const names = host.listDirectory(folder);
  const stem = basenameUri(templateUri).replace(JSON_FILE, '');
  for (const extension of ['.json', '.jsonc']) {
    const beside = findName(names, `${stem}.parameters${extension}`);
    if (beside) {
      const uri = `${folder}/${encodeURIComponent(beside)}`;
      if (parseParameterFile(host.readFile(uri) ?? '')) return uri;
    }
  }
  const candidates = names.filter((name) => JSON_FILE.test(name) && !sameUri(`${folder}/${encodeURIComponent(name)}`, templateUri));
  for (const name of candidates.slice(0, MAX_FILES_SCANNED_FOR_METADATA)) {
    const uri = `${folder}/${encodeURIComponent(name)}`;
    const text = host.readFile(uri) ?? '';
    // Most files in a folder are templates or other JSON: only parse what says near its top
    // that it is a parameter file (its $schema), so that a large folder stays cheap.
    if (!/deploymentParameters\.json/i.test(text.substring(0, 4000)) || !/"metadata"/i.test(text)) continue;
    const parsed = parseParameterFile(text);
    const named = parsed && metadataTemplate(uri, parsed.root);
    if (named && sameUri(named, templateUri)) return uri;
  }
  return undefined;
}

/**
 * The template a parameter file is for: the mapping, then `metadata.template`, then
 * `<name>.json` beside `<name>.parameters.json`.
 */
export function templateForParameterFile(parameterFileUri: string, root: Node, host: WorkspaceHost): string | undefined {
  const mapped = host.parameterFileMapping().find((entry) => sameUri(entry.parameters, parameterFileUri));
  if (mapped) return mapped.template;
  const named = metadataTemplate(parameterFileUri, root);
  if (named) return named;
  const stem = PARAMETERS_NAME.exec(basenameUri(parameterFileUri))?.[1];
  if (stem === undefined) return undefined;
  const folder = dirnameUri(parameterFileUri);
  const names = host.listDirectory(folder);
  const template = findName(names, `${stem}.json`) ?? findName(names, `${stem}.jsonc`);
  return template && `${folder}/${encodeURIComponent(template)}`;
}
