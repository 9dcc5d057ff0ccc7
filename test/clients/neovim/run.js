#!/usr/bin/env node
// Drives the standalone language server (dist/server.js --stdio) with a real LSP client:
// Neovim's built-in one (0.7 API), headless. The Lua side (test.lua) opens copies of the
// templates, checks the diagnostics and code actions, applies the fixes and writes the files;
// this script copies the files, runs nvim under a timeout, compares the written files byte for
// byte with the expected ones and prints one line per check.
//
//   npm run test:neovim        (builds dist/ first)
//   node test/clients/neovim/run.js
//
// Exit status: 0 when every check passed; 1 otherwise, including when nvim is not installed.
'use strict';

const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..', '..');
const SERVER = path.join(ROOT, 'dist', 'server.js');
const LUA = path.join(__dirname, 'test.lua');
const TIMEOUT_MS = 60_000;
// The files test.lua opens, copied into the temp dir under their own name.
const FILES = ['test/fixtures/crlf-tabs-comments.json', 'examples/sf-force-restart-on.json', 'examples/sf-version-too-low.json', 'examples/sf-mits-missing.json'];

function main() {
  const version = spawnSync('nvim', ['--version'], { encoding: 'utf8' });
  if (version.error || version.status !== 0) {
    console.log(`FAIL nvim is not installed or does not run (${version.error ? version.error.message : `exit ${version.status}`}); install it, e.g. apt-get install -y neovim`);
    process.exit(1);
  }
  if (!fs.existsSync(SERVER)) {
    console.log(`FAIL ${path.relative(ROOT, SERVER)} does not exist; run npm run build`);
    process.exit(1);
  }
  console.log(`# ${version.stdout.split('\n')[0]}, node ${process.version}`);

  // realpath: the buffer names, the URIs and the paths compared below must all agree.
  const temp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'sfmi-neovim-')));
  const work = path.join(temp, 'work');
  fs.mkdirSync(work);
  const xdg = {};
  for (const name of ['CONFIG', 'DATA', 'STATE', 'CACHE']) {
    xdg[`XDG_${name}_HOME`] = path.join(temp, name.toLowerCase());
    fs.mkdirSync(xdg[`XDG_${name}_HOME`]);
  }
  for (const file of FILES) fs.copyFileSync(path.join(ROOT, file), path.join(work, path.basename(file)));
  const resultsFile = path.join(temp, 'results.jsonl');

  const started = Date.now();
  const nvim = spawn('nvim', ['-u', 'NONE', '-i', 'NONE', '-n', '--headless', '-c', `luafile ${LUA.replace(/([ \\|"])/g, '\\$1')}`], {
    cwd: work,
    env: { ...process.env, ...xdg, SFMI_NODE: process.execPath, SFMI_SERVER: SERVER, SFMI_WORK: work, SFMI_RESULTS: resultsFile },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so that a timeout kills nvim and the server it started.
    detached: true,
  });
  let output = '';
  nvim.stdout.on('data', (chunk) => (output += chunk));
  nvim.stderr.on('data', (chunk) => (output += chunk));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    try {
      process.kill(-nvim.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }, TIMEOUT_MS);

  nvim.on('close', (code, signal) => {
    clearTimeout(timer);
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    let passed = 0;
    let failed = 0;
    const report = (ok, name, detail) => {
      if (ok) passed++;
      else failed++;
      console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${detail ? `\n       ${String(detail).replace(/\n/g, '\n       ')}` : ''}`);
    };

    const lines = fs.existsSync(resultsFile) ? fs.readFileSync(resultsFile, 'utf8').split('\n').filter(Boolean) : [];
    // The exit status test.lua must end with: 2 after an unexpected error, 1 after a failed check.
    let expectedCode = 0;
    for (const line of lines) {
      const record = JSON.parse(line);
      if (record.kind === 'check') {
        report(record.ok, record.name, record.ok ? '' : record.detail);
        if (!record.ok) expectedCode = Math.max(expectedCode, 1);
      } else if (record.kind === 'compare') {
        report(...compare(record));
      } else {
        report(false, 'test.lua stopped on an unexpected error', record.detail);
        expectedCode = 2;
      }
    }
    if (timedOut) report(false, `nvim did not finish within ${TIMEOUT_MS / 1000} s and was killed`, tail(output));
    else if (code !== expectedCode) report(false, `nvim exited with ${code ?? signal}, expected ${expectedCode}`, tail(output));
    if (lines.length === 0 && !timedOut) report(false, 'test.lua reported nothing', tail(output));
    if (failed > 0) {
      const log = path.join(xdg.XDG_CACHE_HOME, 'nvim', 'lsp.log');
      if (fs.existsSync(log)) console.log(`# ${log}:\n${tail(fs.readFileSync(log, 'utf8'))}`);
      console.log(`# files kept in ${temp}`);
    } else {
      fs.rmSync(temp, { recursive: true, force: true });
    }
    console.log(`${passed} passed, ${failed} failed (${seconds} s)`);
    process.exitCode = failed > 0 ? 1 : 0;
  });
}

/** Compares the file nvim wrote with the expected one, byte for byte. */
function compare({ name, actual, expected }) {
  const got = fs.readFileSync(actual);
  const want = fs.readFileSync(path.join(ROOT, expected));
  if (got.equals(want)) return [true, name];
  let i = 0;
  while (i < got.length && i < want.length && got[i] === want[i]) i++;
  const line = got.subarray(0, i).toString('utf8').split('\n').length;
  const around = (buffer) => JSON.stringify(buffer.subarray(Math.max(0, i - 20), i + 20).toString('utf8'));
  return [
    false,
    name,
    `${actual} (${got.length} bytes) differs from ${expected} (${want.length} bytes) at byte ${i}, line ${line}:\n` +
      `got      ${around(got)}\nexpected ${around(want)}`,
  ];
}

function tail(text) {
  const lines = text.trim().split('\n');
  return lines.slice(-20).join('\n') || '(no output)';
}

main();
