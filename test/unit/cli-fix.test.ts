import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, lstatSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readExample, readFixture, ROOT } from './helpers';

const CLI = join(ROOT, 'dist', 'cli.js');

function run(cwd: string, ...args: string[]) {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function folderWith(files: Record<string, string | Buffer>): string {
  const folder = mkdtempSync(join(tmpdir(), 'sf-fix-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(folder, name), content);
  return folder;
}

const utf16be = (text: string) => {
  const bytes = Buffer.from(text, 'utf16le');
  bytes.swap16();
  return Buffer.concat([Buffer.from([0xfe, 0xff]), bytes]);
};

describe('command line: --fix', () => {
  it('applies the preferred fix in place, says so, and reports what is left', () => {
    const folder = folderWith({ 'template.json': readExample('sf-mits-missing.json') });
    const { status, stdout, stderr } = run(folder, '--fix', 'template.json');
    // The hand-written fixed example is what the preferred fix must produce.
    assert.equal(readFileSync(join(folder, 'template.json'), 'utf8'), readExample('sf-mits-missing.fixed.json'));
    assert.match(stderr, /^template\.json: fixed sf-mits-missing: Enable the Managed Identity Token Service and restart every node$/m);
    assert.match(stderr, /^Fixed 1 finding in 1 file\.$/m);
    // What remains is the forceRestart the fix just turned on: a warning, so exit 0.
    assert.equal(status, 0);
    assert.deepEqual(stdout.split('\n').filter(Boolean).map((line) => line.split(' ').slice(0, 3).join(' ')), ['template.json:39:11 warning sf-force-restart-on']);
  });

  it('never undoes its own edit: forceRestart is rolled back by a later run, after the upgrade', () => {
    const folder = folderWith({ 'template.json': readExample('sf-mits-missing.json') });
    const first = run(folder, '--fix', 'template.json');
    assert.match(first.stderr, /^template\.json: left sf-force-restart-on as it is \(Set forceRestart to false\): it would change what an earlier fix of this run set\.$/m);
    const second = run(folder, '--fix', 'template.json');
    assert.equal(second.status, 0);
    assert.equal(second.stdout, '');
    assert.match(second.stderr, /^template\.json: fixed sf-force-restart-on: Set forceRestart to false$/m);
    const expected = readExample('sf-mits-missing.fixed.json').replace('"forceRestart": true', '"forceRestart": false');
    assert.notEqual(expected, readExample('sf-mits-missing.fixed.json'));
    assert.equal(readFileSync(join(folder, 'template.json'), 'utf8'), expected);
  });

  it('keeps UTF-16 big-endian with a BOM, CRLF line endings, tabs and comments', () => {
    const folder = folderWith({ 'template.json': utf16be(readFixture('crlf-tabs-comments.json')) });
    const { status, stdout, stderr } = run(folder, '--fix', 'template.json');
    // The hand-written fixed fixture enables the token service; --fix then also raises the
    // pinned version, which the token service needs (the variable 'pinned' holds it).
    const expected = readFixture('crlf-tabs-comments.fixed.json').replace('"pinned": "6.5.641.9590"', '"pinned": "6.5.658.9590"');
    assert.notEqual(expected, readFixture('crlf-tabs-comments.fixed.json'));
    assert.ok(readFileSync(join(folder, 'template.json')).equals(utf16be(expected)));
    assert.deepEqual(stderr.split('\n').filter((line) => line.startsWith('template.json: fixed')), [
      'template.json: fixed sf-mits-missing: Enable the Managed Identity Token Service and restart every node',
      'template.json: fixed sf-version-too-low: Raise clusterCodeVersion to 6.5.658.9590',
    ]);
    // Only the forceRestart warning is left: exit 0.
    assert.equal(status, 0);
    assert.match(stdout, /^template\.json:28:6 warning sf-force-restart-on /);
  });

  it('keeps UTF-8 with a BOM and UTF-16 little-endian with a BOM', () => {
    const text = readExample('sf-version-too-low.json');
    const folder = folderWith({
      'bom.json': Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]),
      'le.json': Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]),
    });
    const { status } = run(folder, '--fix', '.');
    assert.equal(status, 0);
    const fixed = readExample('sf-version-too-low.fixed.json');
    assert.ok(readFileSync(join(folder, 'bom.json')).equals(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(fixed, 'utf8')])));
    assert.ok(readFileSync(join(folder, 'le.json')).equals(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(fixed, 'utf16le')])));
  });

  it('writes through a symbolic link, keeps the file mode and leaves no temporary file', () => {
    const folder = folderWith({ 'real.json': readExample('sf-version-too-low.json') });
    chmodSync(join(folder, 'real.json'), 0o640);
    symlinkSync('real.json', join(folder, 'link.json'));
    const { status } = run(folder, '--fix', 'link.json');
    assert.equal(status, 0);
    assert.ok(lstatSync(join(folder, 'link.json')).isSymbolicLink());
    assert.equal(readFileSync(join(folder, 'real.json'), 'utf8'), readExample('sf-version-too-low.fixed.json'));
    assert.equal(statSync(join(folder, 'real.json')).mode & 0o777, 0o640);
    assert.deepEqual(readdirSync(folder).sort(), ['link.json', 'real.json']);
  });

  it('stops after 25 fixes in one file, and says so', () => {
    // 26 clusters with an empty fabricSettings: each takes one preferred fix.
    const cluster = (i: number) => ({ type: 'Microsoft.ServiceFabric/clusters', apiVersion: '2021-06-01', name: `c${i}`, location: 'westeurope', properties: { fabricSettings: [] } });
    const template = {
      $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
      contentVersion: '1.0.0.0',
      resources: Array.from({ length: 26 }, (_, i) => cluster(i)),
    };
    const folder = folderWith({ 'many.json': JSON.stringify(template, null, 2) });
    const { stdout, stderr } = run(folder, '--fix', '--rule', 'sf-mits-missing', 'many.json');
    assert.equal(stderr.split('\n').filter((line) => line.startsWith('many.json: fixed sf-mits-missing')).length, 25);
    assert.match(stderr, /^many\.json: stopped after 25 fixes; run --fix again for the rest\.$/m);
    assert.equal(stdout.split('\n').filter(Boolean).length, 1, 'one cluster is left');
    const again = run(folder, '--fix', '--rule', 'sf-mits-missing', 'many.json');
    assert.equal(again.stdout, '');
    assert.match(again.stderr, /^Fixed 1 finding in 1 file\.$/m);
  });

  it('--fix-dry-run prints what --fix would change and writes nothing', () => {
    const folder = folderWith({ 'template.json': readExample('sf-mits-missing.json') });
    const before = readFileSync(join(folder, 'template.json'));
    const { status, stdout, stderr } = run(folder, '--fix-dry-run', 'template.json');
    assert.ok(readFileSync(join(folder, 'template.json')).equals(before));
    assert.deepEqual(readdirSync(folder), ['template.json']);
    assert.match(stderr, /^template\.json: would fix sf-mits-missing: Enable the Managed Identity Token Service and restart every node$/m);
    assert.match(stderr, /^Would fix 1 finding in 1 file\.$/m);
    // The report is that of the file on disk: the sf-mits-missing error, so exit 1.
    assert.equal(status, 1);
    assert.match(stdout, /^template\.json:10:15 error sf-mits-missing /);
  });

  it('fixes only the rules given with --rule', () => {
    const folder = folderWith({ 'mits.json': readExample('sf-mits-missing.json'), 'version.json': readExample('sf-version-too-low.json') });
    const { status, stdout } = run(folder, '--fix', '--rule', 'sf-version-too-low', '.');
    assert.equal(readFileSync(join(folder, 'mits.json'), 'utf8'), readExample('sf-mits-missing.json'));
    assert.equal(readFileSync(join(folder, 'version.json'), 'utf8'), readExample('sf-version-too-low.fixed.json'));
    // The mits-missing error is filtered out of the report too.
    assert.equal(stdout, '');
    assert.equal(status, 0);
  });

  it('leaves unreadable templates, files that are not templates and clean templates byte for byte', () => {
    const folder = mkdtempSync(join(tmpdir(), 'sf-fix-'));
    for (const name of ['invalid.json', 'not-arm.json', 'parameters-file.json']) copyFileSync(join(ROOT, 'test', 'fixtures', name), join(folder, name));
    copyFileSync(join(ROOT, 'examples', 'managed-cluster.json'), join(folder, 'managed-cluster.json'));
    const before = ['invalid.json', 'not-arm.json', 'parameters-file.json', 'managed-cluster.json'].map((name) => readFileSync(join(folder, name)));
    const { status, stderr } = run(folder, '--fix', '.');
    assert.equal(status, 0);
    assert.match(stderr, /^Fixed 0 findings in 0 files\.$/m);
    const after = ['invalid.json', 'not-arm.json', 'parameters-file.json', 'managed-cluster.json'].map((name) => readFileSync(join(folder, name)));
    assert.deepEqual(after, before);
  });

  it('does not write a file that would not read back as the same bytes (invalid UTF-8)', () => {
    const text = readExample('sf-version-too-low.json').replace('fabrikam-sf', 'fabrikam-\uFFFF');
    // A lone 0xff byte is not UTF-8: decoding turns it into U+FFFD, encoding would not restore it.
    const bytes = Buffer.from(text, 'utf8');
    const at = bytes.indexOf(Buffer.from('\uFFFF', 'utf8'));
    const broken = Buffer.concat([bytes.subarray(0, at), Buffer.from([0xff]), bytes.subarray(at + 3)]);
    const folder = folderWith({ 'template.json': broken });
    const { status, stderr } = run(folder, '--fix', 'template.json');
    assert.equal(status, 2);
    assert.match(stderr, /not fixing template\.json: it is not valid UTF-8/);
    assert.ok(readFileSync(join(folder, 'template.json')).equals(broken));
  });

  it('neither crashes on nor rewrites a UTF-16 big-endian file cut in the middle of a character', () => {
    // An odd number of bytes after the FE FF byte order mark: the last byte has no partner.
    const whole = utf16be(readExample('sf-version-too-low.json'));
    const cut = whole.subarray(0, whole.length - 1);
    const folder = folderWith({ 'template.json': cut });
    const analysed = run(folder, 'template.json');
    assert.doesNotMatch(analysed.stderr, /RangeError|at .*\.js:\d+/);
    assert.match(analysed.stdout, /template\.json:\d+:\d+ error sf-version-too-low/);
    const fixed = run(folder, '--fix', 'template.json');
    assert.equal(fixed.status, 2);
    assert.ok(readFileSync(join(folder, 'template.json')).equals(cut));
  });

  it('writes the fixed file as JSON output and SARIF would then describe it', () => {
    const folder = folderWith({ 'template.json': readExample('sf-version-too-low.json') });
    const { status, stdout } = run(folder, '--fix', '--format', 'json', 'template.json');
    assert.equal(status, 0);
    const report = JSON.parse(stdout);
    assert.deepEqual(report.files[0].fixed, [{ code: 'sf-version-too-low', title: 'Raise clusterCodeVersion to 6.5.658.9590' }]);
    assert.deepEqual(report.files[0].findings, []);
    assert.deepEqual(report.summary, { templates: 1, parameterFiles: 0, errors: 0, warnings: 0, information: 0 });
  });

  describe('with a parameter file', () => {
    it('fixes the value in the parameter file, leaves the template alone, and reports both as they are after', () => {
      const template = readExample('parameter-files/azuredeploy.json');
      const parameters = readExample('parameter-files/azuredeploy.parameters.json');
      const folder = folderWith({ 'azuredeploy.json': template, 'azuredeploy.parameters.json': parameters });
      const { status, stderr } = run(folder, '--fix', '--rule', 'sf-version-too-low', '.');
      assert.equal(status, 0, stderr);
      assert.equal(readFileSync(join(folder, 'azuredeploy.json'), 'utf8'), template, 'the template has no fix of its own: the value is in the parameter file');
      assert.equal(readFileSync(join(folder, 'azuredeploy.parameters.json'), 'utf8'), parameters.replace('"6.5.641.9590"', '"6.5.658.9590"'));
      assert.match(stderr, /azuredeploy\.parameters\.json: fixed sf-version-too-low: Raise clusterCodeVersion to 6\.5\.658\.9590\n/);
      // The template was read before the parameter file was fixed; its report is of the fixed pair.
      assert.match(stderr, /\n0 findings \(0 errors, 0 warnings\) in 1 ARM template and 1 parameter file\.\n$/);
    });

    it('does not fix a parameter file value under a suppression comment', () => {
      const template = readExample('parameter-files/azuredeploy.json');
      const parameters = readExample('parameter-files/azuredeploy.parameters.json').replace(
        '    "clusterCodeVersion"',
        '    // sf-managed-identity-disable-next-line sf-version-too-low -- drained first\n    "clusterCodeVersion"',
      );
      const folder = folderWith({ 'azuredeploy.json': template, 'azuredeploy.parameters.json': parameters });
      const { stderr } = run(folder, '--fix', '--rule', 'sf-version-too-low', '.');
      assert.equal(readFileSync(join(folder, 'azuredeploy.parameters.json'), 'utf8'), parameters);
      assert.match(stderr, /Fixed 0 findings in 0 files\./);
    });
  });
});
