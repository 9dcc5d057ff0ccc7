import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { analyzeDocument, applyFix, type AnalysisResult, type WorkspaceHost } from '../../server/src/analysis';
import { mappingFromSetting, NodeWorkspaceHost } from '../../server/src/node-workspace-host';
import { position, readFixture } from './helpers';

/** A workspace in memory: file URIs to their text. */
function memoryHost(files: Record<string, string>, mapping: Array<{ template: string; parameters: string }> = []): WorkspaceHost {
  return {
    readFile: (uri) => files[uri],
    listDirectory: (folder) =>
      Object.keys(files)
        .filter((uri) => uri.startsWith(`${folder}/`) && !uri.substring(folder.length + 1).includes('/'))
        .map((uri) => uri.substring(folder.length + 1)),
    parameterFileMapping: () => mapping,
  };
}

const TEMPLATE = readFixture('parameter-files/azuredeploy.json');
const PARAMETERS = readFixture('parameter-files/azuredeploy.parameters.json');
const T = 'file:///ws/azuredeploy.json';
const P = 'file:///ws/azuredeploy.parameters.json';

function at(text: string, result: AnalysisResult) {
  return result.findings.map((f) => `${f.code}@${position(text, f.range.offset).line}:${position(text, f.range.offset).column}`);
}

