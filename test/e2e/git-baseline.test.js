// The git baseline in a real VS Code (code-server, with its built-in git extension): a scripted
// repository as the workspace, whose template enables the token service in the working copy.
// The user sees sf-force-restart-needed, applies its fix, sees the first step as Information,
// commits, and sees "left on".
'use strict';
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const { mkdirSync, mkdtempSync, readFileSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { ROOT, openWorkbench, screenshotIfFailed, workbenchActions } = require('../editor/workbench');

const URL = process.env.SF_CODE_SERVER_URL;
const IMAGES = join(ROOT, 'docs', 'images');
const FORCE_RESTART_ON = readFileSync(join(ROOT, 'examples', 'sf-force-restart-on.json'), 'utf8');
const WITHOUT_SERVICE = FORCE_RESTART_ON.replace(/\n\s*"fabricSettings": \[\s*\{\s*"name": "ManagedIdentityTokenService",[\s\S]*?\n\s*\],/, '');
const FORCE_RESTART_OFF = FORCE_RESTART_ON.replace('"forceRestart": true', '"forceRestart": false');
const GIT_ENV = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' };

describe('git baseline in the VS Code user interface', function () {
  let browser;
  let page;
  let goTo, problemRows;
  let repo;
  const git = (...args) => execFileSync('git', args, { cwd: repo, env: GIT_ENV, stdio: ['ignore', 'pipe', 'pipe'] });

  before(async function () {
    if (!URL) throw new Error('run through `npm run test:editor`, which starts code-server and sets SF_CODE_SERVER_URL');
    assert.notEqual(WITHOUT_SERVICE, FORCE_RESTART_ON);
    repo = mkdtempSync(join(tmpdir(), 'sf-mi-git-'));
    git('init', '--quiet', '--initial-branch=main');
    writeFileSync(join(repo, 'cluster.json'), WITHOUT_SERVICE);
    git('add', 'cluster.json');
    git('commit', '--quiet', '-m', 'Cluster without the token service');
    // The change under review: the token service enabled, forceRestart still false.
    writeFileSync(join(repo, 'cluster.json'), FORCE_RESTART_OFF);
    mkdirSync(join(repo, '.vscode'));
    writeFileSync(join(repo, '.vscode', 'settings.json'), JSON.stringify({ 'json.schemaDownload.enable': false, 'files.associations': { '*.json': 'jsonc' } }, null, 2));
    ({ browser, page } = await openWorkbench(repo));
    ({ goTo, problemRows } = workbenchActions(page));
    mkdirSync(IMAGES, { recursive: true });
  });

  afterEach(async function () {
    await screenshotIfFailed(this, page);
  });

  after(async () => browser?.close());

  async function waitForRow(needle, what) {
    await page
      .waitForFunction((text) => [...document.querySelectorAll('.markers-panel .monaco-list-row')].some((row) => row.textContent.includes(text)), needle, { timeout: 60_000 })
      .catch(async (error) => {
        throw new Error(`${what}: ${error.message}\nrows: ${JSON.stringify(await problemRows())}`);
      });
    return (await problemRows()).find((row) => row.includes(needle));
  }

  it('this change enables the token service without forceRestart: sf-force-restart-needed, and its fix sets it', async () => {
    await page.keyboard.press('Control+P');
    const input = await page.waitForSelector('.quick-input-widget input');
    await input.fill('cluster.json');
    await page.waitForFunction(() => document.querySelector('.quick-input-widget .monaco-list-row.focused')?.textContent.includes('cluster.json'));
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('.tab.active')?.textContent.includes('cluster.json'));
    await page.click('.editor-group-container.active .monaco-editor .view-lines');
    await page.keyboard.press('Control+Shift+M');
    // The client may send the baseline twice: first as plain HEAD while the git extension has
    // not read the repository's state yet, then with the commit. Wait for the second.
    const row = await waitForRow('ManagedIdentityTokenService section at HEAD (', 'the git baseline (with its commit) never reached the server');
    assert.match(row, /Cluster 'northwind-sf', which has no enabled ManagedIdentityTokenService section at HEAD \([0-9a-f]{7}\), but/);
    assert.match(row, /sf-force-restart-needed/);

    await goTo(23, 15);
    await page.keyboard.press('Control+.');
    await page.waitForSelector('.action-widget .monaco-list-row');
    const titles = await page.$$eval('.action-widget .monaco-list-row.action', (rows) => rows.map((r) => r.textContent.trim()));
    const index = titles.indexOf('Set forceRestart to true');
    assert.ok(index >= 0, JSON.stringify(titles));
    for (let i = 0; i < index; i++) await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.waitForSelector('.action-widget .monaco-list-row', { state: 'detached' });
    await page.keyboard.press('Control+S');
    await page.waitForSelector('.tab.active:not(.dirty)');
  });

  it('with forceRestart in the same change: sf-force-restart-on is the first step, as Information', async () => {
    const row = await waitForRow('First step: this change enables the Managed Identity Token Service', 'the first-step advice never showed');
    assert.match(row, /Roll back forceRestart to false after this upgrade completes/);
    assert.ok(!(await problemRows()).some((r) => r.includes('sf-force-restart-needed')), 'sf-force-restart-needed is gone');
    await page.waitForSelector('.squiggly-info');
    // The file as saved is the example with forceRestart true, comment kept.
    const deadline = Date.now() + 15_000;
    while (readFileSync(join(repo, 'cluster.json'), 'utf8') !== FORCE_RESTART_ON && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(readFileSync(join(repo, 'cluster.json'), 'utf8'), FORCE_RESTART_ON);
    await goTo(23, 15);
    await page.keyboard.press('Control+K');
    await page.keyboard.press('Control+I');
    await page.waitForFunction(() => [...document.querySelectorAll('.monaco-hover')].some((node) => node.textContent.includes('First step')), undefined, { timeout: 30_000 });
    await page.screenshot({ path: join(IMAGES, 'git-baseline-first-step.png'), animations: 'disabled' });
    await page.keyboard.press('Escape');
  });

  it('committed, and forceRestart still on: "left on", a Warning again', async () => {
    git('commit', '--quiet', '-am', 'Enable the token service with forceRestart');
    const row = await waitForRow('forceRestart was left on', 'HEAD moved, but the advice did not follow');
    assert.match(row, /already enabled at HEAD \([0-9a-f]{7}\)/);
    assert.ok(!(await problemRows()).some((r) => r.includes('First step')));
  });
});
