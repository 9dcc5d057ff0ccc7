// Runs test/integration/suite inside code-server's real Node extension host. code-server does
// not take --extensionDevelopmentPath on its command line; the workbench URL's `payload` does
// the same, as @vscode/test-web uses it. Mocha's output and exit code come back through the
// page functions codeAutomationLog and codeAutomationExit.
'use strict';
const { join } = require('node:path');
const { launchBrowser, exampleWorkspace, workbenchUrl, ROOT } = require('./workbench');

const TIMEOUT_MS = 5 * 60_000;

async function runExtensionHostTests(server) {
  const remote = (path) => `vscode-remote://127.0.0.1:${server.port}${path}`;
  const payload = [
    ['extensionDevelopmentPath', remote(ROOT)],
    ['extensionTestsPath', remote(join(ROOT, 'out', 'test', 'integration', 'suite', 'index'))],
  ];
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage();
    let exit;
    const exited = new Promise((resolve) => (exit = resolve));
    await page.exposeFunction('codeAutomationLog', (type, args) => {
      // Mocha's reporter lines; the workbench's own start-up chatter is left out.
      const text = (args || []).map(String).join(' ');
      if (/passing|failing|pending|✔|\d+\) |Error|at /.test(text) && !/open-vsx|getaddrinfo/.test(text)) console.log(format(args));
    });
    await page.exposeFunction('codeAutomationExit', (code) => exit(code));
    await page.goto(workbenchUrl(server, exampleWorkspace(), payload));
    let timer;
    const timedOut = new Promise((resolve) => (timer = setTimeout(() => resolve('timeout'), TIMEOUT_MS)));
    // A pending timer would keep the run (and the shared editor lock) alive for the full timeout.
    const code = await Promise.race([exited, timedOut]).finally(() => clearTimeout(timer));
    if (code === 'timeout') throw new Error(`the extension tests did not finish within ${TIMEOUT_MS / 1000} s`);
    return code;
  } finally {
    await browser.close();
  }
}

/** Mocha formats with %s/%d placeholders and ANSI colours; print what a terminal would show. */
function format(args) {
  const [first, ...rest] = (args || []).map(String);
  let text = (first || '').replace(/%[sdo]/g, () => (rest.length ? rest.shift() : ''));
  if (rest.length) text += ` ${rest.join(' ')}`;
  return text.replace(/\u001b\[[0-9;]*m/g, '');
}

module.exports = { runExtensionHostTests };