describe('parameter files', () => {
  it('alone, the template is analysed with its defaults: 7.2 and forceRestart false raise nothing', () => {
    assert.deepEqual(analyzeDocument(TEMPLATE).findings, []);
    assert.deepEqual(analyzeDocument(TEMPLATE, { uri: T, host: memoryHost({ [T]: TEMPLATE }) }).findings, []);
  });

  it('the template takes the values of azuredeploy.parameters.json, says so, and points there', () => {
    const result = analyzeDocument(TEMPLATE, { uri: T, host: memoryHost({ [T]: TEMPLATE, [P]: PARAMETERS }) });
    assert.deepEqual(at(TEMPLATE, result), ['sf-version-too-low@18:31', 'sf-force-restart-on@21:11']);
    const [version, restart] = result.findings;
    assert.equal(version.severity, 'error');
    assert.match(version.message, /^clusterCodeVersion 6\.5\.641\.9590 is older than 6\.5 CU2 \(6\.5\.658\.9590 on Windows\)/);
    assert.match(version.message, /This comes from the value in the parameter file azuredeploy\.parameters\.json, where the quick fix is offered\.$/);
    assert.deepEqual(version.related, [
      { uri: P, range: { offset: PARAMETERS.indexOf('"6.5.641.9590"'), length: '"6.5.641.9590"'.length }, message: "The value 6.5.641.9590 comes from parameter 'clusterCodeVersion' in the parameter file azuredeploy.parameters.json." },
    ]);
    // The fixes edit the parameter file, so the template does not offer them.
    assert.deepEqual(version.fixes, []);
    assert.deepEqual(restart.fixes, []);
    assert.deepEqual(result.dependencies, [P]);
  });

  it('a parameter file value flows through the expression evaluator; an expression-like string there is unknown', () => {
    const template = JSON.stringify(
      {
        $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
        contentVersion: '1.0.0.0',
        parameters: { major: { type: 'string', defaultValue: '7.2' } },
        resources: [
          {
            type: 'Microsoft.ServiceFabric/clusters',
            apiVersion: '2021-06-01',
            name: 'c',
            properties: {
              clusterCodeVersion: "[concat(parameters('major'), '.641.9590')]",
              upgradeMode: 'Manual',
              fabricSettings: [{ name: 'ManagedIdentityTokenService', parameters: [{ name: 'IsEnabled', value: 'true' }] }],
            },
          },
        ],
      },
      null,
      2,
    );
    const parameters = (major: string) =>
      JSON.stringify({
        $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#',
        contentVersion: '1.0.0.0',
        parameters: { major: { value: major } },
      });
    const codes = (major: string) => analyzeDocument(template, { uri: T, host: memoryHost({ [T]: template, [P]: parameters(major) }) }).findings;
    // Defaults alone: 7.2.641.9590 is new enough.
    assert.deepEqual(analyzeDocument(template).findings, []);
    // The parameter file's 6.5 makes it 6.5.641.9590, older than 6.5.658.9590: computed, so no fix.
    const [finding, ...rest] = codes('6.5');
    assert.deepEqual(rest, []);
    assert.equal(finding.code, 'sf-version-too-low');
    assert.match(finding.message, /6\.5\.641\.9590/);
    assert.deepEqual(finding.fixes, []);
    // A parameter file holds values, not expressions: "[...]" there is not evaluated (it would give 6.5).
    assert.deepEqual(codes("[concat('6', '.5')]"), []);
  });

  it('the parameter file gets the diagnostics at its values, with fixes that edit it', () => {
    const result = analyzeDocument(PARAMETERS, { uri: P, host: memoryHost({ [T]: TEMPLATE, [P]: PARAMETERS }) });
    assert.equal(result.isTemplate, false);
    assert.equal(result.parametersFor, T);
    assert.deepEqual(at(PARAMETERS, result), ['sf-version-too-low@6:38', 'sf-force-restart-on@8:16']);
    const [version, restart] = result.findings;
    assert.match(version.message, /The template azuredeploy\.json uses this value\.$/);
    assert.equal(version.related?.[0].uri, T);
    assert.equal(TEMPLATE.substr(version.related![0].range.offset, version.related![0].range.length), `"[parameters('clusterCodeVersion')]"`);
    assert.deepEqual(version.fixes.map((f) => f.title), ['Raise clusterCodeVersion to 6.5.658.9590']);
    assert.equal(applyFix(PARAMETERS, version.fixes[0]), PARAMETERS.replace('{ "value": "6.5.641.9590" }', '{ "value": "6.5.658.9590" }'));
    assert.equal(applyFix(PARAMETERS, restart.fixes[0]), PARAMETERS.replace('"value": true\n', '"value": false\n'));
  });

  it('a value the parameter file gives as a Key Vault reference, or as an expression, is unknown', () => {
    const reference = PARAMETERS.replace('"vmImage": { "value": "Windows" }', '"vmImage": { "reference": { "keyVault": { "id": "x" }, "secretName": "os" } }');
    // 6.5.641 is too low for Windows but not for Linux: with the OS unknown it is not a fact.
    const result = analyzeDocument(TEMPLATE, { uri: T, host: memoryHost({ [T]: TEMPLATE, [P]: reference }) });
    assert.deepEqual(at(TEMPLATE, result), ['sf-force-restart-on@21:11']);
    const expression = PARAMETERS.replace('{ "value": true }', '{ "value": "[bool(\'true\')]" }').replace('"value": true\n', '"value": "[true()]"\n');
    assert.deepEqual(at(TEMPLATE, analyzeDocument(TEMPLATE, { uri: T, host: memoryHost({ [T]: TEMPLATE, [P]: expression }) })), ['sf-version-too-low@18:31']);
  });

  it('a required parameter that no parameter file supplies is unknown', () => {
    const withoutOs = PARAMETERS.replace(',\n    "vmImage": { "value": "Windows" }', '');
    assert.notEqual(withoutOs, PARAMETERS);
    assert.deepEqual(at(TEMPLATE, analyzeDocument(TEMPLATE, { uri: T, host: memoryHost({ [T]: TEMPLATE, [P]: withoutOs }) })), ['sf-force-restart-on@21:11']);
  });

  it('a parameter file that is not valid JSON leaves every parameter unknown, and says so in itself', () => {
    const broken = PARAMETERS.replace('"forceRestart": {', '"forceRestart": {{');
    const template = analyzeDocument(TEMPLATE, { uri: T, host: memoryHost({ [T]: TEMPLATE, [P]: broken }) });
    assert.deepEqual(template.findings, []);
    const itself = analyzeDocument(broken, { uri: P, host: memoryHost({ [T]: TEMPLATE, [P]: broken }) });
    assert.equal(itself.problem?.kind, 'invalid-json');
    assert.match(itself.problem!.message, /^This parameter file is not valid JSON here/);
  });

  it('a template that is broken or too deep gives its parameter file no finding, and crashes nothing', () => {
    const broken = TEMPLATE.replace('"resources": [', '"resources": [[');
    assert.deepEqual(analyzeDocument(PARAMETERS, { uri: P, host: memoryHost({ [T]: broken, [P]: PARAMETERS }) }).findings, []);
    const deep = `{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", "x": ${'['.repeat(20000)}${']'.repeat(20000)}}`;
    // The template is read without recursion for its parameter file too: paired, nothing to report.
    assert.deepEqual(analyzeDocument(PARAMETERS, { uri: P, host: memoryHost({ [T]: deep, [P]: PARAMETERS }) }), {
      isTemplate: false,
      parametersFor: T,
      findings: [],
      dependencies: [T],
    });
    // Resources nested in each other deeper than the model can walk: nothing, and no crash.
    const child = '[{"type": "Microsoft.ServiceFabric/clusters", "name": "c", "resources": ';
    const deepResources = `{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", "resources": ${child.repeat(50000)}[]${'}]'.repeat(50000)}}`;
    assert.deepEqual(analyzeDocument(PARAMETERS, { uri: P, host: memoryHost({ [T]: deepResources, [P]: PARAMETERS }) }), { isTemplate: false, findings: [] });
    // The template itself is read without recursion: it is a template with nothing to report.
    assert.deepEqual(analyzeDocument(deep, { uri: T, host: memoryHost({ [T]: deep, [P]: PARAMETERS }) }), { isTemplate: true, findings: [] });
  });

  it('pairs by the name ignoring case, by metadata.template, and by the ARM Tools mapping, in that order of strength', () => {
    const upper = 'file:///ws/AzureDeploy.Parameters.json';
    assert.deepEqual(at(TEMPLATE, analyzeDocument(TEMPLATE, { uri: T, host: memoryHost({ [T]: TEMPLATE, [upper]: PARAMETERS }) })).length, 2);

    const prod = 'file:///ws/prod.json';
    const withMetadata = PARAMETERS.replace('"contentVersion": "1.0.0.0",', '"contentVersion": "1.0.0.0",\n  "metadata": { "template": "./azuredeploy.json" },');
    assert.equal(analyzeDocument(TEMPLATE, { uri: T, host: memoryHost({ [T]: TEMPLATE, [prod]: withMetadata }) }).dependencies?.[0], prod);
    assert.equal(analyzeDocument(withMetadata, { uri: prod, host: memoryHost({ [T]: TEMPLATE, [prod]: withMetadata }) }).findings.length, 2);
    // Without metadata, prod.json names no template.
    assert.deepEqual(analyzeDocument(PARAMETERS, { uri: prod, host: memoryHost({ [T]: TEMPLATE, [prod]: PARAMETERS }) }), { isTemplate: false, findings: [] });

    const mapped = 'file:///ws/env/test.json';
    const files = { [T]: TEMPLATE, [P]: PARAMETERS.replace('6.5.641.9590', '7.2.477.9590'), [mapped]: PARAMETERS };
    const mapping = [{ template: T, parameters: mapped }];
    const result = analyzeDocument(TEMPLATE, { uri: T, host: memoryHost(files, mapping) });
    assert.deepEqual(result.dependencies, [mapped]);
    assert.match(result.findings[0].message, /parameter file test\.json/);
    assert.equal(analyzeDocument(PARAMETERS, { uri: mapped, host: memoryHost(files, mapping) }).parametersFor, T);
  });

  it('a parameter file whose template the host does not give (outside the workspace) gets nothing', () => {
    const outside = PARAMETERS.replace('"contentVersion": "1.0.0.0",', '"contentVersion": "1.0.0.0",\n  "metadata": { "template": "../secret/azuredeploy.json" },');
    const uri = 'file:///ws/prod.json';
    assert.deepEqual(analyzeDocument(outside, { uri, host: memoryHost({ [uri]: outside, 'file:///secret/azuredeploy.json': TEMPLATE }) }).findings.length, 2, 'the in-memory host reads anything');
    const guarded: WorkspaceHost = { ...memoryHost({ [uri]: outside }), readFile: (u) => (u.startsWith('file:///ws/') ? { [uri]: outside }[u] : undefined) };
    assert.deepEqual(analyzeDocument(outside, { uri, host: guarded }), { isTemplate: false, findings: [] });
  });
});

