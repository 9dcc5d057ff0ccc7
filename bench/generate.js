'use strict';
// Deterministic ARM templates for the benchmark: many ordinary resources, some Service Fabric
// clusters (Windows and Linux, some ready for managed identities, some not), applications with
// identities, comments, CRLF line ends. Same input every run.

function lcg(seed) {
  let state = seed >>> 0;
  return (n) => {
    state = (Math.imul(state, 1103515245) + 12345) & 0x7fffffff;
    return state % n;
  };
}

const SCHEMA = 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#';

function storage(i, r) {
  return {
    type: 'Microsoft.Storage/storageAccounts',
    apiVersion: '2023-01-01',
    name: `[concat('st', uniqueString(resourceGroup().id), '${i}')]`,
    location: "[parameters('location')]",
    sku: { name: ['Standard_LRS', 'Standard_GRS', 'Premium_LRS'][r(3)] },
    kind: 'StorageV2',
    tags: { owner: `team-${r(50)}`, costCenter: String(1000 + r(9000)), environment: ['dev', 'test', 'prod'][r(3)] },
    properties: {
      supportsHttpsTrafficOnly: true,
      minimumTlsVersion: 'TLS1_2',
      networkAcls: {
        defaultAction: 'Deny',
        bypass: 'AzureServices',
        ipRules: Array.from({ length: 4 + r(6) }, (_, k) => ({ value: `10.${r(256)}.${r(256)}.${k}/32`, action: 'Allow' })),
      },
    },
  };
}

function vmss(i, r) {
  return {
    type: 'Microsoft.Compute/virtualMachineScaleSets',
    apiVersion: '2023-03-01',
    name: `[concat(variables('vmssPrefix'), '${i}')]`,
    location: "[parameters('location')]",
    dependsOn: [`[resourceId('Microsoft.Network/virtualNetworks', 'vnet${i % 17}')]`],
    sku: { name: 'Standard_D2s_v3', tier: 'Standard', capacity: 3 + r(5) },
    properties: {
      overprovision: false,
      upgradePolicy: { mode: 'Automatic' },
      virtualMachineProfile: {
        extensionProfile: {
          extensions: [
            {
              name: `ext${i}`,
              properties: {
                publisher: 'Microsoft.Azure.Monitor',
                type: 'AzureMonitorWindowsAgent',
                typeHandlerVersion: '1.0',
                autoUpgradeMinorVersion: true,
                settings: { workspaceId: `[reference(resourceId('Microsoft.OperationalInsights/workspaces', 'ws${r(9)}')).customerId]` },
              },
            },
          ],
        },
        networkProfile: {
          networkInterfaceConfigurations: [
            { name: `nic${i}`, properties: { primary: true, ipConfigurations: [{ name: 'ip', properties: { subnet: { id: `[variables('subnet${r(4)}Ref')]` } } }] } },
          ],
        },
        osProfile: { adminUsername: "[parameters('adminUsername')]", adminPassword: "[parameters('adminPassword')]", computernamePrefix: `n${i}` },
        storageProfile: {
          imageReference: { publisher: 'MicrosoftWindowsServer', offer: 'WindowsServer', sku: '2022-Datacenter', version: 'latest' },
          osDisk: { caching: 'ReadOnly', createOption: 'FromImage', managedDisk: { storageAccountType: 'Premium_LRS' } },
        },
      },
    },
  };
}

function network(i, r) {
  return {
    type: 'Microsoft.Network/virtualNetworks',
    apiVersion: '2023-04-01',
    name: `vnet${i}`,
    location: "[parameters('location')]",
    properties: {
      addressSpace: { addressPrefixes: [`10.${i % 256}.0.0/16`] },
      subnets: Array.from({ length: 2 + r(4) }, (_, k) => ({ name: `subnet${k}`, properties: { addressPrefix: `10.${i % 256}.${k}.0/24` } })),
    },
  };
}

