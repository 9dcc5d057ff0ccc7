import { parseTree, type Node, type ParseError } from 'jsonc-parser';
import { propertyValue } from './json-nodes';
import { PARSE_OPTIONS } from './parameter-files';
import { registerDocument } from './source-documents';
import { isDeploymentTemplateSchema, type LinkOptions, type ResourceEntry } from './template-model';
import { basenameUri, sameUri, type WorkspaceHost } from './workspace-host';

/** At most this many JSON files are looked at for applications of another template. */
const MAX_FILES = 2000;
/** At most this many files' findings are remembered per host. */
const MAX_REMEMBERED = 2000;

/** An application with a managed identity in another template of the workspace. */
export interface OtherFileApplication {
  uri: string;
  fileName: string;
  /** The cluster it runs on: its name evaluated with the template's parameter defaults, lower-cased. */
  clusterName: string;
  entry: ResourceEntry;
  evidence: Node;
  label: string;
}

/**
 * What each file gave, remembered per host and per URI with the text it was read from: the
 * node host hands back the same string while a file's size and modification time stay, so a
 * keystroke in the cluster template re-parses none of the other templates.
 */
const remembered = new WeakMap<WorkspaceHost, Map<string, { text: string; applications: OtherFileApplication[] }>>();

/**
 * The applications with a managed identity that other templates of the workspace deploy, each
 * with the (evaluated) name of the cluster it runs on. Only through the host's `findFiles`: a
 * host without it, or in Restricted Mode, gives none. Every file that has such an application
 * is added to `link.dependencies`.
 */
export function otherFileApplications(
  link: LinkOptions,
  identityApplications: (root: Node) => Array<{ entry: ResourceEntry; evidence: Node; label: string }>,
  clusterNameOf: (application: ResourceEntry) => string | undefined,
): OtherFileApplication[] {
  const { host } = link;
  if (!host.findFiles) return [];
  let cache = remembered.get(host);
  if (cache === undefined) {
    cache = new Map();
    remembered.set(host, cache);
  }
  const found: OtherFileApplication[] = [];
  for (const uri of host.findFiles('*.json').slice(0, MAX_FILES)) {
    if (sameUri(uri, link.uri)) continue;
    const text = host.readFile(uri);
    // Cheap pre-check before any parse: an application resource with an identity.
    if (text === undefined || !/servicefabric/i.test(text) || !/applications/i.test(text) || !/identit/i.test(text)) continue;
    let applications = cache.get(uri);
    if (applications === undefined || applications.text !== text) {
      applications = { text, applications: read(uri, text, identityApplications, clusterNameOf) };
      if (cache.size >= MAX_REMEMBERED) cache.clear();
      cache.set(uri, applications);
    }
    if (applications.applications.length === 0) continue;
    if (!link.dependencies.includes(uri)) link.dependencies.push(uri);
    found.push(...applications.applications);
  }
  return found;
}

function read(
  uri: string,
  text: string,
  identityApplications: (root: Node) => Array<{ entry: ResourceEntry; evidence: Node; label: string }>,
  clusterNameOf: (application: ResourceEntry) => string | undefined,
): OtherFileApplication[] {
  const errors: ParseError[] = [];
  let root: Node | undefined;
  try {
    root = parseTree(text, errors, PARSE_OPTIONS);
  } catch {
    return [];
  }
  if (root?.type !== 'object' || errors.length > 0 || !isDeploymentTemplateSchema(propertyValue(root, '$schema')?.value)) return [];
  registerDocument(root, { uri, text });
  const fileName = basenameUri(uri);
  const out: OtherFileApplication[] = [];
  try {
    for (const application of identityApplications(root)) {
      const clusterName = clusterNameOf(application.entry);
      if (clusterName !== undefined) out.push({ ...application, uri, fileName, clusterName: clusterName.toLowerCase() });
    }
  } catch {
    // A template nested too deeply to walk links nothing; it gets its own message when opened.
    return [];
  }
  return out;
}
