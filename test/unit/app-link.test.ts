import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { analyzeDocument, type Finding, type WorkspaceHost } from '../../server/src/analysis';
import { NodeWorkspaceHost } from '../../server/src/node-workspace-host';

// sf-mits-missing across files: an application template in the workspace that deploys an
// application with a managed identity to a cluster declared in another template.

const SCHEMA = 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#';
const CLUSTER_URI = 'file:///ws/infra/cluster.json';
const APP_URI = 'file:///ws/apps/app.json';

function clusterTemplate(name: string, parameters: Record<string, unknown> = {}): string {
  return JSON.stringify(
    {
      $schema: SCHEMA,
      contentVersion: '1.0.0.0',
      parameters,
      resources: [
        {
          type: 'Microsoft.ServiceFabric/clusters',
          apiVersion: '2021-06-01',
          name,
          location: 'westeurope',
          properties: { clusterCodeVersion: '7.2.477.9590', fabricSettings: [], nodeTypes: [] },
        },
      ],
    },
    null,
    2,
  );
}

function appTemplate(name: string, parameters: Record<string, unknown> = {}, application: Record<string, unknown> = {}): string {
  return JSON.stringify(
    {
      $schema: SCHEMA,
      contentVersion: '1.0.0.0',
      parameters,
      resources: [
        {
          type: 'Microsoft.ServiceFabric/clusters/applications',
          apiVersion: '2021-06-01',
          name,
          location: 'westeurope',
          properties: { typeName: 'OrdersType', typeVersion: '1.0.0', managedIdentities: [{ name: 'orders', principalId: '' }] },
          ...application,
        },
      ],
    },
    null,
    2,
  );
}

/** A workspace in memory; findFiles only when asked for, and it counts the reads. */
function memoryHost(files: Record<string, string>, withFindFiles = true): WorkspaceHost & { reads: string[] } {
  const reads: string[] = [];
  const host: WorkspaceHost & { reads: string[] } = {
    reads,
    readFile: (uri) => {
      reads.push(uri);
      return files[uri];
    },
    listDirectory: (folder) =>
      Object.keys(files)
        .filter((uri) => uri.startsWith(`${folder}/`) && !uri.substring(folder.length + 1).includes('/'))
        .map((uri) => uri.substring(folder.length + 1)),
    parameterFileMapping: () => [],
  };
  if (withFindFiles) host.findFiles = (name) => Object.keys(files).filter((uri) => name === '*.json' && uri.endsWith('.json'));
  return host;
}

function mitsMissing(text: string, host: WorkspaceHost): Finding {
  const result = analyzeDocument(text, { uri: CLUSTER_URI, host });
  const findings = result.findings.filter((finding) => finding.code === 'sf-mits-missing');
  assert.equal(findings.length, 1, JSON.stringify(result.findings.map((finding) => finding.code)));
  return findings[0];
}