describe('the Node host reads nothing outside its folders', () => {
  let base: string;
  let workspace: string;
  let host: NodeWorkspaceHost;
  const uri = (path: string) => pathToFileURL(path).toString();

  before(() => {
    base = mkdtempSync(join(tmpdir(), 'sf-mi-host-'));
    workspace = join(base, 'ws');
    mkdirSync(join(base, 'outside'), { recursive: true });
    mkdirSync(join(workspace, 'sub'), { recursive: true });
    writeFileSync(join(base, 'outside', 'azuredeploy.parameters.json'), PARAMETERS);
    writeFileSync(join(base, 'outside', 'azuredeploy.json'), TEMPLATE);
    writeFileSync(join(workspace, 'azuredeploy.json'), TEMPLATE);
    writeFileSync(join(workspace, 'sub', 'inside.json'), '{}');
    // A link inside the workspace to a parameter file outside it.
    symlinkSync(join(base, 'outside', 'azuredeploy.parameters.json'), join(workspace, 'azuredeploy.parameters.json'));
    symlinkSync(join(base, 'outside'), join(workspace, 'linked-folder'));
    host = new NodeWorkspaceHost({ roots: [workspace] });
  });
  after(() => rmSync(base, { recursive: true, force: true }));

  it('reads a file inside', () => {
    assert.equal(host.readFile(uri(join(workspace, 'sub', 'inside.json'))), '{}');
    assert.ok(host.listDirectory(uri(workspace)).includes('azuredeploy.json'));
  });

  it('reads a file again once it changed on disk', () => {
    const file = join(workspace, 'sub', 'changing.json');
    writeFileSync(file, '{"a": 1}');
    utimesSync(file, 1_000, 1_000);
    assert.equal(host.readFile(uri(file)), '{"a": 1}');
    writeFileSync(file, '{"a": 2}');
    utimesSync(file, 2_000, 2_000);
    assert.equal(host.readFile(uri(file)), '{"a": 2}');
  });

  it('refuses a path that climbs out with ..', () => {
    const climbing = `${uri(workspace)}/sub/../../outside/azuredeploy.parameters.json`;
    assert.equal(host.readFile(climbing), undefined);
    assert.deepEqual(host.listDirectory(`${uri(workspace)}/..`), []);
    assert.deepEqual(host.listDirectory(uri(join(base, 'outside'))), []);
  });

  it('refuses a symbolic link that points outside, to a file or a folder', () => {
    assert.equal(host.readFile(uri(join(workspace, 'azuredeploy.parameters.json'))), undefined);
    assert.equal(host.readFile(uri(join(workspace, 'linked-folder', 'azuredeploy.json'))), undefined);
    assert.deepEqual(host.listDirectory(uri(join(workspace, 'linked-folder'))), []);
  });

  it('an open document outside the folders is not given out either', () => {
    const open = new NodeWorkspaceHost({ roots: [workspace], openDocument: () => 'open text' });
    assert.equal(open.readFile(uri(join(base, 'outside', 'azuredeploy.json'))), undefined);
    assert.equal(open.readFile(uri(join(workspace, 'azuredeploy.json'))), 'open text');
    assert.equal(open.readFile(uri(join(workspace, 'not-saved-yet.json'))), 'open text');
  });

  it('so a template whose parameter file is a link to outside is analysed with its defaults', () => {
    const template = uri(join(workspace, 'azuredeploy.json'));
    const result = analyzeDocument(TEMPLATE, { uri: template, host });
    assert.deepEqual(result.findings, []);
    // The same files, with the outside folder as the workspace: the pairing is real.
    const outsideHost = new NodeWorkspaceHost({ roots: [join(base, 'outside')] });
    const outsideTemplate = uri(join(base, 'outside', 'azuredeploy.json'));
    assert.equal(analyzeDocument(TEMPLATE, { uri: outsideTemplate, host: outsideHost }).findings.length, 2);
  });
});

