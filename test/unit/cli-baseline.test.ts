import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readExample, ROOT } from './helpers';

// --baseline <ref> on a scripted git repository: the three steps of the documented upgrade.

const CLI = join(ROOT, 'dist', 'cli.js');
const FORCE_RESTART_ON = readExample('sf-force-restart-on.json');
const WITHOUT_SERVICE = FORCE_RESTART_ON.replace(/\n\s*"fabricSettings": \[\s*\{\s*"name": "ManagedIdentityTokenService",[\s\S]*?\n\s*\],/, '');
const FORCE_RESTART_OFF = FORCE_RESTART_ON.replace('"forceRestart": true', '"forceRestart": false');
/** git without the machine's or the user's configuration. */
const GIT_ENV = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' };

describe('command line: --baseline on a scripted git repository', function () {
  this.timeout(60_000);
  let repo: string;
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, env: GIT_ENV, stdio: ['ignore', 'pipe', 'pipe'] });
  const run = (...args: string[]) => {
    const result = spawnSync(process.execPath, [CLI, '--format', 'json', ...args], { cwd: repo, encoding: 'utf8', env: GIT_ENV });
    const findings = result.stdout ? (JSON.parse(result.stdout).files as Array<{ path: string; findings: Array<{ code: string; severity: string; message: string; fixes: string[] }> }>).flatMap((file) => file.findings.map((finding) => ({ path: file.path, ...finding }))) : [];
    return { status: result.status, stderr: result.stderr, findings };
  };
  const write = (text: string) => writeFileSync(join(repo, 'templates', 'cluster.json'), text);

  beforeEach(() => {
    repo = mkdtempSync(join(tmpdir(), 'sf-baseline-'));
    mkdirSync(join(repo, 'templates'));
    git('init', '--quiet', '--initial-branch=main');
    write(WITHOUT_SERVICE);
    git('add', '.');
    git('commit', '--quiet', '-m', 'Cluster without the token service');
  });
  afterEach(() => rmSync(repo, { recursive: true, force: true }));

  it('enable without forceRestart, enable with it and commit, then leave it on: the three messages', () => {
    // 1. The working copy enables the token service, forceRestart false.
    write(FORCE_RESTART_OFF);
    let { status, findings } = run('--baseline', 'HEAD', 'templates');
    assert.equal(status, 0);
    assert.deepEqual(findings.map((f) => [f.path, f.code, f.severity, f.fixes]), [['templates/cluster.json', 'sf-force-restart-needed', 'warning', ['Set forceRestart to true']]]);
    assert.match(findings[0].message, /^This change enables the Managed Identity Token Service on Cluster 'northwind-sf', which has no enabled ManagedIdentityTokenService section at HEAD, but/);
    // Without --baseline: as today, nothing to say about forceRestart false.
    assert.deepEqual(run('templates').findings, []);

    // 2. forceRestart true in the same change: the first step, as information, no fix.
    write(FORCE_RESTART_ON);
    ({ status, findings } = run('--baseline=HEAD', 'templates'));
    assert.equal(status, 0);
    assert.deepEqual(findings.map((f) => [f.code, f.severity, f.fixes]), [['sf-force-restart-on', 'information', []]]);
    assert.match(findings[0].message, /^First step: this change enables the Managed Identity Token Service, which is not enabled at HEAD, with/);
    assert.match(findings[0].message, /Roll back forceRestart to false after this upgrade completes/);

    // 3. Committed, and forceRestart is still on: "left on", a warning with the fix.
    git('commit', '--quiet', '-am', 'Enable the token service with forceRestart');
    ({ status, findings } = run('--baseline', 'HEAD', 'templates'));
    assert.equal(status, 0);
    assert.deepEqual(findings.map((f) => [f.code, f.severity, f.fixes]), [['sf-force-restart-on', 'warning', ['Set forceRestart to false']]]);
    assert.match(findings[0].message, /^forceRestart was left on: the Managed Identity Token Service was already enabled at HEAD/);
    // An older ref is a baseline too: against the first commit, this is still the first step.
    assert.deepEqual(run('--baseline', 'HEAD~1', 'templates').findings.map((f) => f.severity), ['information']);
  });

  it('--fix with a baseline sets forceRestart to true, keeping the comment', () => {
    write(FORCE_RESTART_OFF);
    const result = spawnSync(process.execPath, [CLI, '--fix', '--baseline', 'HEAD', 'templates'], { cwd: repo, encoding: 'utf8', env: GIT_ENV });
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stderr, /templates\/cluster\.json: fixed sf-force-restart-needed: Set forceRestart to true/);
    assert.equal(readFileSync(join(repo, 'templates', 'cluster.json'), 'utf8'), FORCE_RESTART_ON);
  });

  it('an untracked file, and a folder outside git, are checked as without a baseline', () => {
    writeFileSync(join(repo, 'templates', 'new.json'), FORCE_RESTART_ON);
    const untracked = run('--baseline', 'HEAD', 'templates/new.json');
    assert.deepEqual(untracked.findings.map((f) => [f.code, f.severity]), [['sf-force-restart-on', 'warning']]);
    assert.doesNotMatch(untracked.findings[0].message, /left on|First step/);
    assert.equal(untracked.stderr.includes('no baseline'), false);

    const outside = mkdtempSync(join(tmpdir(), 'sf-no-git-'));
    try {
      writeFileSync(join(outside, 'cluster.json'), FORCE_RESTART_ON);
      const result = spawnSync(process.execPath, [CLI, '--format', 'json', '--baseline', 'HEAD', outside], { cwd: outside, encoding: 'utf8', env: { ...GIT_ENV, GIT_CEILING_DIRECTORIES: tmpdir() } });
      assert.equal(result.status, 0, result.stderr);
      assert.deepEqual(JSON.parse(result.stdout).files[0].findings.map((f: { severity: string }) => f.severity), ['warning']);
      assert.match(result.stderr, /no baseline for .*sf-no-git-.*: not in a git repository; its templates are checked without one\./);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('a ref git cannot find is a usage error (exit 2) with a clear message; a ref that looks like an option is refused', () => {
    write(FORCE_RESTART_ON);
    let result = run('--baseline', 'no-such-branch', 'templates');
    assert.equal(result.status, 2);
    assert.match(result.stderr, /^sf-managed-identity: --baseline no-such-branch: git cannot find that ref \(a branch, tag or commit\) in the repository of .*templates\.\n$/);
    assert.deepEqual(result.findings, []);
    for (const ref of ['--output=/tmp/x', '-p', '']) {
      result = run('--baseline', ref, 'templates');
      assert.equal(result.status, 2, ref);
      assert.match(result.stderr, /^sf-managed-identity: --baseline takes a git ref/, ref);
    }
    result = run('templates', '--baseline');
    assert.equal(result.status, 2);
    assert.match(result.stderr, /--baseline takes a git ref \(HEAD, main, a commit\), not nothing/);
  });
});