describe('sf-mits-missing across files (application template and cluster template)', () => {
  it('is an Error with the application in the other file as related information', () => {
    const cluster = clusterTemplate('contoso-sf');
    const app = appTemplate('contoso-sf/orders');
    const host = memoryHost({ [CLUSTER_URI]: cluster, [APP_URI]: app });
    const result = analyzeDocument(cluster, { uri: CLUSTER_URI, host });
    const finding = result.findings.find((f) => f.code === 'sf-mits-missing');
    assert.ok(finding);
    assert.equal(finding.severity, 'error');
    assert.match(finding.message, /Application 'contoso-sf\/orders' in the template app\.json runs on this cluster and uses a managed identity/);
    const related = (finding.related ?? []).find((r) => r.uri === APP_URI);
    assert.ok(related, JSON.stringify(finding.related));
    assert.equal(related.message, "Application 'contoso-sf/orders' in app.json uses a managed identity.");
    // The range is the application's managedIdentities value in app.json.
    const covered = app.substring(related.range.offset, related.range.offset + related.range.length);
    assert.deepEqual(JSON.parse(covered), [{ name: 'orders', principalId: '' }]);
    assert.ok(result.dependencies?.includes(APP_URI), 'a change to app.json re-analyses the cluster template');
  });

  it('stays a Warning when no application in the workspace runs on that cluster', () => {
    const cluster = clusterTemplate('contoso-sf');
    const host = memoryHost({ [CLUSTER_URI]: cluster, 'file:///ws/other.json': JSON.stringify({ $schema: SCHEMA, resources: [] }) });
    const finding = mitsMissing(cluster, host);
    assert.equal(finding.severity, 'warning');
    assert.equal((finding.related ?? []).some((r) => r.uri !== undefined), false);
  });

  it('evaluates both names with parameter defaults', () => {
    const cluster = clusterTemplate("[parameters('clusterName')]", { clusterName: { type: 'string', defaultValue: 'Contoso-SF' } });
    const app = appTemplate("[concat(parameters('cluster'), '/', parameters('app'))]", {
      cluster: { type: 'string', defaultValue: 'contoso-sf' },
      app: { type: 'string', defaultValue: 'orders' },
    });
    const finding = mitsMissing(cluster, memoryHost({ [CLUSTER_URI]: cluster, [APP_URI]: app }));
    assert.equal(finding.severity, 'error', 'cluster names compare ignoring case, as Azure resource names do');
    assert.ok((finding.related ?? []).some((r) => r.uri === APP_URI));
  });

  it('links an application declared as a child resource of the cluster in the application template', () => {
    const cluster = clusterTemplate('contoso-sf');
    const app = JSON.stringify({
      $schema: SCHEMA,
      resources: [
        {
          type: 'Microsoft.ServiceFabric/clusters',
          apiVersion: '2021-06-01',
          name: 'contoso-sf',
          properties: { fabricSettings: [{ name: 'ManagedIdentityTokenService', parameters: [{ name: 'IsEnabled', value: 'true' }] }] },
          resources: [{ type: 'applications', apiVersion: '2021-06-01', name: 'orders', identity: { type: 'SystemAssigned' }, properties: {} }],
        },
      ],
    });
    const finding = mitsMissing(cluster, memoryHost({ [CLUSTER_URI]: cluster, [APP_URI]: app }));
    assert.equal(finding.severity, 'error');
  });

  it('does not link an application on a cluster of another name', () => {
    const cluster = clusterTemplate('contoso-sf');
    const app = appTemplate('fabrikam-sf/orders');
    const finding = mitsMissing(cluster, memoryHost({ [CLUSTER_URI]: cluster, [APP_URI]: app }));
    assert.equal(finding.severity, 'warning');
  });

  it('does not link when a name cannot be evaluated (a parameter without a default)', () => {
    const cluster = clusterTemplate('contoso-sf');
    const app = appTemplate("[concat(parameters('cluster'), '/orders')]", { cluster: { type: 'string' } });
    assert.equal(mitsMissing(cluster, memoryHost({ [CLUSTER_URI]: cluster, [APP_URI]: app })).severity, 'warning');
    const unknownCluster = clusterTemplate("[parameters('clusterName')]", { clusterName: { type: 'string' } });
    const named = appTemplate('clustername/orders');
    assert.equal(mitsMissing(unknownCluster, memoryHost({ [CLUSTER_URI]: unknownCluster, [APP_URI]: named })).severity, 'warning');
  });

  it('does not link an application without a managed identity', () => {
    const cluster = clusterTemplate('contoso-sf');
    const app = appTemplate('contoso-sf/orders', {}, { properties: { typeName: 'OrdersType', managedIdentities: [] }, identity: { type: 'None' } });
    assert.equal(mitsMissing(cluster, memoryHost({ [CLUSTER_URI]: cluster, [APP_URI]: app })).severity, 'warning');
  });

  it('is unchanged without findFiles (Restricted Mode, or a host that cannot list the workspace)', () => {
    const cluster = clusterTemplate('contoso-sf');
    const host = memoryHost({ [CLUSTER_URI]: cluster, [APP_URI]: appTemplate('contoso-sf/orders') }, false);
    const result = analyzeDocument(cluster, { uri: CLUSTER_URI, host });
    assert.equal(result.findings.find((f) => f.code === 'sf-mits-missing')?.severity, 'warning');
    assert.equal(host.reads.includes(APP_URI), false);
    assert.equal(result.dependencies, undefined);
  });

  it('is unchanged in Restricted Mode on the node host', () => {
    const folder = mkdtempSync(join(tmpdir(), 'sf-app-link-'));
    try {
      const cluster = clusterTemplate('contoso-sf');
      writeFileSync(join(folder, 'cluster.json'), cluster);
      writeFileSync(join(folder, 'app.json'), appTemplate('contoso-sf/orders'));
      const uri = pathToFileURL(join(folder, 'cluster.json')).toString();
      let trusted = false;
      const host = new NodeWorkspaceHost({ roots: [folder], trusted: () => trusted });
      const restricted = analyzeDocument(cluster, { uri, host }).findings.find((f) => f.code === 'sf-mits-missing');
      assert.equal(restricted?.severity, 'warning');
      trusted = true;
      const result = analyzeDocument(cluster, { uri, host });
      const finding = result.findings.find((f) => f.code === 'sf-mits-missing');
      assert.equal(finding?.severity, 'error');
      assert.ok((finding?.related ?? []).some((r) => r.uri === pathToFileURL(join(folder, 'app.json')).toString()));
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('does not read the other templates when the cluster enables the token service or has its own application', () => {
    const enabled = clusterTemplate('contoso-sf').replace('"fabricSettings": []', '"fabricSettings": [{ "name": "ManagedIdentityTokenService", "parameters": [{ "name": "IsEnabled", "value": "true" }] }]');
    assert.notEqual(enabled, clusterTemplate('contoso-sf'));
    const host = memoryHost({ [CLUSTER_URI]: enabled, [APP_URI]: appTemplate('contoso-sf/orders') });
    analyzeDocument(enabled, { uri: CLUSTER_URI, host });
    assert.equal(host.reads.includes(APP_URI), false);
  });

  it('looks through the workspace once for a host whose files do not change (the CLI), not once per template', () => {
    const files: Record<string, string> = { [APP_URI]: appTemplate('contoso-sf/orders') };
    for (let i = 0; i < 5; i++) files[`file:///ws/infra/cluster-${i}.json`] = clusterTemplate(i === 0 ? 'contoso-sf' : `other-${i}`);
    const host = Object.assign(memoryHost(files), { unchanging: true as const });
    const severities = Object.keys(files)
      .filter((uri) => uri !== APP_URI)
      .map((uri) => analyzeDocument(files[uri], { uri, host }).findings.find((f) => f.code === 'sf-mits-missing')?.severity);
    assert.deepEqual(severities, ['error', 'warning', 'warning', 'warning', 'warning']);
    // Each file is read once by the look through the workspace, not once per analysed template.
    assert.equal(host.reads.filter((uri) => uri === APP_URI).length, 1, host.reads.join('\n'));
  });

  it('sees a change of the application template with the same host (the remembered reading is per text)', () => {
    const cluster = clusterTemplate('contoso-sf');
    const files: Record<string, string> = { [CLUSTER_URI]: cluster, [APP_URI]: appTemplate('contoso-sf/orders') };
    const host = memoryHost(files);
    const first = mitsMissing(cluster, host);
    const second = mitsMissing(cluster, host);
    assert.equal(first.severity, 'error');
    assert.deepEqual(second.related, first.related);
    files[APP_URI] = appTemplate('fabrikam-sf/orders');
    assert.equal(mitsMissing(cluster, host).severity, 'warning');
  });
});
