// npm run test:editor: the extension in a real VS Code (code-server 4.100.3, VS Code 1.100.3)
// driven by Debian's chromium. One code-server serves every suite; its process group is
// killed at the end, whatever happens.
'use strict';
const { spawnSync } = require('node:child_process');
const { join } = require('node:path');
const { startCodeServer, VERSION } = require('./code-server');
const { runExtensionHostTests } = require('./extension-host');
const { ROOT } = require('./workbench');

async function main() {
  const server = await startCodeServer();
  const results = [];
  try {
    console.log(`# code-server ${VERSION} at ${server.url}`);
    console.log('# extension host: test/integration/suite');
    const code = await runExtensionHostTests(server);
    results.push(['extension host tests (test/integration)', code === 0]);

    console.log('# user interface: test/e2e');
    server.install(join(ROOT, 'dist', 'sf-managed-identity.vsix'));
    const ui = spawnSync(process.execPath, [require.resolve('mocha/bin/mocha.js'), '--config', join(ROOT, 'test', 'e2e', '.mocharc.json')], {
      cwd: ROOT,
      stdio: 'inherit',
      env: { ...process.env, SF_CODE_SERVER_URL: server.url },
    });
    results.push(['user interface tests (test/e2e)', ui.status === 0]);
  } finally {
    server.stop();
  }
  const failed = results.filter(([, ok]) => !ok);
  for (const [name, ok] of results) console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}`);
  console.log(`editor suites passed: ${results.length - failed.length} of ${results.length}`);
  process.exitCode = failed.length ? 1 : 0;
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
