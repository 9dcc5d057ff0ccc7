// A managedIdentities name that the application type's ApplicationManifest.xml does not declare fails the deployment with "Identity 'X' is not defined in the ApplicationManifest".
import { armApplications, closestName, findManifest } from '../manifest/application-identities';
import { addManagedIdentityEdit, isXmlText } from '../manifest/manifest-edit';
import { changeAt, findingAt } from '../source-documents';
import type { Finding, Fix, RelatedLocation } from '../types';
import { basenameUri } from '../workspace-host';
import type { Rule } from './rule';

export const sfIdentityNotInManifest: Rule = {
  id: 'sf-identity-not-in-manifest',
  defaultSeverity: 'error',
  description: "An application's managedIdentities name is not declared under Principals/ManagedIdentities in its type's ApplicationManifest.xml.",
  check(context) {
    const link = context.link;
    if (!link?.host.findFiles) return [];
    const findings: Finding[] = [];
    for (const application of armApplications(context)) {
      if (application.typeName === undefined || application.identities.length === 0) continue;
      const found = findManifest(link.host, application.typeName, link.dependencies);
      if (!found) continue;
      const { manifest, uri, text } = found;
      const declared = manifest.identities.map((identity) => identity.value);
      const fileName = basenameUri(uri);
      const where: RelatedLocation = manifest.managedIdentities
        ? { uri, range: manifest.managedIdentities.range, message: `The managed identities of application type '${application.typeName}' in ${fileName}.` }
        : { uri, range: manifest.applicationTypeName?.range ?? manifest.root.range, message: `${fileName} of application type '${application.typeName}' declares no managed identities.` };
      for (const identity of application.identities) {
        if (declared.includes(identity.name)) continue;
        const closest = closestName(identity.name, declared);
        // A name XML cannot hold (a control character) gets no edit that would break the manifest.
        const fixes: Fix[] = isXmlText(identity.name)
          ? [
              {
                title: `Add ManagedIdentity '${identity.name}' to ${fileName}`,
                isPreferred: true,
                changes: [],
                documentEdit: { uri, text, edits: [addManagedIdentityEdit(text, manifest, identity.name)] },
              },
            ]
          : [];
        if (closest !== undefined && identity.written) {
          fixes.push({ title: `Use '${closest}' from ${fileName}`, changes: [changeAt(identity.written.node, closest)] });
        }
        findings.push({
          code: sfIdentityNotInManifest.id,
          severity: 'error',
          message:
            `Identity '${identity.name}' is not defined in ${fileName} of application type '${application.typeName}', so the deployment fails with ` +
            `"Identity '${identity.name}' is not defined in the ApplicationManifest". ` +
            (declared.length
              ? `Add <ManagedIdentity Name="${identity.name}" /> under <Principals><ManagedIdentities> there, or use one of its names: ${declared.map((name) => `'${name}'`).join(', ')}.`
              : `Add <ManagedIdentity Name="${identity.name}" /> under <Principals><ManagedIdentities> there.`),
          ...findingAt(identity.node),
          related: [where],
          fixes,
        });
      }
    }
    return findings;
  },
};
