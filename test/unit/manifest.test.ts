import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { addManagedIdentityEdit, analyzeDocument, applyFix, parseApplicationManifest, type ApplicationManifest, type WorkspaceHost } from '../../server/src/analysis';
import { NodeWorkspaceHost } from '../../server/src/node-workspace-host';
import { ROOT } from './helpers';
import { readFileSync } from 'node:fs';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { otherDocumentEdit } from '../../server/src/lsp/document-edits';

const EXAMPLE = join(ROOT, 'examples', 'sf-application');
const MANIFEST_TEXT = readFileSync(join(EXAMPLE, 'ApplicationPackageRoot', 'ApplicationManifest.xml'), 'utf8');
const TEMPLATE_TEXT = readFileSync(join(EXAMPLE, 'azuredeploy.json'), 'utf8');
const M = 'file:///ws/app/ApplicationPackageRoot/ApplicationManifest.xml';
const T = 'file:///ws/azuredeploy.json';

/** A workspace in memory: file URIs to their text; findFiles matches names and `*.ext`. */
function memoryHost(files: Record<string, string>, withFindFiles = true): WorkspaceHost {
  const host: WorkspaceHost = {
    readFile: (uri) => files[uri],
    listDirectory: (folder) =>
      Object.keys(files)
        .filter((uri) => uri.startsWith(`${folder}/`) && !uri.substring(folder.length + 1).includes('/'))
        .map((uri) => uri.substring(folder.length + 1)),
    parameterFileMapping: () => [],
  };
  if (withFindFiles) {
    host.findFiles = (name) =>
      Object.keys(files).filter((uri) => {
        const base = uri.substring(uri.lastIndexOf('/') + 1).toLowerCase();
        return name.startsWith('*.') ? base.endsWith(name.substring(1).toLowerCase()) : base === name.toLowerCase();
      });
  }
  return host;
}

function parsed(text: string): ApplicationManifest {
  const result = parseApplicationManifest(text);
  assert.ok(result.ok, 'parses');
  assert.ok(result.manifest, 'is an application manifest');
  return result.manifest;
}

const covered = (text: string, range: { offset: number; length: number }) => text.substring(range.offset, range.offset + range.length);

