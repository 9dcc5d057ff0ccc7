#!/usr/bin/env node
// `npm run check:sarif`: runs Microsoft's SARIF Multitool over the CLI's SARIF, with the SARIF
// rules and GitHub code scanning's ingestion rules (`--rule-kind "Gh;Sarif"`). Fails on any
// error or warning; prints the notes. Needs dist/cli.js (npm run build).
'use strict';
const { spawnSync } = require('node:child_process');
const { accessSync, chmodSync, constants, copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

const root = join(__dirname, '..', '..');
const cli = join(root, 'dist', 'cli.js');
const multitool = join(root, 'node_modules', '@microsoft', 'sarif-multitool-linux', 'Sarif.Multitool');

if (!existsSync(cli)) {
  console.error('check:sarif: dist/cli.js is missing; run `npm run build` (or `npm test`) first.');
  process.exit(1);
}
if (!existsSync(multitool)) {
  console.error('check:sarif: the SARIF Multitool is missing: @microsoft/sarif-multitool-linux installs on Linux only (npm ci).');
  process.exit(1);
}

// The package's postinstall only does `chmod u+x Sarif.Multitool`; npm may not have run it.
try {
  accessSync(multitool, constants.X_OK);
} catch {
  chmodSync(multitool, 0o755);
}

const work = mkdtempSync(join(tmpdir(), 'sf-sarif-'));
try {
  const logs = [];
  const sarif = (name, cwd, args) => {
    const result = spawnSync(process.execPath, [cli, '--format', 'sarif', '--exit-zero', ...args], { cwd, encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`${name}: the CLI exited ${result.status}: ${result.stderr}`);
    const file = join(work, `${name}.sarif`);
    writeFileSync(file, result.stdout);
    logs.push(file);
  };
  // The bundled examples, as a pipeline over the repository would produce them.
  sarif('examples', root, ['examples']);
  // 162 real templates and parameter files, four of them unreadable.
  sarif('corpus', root, ['test/corpus/real']);
  // A folder whose names need percent-encoding, with a template that cannot be read.
  const odd = join(work, 'a folder', 'ünï cödé');
  mkdirSync(odd, { recursive: true });
  copyFileSync(join(root, 'examples', 'sf-mits-missing.json'), join(odd, 'my template #1.json'));
  copyFileSync(join(root, 'test', 'fixtures', 'invalid.json'), join(odd, 'invalid.json'));
  sarif('odd-paths', join(work, 'a folder'), ['.']);

  const run = spawnSync(multitool, ['validate', '--rule-kind', 'Gh;Sarif', '--level', 'Error;Warning;Note', ...logs], { encoding: 'utf8' });
  process.stdout.write(run.stdout);
  process.stderr.write(run.stderr);
  const problems = run.stdout.split('\n').filter((line) => /: (error|warning) [A-Z]+\d+: /.test(line));
  if (run.status !== 0 || problems.length > 0 || !/Analysis completed successfully/.test(run.stdout)) {
    console.error(`check:sarif: the SARIF Multitool reports ${problems.length} error(s) or warning(s) (exit ${run.status}).`);
    process.exitCode = 1;
  } else {
    console.log(`check:sarif: ${logs.length} SARIF logs pass the SARIF and GitHub ingestion rules (notes above are advice).`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
