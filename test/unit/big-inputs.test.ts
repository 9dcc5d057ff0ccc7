import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FULL, survives, tally } from './fuzz/harness';
import { ROOT } from './helpers';
import { LspClient } from '../server/lsp-client';

const CLI = join(ROOT, 'dist', 'cli.js');
const SCHEMA = 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#';
/** A cluster without the token service section and no application: one sf-mits-missing warning, nothing else. */
const CLUSTER = '{"type": "Microsoft.ServiceFabric/clusters", "apiVersion": "2021-06-01", "name": "c", "properties": {"fabricSettings": []}}';
const MB = 1024 * 1024;

/** A template with the cluster, padded with whitespace to `megabytes`. */
function paddedTemplate(megabytes: number): string {
  const head = `{\n  "$schema": "${SCHEMA}",\n  "resources": [${CLUSTER}]`;
  return head + ' '.repeat(megabytes * MB - head.length - 2) + '\n}';
}

function cli(...args: string[]) {
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', maxBuffer: 64 * MB });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('large inputs', function () {
  this.timeout(0);
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'sf-big-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('the CLI gives a template over the default 10 MB one warning, without reading it whole', () => {
    const file = join(dir, 'big.json');
    writeFileSync(file, paddedTemplate(11));
    const refused = cli('--format', 'json', file);
    assert.equal(refused.status, 0, refused.stderr);
    const [only] = JSON.parse(refused.stdout).files;
    assert.equal(only.findings.length, 1);
    assert.equal(only.findings[0].code, 'too-large');
    assert.equal(only.findings[0].severity, 'warning');
    assert.match(only.findings[0].message, /11\.0 MB, more than the 10 MB limit \(--max-file-size-mb\)/);
  });

  it('the CLI follows --max-file-size-mb', () => {
    const file = join(dir, 'one-megabyte.json');
    writeFileSync(file, paddedTemplate(1));
    const refused = cli('--format', 'json', '--max-file-size-mb', '0.5', file);
    assert.deepEqual(JSON.parse(refused.stdout).files[0].findings.map((f: { code: string }) => f.code), ['too-large']);
    const analysed = cli('--format', 'json', '--max-file-size-mb=2', file);
    assert.equal(analysed.status, 0, analysed.stderr);
    assert.deepEqual(JSON.parse(analysed.stdout).files[0].findings.map((f: { code: string }) => f.code), ['sf-mits-missing']);
  });

  it('the CLI skips a large file that is not a template quietly, and rejects a bad limit', () => {
    const file = join(dir, 'data.json');
    writeFileSync(file, `[${'1,'.repeat(MB)}1]`);
    const skipped = cli('--max-file-size-mb=1', file);
    assert.equal(skipped.status, 0);
    assert.equal(skipped.stdout, '');
    assert.match(skipped.stderr, /in 0 ARM templates/);
    for (const bad of ['0', '-1', 'ten', '']) {
      const usage = cli('--max-file-size-mb', bad, file);
      assert.equal(usage.status, 2, `--max-file-size-mb ${JSON.stringify(bad)}`);
      assert.match(usage.stderr, /--max-file-size-mb takes a positive number of megabytes/);
    }
  });

  (FULL ? it : it.skip)('1,000,000 resources: the one cluster among them is found (npm run fuzz)', () => {
    const others = Array.from({ length: 999_999 }, (_, i) =>
      i % 3 === 0 ? String(i) : i % 3 === 1 ? '{"type": "Microsoft.Storage/storageAccounts", "name": "s"}' : '"not a resource"',
    );
    const text = `{"$schema": "${SCHEMA}", "resources": [${others.join(',')}, ${CLUSTER}]}`;
    const result = survives(text);
    tally.cases++;
    assert.deepEqual(result.findings.map((f) => f.code), ['sf-mits-missing']);
    const file = join(dir, 'million.json');
    writeFileSync(file, text);
    const run = cli('--format', 'json', '--max-file-size-mb', '100', file);
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout).files[0].findings.map((f: { code: string }) => f.code), ['sf-mits-missing']);
  });

  (FULL ? it : it.skip)('a 100 MB template: the CLI and the server say it is too large and keep answering (npm run fuzz)', async () => {
    const text = paddedTemplate(100);
    const file = join(dir, 'huge.json');
    writeFileSync(file, text);
    const run = cli('--format', 'json', file);
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout).files[0].findings.map((f: { code: string }) => f.code), ['too-large']);

    const client = new LspClient();
    try {
      await client.initialize({ textDocument: { publishDiagnostics: {} } });
      const huge = 'file:///big/huge.json';
      const published = client.nextDiagnostics(huge);
      await client.open(huge, text);
      assert.deepEqual((await published).diagnostics.map((d) => d.code), ['too-large']);
      const small = 'file:///big/small.json';
      const next = client.nextDiagnostics(small);
      await client.open(small, `{"$schema": "${SCHEMA}", "resources": [${CLUSTER}]}`);
      assert.deepEqual((await next).diagnostics.map((d) => d.code), ['sf-mits-missing']);
    } finally {
      await client.dispose();
    }
    tally.cases += 2;
  });
});