describe('ApplicationManifest.xml', () => {
  describe('parser', () => {
    it('reads the type name, the managed identities and the identity bindings, with the ranges of their values', () => {
      const manifest = parsed(MANIFEST_TEXT);
      assert.equal(manifest.applicationTypeName?.value, 'OrdersAppType');
      assert.equal(covered(MANIFEST_TEXT, manifest.applicationTypeName!.range), 'OrdersAppType');
      assert.deepEqual(manifest.identities.map((identity) => identity.value), ['WebAdmin', 'Reporting']);
      for (const identity of manifest.identities) assert.equal(covered(MANIFEST_TEXT, identity.range), identity.value);
      assert.deepEqual(manifest.bindings.map((binding) => binding.value), ['WebAdmin']);
      assert.match(covered(MANIFEST_TEXT, manifest.managedIdentities!.range), /^<ManagedIdentities>[\s\S]*<\/ManagedIdentities>$/);
    });

    it('decodes entities, takes single quotes, prefixes and CRLF, and counts offsets in UTF-16 code units', () => {
      const text =
        "<?xml version='1.0'?>\r\n<!-- \u{1F600} <ManagedIdentity Name=\"InComment\"/> -->\r\n<f:ApplicationManifest xmlns:f='urn:x' ApplicationTypeName='A&amp;B'>\r\n" +
        "  <f:Principals><f:ManagedIdentities><f:ManagedIdentity Name='x&lt;y'/><![CDATA[<ManagedIdentity Name=\"cdata\"/>]]></f:ManagedIdentities></f:Principals>\r\n</f:ApplicationManifest>";
      const manifest = parsed(text);
      assert.equal(manifest.applicationTypeName?.value, 'A&B');
      assert.equal(covered(text, manifest.applicationTypeName!.range), 'A&amp;B');
      assert.deepEqual(manifest.identities.map((identity) => [identity.value, covered(text, identity.range)]), [['x<y', 'x&lt;y']]);
    });

    it('gives the first well-formedness error and where it is; other XML is not a manifest', () => {
      const broken = '<ApplicationManifest ApplicationTypeName="A">\n  <Principals>\n</ApplicationManifest>';
      const result = parseApplicationManifest(broken);
      assert.equal(result.ok, false);
      if (result.ok) return;
      assert.equal(result.message, 'unexpected close tag.');
      assert.ok(result.range.offset > broken.indexOf('<Principals>'), `the error is after <Principals> (${result.range.offset})`);
      assert.deepEqual(parseApplicationManifest('<ServiceManifest Name="x"/>'), { ok: true, manifest: undefined });
      assert.equal(parseApplicationManifest('').ok, false);
      assert.equal(parseApplicationManifest('\u0000\u0001 binary').ok, false);
    });
  });

  describe('adding a ManagedIdentity keeps the manifest\'s formatting', () => {
    const cases: Array<{ name: string; before: string; after: string }> = [
      {
        name: 'after the last identity, with its indentation',
        before: '<ApplicationManifest ApplicationTypeName="A">\n  <Principals>\n    <ManagedIdentities>\n      <ManagedIdentity Name="a" />\n    </ManagedIdentities>\n  </Principals>\n</ApplicationManifest>\n',
        after: '<ApplicationManifest ApplicationTypeName="A">\n  <Principals>\n    <ManagedIdentities>\n      <ManagedIdentity Name="a" />\n      <ManagedIdentity Name="New&quot;One" />\n    </ManagedIdentities>\n  </Principals>\n</ApplicationManifest>\n',
      },
      {
        name: 'tabs and CRLF, in an empty ManagedIdentities',
        before: '<ApplicationManifest ApplicationTypeName="A">\r\n\t<Principals>\r\n\t\t<ManagedIdentities>\r\n\t\t</ManagedIdentities>\r\n\t</Principals>\r\n</ApplicationManifest>',
        after: '<ApplicationManifest ApplicationTypeName="A">\r\n\t<Principals>\r\n\t\t<ManagedIdentities>\r\n\t\t\t<ManagedIdentity Name="New&quot;One" />\r\n\t\t</ManagedIdentities>\r\n\t</Principals>\r\n</ApplicationManifest>',
      },
      {
        name: 'a self-closing ManagedIdentities is opened',
        before: '<ApplicationManifest ApplicationTypeName="A">\n    <Principals>\n        <ManagedIdentities />\n    </Principals>\n</ApplicationManifest>',
        after: '<ApplicationManifest ApplicationTypeName="A">\n    <Principals>\n        <ManagedIdentities>\n            <ManagedIdentity Name="New&quot;One" />\n        </ManagedIdentities>\n    </Principals>\n</ApplicationManifest>',
      },
      {
        name: 'Principals with users only gets ManagedIdentities last',
        before: '<ApplicationManifest ApplicationTypeName="A">\n  <Principals>\n    <Users>\n      <User Name="u" />\n    </Users>\n  </Principals>\n</ApplicationManifest>',
        after: '<ApplicationManifest ApplicationTypeName="A">\n  <Principals>\n    <Users>\n      <User Name="u" />\n    </Users>\n    <ManagedIdentities>\n      <ManagedIdentity Name="New&quot;One" />\n    </ManagedIdentities>\n  </Principals>\n</ApplicationManifest>',
      },
      {
        name: 'no Principals: after DefaultServices, before Policies',
        before: '<ApplicationManifest ApplicationTypeName="A">\n  <ServiceManifestImport />\n  <DefaultServices />\n  <Policies />\n</ApplicationManifest>',
        after: '<ApplicationManifest ApplicationTypeName="A">\n  <ServiceManifestImport />\n  <DefaultServices />\n  <Principals>\n    <ManagedIdentities>\n      <ManagedIdentity Name="New&quot;One" />\n    </ManagedIdentities>\n  </Principals>\n  <Policies />\n</ApplicationManifest>',
      },
    ];
    for (const { name, before, after } of cases) {
      it(name, () => {
        const edit = addManagedIdentityEdit(before, parsed(before), 'New"One');
        const text = before.substring(0, edit.offset) + edit.content + before.substring(edit.offset + edit.length);
        assert.equal(text, after);
        assert.deepEqual(parsed(text).identities.map((identity) => identity.value).slice(-1), ['New"One']);
      });
    }
  });

  describe('names XML has to escape or cannot hold', () => {
    const before = '<ApplicationManifest ApplicationTypeName="A">\n  <Principals>\n    <ManagedIdentities>\n    </ManagedIdentities>\n  </Principals>\n</ApplicationManifest>';
    for (const name of ['tab\there', 'line\nbreak', 'cr\rhere', 'amp&<"q']) {
      it(`${JSON.stringify(name)} reads back the same from the manifest`, () => {
        const edit = addManagedIdentityEdit(before, parsed(before), name);
        const text = before.substring(0, edit.offset) + edit.content + before.substring(edit.offset + edit.length);
        assert.deepEqual(parsed(text).identities.map((identity) => identity.value), [name]);
      });
    }
    it('offers no manifest edit for a name with a control character, only the finding', () => {
      const template = TEMPLATE_TEXT.replace('"Reportng"', '"Re\\u0001portng"');
      assert.notEqual(template, TEMPLATE_TEXT);
      const result = analyzeDocument(template, { uri: T, host: memoryHost({ [M]: MANIFEST_TEXT, [T]: template }) });
      const finding = result.findings.find((f) => f.code === 'sf-identity-not-in-manifest' && f.message.includes('\u0001'));
      assert.ok(finding, result.findings.map((f) => f.message).join('\n'));
      assert.equal((finding.fixes ?? []).some((fix) => fix.documentEdit !== undefined), false);
    });
  });

  describe('sf-identity-not-in-manifest (the template side)', () => {
    const files = { [M]: MANIFEST_TEXT, [T]: TEMPLATE_TEXT };

    it('reports the name the manifest lacks, at the name, with the manifest as related information', () => {
      const result = analyzeDocument(TEMPLATE_TEXT, { uri: T, host: memoryHost(files) });
      const findings = result.findings.filter((finding) => finding.code === 'sf-identity-not-in-manifest');
      assert.equal(findings.length, 1);
      const [finding] = findings;
      assert.equal(finding.severity, 'error');
      assert.equal(covered(TEMPLATE_TEXT, finding.range), '"Reportng"');
      assert.match(finding.message, /^Identity 'Reportng' is not defined in ApplicationManifest\.xml of application type 'OrdersAppType'/);
      assert.match(finding.message, /one of its names: 'WebAdmin', 'Reporting'\.$/);
      assert.equal(finding.related?.[0].uri, M);
      assert.match(covered(MANIFEST_TEXT, finding.related![0].range), /^<ManagedIdentities>/);
      assert.ok(result.dependencies?.includes(M), 'a change of the manifest renews the template');
      assert.deepEqual(finding.fixes.map((fix) => fix.title), ["Add ManagedIdentity 'Reportng' to ApplicationManifest.xml", "Use 'Reporting' from ApplicationManifest.xml"]);
    });

    it('the manifest fix inserts only the element, and the manifest then declares the name: the finding is gone', () => {
      const finding = analyzeDocument(TEMPLATE_TEXT, { uri: T, host: memoryHost(files) }).findings.find((f) => f.code === 'sf-identity-not-in-manifest')!;
      const target = finding.fixes[0].documentEdit!;
      assert.equal(target.uri, M);
      assert.equal(target.text, MANIFEST_TEXT);
      assert.equal(target.edits.length, 1);
      const [edit] = target.edits;
      assert.equal(edit.length, 0, 'nothing is replaced');
      assert.equal(edit.content, '\n      <ManagedIdentity Name="Reportng" />');
      const fixed = MANIFEST_TEXT.substring(0, edit.offset) + edit.content + MANIFEST_TEXT.substring(edit.offset);
      assert.deepEqual(parsed(fixed).identities.map((identity) => identity.value), ['WebAdmin', 'Reporting', 'Reportng']);
      const again = analyzeDocument(TEMPLATE_TEXT, { uri: T, host: memoryHost({ ...files, [M]: fixed }) });
      assert.deepEqual(again.findings.filter((f) => f.code === 'sf-identity-not-in-manifest'), []);
    });

    it('the rename fix writes the closest manifest name in the template, and the finding is gone', () => {
      const finding = analyzeDocument(TEMPLATE_TEXT, { uri: T, host: memoryHost(files) }).findings.find((f) => f.code === 'sf-identity-not-in-manifest')!;
      const fixed = applyFix(TEMPLATE_TEXT, finding.fixes[1])!;
      assert.equal(fixed, TEMPLATE_TEXT.replace('"Reportng"', '"Reporting"'));
      const again = analyzeDocument(fixed, { uri: T, host: memoryHost({ ...files, [T]: fixed }) });
      assert.deepEqual(again.findings.filter((f) => f.code === 'sf-identity-not-in-manifest'), []);
    });

    it('the manifest edit is offered only while the manifest has the text it was computed for', () => {
      const fix = analyzeDocument(TEMPLATE_TEXT, { uri: T, host: memoryHost(files) }).findings.find((f) => f.code === 'sf-identity-not-in-manifest')!.fixes[0];
      const same = (uri: string) => (uri === M ? TextDocument.create(M, 'xml', 3, MANIFEST_TEXT) : undefined);
      const versioned = otherDocumentEdit(fix, same, true);
      assert.deepEqual(versioned?.documentChanges?.map((change) => ('textDocument' in change ? change.textDocument : undefined)), [{ uri: M, version: null }]);
      assert.deepEqual(Object.keys(otherDocumentEdit(fix, same, false)?.changes ?? {}), [M]);
      const edited = (uri: string) => (uri === M ? TextDocument.create(M, 'xml', 4, MANIFEST_TEXT.replace('WebAdmin', 'WebAdmins')) : undefined);
      assert.equal(otherDocumentEdit(fix, edited, true), undefined);
      assert.equal(otherDocumentEdit(fix, () => undefined, true), undefined);
    });

    it('says nothing without a host that finds files, without a manifest of that type, or when the type name is unknown', () => {
      const count = (text: string, host: WorkspaceHost) => analyzeDocument(text, { uri: T, host }).findings.filter((f) => f.code === 'sf-identity-not-in-manifest').length;
      assert.equal(count(TEMPLATE_TEXT, memoryHost(files, false)), 0);
      assert.equal(count(TEMPLATE_TEXT, memoryHost({ [M]: MANIFEST_TEXT.replace('OrdersAppType', 'OtherType'), [T]: TEMPLATE_TEXT })), 0);
      const unknownType = TEMPLATE_TEXT.replace(`"defaultValue": "OrdersAppType"`, `"defaultValue": "[resourceGroup().name]"`);
      assert.equal(count(unknownType, memoryHost({ ...files, [T]: unknownType })), 0);
      assert.equal(count(TEMPLATE_TEXT, memoryHost({ [M]: '<ApplicationManifest', [T]: TEMPLATE_TEXT })), 0);
    });

    it('a managed cluster application takes the name of the one application type the template declares', () => {
      const text = JSON.stringify({
        $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
        contentVersion: '1.0.0.0',
        resources: [
          { type: 'Microsoft.ServiceFabric/managedClusters/applicationTypes', apiVersion: '2021-05-01', name: 'mc/OrdersAppType', properties: {} },
          {
            type: 'Microsoft.ServiceFabric/managedClusters/applications',
            apiVersion: '2021-05-01',
            name: 'mc/orders',
            properties: { version: "[resourceId('x', 'y')]", managedIdentities: [{ name: 'Nope', principalId: 'p' }] },
          },
        ],
      }, null, 2);
      const findings = analyzeDocument(text, { uri: T, host: memoryHost({ [M]: MANIFEST_TEXT, [T]: text }) }).findings;
      assert.deepEqual(findings.map((f) => [f.code, covered(text, f.range)]), [['sf-identity-not-in-manifest', '"Nope"']]);
    });
  });

  describe('sf-manifest-identity-unbound (the manifest side)', () => {
    it('reports a manifest identity that no ARM application of its type provides, pointing at the application', () => {
      const result = analyzeDocument(MANIFEST_TEXT, { uri: M, host: memoryHost({ [M]: MANIFEST_TEXT, [T]: TEMPLATE_TEXT }) });
      assert.equal(result.problem, undefined);
      assert.deepEqual(result.findings.map((f) => [f.code, f.severity, covered(MANIFEST_TEXT, f.range)]), [['sf-manifest-identity-unbound', 'warning', 'Reporting']]);
      assert.match(result.findings[0].message, /^Managed identity 'Reporting' is declared here, but no ARM application of type 'OrdersAppType' in the workspace \(azuredeploy\.json\)/);
      assert.equal(result.findings[0].related?.[0].uri, T);
      assert.match(covered(TEMPLATE_TEXT, result.findings[0].related![0].range), /^\[\s*\{ "name": "WebAdmin"/);
      assert.deepEqual(result.dependencies, [T]);
    });

    it('runs only when an ARM template in the workspace deploys the manifest\'s type', () => {
      assert.deepEqual(analyzeDocument(MANIFEST_TEXT, { uri: M, host: memoryHost({ [M]: MANIFEST_TEXT }) }).findings, []);
      const other = TEMPLATE_TEXT.replace(`"defaultValue": "OrdersAppType"`, `"defaultValue": "OtherAppType"`);
      assert.deepEqual(analyzeDocument(MANIFEST_TEXT, { uri: M, host: memoryHost({ [M]: MANIFEST_TEXT, [T]: other }) }).findings, []);
      assert.deepEqual(analyzeDocument(MANIFEST_TEXT, { uri: M }).findings, []);
    });

    it('once the template provides both names, nothing is reported on either side', () => {
      const fixed = TEMPLATE_TEXT.replace('"Reportng"', '"Reporting"');
      const host = memoryHost({ [M]: MANIFEST_TEXT, [T]: fixed });
      assert.deepEqual(analyzeDocument(MANIFEST_TEXT, { uri: M, host }).findings, []);
      assert.deepEqual(analyzeDocument(fixed, { uri: T, host }).findings.filter((f) => f.code.includes('manifest')), []);
    });

    it('a manifest that is not well-formed gets one invalid-xml warning and never throws', () => {
      const broken = MANIFEST_TEXT.replace('</Principals>', '');
      const result = analyzeDocument(broken, { uri: M, host: memoryHost({ [M]: broken, [T]: TEMPLATE_TEXT }) });
      assert.equal(result.problem?.kind, 'invalid-xml');
      assert.match(result.problem!.message, /^This ApplicationManifest\.xml is not well-formed XML here \(.+\)/);
      assert.deepEqual(result.findings, []);
      for (let cut = 0; cut < MANIFEST_TEXT.length; cut += 7) analyzeDocument(MANIFEST_TEXT.substring(0, cut), { uri: M, host: memoryHost({ [T]: TEMPLATE_TEXT }) });
    });
  });

  describe('NodeWorkspaceHost.findFiles', () => {
    let folder: string;
    beforeEach(() => {
      folder = mkdtempSync(join(tmpdir(), 'sf-find-files-'));
    });
    afterEach(() => rmSync(folder, { recursive: true, force: true }));

    it('finds files by name ignoring case and by extension, skips node_modules and .git, and sees a new file once told of it', () => {
      for (const dir of ['a/b', 'node_modules/x', '.git/y']) mkdirSync(join(folder, dir), { recursive: true });
      writeFileSync(join(folder, 'a', 'b', 'applicationmanifest.XML'), '<x/>');
      writeFileSync(join(folder, 'node_modules', 'x', 'ApplicationManifest.xml'), '<x/>');
      writeFileSync(join(folder, '.git', 'y', 'ApplicationManifest.xml'), '<x/>');
      writeFileSync(join(folder, 'a', 't.json'), '{}');
      const host = new NodeWorkspaceHost({ roots: [folder] });
      assert.deepEqual(host.findFiles('ApplicationManifest.xml'), [pathToFileURL(join(folder, 'a', 'b', 'applicationmanifest.XML')).toString()]);
      assert.deepEqual(host.findFiles('*.json'), [pathToFileURL(join(folder, 'a', 't.json')).toString()]);
      host.fileChanged(pathToFileURL(join(folder, 'a', 't.json')).toString());
      writeFileSync(join(folder, 'ApplicationManifest.xml'), '<x/>');
      assert.equal(host.findFiles('ApplicationManifest.xml').length, 1, 'the walk is kept until a file it does not know changes');
      host.fileChanged(pathToFileURL(join(folder, 'ApplicationManifest.xml')).toString());
      assert.equal(host.findFiles('ApplicationManifest.xml').length, 2);
      assert.deepEqual(new NodeWorkspaceHost({ roots: [folder], trusted: () => false }).findFiles('ApplicationManifest.xml'), [], 'Restricted Mode lists nothing');
    });

    it('takes a URI encoded as VS Code does it for the same file as the walk\'s', () => {
      mkdirSync(join(folder, 'app (1)'));
      writeFileSync(join(folder, 'app (1)', 'ApplicationManifest.xml'), '<x/>');
      const walked = pathToFileURL(join(folder, 'app (1)', 'ApplicationManifest.xml')).toString();
      // VS Code's URI.toString() encodes parentheses; pathToFileURL does not.
      const asVsCode = walked.replace('(', '%28').replace(')', '%29');
      assert.notEqual(asVsCode, walked);
      const host = new NodeWorkspaceHost({ roots: [folder], openDocuments: () => [asVsCode], openDocument: (uri) => (uri === asVsCode ? '<x/>' : undefined) });
      assert.deepEqual(host.findFiles('ApplicationManifest.xml'), [walked], 'listed once');
      host.fileChanged(asVsCode);
      writeFileSync(join(folder, 'ApplicationManifest.xml'), '<x/>');
      assert.equal(host.findFiles('ApplicationManifest.xml').length, 1, 'a change to a known file, however encoded, keeps the walk');
    });

    it('stops 16 levels deep', () => {
      const deep = join(folder, ...Array.from({ length: 20 }, (_, i) => `d${i}`));
      mkdirSync(deep, { recursive: true });
      writeFileSync(join(deep, 'ApplicationManifest.xml'), '<x/>');
      writeFileSync(join(folder, 'd0', 'd1', 'ApplicationManifest.xml'), '<x/>');
      assert.deepEqual(new NodeWorkspaceHost({ roots: [folder] }).findFiles('ApplicationManifest.xml'), [pathToFileURL(join(folder, 'd0', 'd1', 'ApplicationManifest.xml')).toString()]);
    });

    it('the example project: the CLI-style host finds the manifest and the template reports the misspelled name', () => {
      const host = new NodeWorkspaceHost({ roots: [EXAMPLE], unchanging: true });
      const uri = pathToFileURL(join(EXAMPLE, 'azuredeploy.json')).toString();
      const findings = analyzeDocument(TEMPLATE_TEXT, { uri, host }).findings;
      assert.deepEqual(findings.map((f) => f.code), ['sf-identity-not-in-manifest']);
    });
  });
});
