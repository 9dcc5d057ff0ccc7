import { parseTree, type Node, type ParseError } from 'jsonc-parser';
import { propertyValue } from './json-nodes';
import type { ParameterValues } from './template-scope';
import { folderIndex, type FolderEntry } from './folder-index';
import { basenameUri, dirnameUri, normalizeUri, resolveRelativeUri, sameUri, type WorkspaceHost } from './workspace-host';

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

const PARAMETERS_NAME = /^(.*)\.parameters\.jsonc?$/i;
const JSON_FILE = /\.jsonc?$/i;

/** The template a parameter file's `metadata.template` names, relative to the parameter file. */
function metadataTemplate(parameterFileUri: string, root: Node): string | undefined {
  const named = propertyValue(propertyValue(root, 'metadata'), 'template')?.value;
  return typeof named === 'string' ? resolveRelativeUri(dirnameUri(parameterFileUri), named) : undefined;
}

/** Whether a file of the folder parses as a parameter file; remembered on the index. */
function isParameterFile(entry: FolderEntry, host: WorkspaceHost): boolean {
  entry.isParameterFile ??= parseParameterFile(host.readFile(entry.uri) ?? '') !== undefined;
  return entry.isParameterFile;
}

/** The normalized URI that a file's `metadata.template` names, if it is a parameter file; remembered on the index. */
function namedTemplate(entry: FolderEntry, host: WorkspaceHost): string | undefined {
  if (entry.metadataTemplate === undefined) {
    const text = host.readFile(entry.uri) ?? '';
    let named: string | undefined;
    // Most files in a folder are templates or other JSON: only parse what says near its top
    // that it is a parameter file (its $schema), so that a large folder stays cheap.
    if (/deploymentParameters\.json/i.test(text.substring(0, 4000)) && /"metadata"/i.test(text)) {
      const parsed = parseParameterFile(text);
      named = parsed && metadataTemplate(entry.uri, parsed.root);
    }
    entry.metadataTemplate = named === undefined ? null : normalizeUri(named);
  }
  return entry.metadataTemplate ?? undefined;
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
  const index = folderIndex(host, folder);
  const stem = basenameUri(templateUri).replace(JSON_FILE, '');
  for (const extension of ['.json', '.jsonc']) {
    const beside = index.find(`${stem}.parameters${extension}`);
    const entry = beside === undefined ? undefined : index.entry(beside);
    if (entry && isParameterFile(entry, host)) return entry.uri;
  }
  // The first JSON files of the folder other than the template itself.
  const template = normalizeUri(templateUri);
  let scanned = 0;
  for (const entry of index.jsonFiles) {
    if (entry.normalized === template) continue;
    if (scanned++ === MAX_FILES_SCANNED_FOR_METADATA) break;
    if (namedTemplate(entry, host) === template) return entry.uri;
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
  const index = folderIndex(host, folder);
  const template = index.find(`${stem}.json`) ?? index.find(`${stem}.jsonc`);
  return template && `${folder}/${encodeURIComponent(template)}`;
}
