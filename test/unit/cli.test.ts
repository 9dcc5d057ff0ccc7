import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readExample, ROOT } from './helpers';

const CLI = join(ROOT, 'dist', 'cli.js');

function run(...args: string[]) {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('command line', () => {
  it('prints findings like a compiler and exits 1 when there is an error', () => {
    const { status, stdout, stderr } = run('examples');
    assert.equal(status, 1);
    const lines = stdout.split('\n').filter((line) => line && !line.startsWith('  '));
    assert.deepEqual(
      lines.map((line) => line.split(' ').slice(0, 3).join(' ')),
      [
        'examples/parameter-files/azuredeploy.json:18:31 error sf-version-too-low',
        'examples/parameter-files/azuredeploy.json:21:11 warning sf-force-restart-on',
        'examples/parameter-files/azuredeploy.parameters.json:6:38 error sf-version-too-low',
        'examples/parameter-files/azuredeploy.parameters.json:8:16 warning sf-force-restart-on',
        'examples/sf-app-identity-api-version.json:11:21 error sf-app-identity-api-version',
        'examples/sf-application/azuredeploy.json:46:21 error sf-identity-not-in-manifest',
        'examples/sf-code-version-with-automatic-upgrades.json:12:9 warning sf-code-version-with-automatic-upgrades',
        'examples/sf-force-restart-on.json:23:11 warning sf-force-restart-on',
        'examples/sf-mits-missing.fixed.json:39:11 warning sf-force-restart-on',
        'examples/sf-mits-missing.json:10:15 error sf-mits-missing',
        'examples/sf-setting-not-string.json:24:63 warning sf-setting-not-string',
        'examples/sf-version-too-low.json:19:39 error sf-version-too-low',
        // The cluster has no application of its own: app.json beside it deploys one to it.
        'examples/split-app-cluster/cluster.json:10:15 error sf-mits-missing',
      ],
    );
    assert.match(stdout, /^ {2}examples\/split-app-cluster\/app\.json:18:30 note An application in app\.json uses a managed identity\.$/m);
    assert.match(stdout, /^ {2}examples\/sf-version-too-low\.json:7:29 note The value 6\.5\.641\.9590 comes from parameter 'clusterCodeVersion'\.$/m);
    assert.match(stdout, /^ {2}examples\/sf-application\/ApplicationPackageRoot\/ApplicationManifest\.xml:20:5 note The managed identities of application type 'OrdersAppType' in ApplicationManifest\.xml\.$/m);
    assert.equal(stderr, '13 findings (7 errors, 6 warnings) in 17 ARM templates and 1 parameter file.\n');
  });

  it('exits 0 with --exit-zero, and when there are only warnings', () => {
    assert.equal(run('--exit-zero', 'examples').status, 0);
    assert.equal(run('examples/sf-force-restart-on.json').status, 0);
    assert.equal(run('examples/managed-cluster.json').stdout, '');
  });

  it('writes machine-readable JSON', () => {
    const { status, stdout } = run('--format', 'json', 'examples/sf-version-too-low.json');
    assert.equal(status, 1);
    const report = JSON.parse(stdout);
    assert.deepEqual(report.summary, { templates: 1, parameterFiles: 0, errors: 1, warnings: 0, information: 0 });
    const [finding] = report.files[0].findings;
    assert.equal(report.files[0].path, 'examples/sf-version-too-low.json');
    assert.deepEqual([finding.code, finding.severity, finding.start, finding.end], ['sf-version-too-low', 'error', { line: 19, column: 39 }, { line: 19, column: 75 }]);
    assert.deepEqual(finding.fixes, ['Raise clusterCodeVersion to 6.5.658.9590']);
    assert.match(finding.helpUri, /^file:\/\/.*\/docs\/rules\/sf-version-too-low\.md$/);
  });

  it('analyses a template with its parameter file, and the parameter file in its own right', () => {
    const { status, stdout, stderr } = run('test/fixtures/parameter-files');
    assert.equal(status, 1);
    const dir = 'test/fixtures/parameter-files';
    assert.deepEqual(
      stdout.split('\n').filter((line) => line).map((line) => line.trim().split(' ').slice(0, 3).join(' ')),
      [
        `${dir}/azuredeploy.json:18:31 error sf-version-too-low`,
        `${dir}/azuredeploy.parameters.json:6:38 note The`,
        `${dir}/azuredeploy.json:21:11 warning sf-force-restart-on`,
        `${dir}/azuredeploy.parameters.json:8:16 note The`,
        `${dir}/azuredeploy.parameters.json:6:38 error sf-version-too-low`,
        `${dir}/azuredeploy.json:18:31 note azuredeploy.json`,
        `${dir}/azuredeploy.parameters.json:8:16 warning sf-force-restart-on`,
        `${dir}/azuredeploy.json:21:11 note azuredeploy.json`,
      ],
    );
    assert.equal(stderr, '4 findings (2 errors, 2 warnings) in 1 ARM template and 1 parameter file.\n');
    // Given only the parameter file, the CLI may read its folder, so it finds the template.
    const json = JSON.parse(run('--format', 'json', `${dir}/azuredeploy.parameters.json`).stdout);
    assert.equal(json.files[0].template, `${dir}/azuredeploy.json`);
    assert.deepEqual(json.files[0].findings.map((f: { fixes: string[] }) => f.fixes), [['Raise clusterCodeVersion to 6.5.658.9590'], ['Set forceRestart to false']]);
  });

  it('exits 2 on usage errors', () => {
    for (const args of [[], ['--format', 'xml', 'examples'], ['--frobnicate', 'examples'], ['no/such/folder']]) {
      const { status, stderr } = run(...args);
      assert.equal(status, 2, args.join(' '));
      assert.match(stderr, /^sf-managed-identity: .+\n\nUsage:/);
    }
    assert.equal(run('--help').status, 0);
  });

  it('reports only the rules given with --rule, which can repeat', () => {
    const restart = run('--rule', 'sf-force-restart-on', 'examples');
    assert.equal(restart.status, 0, 'only warnings are left, so exit 0');
    assert.deepEqual(
      restart.stdout.split('\n').filter((line) => line && !line.startsWith('  ')).map((line) => line.split(' ').slice(0, 3).join(' ')),
      [
        // forceRestart comes from the parameter file's true: reported in the template and in that file.
        'examples/parameter-files/azuredeploy.json:21:11 warning sf-force-restart-on',
        'examples/parameter-files/azuredeploy.parameters.json:8:16 warning sf-force-restart-on',
        'examples/sf-force-restart-on.json:23:11 warning sf-force-restart-on',
        'examples/sf-mits-missing.fixed.json:39:11 warning sf-force-restart-on',
      ],
    );
    // 17 templates: 6 rules with an example and its fixed copy, the managed cluster, the
    // templates of examples/parameter-files, examples/sf-application and examples/split-app-cluster (2).
    assert.equal(restart.stderr, '4 findings (0 errors, 4 warnings) in 17 ARM templates and 1 parameter file.\n');
    const two = run('--rule=sf-version-too-low', '--rule', 'sf-mits-missing', 'examples');
    assert.equal(two.status, 1);
    // sf-mits-missing.json, split-app-cluster/cluster.json, sf-version-too-low.json, and the
    // parameter-files pair (6.5.641.9590 from the file).
    assert.equal(two.stderr, '5 findings (5 errors, 0 warnings) in 17 ARM templates and 1 parameter file.\n');
  });

  it('refuses an unknown --rule code with exit 2 and lists the codes', () => {
    for (const args of [['--rule', 'sf-nope', 'examples'], ['--rule'], ['--rule=', 'examples']]) {
      const { status, stdout, stderr } = run(...args);
      assert.equal(status, 2, args.join(' '));
      assert.equal(stdout, '');
      assert.match(stderr, /^sf-managed-identity: --rule takes one of sf-mits-missing, sf-version-too-low, sf-force-restart-on, sf-app-identity-api-version, sf-setting-not-string, sf-code-version-with-automatic-upgrades, arm-expression-syntax, sf-force-restart-needed, sf-identity-not-in-manifest, sf-manifest-identity-unbound, not .+\.\n/);
    }
  });

  it('honours suppression comments, as the editor does', () => {
    const folder = mkdtempSync(join(tmpdir(), 'sf-cli-'));
    const text = readExample('sf-version-too-low.json');
    const line = '                "clusterCodeVersion": "[parameters(\'clusterCodeVersion\')]",';
    assert.ok(text.includes(line));
    writeFileSync(join(folder, 'suppressed.json'), text.replace(line, `                // sf-managed-identity-disable-next-line sf-version-too-low -- upgraded separately\n${line}`));
    writeFileSync(join(folder, 'other-code.json'), text.replace(line, `                // sf-managed-identity-disable-next-line sf-mits-missing\n${line}`));
    const { status, stdout } = run('--format', 'json', folder);
    assert.equal(status, 1, 'the comment that names another rule suppresses nothing');
    const found = JSON.parse(stdout).files.map((f: { path: string; findings: Array<{ code: string; start: { line: number } }> }) => [
      f.path.replace(/^.*[\\/]/, ''),
      f.findings.map((x) => `${x.code} ${x.start.line}`),
    ]);
    assert.deepEqual(found, [
      ['other-code.json', ['sf-version-too-low 20']],
      ['suppressed.json', []],
    ]);
    const before = readFileSync(join(folder, 'suppressed.json'), 'utf8');
    run('--fix', join(folder, 'suppressed.json'));
    assert.equal(readFileSync(join(folder, 'suppressed.json'), 'utf8'), before, '--fix leaves a suppressed finding alone');
  });

  it('reads UTF-8 with a BOM and UTF-16 with a BOM, as VS Code does', () => {
    const folder = mkdtempSync(join(tmpdir(), 'sf-cli-'));
    const text = readExample('sf-mits-missing.json');
    writeFileSync(join(folder, 'utf8-bom.json'), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]));
    writeFileSync(join(folder, 'utf16le.json'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
    const be = Buffer.from(text, 'utf16le');
    be.swap16();
    writeFileSync(join(folder, 'utf16be.json'), Buffer.concat([Buffer.from([0xfe, 0xff]), be]));
    writeFileSync(join(folder, 'notes.txt'), text);
    const { stdout } = run('--format', 'json', folder);
    const found = JSON.parse(stdout).files.map((f: { path: string; findings: Array<{ code: string; start: unknown }> }) => [
      f.path.replace(/^.*[\\/]/, ''),
      f.findings.map((x) => x.code),
      f.findings[0].start,
    ]);
    assert.deepEqual(found, [
      ['utf16be.json', ['sf-mits-missing'], { line: 10, column: 15 }],
      ['utf16le.json', ['sf-mits-missing'], { line: 10, column: 15 }],
      ['utf8-bom.json', ['sf-mits-missing'], { line: 10, column: 15 }],
    ]);
  });
});
