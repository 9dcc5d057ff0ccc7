// sfManagedIdentity.diagnostics.scope = workspace, as a user sees it (code-server, the packaged
// .vsix, Debian's chromium): no file is opened, and the Problems panel lists the findings of
// the examples' templates. Takes docs/images/workspace-scope-problems.png.
'use strict';
const assert = require('node:assert/strict');
const { readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { exampleWorkspace, ROOT, openWorkbench, screenshotIfFailed } = require('../editor/workbench');

const URL = process.env.SF_CODE_SERVER_URL;
const IMAGES = join(ROOT, 'docs', 'images');

describe('workspace scope in the VS Code user interface', function () {
  let browser;
  let page;

  before(async function () {
    if (!URL) throw new Error('run through `npm run test:editor`, which starts code-server and sets SF_CODE_SERVER_URL');
    const workspace = exampleWorkspace();
    const settingsFile = join(workspace, '.vscode', 'settings.json');
    const settings = JSON.parse(readFileSync(settingsFile, 'utf8'));
    writeFileSync(settingsFile, JSON.stringify({ ...settings, 'sfManagedIdentity.diagnostics.scope': 'workspace' }, null, 2));
    ({ browser, page } = await openWorkbench(workspace));
  });

  afterEach(async function () {
    await screenshotIfFailed(this, page);
  });

  after(async () => browser?.close());

  it('lists the findings of templates that were never opened in the Problems panel', async () => {
    await page.keyboard.press('Control+Shift+M');
    // The Problems panel lists one row per file, then its findings; the files are not open. The
    // list is virtual: only the rows in view exist, so the first files in its order are awaited.
    const wanted = ['azuredeploy.json', 'azuredeploy.parameters.json', 'sf-app-identity-api-version.json'];
    await page
      .waitForFunction(
        (names) => {
          const rows = [...document.querySelectorAll('.markers-panel .monaco-list-row')].map((row) => row.textContent);
          return names.every((name) => rows.some((row) => row.includes(name))) && rows.some((row) => row.includes('sf-managed-identity'));
        },
        wanted,
        { timeout: 60_000 },
      )
      .catch(async (error) => {
        const rows = await page.$$eval('.markers-panel .monaco-list-row', (all) => all.map((row) => row.textContent));
        throw new Error(`the unopened templates never reached the Problems panel: ${error.message}\nrows: ${JSON.stringify(rows)}`);
      });
    const tabs = await page.$$eval('.tabs-container .tab', (all) => all.map((tab) => tab.textContent));
    assert.deepEqual(tabs, [], 'no editor is open');
    const rows = await page.$$eval('.markers-panel .monaco-list-row', (all) => all.map((row) => row.textContent.replace(/\s+/g, ' ').trim()));
    assert.ok(rows.some((row) => /sf-managed-identity\(?sf-app-identity-api-version\)?\[Ln 11, Col 21\]/.test(row)), JSON.stringify(rows));
    assert.ok(rows.some((row) => /sf-managed-identity\(?sf-version-too-low\)?\[Ln 18, Col 31\]/.test(row)), 'the template paired with its parameter file, neither open');
    await page.mouse.move(0, 0);
    await page.screenshot({ path: join(IMAGES, 'workspace-scope-problems.png') });
  });
});
