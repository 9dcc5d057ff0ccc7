import { templateParameterFile } from '../analyze';
import { RULES } from '../rules';
import { registerDocument } from '../source-documents';
import { buildTemplateContext } from '../template-context';
import { parseCleanTemplate } from '../template-model';
import type { AnalysisResult, OffsetRange } from '../types';
import type { WorkspaceHost } from '../workspace-host';
import { armApplications } from './application-identities';
import { parseApplicationManifest, type ApplicationManifest } from './parse-manifest';

/** At most this many JSON files are read to find the ARM applications of a manifest's type. */
const MAX_TEMPLATES = 2000;

/** An ARM application of the manifest's type: where it is and the identity names it gives. */
export interface ManifestApplication {
  uri: string;
  /** Its `properties.managedIdentities` (or the resource, when it has none). */
  range: OffsetRange;
  identities: string[];
}

/** What the manifest rules check. */
export interface ManifestContext {
  manifest: ApplicationManifest;
  typeName: string;
  applications: ManifestApplication[];
}

/**
 * Analyses an ApplicationManifest.xml: XML that is not well-formed gets one `invalid-xml`
 * warning; otherwise the manifest rules run against the ARM applications of its type that the
 * host finds in the workspace (none without a host, or in Restricted Mode).
 */
export function analyzeManifest(text: string, host: WorkspaceHost | undefined): AnalysisResult {
  const parsed = parseApplicationManifest(text);
  if (!parsed.ok) {
    return {
      isTemplate: false,
      findings: [],
      problem: { kind: 'invalid-xml', message: `This ApplicationManifest.xml is not well-formed XML here (${parsed.message}), so its managed identities were not checked.`, range: parsed.range },
    };
  }
  const manifest = parsed.manifest;
  const typeName = manifest?.applicationTypeName?.value;
  if (!manifest || typeName === undefined || !host?.findFiles) return { isTemplate: false, findings: [] };
  const dependencies: string[] = [];
  const applications = applicationsOfType(typeName, host, dependencies);
  const context: ManifestContext = { manifest, typeName, applications };
  const findings = RULES.flatMap((rule) => rule.checkManifest?.(context) ?? []);
  return { isTemplate: false, findings, ...(dependencies.length ? { dependencies } : {}) };
}

/** The ARM applications in the workspace's templates whose type name is `typeName`. */
function applicationsOfType(typeName: string, host: WorkspaceHost, dependencies: string[]): ManifestApplication[] {
  const found: ManifestApplication[] = [];
  for (const uri of (host.findFiles?.('*.json') ?? []).slice(0, MAX_TEMPLATES)) {
    const text = host.readFile(uri);
    // An application's type name comes from `typeName` or an `applicationTypes` resource: a
    // template with neither word has no application that armApplications could match.
    if (text === undefined || !/servicefabric/i.test(text) || !/applications/i.test(text) || !/typename|applicationtypes/i.test(text)) continue;
    const root = parseCleanTemplate(text);
    if (root === undefined) continue;
    dependencies.push(uri);
    try {
      registerDocument(root, { uri, text });
      const { values } = templateParameterFile(root, uri, host, dependencies);
      const context = buildTemplateContext(root, { ...(values ? { parameterValues: values } : {}) });
      for (const application of armApplications(context)) {
        if (application.typeName !== typeName) continue;
        const node = application.managedIdentitiesNode ?? application.entry.node;
        found.push({ uri, range: { offset: node.offset, length: node.length }, identities: application.identities.map((identity) => identity.name) });
      }
    } catch {
      // A template too deep to walk gives nothing here; it gets its own message when opened.
    }
  }
  return found;
}
