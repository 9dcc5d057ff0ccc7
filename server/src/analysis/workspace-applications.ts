import type { Node } from 'jsonc-parser';
import { registerDocument } from './source-documents';
import { parseCleanTemplate, type LinkOptions, type ResourceEntry } from './template-model';
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
  let all: OtherFileApplication[];
  if (host.unchanging) {
    // The CLI: no file changes during the run, so the workspace is looked through once, not
    // once per template (1,000 templates looked through 1,000 files each took 16 s).
    let once = everyApplication.get(host);
    if (once === undefined) {
      once = workspaceApplications(host, undefined, identityApplications, clusterNameOf);
      everyApplication.set(host, once);
    }
    all = once.filter((application) => !sameUri(application.uri, link.uri));
  } else {
    all = workspaceApplications(host, link.uri, identityApplications, clusterNameOf);
  }
  for (const application of all) if (!link.dependencies.includes(application.uri)) link.dependencies.push(application.uri);
  return all;
}

/** For a host whose files do not change: every application of the workspace, found once. */
const everyApplication = new WeakMap<WorkspaceHost, OtherFileApplication[]>();

function workspaceApplications(
  host: WorkspaceHost,
  except: string | undefined,
  identityApplications: (root: Node) => Array<{ entry: ResourceEntry; evidence: Node; label: string }>,
  clusterNameOf: (application: ResourceEntry) => string | undefined,
): OtherFileApplication[] {
  let cache = remembered.get(host);
  if (cache === undefined) {
    cache = new Map();
    remembered.set(host, cache);
  }
  const found: OtherFileApplication[] = [];
  for (const uri of host.findFiles!('*.json').slice(0, MAX_FILES)) {
    if (except !== undefined && sameUri(uri, except)) continue;
    const text = host.readFile(uri);
    if (text === undefined) continue;
    let remembers = cache.get(uri);
    // A text seen before (the host hands back the same string while the file stays) is neither
    // searched nor parsed again; what it had, applications or none, is remembered.
    if (remembers === undefined || remembers.text !== text) {
      // Cheap pre-check before any parse: an application resource with an identity.
      const candidate = /servicefabric/i.test(text) && /applications/i.test(text) && /identit/i.test(text);
      remembers = { text, applications: candidate ? read(uri, text, identityApplications, clusterNameOf) : [] };
      if (cache.size >= MAX_REMEMBERED) cache.clear();
      cache.set(uri, remembers);
    }
    found.push(...remembers.applications);
  }
  return found;
}

function read(
  uri: string,
  text: string,
  identityApplications: (root: Node) => Array<{ entry: ResourceEntry; evidence: Node; label: string }>,
  clusterNameOf: (application: ResourceEntry) => string | undefined,
): OtherFileApplication[] {
  const root = parseCleanTemplate(text);
  if (root === undefined) return [];
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
