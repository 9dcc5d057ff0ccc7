// What a user does in VS Code (code-server, with the packaged .vsix installed), in Debian's
// chromium: open a template, read the Problems panel, open the Quick Fix menu, pick a fix,
// watch the problem go, save, and check the file on disk.
'use strict';
const assert = require('node:assert/strict');
const { mkdirSync, readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { exampleWorkspace, ROOT, openWorkbench, screenshotIfFailed, workbenchActions } = require('../editor/workbench');

const URL = process.env.SF_CODE_SERVER_URL;
const IMAGES = join(ROOT, 'docs', 'images');
const LEGACY = readFileSync(join(ROOT, 'examples', 'sf-mits-missing.json'), 'utf8').replace('"7.2.477.9590"', '"6.5.641.9590"');

describe('in the VS Code user interface', function () {
  let browser;
  let page;
  let goTo, problemRows, waitForProblems;
  let workspace;

  before(async function () {
    if (!URL) throw new Error('run through `npm run test:editor`, which starts code-server and sets SF_CODE_SERVER_URL');
    workspace = exampleWorkspace();
    // A cluster without the token service, pinned below 6.5 CU2, for the one-step command.
    writeFileSync(join(workspace, 'legacy-cluster.json'), LEGACY);
    ({ browser, page } = await openWorkbench(workspace));
    ({ goTo, problemRows, waitForProblems } = workbenchActions(page));
    mkdirSync(IMAGES, { recursive: true });
  });

  afterEach(async function () {
    await screenshotIfFailed(this, page);
  });

  after(async () => browser?.close());

  async function openFile(name) {
    await page.keyboard.press('Control+P');
    const input = await page.waitForSelector('.quick-input-widget input');
    await input.fill(name);
    await page.waitForFunction(
      (wanted) => document.querySelector('.quick-input-widget .monaco-list-row.focused')?.textContent.includes(wanted),
      name,
    );
    await page.keyboard.press('Enter');
    await page.waitForFunction((wanted) => document.querySelector('.tab.active')?.textContent.includes(wanted), name);
    await page.click('.editor-group-container.active .monaco-editor .view-lines');
  }

  /** Opens the Quick Fix menu with Ctrl+. and chooses an entry with the keyboard. */
  async function quickFix(title, screenshot) {
    await page.keyboard.press('Control+.');
    await page.waitForSelector('.action-widget .monaco-list-row');
    if (screenshot) await page.screenshot({ path: join(IMAGES, screenshot) });
    const titles = await page.$$eval('.action-widget .monaco-list-row.action', (rows) => rows.map((row) => row.textContent.trim()));
    const index = titles.indexOf(title);
    assert.ok(index >= 0, `"${title}" is not in the Quick Fix menu: ${JSON.stringify(titles)}`);
    // An overlay swallows mouse clicks on this menu; the keyboard is what people use anyway.
    for (let i = 0; i < index; i++) await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.waitForSelector('.action-widget .monaco-list-row', { state: 'detached' });
  }

  /** Saves with Ctrl+S and returns the file as written: code-server writes it after the tab
   *  turns clean, so wait until the disk holds new, settled content. */
  async function save(name) {
    const path = join(workspace, name);
    const before = readFileSync(path, 'utf8');
    await page.keyboard.press('Control+S');
    await page.waitForSelector('.tab.active:not(.dirty)');
    const deadline = Date.now() + 15_000;
    let previous;
    for (;;) {
      const now = readFileSync(path, 'utf8');
      if (now !== before && now === previous) return now;
      if (Date.now() > deadline) throw new Error(`${name} on disk did not change after saving`);
      previous = now;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Waits until the file on disk holds `expected`: code-server writes it after the tab turns clean. */
  async function diskBecomes(name, expected) {
    const path = join(workspace, name);
    const deadline = Date.now() + 15_000;
    while (readFileSync(path, 'utf8') !== expected) {
      if (Date.now() > deadline) assert.equal(readFileSync(path, 'utf8'), expected, `${name} on disk`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  it('shows sf-mits-missing as a squiggle and in the Problems panel, with its code', async () => {
    await openFile('sf-mits-missing.json');
    await page.waitForSelector('.squiggly-error');
    await page.keyboard.press('Control+Shift+M');
    await waitForProblems((rows) => rows.some((row) => row.includes('sf-managed-identity') && row.includes('sf-mits-missing')), 'the finding never reached the Problems panel');
    const rows = await problemRows();
    const finding = rows.find((row) => row.includes('sf-managed-identity') && row.includes('sf-mits-missing'));
    assert.match(finding, /^This cluster does not enable the Managed Identity Token Service/);
    // The row shows `sf-managed-identity(sf-mits-missing)`; CSS draws the brackets.
    assert.match(finding, /sf-managed-identity\(?sf-mits-missing\)?\[Ln 10, Col 15\]/);
    assert.ok(rows.some((row) => row.includes('An application uses a managed identity.')), 'the related application is listed');
    await goTo(10, 20);
    await page.mouse.move(0, 0);
    await page.screenshot({ path: join(IMAGES, 'problems-panel.png') });
  });

  it('"Enable the Managed Identity Token Service" from the Quick Fix menu adds the section, and only that', async () => {
    await goTo(10, 20);
    await quickFix('Enable the Managed Identity Token Service', 'quick-fix-menu.png');
    await waitForProblems((rows) => !rows.some((row) => row.includes('sf-managed-identity') && row.includes('sf-mits-missing')), 'sf-mits-missing did not go away');
    const onDisk = await save('sf-mits-missing.json');
    // The hand-written result of the combined fix, less the upgrade policy this fix leaves alone.
    const combined = readFileSync(join(ROOT, 'examples', 'sf-mits-missing.fixed.json'), 'utf8');
    const policy = combined.slice(combined.indexOf(',\n        "upgradeDescription"'), combined.indexOf('\n      }\n    },\n    {\n      "type": "Microsoft.ServiceFabric/clusters/applications"'));
    assert.ok(policy.length > 100);
    assert.equal(onDisk, combined.replace(policy, ''));
  });

  it('"Set forceRestart to false" from the Quick Fix menu rolls it back', async () => {
    await openFile('sf-force-restart-on.json');
    await waitForProblems((rows) => rows.some((row) => row.includes('sf-managed-identity') && row.includes('sf-force-restart-on')), 'sf-force-restart-on never reached the Problems panel');
    await goTo(23, 15);
    await page.waitForSelector('.squiggly-warning');
    await page.mouse.move(0, 0);
    await page.screenshot({ path: join(IMAGES, 'squiggle.png') });
    await quickFix('Set forceRestart to false');
    await waitForProblems((rows) => !rows.some((row) => row.includes('sf-managed-identity') && row.includes('sf-force-restart-on')), 'sf-force-restart-on did not go away');
    assert.equal(await save('sf-force-restart-on.json'), readFileSync(join(ROOT, 'examples', 'sf-force-restart-on.fixed.json'), 'utf8'));
  });

  it('hovers on clusterCodeVersion: the value, where it comes from, and that it is too old', async () => {
    await openFile('sf-version-too-low.json');
    await goTo(19, 20);
    // Show Hover (Ctrl+K Ctrl+I), as a keyboard user asks for it.
    await page.keyboard.press('Control+K');
    await page.keyboard.press('Control+I');
    const hover = await page.waitForFunction(
      () => [...document.querySelectorAll('.monaco-hover')].map((node) => node.textContent).find((text) => text.includes('clusterCodeVersion: 6.5.641.9590')),
      undefined,
      { timeout: 30_000 },
    );
    const text = await hover.jsonValue();
    assert.match(text, /from the default value of parameter clusterCodeVersion/);
    assert.match(text, /Managed Identity Token Service: not supported, older than 6\.5 CU2 \(6\.5\.658\.9590 on Windows\)/);
    assert.match(text, /sf-version-too-low/);
    // The hover fades in; finish the animation so the picture shows it, not a ghost of it.
    await page.screenshot({ path: join(IMAGES, 'hover-cluster-code-version.png'), animations: 'disabled' });
    await page.keyboard.press('Escape');
  });

  it('"Enable managed identities on this cluster…" enables the token service, raises the version and sets forceRestart in one step', async () => {
    await openFile('legacy-cluster.json');
    // VS Code re-renders code lenses as diagnostics arrive, so find the link again at each step.
    const lens = page.locator('.codelens-decoration a', { hasText: 'Enable managed identities on this cluster' });
    await lens.waitFor({ timeout: 30_000 });
    await page.mouse.move(0, 0);
    await page.screenshot({ path: join(IMAGES, 'code-lens.png') });
    await lens.click();
    const toast = await page.waitForSelector('.notifications-toasts .notification-toast:has-text("Step 1")', { timeout: 30_000 });
    assert.match(await toast.textContent(), /raised clusterCodeVersion to 6\.5\.658\.9590.*Step 2: once that upgrade has completed, set forceRestart back to false/);
    // Once the token service is enabled, the lens goes away.
    await lens.waitFor({ state: 'detached', timeout: 30_000 });
    // The message is longer than a toast's line: expand it, as a reader does, to show both steps.
    await page.hover('.notifications-toasts .notification-toast:has-text("Step 1")');
    await page.click('.notifications-toasts .notification-toast .codicon-notifications-expand');
    await page.waitForSelector('.notifications-toasts .notification-toast .codicon-notifications-collapse');
    await page.mouse.move(0, 0);
    await page.screenshot({ path: join(IMAGES, 'enable-notification.png'), animations: 'disabled' });
    // VS Code saves the files of a workspace edit itself (files.refactoring.autoSave); save
    // anyway, in case that setting is off, and read the file.
    const expected = readFileSync(join(ROOT, 'examples', 'sf-mits-missing.fixed.json'), 'utf8').replace('"7.2.477.9590"', '"6.5.658.9590"');
    await page.click('.editor-group-container.active .monaco-editor .view-lines');
    await page.keyboard.press('Control+S');
    await diskBecomes('legacy-cluster.json', expected);
    // One edit: a single undo takes all of it back (VS Code saves that undo too; save anyway).
    await page.keyboard.press('Control+Z');
    await page.keyboard.press('Control+S');
    await diskBecomes('legacy-cluster.json', LEGACY);
  });
});
