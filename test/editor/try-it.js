// npm run editor: code-server with the freshly packaged extension and a scratch copy of
// examples/ open, for trying the product by hand. Ctrl+C stops it and its extension hosts.
'use strict';
const { join } = require('node:path');
const { startCodeServer } = require('./code-server');
const { exampleWorkspace, workbenchUrl, ROOT } = require('./workbench');

startCodeServer()
  .then((server) => {
    server.install(join(ROOT, 'dist', 'sf-managed-identity.vsix'));
    console.log(`Open ${workbenchUrl(server, exampleWorkspace())}\nPress Ctrl+C to stop.`);
    const stop = () => {
      server.stop();
      process.exit(0);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  })
  .catch((error) => {
    console.error(error);
    process.exitCode = 1;
  });
