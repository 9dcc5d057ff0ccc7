// Preloaded with `node --require test/security/sandbox.js` by test/unit/security.test.ts.
// Records, in the file named by SF_SANDBOX_LOG, every attempt of the process to start another
// process, open a network connection, resolve a host name, compile code at run time, or
// read or write a file, and makes each of the first four throw (eval too; `Function` is left
// alone, as replacing it breaks `Function.prototype`: the source scan covers it). The test then
// checks the log.
'use strict';
const fs = require('node:fs');
// The log is written through a descriptor and functions taken before anything is patched.
const realWriteSync = fs.writeSync;
const logFd = fs.openSync(process.env.SF_SANDBOX_LOG, 'a');
const record = (kind, detail) => realWriteSync(logFd, `${kind} ${detail}\n`);
const forbid = (kind) => (...args) => {
  record('FORBIDDEN', `${kind} ${String(args[0]).slice(0, 200)}`);
  throw new Error(`sandbox: ${kind} is not allowed`);
};

const childProcess = require('node:child_process');
for (const name of ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork']) childProcess[name] = forbid(`child_process.${name}`);
const net = require('node:net');
net.connect = net.createConnection = forbid('net.connect');
net.Socket.prototype.connect = forbid('net.Socket.connect');
for (const mod of ['node:http', 'node:https']) {
  const m = require(mod);
  m.request = m.get = forbid(`${mod}.request`);
}
const dns = require('node:dns');
dns.lookup = dns.resolve = forbid('dns');
globalThis.fetch = forbid('fetch');
const vm = require('node:vm');
vm.runInNewContext = vm.runInThisContext = vm.runInContext = vm.compileFunction = forbid('vm');
globalThis.eval = forbid('eval');

// File reads are allowed, and recorded: the test checks which files were read.
const realReadFileSync = fs.readFileSync;
const realOpenSync = fs.openSync;
const realStatSync = fs.statSync;
fs.readFileSync = function (path, ...rest) {
  if (typeof path === 'string' || path instanceof URL) record('READ', String(path));
  return realReadFileSync.call(this, path, ...rest);
};
fs.openSync = function (path, ...rest) {
  record('OPEN', String(path));
  return realOpenSync.call(this, path, ...rest);
};
fs.statSync = realStatSync;
// Listing a folder and resolving a path are recorded too: in Restricted Mode the server may not
// even look (test/server/trust.test.ts). Node's module loader uses fs.realpathSync, not these.
const realReaddirSync = fs.readdirSync;
fs.readdirSync = function (path, ...rest) {
  record('LIST', String(path));
  return realReaddirSync.call(this, path, ...rest);
};
const realRealpathNative = fs.realpathSync.native;
fs.realpathSync.native = function (path, ...rest) {
  record('REALPATH', String(path));
  return realRealpathNative.call(this, path, ...rest);
};
for (const name of ['writeFileSync', 'writeSync', 'rmSync', 'unlinkSync', 'renameSync', 'mkdirSync', 'writeFile', 'rm', 'unlink', 'rename']) {
  const real = fs[name];
  fs[name] = function (...args) {
    record('WRITE', `${name} ${String(args[0])}`);
    return real.apply(this, args);
  };
}