function cluster(i, r) {
  const linux = i % 2 === 1;
  const enabled = r(3) === 0;
  const versions = linux ? ['6.4.661.1', '6.5.460.1', '7.2.457.1', '9.1.1436.1'] : ['6.4.654.9590', '6.5.658.9590', '7.2.477.9590', '10.1.2175.9590'];
  const fabricSettings = [{ name: 'Security', parameters: [{ name: 'ClusterProtectionLevel', value: 'EncryptAndSign' }] }];
  if (enabled) fabricSettings.push({ name: 'ManagedIdentityTokenService', parameters: [{ name: 'IsEnabled', value: 'true' }] });
  const resource = {
    type: 'Microsoft.ServiceFabric/clusters',
    apiVersion: '2021-06-01',
    name: `sfcluster${i}`,
    location: "[parameters('location')]",
    properties: {
      vmImage: linux ? 'Linux' : 'Windows',
      upgradeMode: 'Manual',
      clusterCodeVersion: versions[r(versions.length)],
      reliabilityLevel: 'Silver',
      managementEndpoint: `[concat('https://', variables('lbIP${i}'), ':19080')]`,
      certificate: { thumbprint: "[parameters('certificateThumbprint')]", x509StoreName: 'My' },
      fabricSettings,
      nodeTypes: [{ name: 'nt0', clientConnectionEndpointPort: 19000, httpGatewayEndpointPort: 19080, isPrimary: true, vmInstanceCount: 5, durabilityLevel: 'Silver' }],
    },
  };
  if (r(2) === 0) resource.properties.upgradeDescription = { forceRestart: r(2) === 0, upgradeReplicaSetCheckTimeout: '1.00:00:00', healthCheckWaitDuration: '00:05:00' };
  return resource;
}

function application(i) {
  return {
    type: 'Microsoft.ServiceFabric/clusters/applications',
    apiVersion: '2021-06-01',
    name: `[concat('sfcluster${i}', '/app${i}')]`,
    location: "[parameters('location')]",
    identity: { type: 'UserAssigned', userAssignedIdentities: { "[variables('identityId')]": {} } },
    properties: { typeName: 'AppType', typeVersion: '1.0.0', managedIdentities: [{ name: 'web', principalId: "[variables('principalId')]" }] },
  };
}

/**
 * A template of about `bytes` characters. `clusters` Service Fabric clusters (half Windows,
 * half Linux) are spread through it; with `clusters: 0` it never mentions Service Fabric.
 */
function generateTemplate({ bytes, clusters, seed = 1 }) {
  const r = lcg(seed);
  const parts = [];
  const header =
    '// Generated for the benchmark: many resources, some Service Fabric clusters.\r\n' +
    '{\r\n' +
    `  "$schema": "${SCHEMA}",\r\n` +
    '  "contentVersion": "1.0.0.0",\r\n' +
    '  /* Parameters shared by every resource. */\r\n' +
    '  "parameters": {\r\n' +
    '    "location": { "type": "string", "defaultValue": "westeurope" },\r\n' +
    '    "adminUsername": { "type": "string" },\r\n' +
    '    "adminPassword": { "type": "securestring" },\r\n' +
    '    "certificateThumbprint": { "type": "string" }\r\n' +
    '  },\r\n' +
    '  "variables": { "vmssPrefix": "vmss", "identityId": "id", "principalId": "p", "subnet0Ref": "s0", "subnet1Ref": "s1", "subnet2Ref": "s2", "subnet3Ref": "s3" },\r\n' +
    '  "resources": [\r\n';
  let size = header.length;
  const footer = '\r\n  ]\r\n}\r\n';
  const indent = (json) => json.replace(/\n/g, '\r\n    ');
  // Roughly the size of one ordinary resource, to place the clusters evenly.
  const estimated = Math.max(1, Math.round(bytes / 1900));
  const every = clusters > 0 ? Math.max(1, Math.floor(estimated / clusters)) : Infinity;
  let index = 0;
  let placed = 0;
  while (size < bytes - footer.length) {
    let resource;
    if (placed < clusters && index % every === every - 1) {
      resource = cluster(placed, r);
      if (placed % 4 === 0) {
        const app = `    // The application of cluster ${placed} uses a managed identity.\r\n    ${indent(JSON.stringify(application(placed), null, 2))}`;
        parts.push(app);
        size += app.length + 3;
      }
      placed++;
    } else {
      resource = [storage, vmss, network][index % 3](index, r);
    }
    const text = (index % 25 === 0 ? `    /* Resource ${index} */\r\n` : '') + '    ' + indent(JSON.stringify(resource, null, 2));
    parts.push(text);
    size += text.length + 3;
    index++;
  }
  return { text: header + parts.join(',\r\n') + footer, resources: index + Math.ceil(clusters / 4), clusters: placed };
}

module.exports = { generateTemplate };

if (require.main === module) {
  const { text, resources, clusters } = generateTemplate({ bytes: Number(process.argv[2] ?? 7e6), clusters: Number(process.argv[3] ?? 80) });
  process.stderr.write(`${text.length} chars, ${resources} resources, ${clusters} clusters\n`);
  process.stdout.write(text);
}
