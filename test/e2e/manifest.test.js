// The identity check across an ARM template and its ApplicationManifest.xml, in VS Code
// (code-server with the packaged .vsix) driven by Debian's chromium: open the template of
// examples/sf-application, see the error, add the identity to the manifest with the quick fix,
// and read the manifest on disk.
'use strict';
const assert = require('node:assert/strict');
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const { exampleWorkspace, ROOT, openWorkbench, screenshotIfFailed, workbenchActions } = require('../editor/workbench');

const URL = process.env.SF_CODE_SERVER_URL;
const IMAGES = join(ROOT, 'docs', 'images');
const MANIFEST = join('sf-application', 'ApplicationPackageRoot', 'ApplicationManifest.xml');

describe('in the VS Code user interface: ARM application identities and ApplicationManifest.xml', function () {
  let browser;
  let page;
  let goTo, problemRows, waitForProblems;
  let workspace;

  before(async function () {
    if (!URL) throw new Error('run through `npm run test:editor`, which starts code-server and sets SF_CODE_SERVER_URL');
    workspace = exampleWorkspace();
    ({ browser, page } = await openWorkbench(workspace));
    ({ goTo, problemRows, waitForProblems } = workbenchActions(page));
  });

  afterEach(async function () {
    await screenshotIfFailed(this, page);
  });

  after(async () => browser?.close());

  /** Quick Open with a path, as a user types it; `folder` tells the row apart from same-named files. */
  async function openFile(path, name, folder) {
    await page.keyboard.press('Control+P');
    const input = await page.waitForSelector('.quick-input-widget input');
    await input.fill(path);
    await page.waitForFunction(
      ([wanted, where]) => {
        const text = document.querySelector('.quick-input-widget .monaco-list-row.focused')?.textContent ?? '';
        return text.includes(wanted) && text.includes(where);
      },
      [name, folder],
    );
    await page.keyboard.press('Enter');
    await page.waitForFunction((wanted) => document.querySelector('.tab.active')?.textContent.includes(wanted), name);
    await page.click('.editor-group-container.active .monaco-editor .view-lines');
  }

  async function diskBecomes(path, expected) {
    const deadline = Date.now() + 15_000;
    while (readFileSync(join(workspace, path), 'utf8') !== expected) {
      if (Date.now() > deadline) assert.equal(readFileSync(join(workspace, path), 'utf8'), expected, `${path} on disk`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  it('shows sf-identity-not-in-manifest on the misspelled identity, with the manifest as related information', async () => {
    await openFile('sf-application/azuredeploy.json', 'azuredeploy.json', 'sf-application');
    // The identity is below the fold: the Problems panel shows it.
    await page.keyboard.press('Control+Shift+M');
    await waitForProblems((rows) => rows.some((row) => row.includes('sf-identity-not-in-manifest')), 'the finding never reached the Problems panel');
    const rows = await problemRows();
    const finding = rows.find((row) => row.includes('sf-identity-not-in-manifest'));
    assert.match(finding, /^Identity 'Reportng' is not defined in ApplicationManifest\.xml of application type 'OrdersAppType'/);
    assert.match(finding, /\[Ln 46, Col 21\]/);
    assert.ok(rows.some((row) => row.includes("The managed identities of application type 'OrdersAppType' in ApplicationManifest.xml.")), 'the manifest is listed as related');
  });

  it('"Add ManagedIdentity \'Reportng\' to ApplicationManifest.xml" inserts the element in the manifest on disk, and the error goes', async () => {
    const before = readFileSync(join(workspace, MANIFEST), 'utf8');
    await page.click('.editor-group-container.active .monaco-editor .view-lines');
    await goTo(46, 25);
    await page.waitForSelector('.squiggly-error');
    await page.keyboard.press('Control+.');
    await page.waitForSelector('.action-widget .monaco-list-row');
    await page.mouse.move(0, 0);
    await page.screenshot({ path: join(IMAGES, 'manifest-quick-fix.png') });
    const titles = await page.$$eval('.action-widget .monaco-list-row.action', (rows) => rows.map((row) => row.textContent.trim()));
    const index = titles.indexOf("Add ManagedIdentity 'Reportng' to ApplicationManifest.xml");
    assert.ok(index >= 0, `not in the Quick Fix menu: ${JSON.stringify(titles)}`);
    assert.ok(titles.includes("Use 'Reporting' from ApplicationManifest.xml"), JSON.stringify(titles));
    for (let i = 0; i < index; i++) await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.waitForSelector('.action-widget .monaco-list-row', { state: 'detached' });
    await waitForProblems((rows) => !rows.some((row) => row.includes('sf-identity-not-in-manifest')), 'sf-identity-not-in-manifest did not go away');
    // VS Code saves a file that a workspace edit changed without opening it (files.refactoring.autoSave).
    await diskBecomes(MANIFEST, before.replace('<ManagedIdentity Name="Reporting" />\n', '<ManagedIdentity Name="Reporting" />\n      <ManagedIdentity Name="Reportng" />\n'));
  });

  it('the manifest shows sf-manifest-identity-unbound on the identity no ARM application provides', async () => {
    await openFile('ApplicationManifest.xml', 'ApplicationManifest.xml', 'ApplicationPackageRoot');
    if (!(await page.isVisible('.markers-panel'))) {
      await page.keyboard.press('Control+Shift+M');
      await page.click('.editor-group-container.active .monaco-editor .view-lines');
    }
    await page.waitForSelector('.squiggly-warning');
    await waitForProblems((rows) => rows.some((row) => row.includes('sf-manifest-identity-unbound')), 'the manifest warning never reached the Problems panel');
    const finding = (await problemRows()).find((row) => row.includes('sf-manifest-identity-unbound'));
    assert.match(finding, /^Managed identity 'Reporting' is declared here, but no ARM application of type 'OrdersAppType'/);
    assert.match(finding, /\[Ln 22, Col 30\]/);
    await goTo(22, 32);
    await page.mouse.move(0, 0);
    await page.screenshot({ path: join(IMAGES, 'manifest-problems.png') });
  });
});
