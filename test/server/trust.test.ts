import * as assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { readFixture, ROOT } from '../unit/helpers';
import { LspClient } from './lsp-client';

const PUSH_ONLY = { textDocument: { publishDiagnostics: { relatedInformation: true } } };
const SANDBOX = join(ROOT, 'test', 'security', 'sandbox.js');

function codes(diagnostics: Diagnostic[]): string[] {
  return diagnostics.map((d) => String(d.code)).sort();
}

/**
 * Restricted Mode (Workspace Trust): with `initializationOptions.workspaceTrusted: false` the
 * server reads and lists no file on disk, so a template is analysed from its own text alone;
 * `sfManagedIdentity/workspaceTrusted` lifts that and has the open documents analysed again.
 */
describe('language server over stdio: Restricted Mode', () => {
  let workspace: string;
  let log: string;
  let client: LspClient;
  const template = readFixture('parameter-files/azuredeploy.json');
  const parameters = readFixture('parameter-files/azuredeploy.parameters.json');
  let templateUri: string;
  let parametersUri: string;

  beforeEach(() => {
    workspace = mkdtempSync(join(tmpdir(), 'sf-mi-trust-'));
    log = join(workspace, '..', `${workspace.split('/').pop()}.log`);
    writeFileSync(log, '');
    writeFileSync(join(workspace, 'azuredeploy.json'), template);
    writeFileSync(join(workspace, 'azuredeploy.parameters.json'), parameters);
    cpSync(join(ROOT, 'test', 'fixtures', 'linked'), join(workspace, 'linked'), { recursive: true });
    templateUri = pathToFileURL(join(workspace, 'azuredeploy.json')).toString();
    parametersUri = pathToFileURL(join(workspace, 'azuredeploy.parameters.json')).toString();
    // The sandbox records every file the server reads, lists or resolves.
    client = new LspClient(['--require', SANDBOX], { ...process.env, SF_SANDBOX_LOG: log });
  });
  afterEach(async () => {
    await client.dispose();
    rmSync(workspace, { recursive: true, force: true });
    rmSync(log, { force: true });
  });

  /** What the server did in the workspace folder: reads, listings, path resolutions. */
  function touched(): string[] {
    const root = resolve(workspace);
    return readFileSync(log, 'utf8')
      .split('\n')
      .filter(Boolean)
      .filter((entry) => {
        const path = resolve(entry.slice(entry.indexOf(' ') + 1));
        return path === root || path.startsWith(root + '/');
      });
  }

  async function start(initializationOptions: unknown): Promise<void> {
    await client.initialize(PUSH_ONLY, [{ uri: pathToFileURL(workspace).toString(), name: 'ws' }], initializationOptions);
  }

  it('untrusted: the parameter file on disk is not read, nor its folder listed; trusted later: it is, and the template is analysed again', async () => {
    await start({ workspaceTrusted: false });
    const alone = client.nextDiagnostics(templateUri);
    await client.open(templateUri, template);
    // From its own text, the template's version and forceRestart are parameters without a
    // default: unknown, so no finding.
    assert.deepEqual((await alone).diagnostics, []);
    assert.deepEqual(touched(), []);

    const paired = client.nextDiagnostics(templateUri, (p) => p.diagnostics.length > 0);
    await client.connection.sendNotification('sfManagedIdentity/workspaceTrusted');
    assert.deepEqual(codes((await paired).diagnostics), ['sf-force-restart-on', 'sf-version-too-low']);
    assert.ok(touched().some((entry) => entry.startsWith('READ ') && entry.endsWith('azuredeploy.parameters.json')), 'the parameter file was read once trusted');
  });

  it('untrusted: an open parameter file is not paired with the template either', async () => {
    await start({ workspaceTrusted: false });
    await client.open(parametersUri, parameters);
    const published = client.nextDiagnostics(templateUri);
    await client.open(templateUri, template);
    assert.deepEqual((await published).diagnostics, []);
    assert.deepEqual(touched(), []);
  });

  it('untrusted: a linked template (templateLink.relativePath) is not followed; trusted: it is', async () => {
    const mainUri = pathToFileURL(join(workspace, 'linked', 'main.json')).toString();
    const main = readFileSync(join(workspace, 'linked', 'main.json'), 'utf8');
    await start({ workspaceTrusted: false });
    const alone = client.nextDiagnostics(mainUri);
    await client.open(mainUri, main);
    const untrusted = (await alone).diagnostics;
    assert.deepEqual(touched(), []);

    const followed = client.nextDiagnostics(mainUri, (p) => codes(p.diagnostics).join() !== codes(untrusted).join());
    await client.connection.sendNotification('sfManagedIdentity/workspaceTrusted');
    const trusted = (await followed).diagnostics;
    // The linked cluster's clusterCodeVersion comes from main.json's 6.5.641.9590: too low.
    assert.ok(codes(trusted).includes('sf-version-too-low'), `trusted: ${codes(trusted).join(', ')}`);
    assert.ok(!codes(untrusted).includes('sf-version-too-low'), `untrusted: ${codes(untrusted).join(', ')}`);
    assert.ok(touched().some((entry) => entry.endsWith(join('linked', 'nested', 'cluster.json'))), 'the linked template was read once trusted');
  });

  it('trusted from the start (workspaceTrusted: true) reads the parameter file at once', async () => {
    await start({ workspaceTrusted: true });
    const published = client.nextDiagnostics(templateUri);
    await client.open(templateUri, template);
    assert.deepEqual(codes((await published).diagnostics), ['sf-force-restart-on', 'sf-version-too-low']);
  });

  it('a client that says nothing of trust (Neovim, any LSP client) is trusted', async () => {
    await start(undefined);
    const published = client.nextDiagnostics(templateUri);
    await client.open(templateUri, template);
    assert.deepEqual(codes((await published).diagnostics), ['sf-force-restart-on', 'sf-version-too-low']);
  });
});
