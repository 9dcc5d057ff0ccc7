// Opens the code-server workbench in Debian's chromium with playwright-core.
'use strict';
const { cpSync, mkdirSync, mkdtempSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { chromium } = require('playwright-core');

const ROOT = join(__dirname, '..', '..');

// Without the networking flags, chromium keeps dialing Google's hosts, which this machine refuses.
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

function launchBrowser() {
  return chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

/**
 * A scratch copy of examples/, so that tests may edit and save. ARM accepts comments, so the
 * templates open as JSONC (as ARM users set it up); JSON schemas are not downloaded.
 */
function exampleWorkspace() {
  const folder = mkdtempSync(join(tmpdir(), 'sf-mi-examples-'));
  cpSync(join(ROOT, 'examples'), folder, { recursive: true });
  mkdirSync(join(folder, '.vscode'));
  writeFileSync(join(folder, '.vscode', 'settings.json'), JSON.stringify({ 'json.schemaDownload.enable': false, 'files.associations': { '*.json': 'jsonc' }, 'workbench.startupEditor': 'none' }, null, 2));
  return folder;
}

/** The workbench URL for a folder, with optional extension-test payload. */
function workbenchUrl(server, folder, payload) {
  let url = `${server.url}/?folder=${encodeURIComponent(folder)}`;
  if (payload) url += `&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  return url;
}

/**
 * Chromium on code-server's workbench for `folder` (SF_CODE_SERVER_URL, set by
 * `npm run test:editor`), once the explorer shows.
 */
async function openWorkbench(folder, viewport = { width: 1400, height: 900 }) {
  const browser = await launchBrowser();
  const page = await browser.newPage({ viewport });
  await page.goto(workbenchUrl({ url: process.env.SF_CODE_SERVER_URL }, folder));
  await page.waitForSelector('.monaco-workbench .explorer-folders-view', { timeout: 60_000 });
  return { browser, page };
}

/** For afterEach (`function`, so `this` is Mocha's context): keeps a failed test's screen under test/e2e/. */
async function screenshotIfFailed(context, page) {
  const test = context.currentTest;
  if (test?.state === 'failed') await page?.screenshot({ path: join(ROOT, 'test', 'e2e', `failed-${test.title.slice(0, 20).replace(/\W+/g, '-')}.png`) });
}

/** What the UI tests do in a workbench page, by keyboard and by reading the Problems panel. */
function workbenchActions(page) {
  /** Go to Line/Column (Ctrl+G). */
  async function goTo(line, column) {
    await page.keyboard.press('Control+G');
    const input = await page.waitForSelector('.quick-input-widget input');
    await input.fill(`:${line}:${column}`);
    await page.keyboard.press('Enter');
  }

  /** The rows of the Problems panel that are drawn, as text with single spaces. */
  async function problemRows() {
    return page.$$eval('.markers-panel .monaco-list-row', (rows) => rows.map((row) => row.textContent.replace(/\s+/g, ' ').trim()));
  }

  /** Waits (30 s) until `predicate(rows)` holds in the page; on failure says `what` and lists the rows. */
  async function waitForProblems(predicate, what) {
    await page
      .waitForFunction(
        (source) => {
          const rows = [...document.querySelectorAll('.markers-panel .monaco-list-row')].map((row) => row.textContent);
          return new Function('rows', `return (${source})(rows)`)(rows);
        },
        predicate.toString(),
        { timeout: 30_000 },
      )
      .catch(async (error) => {
        throw new Error(`${what}: ${error.message}\nrows: ${JSON.stringify(await problemRows())}`);
      });
  }

  return { goTo, problemRows, waitForProblems };
}

module.exports = { launchBrowser, exampleWorkspace, workbenchUrl, openWorkbench, screenshotIfFailed, workbenchActions, ROOT };
