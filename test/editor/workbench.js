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

module.exports = { launchBrowser, exampleWorkspace, workbenchUrl, ROOT };