describe('linked templates', () => {
  const MAIN = readFixture('linked/main.json');
  const CLUSTER = readFixture('linked/nested/cluster.json');
  const M = 'file:///ws/linked/main.json';
  const C = 'file:///ws/linked/nested/cluster.json';
  const OUTSIDE = 'file:///outside/cluster.json';

  it('follows a relativePath link with the parameters the deployment passes, and shows the finding at the link', () => {
    const result = analyzeDocument(MAIN, { uri: M, host: memoryHost({ [M]: MAIN, [C]: CLUSTER }) });
    assert.deepEqual(at(MAIN, result), ['sf-version-too-low@11:25']);
    const [finding] = result.findings;
    assert.equal(MAIN.substr(finding.range.offset, finding.range.length), '{ "relativePath": "nested/cluster.json" }');
    assert.match(finding.message, /^In the linked template cluster\.json: clusterCodeVersion 6\.5\.641\.9590 is older than 6\.5 CU2/);
    const [inLinked, origin] = finding.related!;
    assert.equal(inLinked.uri, C);
    assert.equal(CLUSTER.substr(inLinked.range.offset, inLinked.range.length), `"[parameters('clusterCodeVersion')]"`);
    // The value is the one main.json passes, in main.json itself.
    assert.equal(origin.uri, undefined);
    assert.equal(MAIN.substr(origin.range.offset, origin.range.length), '"6.5.641.9590"');
    // The fix would edit main.json's value, which is in this document: it is offered.
    assert.equal(applyFix(MAIN, finding.fixes[0]), MAIN.replace('{ "value": "6.5.641.9590" }', '{ "value": "6.5.658.9590" }'));
    assert.deepEqual(result.dependencies, [C]);
  });

  it('the linked template alone uses its defaults; a URL, a path outside the workspace and a cycle are skipped quietly', () => {
    assert.deepEqual(analyzeDocument(CLUSTER, { uri: C, host: memoryHost({ [M]: MAIN, [C]: CLUSTER }) }).findings, []);
    // The host below would give the outside file if asked; the guarded one does not, as the Node host does not.
    const outsideCluster = CLUSTER.replace('"7.2.477.9590"', '"6.5.641.9590"');
    const open = memoryHost({ [M]: MAIN, [C]: CLUSTER, [OUTSIDE]: outsideCluster });
    assert.deepEqual(at(MAIN, analyzeDocument(MAIN, { uri: M, host: open })), ['sf-version-too-low@11:25', 'sf-version-too-low@32:25']);
    const guarded: WorkspaceHost = { ...open, readFile: (uri) => (uri.startsWith('file:///ws/') ? open.readFile(uri) : undefined) };
    assert.deepEqual(at(MAIN, analyzeDocument(MAIN, { uri: M, host: guarded })), ['sf-version-too-low@11:25']);
    // Without a URI and a host nothing is followed.
    assert.deepEqual(analyzeDocument(MAIN).findings, []);
  });

  it('the Node host does not follow a link out of the workspace', () => {
    const base = mkdtempSync(join(tmpdir(), 'sf-mi-linked-'));
    try {
      mkdirSync(join(base, 'ws', 'linked', 'nested'), { recursive: true });
      mkdirSync(join(base, 'outside'));
      writeFileSync(join(base, 'ws', 'linked', 'main.json'), MAIN);
      writeFileSync(join(base, 'ws', 'linked', 'nested', 'cluster.json'), CLUSTER);
      writeFileSync(join(base, 'outside', 'cluster.json'), CLUSTER.replace('"7.2.477.9590"', '"6.5.641.9590"'));
      const main = pathToFileURL(join(base, 'ws', 'linked', 'main.json')).toString();
      const inside = new NodeWorkspaceHost({ roots: [join(base, 'ws')] });
      assert.deepEqual(at(MAIN, analyzeDocument(MAIN, { uri: main, host: inside })), ['sf-version-too-low@11:25']);
      // With the parent folder as the workspace, ../../outside is inside it and is followed: the check can fail.
      const wider = new NodeWorkspaceHost({ roots: [base] });
      assert.deepEqual(at(MAIN, analyzeDocument(MAIN, { uri: main, host: wider })), ['sf-version-too-low@11:25', 'sf-version-too-low@32:25']);
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });
});

describe('the azureResourceManagerTools.parameterFiles setting', () => {
  it('maps absolute paths, and relative ones against the first workspace folder; ignores the rest', () => {
    assert.deepEqual(
      mappingFromSetting({ '/repo/a/azuredeploy.json': '/repo/params/prod.json', 'b/main.json': 'b/main.dev.json', 'c.json': 42, '': 'x.json' }, ['/repo']),
      [
        { template: 'file:///repo/a/azuredeploy.json', parameters: 'file:///repo/params/prod.json' },
        { template: 'file:///repo/b/main.json', parameters: 'file:///repo/b/main.dev.json' },
      ],
    );
    assert.deepEqual(mappingFromSetting({ 'b/main.json': 'b/main.dev.json' }, []), []);
    for (const setting of [undefined, null, 'x', ['a']]) assert.deepEqual(mappingFromSetting(setting, ['/repo']), []);
  });
});
