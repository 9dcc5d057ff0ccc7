import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { readExample, ROOT } from './helpers';

const CLI = join(ROOT, 'dist', 'cli.js');

// SARIF logs are checked against the schema, then read loosely.
function sarif(cwd: string, ...args: string[]): { status: number | null; log: any; stderr: string } {
  const result = spawnSync(process.execPath, [CLI, '--format', 'sarif', ...args], { cwd, encoding: 'utf8' });
  return { status: result.status, log: JSON.parse(result.stdout), stderr: result.stderr };
}

// Microsoft's copy of the SARIF 2.1.0 schema, from @microsoft/sarif-multitool-linux (see
// test/schemas/README.md). It declares JSON Schema draft 2020-12, hence ajv's 2020 build.
function schemaValidator(): (data: unknown) => boolean {
  const Ajv2020 = require('ajv/dist/2020').default;
  const addFormats = require('ajv-formats').default;
  // strict: false because the schema lists `required` properties under anyOf branches, which
  // ajv's strict mode refuses; the validation itself is the standard one.
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  const validate = ajv.compile(JSON.parse(readFileSync(join(ROOT, 'test', 'schemas', 'sarif-2.1.0.json'), 'utf8')));
  return (data: unknown) => {
    const valid = validate(data) as boolean;
    if (!valid) assert.fail(JSON.stringify(validate.errors, null, 2));
    return valid;
  };
}

