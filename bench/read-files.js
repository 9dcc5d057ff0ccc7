'use strict';
// The baseline for the CLI: only read (and decode) every file under a folder, as the CLI does.
const fs = require('node:fs');
const path = require('node:path');

let chars = 0;
const visit = (dir) => {
  for (const name of fs.readdirSync(dir).sort()) {
    const file = path.join(dir, name);
    if (fs.statSync(file).isDirectory()) visit(file);
    else if (/\.jsonc?$/i.test(name)) chars += fs.readFileSync(file).toString('utf8').length;
  }
};
visit(process.argv[2]);
process.stdout.write(`${chars}\n`);
