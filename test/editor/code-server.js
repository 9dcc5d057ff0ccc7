// Installs code-server (a real VS Code 1.100 served to a browser) into a cache folder, and
// starts and stops it. Plain JavaScript, so that it runs before anything is built.
'use strict';
const { execFileSync, spawn } = require('node:child_process');
const { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

const VERSION = '4.100.3'; // VS Code 1.100.3; the newest code-server whose engines accept Node 20
const ROOT = join(__dirname, '..', '..');
const CACHE = process.env.SF_CODE_SERVER_CACHE || join(ROOT, '.vscode-test', `code-server-${VERSION}`);
const ENTRY = join(CACHE, 'node_modules', 'code-server', 'out', 'node', 'entry.js');

/** Installs code-server once into the cache folder (about 35 s and 300 MB), offline-safe. */
function ensureCodeServer() {
  if (existsSync(ENTRY)) return ENTRY;
  mkdirSync(CACHE, { recursive: true });
  const scratch = mkdtempSync(join(tmpdir(), 'sf-code-server-install-'));
  // @vscode/ripgrep downloads rg from GitHub at install time; hand it Debian's rg instead.
  const rgCache = join(scratch, 'vscode-ripgrep-cache-1.15.11');
  mkdirSync(rgCache, { recursive: true });
  execFileSync('tar', ['-czf', join(rgCache, 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz'), '-C', '/usr/bin', 'rg']);
  writeFileSync(join(CACHE, 'package.json'), JSON.stringify({ name: 'code-server-cache', private: true }));
  console.log(`Installing code-server ${VERSION} into ${CACHE} ...`);
  const run = (command, args, options) => {
    try {
      execFileSync(command, args, options);
    } catch (error) {
      // Show what npm said: the install runs native builds, and their output is the diagnosis.
      process.stderr.write(String(error.stdout || '').slice(-4000) + String(error.stderr || '').slice(-8000));
      throw error;
    }
  };
  run('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--foreground-scripts', `code-server@${VERSION}`], {
    cwd: CACHE,
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 256 << 20,
    env: {
      ...process.env,
      TMPDIR: scratch,
      npm_config_yes: 'true', // node-pty's postinstall runs `npx node-gyp`
      npm_config_nodedir: '/usr',
      // code-server's postinstall.sh refuses to run as root unless this is set (npm 11 no
      // longer knows the option, but the script reads it from the environment).
      npm_config_unsafe_perm: 'true',
      npm_config_ignore_scripts: 'false',
      // npm 11 skips dependencies' install scripts unless approved; code-server's postinstall
      // installs VS Code's own modules (node-pty, spdlog, ...) and needs them, nested npm runs too.
      npm_config_dangerously_allow_all_scripts: 'true',
    },
  });
  rmSync(scratch, { recursive: true, force: true });
  if (!existsSync(ENTRY)) throw new Error(`code-server did not install into ${CACHE}`);
  return ENTRY;
}

/**
 * Starts code-server on 127.0.0.1 in its own process group, with every folder it writes to in
 * a scratch directory. Resolves once it listens. `stop()` kills the whole group: a plain
 * SIGTERM would leave extension hosts running.
 */
function startCodeServer({ extensionsDir, scratch = mkdtempSync(join(tmpdir(), 'sf-code-server-')) } = {}) {
  const entry = ensureCodeServer();
  const home = join(scratch, 'home');
  for (const dir of ['home', 'config', 'data', 'state', 'cache', 'tmp', 'user-data']) mkdirSync(join(scratch, dir), { recursive: true });
  // No welcome page or walkthrough: code-server's "Setup VS Code Web" walkthrough otherwise
  // opens over the test's editor now and then and takes the keyboard focus.
  mkdirSync(join(scratch, 'user-data', 'User'), { recursive: true });
  writeFileSync(
    join(scratch, 'user-data', 'User', 'settings.json'),
    JSON.stringify({ 'workbench.startupEditor': 'none', 'workbench.welcomePage.walkthroughs.openOnInstall': false, 'workbench.tips.enabled': false }, null, 2),
  );
  const extensions = extensionsDir || join(scratch, 'extensions');
  mkdirSync(extensions, { recursive: true });
  const env = {
    ...process.env,
    HOME: home,
    XDG_CONFIG_HOME: join(scratch, 'config'),
    XDG_DATA_HOME: join(scratch, 'data'),
    XDG_STATE_HOME: join(scratch, 'state'),
    XDG_CACHE_HOME: join(scratch, 'cache'),
    TMPDIR: join(scratch, 'tmp'),
  };
  const common = ['--user-data-dir', join(scratch, 'user-data'), '--extensions-dir', extensions];
  const install = (vsix) => execFileSync(process.execPath, [entry, ...common, '--install-extension', vsix], { env, stdio: 'pipe' });

  const child = spawn(
    process.execPath,
    [entry, ...common, '--bind-addr', '127.0.0.1:0', '--auth', 'none', '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override'],
    { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let log = '';
  const stop = () => {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`code-server did not start within 60 s:\n${log}`));
    }, 60_000);
    const onData = (chunk) => {
      log += chunk;
      const match = /HTTP server listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(log);
      if (match) {
        clearTimeout(timer);
        resolve({ url: `http://127.0.0.1:${match[1]}`, port: Number(match[1]), stop, install, log: () => log, scratch });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`code-server exited with ${code}:\n${log}`));
    });
  });
}

module.exports = { ensureCodeServer, startCodeServer, VERSION };

if (require.main === module) {
  const start = Date.now();
  ensureCodeServer();
  console.log(`code-server ${VERSION} ready in ${CACHE} (${((Date.now() - start) / 1000).toFixed(1)} s)`);
}