describe('command line: --format sarif', () => {
  const validate = schemaValidator();

  it('the schema check rejects what SARIF does not allow', () => {
    const { log } = sarif(ROOT, 'examples/sf-version-too-low.json');
    log.runs[0].results[0].level = 'information';
    assert.throws(() => validate(log), /must be equal to one of the allowed values/);
    const { log: other } = sarif(ROOT, 'examples/sf-version-too-low.json');
    other.runs[0].results[0].locations[0].physicalLocation.region.startColumn = 0;
    assert.throws(() => validate(other), /must be >= 1/);
  });

  it('describes every rule, and the tool', () => {
    const { status, log } = sarif(ROOT, 'examples');
    assert.equal(status, 1);
    assert.ok(validate(log));
    assert.equal(log.version, '2.1.0');
    const { driver } = log.runs[0].tool;
    assert.equal(driver.name, 'sf-managed-identity');
    assert.equal(driver.version, JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);
    assert.match(driver.informationUri, /^file:\/\/.+\/README\.md$/);
    assert.deepEqual(
      driver.rules.map((rule: any) => [rule.id, rule.name, rule.defaultConfiguration.level]),
      [
        ['sf-mits-missing', 'SfMitsMissing', 'warning'],
        ['sf-version-too-low', 'SfVersionTooLow', 'warning'],
        ['sf-force-restart-on', 'SfForceRestartOn', 'warning'],
        ['sf-app-identity-api-version', 'SfAppIdentityApiVersion', 'error'],
        ['sf-setting-not-string', 'SfSettingNotString', 'warning'],
        ['sf-code-version-with-automatic-upgrades', 'SfCodeVersionWithAutomaticUpgrades', 'warning'],
        ['arm-expression-syntax', 'ArmExpressionSyntax', 'warning'],
        ['sf-force-restart-needed', 'SfForceRestartNeeded', 'warning'],
        ['sf-identity-not-in-manifest', 'SfIdentityNotInManifest', 'error'],
        ['sf-manifest-identity-unbound', 'SfManifestIdentityUnbound', 'warning'],
      ],
    );
    for (const rule of driver.rules) {
      assert.equal(fileURLToPath(rule.helpUri), join(ROOT, 'docs', 'rules', `${rule.id}.md`));
      assert.match(rule.shortDescription.text, /\.$/);
      // The full description is the rule page's "Why it matters", not the one-liner again.
      assert.notEqual(rule.fullDescription.text, rule.shortDescription.text);
      assert.ok(readFileSync(join(ROOT, 'docs', 'rules', `${rule.id}.md`), 'utf8').includes(rule.fullDescription.markdown.split(' ').slice(0, 6).join(' ')));
      assert.match(rule.help.markdown, new RegExp(`^# ${rule.id}\\n`));
    }
    assert.equal(log.runs[0].columnKind, 'utf16CodeUnits');
    assert.deepEqual(log.runs[0].originalUriBaseIds, { '%SRCROOT%': { uri: `${pathToFileURL(ROOT)}/` } });
    assert.deepEqual(log.runs[0].invocations, [{ executionSuccessful: true, exitCode: 1 }]);
  });

  it('reports results with their rule, level, place, related places and fixes', () => {
    const { log } = sarif(ROOT, 'examples');
    assert.deepEqual(
      log.runs[0].results.map((result: any) => [result.ruleId, result.ruleIndex, result.level, result.locations[0].physicalLocation.artifactLocation.uri]),
      [
        // The template and its parameter file: both report what rests on the file's values.
        ['sf-version-too-low', 1, 'error', 'examples/parameter-files/azuredeploy.json'],
        ['sf-force-restart-on', 2, 'warning', 'examples/parameter-files/azuredeploy.json'],
        ['sf-version-too-low', 1, 'error', 'examples/parameter-files/azuredeploy.parameters.json'],
        ['sf-force-restart-on', 2, 'warning', 'examples/parameter-files/azuredeploy.parameters.json'],
        ['sf-app-identity-api-version', 3, 'error', 'examples/sf-app-identity-api-version.json'],
        ['sf-identity-not-in-manifest', 8, 'error', 'examples/sf-application/azuredeploy.json'],
        ['sf-code-version-with-automatic-upgrades', 5, 'warning', 'examples/sf-code-version-with-automatic-upgrades.json'],
        ['sf-force-restart-on', 2, 'warning', 'examples/sf-force-restart-on.json'],
        ['sf-force-restart-on', 2, 'warning', 'examples/sf-mits-missing.fixed.json'],
        ['sf-mits-missing', 0, 'error', 'examples/sf-mits-missing.json'],
        ['sf-setting-not-string', 4, 'warning', 'examples/sf-setting-not-string.json'],
        ['sf-version-too-low', 1, 'error', 'examples/sf-version-too-low.json'],
        // An Error through the application template beside it (app.json), which gets nothing itself.
        ['sf-mits-missing', 0, 'error', 'examples/split-app-cluster/cluster.json'],
      ],
    );
    const split = log.runs[0].results[12];
    assert.deepEqual(
      split.relatedLocations.map((related: any) => [related.physicalLocation.artifactLocation.uri, related.physicalLocation.region.startLine, related.message.text]),
      [['examples/split-app-cluster/app.json', 18, 'An application in app.json uses a managed identity.']],
    );
    const version = log.runs[0].results[11];
    const location = version.locations[0].physicalLocation;
    assert.deepEqual(location.artifactLocation, { uri: 'examples/sf-version-too-low.json', uriBaseId: '%SRCROOT%' });
    assert.deepEqual(location.region, {
      startLine: 19,
      startColumn: 39,
      endLine: 19,
      endColumn: 75,
      snippet: { text: `"[parameters('clusterCodeVersion')]"` },
    });
    assert.deepEqual(location.contextRegion.startLine, 18);
    assert.deepEqual(location.contextRegion.endLine, 20);
    assert.match(version.message.text, /6\.5\.641\.9590/);
    assert.deepEqual(version.relatedLocations.map((related: any) => [related.id, related.physicalLocation.region.startLine, related.physicalLocation.region.startColumn, related.message.text]), [
      [1, 7, 29, "The value 6.5.641.9590 comes from parameter 'clusterCodeVersion'."],
    ]);
    // The fix changes the parameter's default value, where the version lives.
    assert.deepEqual(version.fixes, [
      {
        description: { text: 'Raise clusterCodeVersion to 6.5.658.9590.' },
        artifactChanges: [
          {
            artifactLocation: { uri: 'examples/sf-version-too-low.json', uriBaseId: '%SRCROOT%' },
            replacements: [{ deletedRegion: { startLine: 7, startColumn: 29, endLine: 7, endColumn: 43 }, insertedContent: { text: '"6.5.658.9590"' } }],
          },
        ],
      },
    ]);
  });

  it('counts columns in UTF-16 code units', () => {
    const folder = mkdtempSync(join(tmpdir(), 'sf-sarif-'));
    const lines = readExample('sf-mits-missing.json').split('\n');
    // Line 10 is `      "type": "Microsoft.ServiceFabric/clusters",`; the finding starts at column 15.
    // The comment adds 8 UTF-16 code units: /* (2) 😀 (2, a surrogate pair) é (1) */ (2) space (1).
    lines[9] = `/*😀é*/ ${lines[9]}`;
    writeFileSync(join(folder, 'wide.json'), lines.join('\n'));
    const { log } = sarif(folder, 'wide.json');
    assert.ok(validate(log));
    const region = log.runs[0].results[0].locations[0].physicalLocation.region;
    assert.deepEqual([region.startLine, region.startColumn, region.endLine, region.endColumn], [10, 23, 10, 57]);
  });

  it('writes paths with spaces and non-ASCII letters as valid relative URIs', () => {
    const base = mkdtempSync(join(tmpdir(), 'sf sarif '));
    const folder = join(base, 'ünï cödé');
    mkdirSync(folder);
    copyFileSync(join(ROOT, 'examples', 'sf-mits-missing.json'), join(folder, 'my template #1.json'));
    const { log } = sarif(base, '.');
    assert.ok(validate(log));
    const { uri, uriBaseId } = log.runs[0].results[0].locations[0].physicalLocation.artifactLocation;
    assert.equal(uri, '%C3%BCn%C3%AF%20c%C3%B6d%C3%A9/my%20template%20%231.json');
    assert.equal(uriBaseId, '%SRCROOT%');
    const root = log.runs[0].originalUriBaseIds['%SRCROOT%'].uri;
    assert.equal(fileURLToPath(new URL(uri, root)), join(folder, 'my template #1.json'));
  });

  it('uses absolute file URIs for files outside the working directory', () => {
    const { log } = sarif(join(ROOT, 'docs'), join(ROOT, 'examples', 'sf-mits-missing.json'));
    assert.ok(validate(log));
    const { artifactLocation } = log.runs[0].results[0].locations[0].physicalLocation;
    assert.deepEqual(artifactLocation, { uri: pathToFileURL(join(ROOT, 'examples', 'sf-mits-missing.json')).toString() });
  });

  it('reports an unreadable template as a tool notification, not as a result', () => {
    const folder = mkdtempSync(join(tmpdir(), 'sf-sarif-'));
    copyFileSync(join(ROOT, 'test', 'fixtures', 'invalid.json'), join(folder, 'invalid.json'));
    const { status, log, stderr } = sarif(folder, '.');
    assert.equal(status, 0);
    assert.ok(validate(log));
    assert.deepEqual(log.runs[0].results, []);
    assert.match(stderr, /^invalid\.json:6:7 warning invalid-json /);
    const [notification] = log.runs[0].invocations[0].toolExecutionNotifications;
    assert.equal(notification.descriptor.id, 'invalid-json');
    assert.equal(notification.level, 'warning');
    assert.equal(notification.locations[0].physicalLocation.artifactLocation.uri, 'invalid.json');
    // The missing comma is reported where the next property starts: line 6, column 7.
    assert.deepEqual([notification.locations[0].physicalLocation.region.startLine, notification.locations[0].physicalLocation.region.startColumn], [6, 7]);
    assert.deepEqual(
      log.runs[0].tool.driver.notifications.map((descriptor: any) => descriptor.id),
      ['invalid-json', 'too-deep', 'too-large'],
    );
  });

  it('is valid SARIF for the real-world corpus, unreadable templates included', () => {
    const { log } = sarif(ROOT, '--exit-zero', 'test/corpus/real');
    assert.ok(validate(log));
    // As many results as the hand-reviewed test/corpus/expected-findings.json lists findings
    // (75 sf-mits-missing, 6 sf-setting-not-string, 2 arm-expression-syntax, 1
    // sf-code-version-with-automatic-upgrades), and 4 invalid-json files.
    assert.equal(log.runs[0].results.length, 82);
    assert.deepEqual(
      log.runs[0].invocations[0].toolExecutionNotifications.map((notification: any) => notification.descriptor.id),
      ['invalid-json', 'invalid-json', 'invalid-json', 'invalid-json'],
    );
  });

  it('keeps every rule in the metadata when --rule filters the results', () => {
    const { status, log } = sarif(ROOT, '--rule', 'sf-force-restart-on', 'examples');
    assert.equal(status, 0);
    assert.ok(validate(log));
    assert.equal(log.runs[0].tool.driver.rules.length, 10);
    assert.deepEqual(
      log.runs[0].results.map((result: any) => [result.ruleId, result.ruleIndex, result.locations[0].physicalLocation.artifactLocation.uri]),
      [
        ['sf-force-restart-on', 2, 'examples/parameter-files/azuredeploy.json'],
        ['sf-force-restart-on', 2, 'examples/parameter-files/azuredeploy.parameters.json'],
        ['sf-force-restart-on', 2, 'examples/sf-force-restart-on.json'],
        ['sf-force-restart-on', 2, 'examples/sf-mits-missing.fixed.json'],
      ],
    );
  });

  it('points related locations and fixes into the file they are in: a template and its parameter file', () => {
    const { log } = sarif(ROOT, '--rule', 'sf-version-too-low', 'examples/parameter-files');
    assert.ok(validate(log));
    const template = { uri: 'examples/parameter-files/azuredeploy.json', uriBaseId: '%SRCROOT%' };
    const parameters = { uri: 'examples/parameter-files/azuredeploy.parameters.json', uriBaseId: '%SRCROOT%' };
    const [inTemplate, inParameters] = log.runs[0].results;
    // The template's finding is at its clusterCodeVersion (line 18, the string at column 31);
    // the value comes from the parameter file's line 6, where "6.5.641.9590" starts at column 38.
    assert.deepEqual(inTemplate.locations[0].physicalLocation.artifactLocation, template);
    assert.deepEqual(
      inTemplate.relatedLocations.map((related: any) => [related.physicalLocation.artifactLocation, related.physicalLocation.region.startLine, related.physicalLocation.region.startColumn]),
      [[parameters, 6, 38]],
    );
    assert.equal(inTemplate.fixes, undefined, 'the fix is offered in the parameter file, where the value is');
    // The parameter file's finding points back at the template, and its fix edits the parameter file.
    assert.deepEqual(inParameters.locations[0].physicalLocation.artifactLocation, parameters);
    assert.deepEqual([inParameters.locations[0].physicalLocation.region.startLine, inParameters.locations[0].physicalLocation.region.startColumn], [6, 38]);
    assert.deepEqual(
      inParameters.relatedLocations.map((related: any) => [related.physicalLocation.artifactLocation, related.physicalLocation.region.startLine, related.physicalLocation.region.startColumn]),
      [[template, 18, 31]],
    );
    assert.deepEqual(inParameters.fixes, [
      {
        description: { text: 'Raise clusterCodeVersion to 6.5.658.9590.' },
        artifactChanges: [
          {
            artifactLocation: parameters,
            replacements: [{ deletedRegion: { startLine: 6, startColumn: 38, endLine: 6, endColumn: 52 }, insertedContent: { text: '"6.5.658.9590"' } }],
          },
        ],
      },
    ]);
  });
});
