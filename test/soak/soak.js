#!/usr/bin/env node
// Soak: the real bundled server (`node dist/server.js --stdio`) under scripted edits for a
// while (default 30 minutes), sampling its resident memory (RSS, from /proc) once a
// minute. Not part of `npm test`: run it with `npm run soak -- --minutes N`.
//
// The script edits a few templates the way a person would: typing a character at a time,
// deleting, pasting a cluster, breaking and repairing the JSON, opening and closing
// documents, and asking for diagnostics and code actions after each edit. At the end it
// prints the RSS curve and fails if memory kept growing: the last third of the samples
// must average no more than 1.5 times the first third (after a warm-up minute).
'use strict';
const { spawn } = require('node:child_process');
const { readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { createMessageConnection, StreamMessageReader, StreamMessageWriter } = require('vscode-jsonrpc/node');

const root = join(__dirname, '..', '..');
const args = process.argv.slice(2);
const minutesArg = args.indexOf('--minutes');
const minutes = minutesArg >= 0 ? Number(args[minutesArg + 1]) : 30;
const outArg = args.indexOf('--out');
const out = outArg >= 0 ? args[outArg + 1] : undefined;
if (!(minutes > 0)) {
  console.error('usage: npm run soak -- [--minutes N] [--out curve.json]   or   node --expose-gc test/soak/soak.js --heap [--minutes N]');
  process.exit(2);
}
const sampleEveryMs = Math.min(60_000, (minutes * 60_000) / 10);

const templates = ['sf-mits-missing.json', 'sf-version-too-low.json', 'sf-force-restart-on.json', 'managed-cluster.json'].map((name) =>
  readFileSync(join(root, 'examples', name), 'utf8'),
);

// --heap: the server runs in this process (out/server/src/server.js, built by tsc) on an
// in-memory connection, and each sample is V8's heap after a full GC (needs node
// --expose-gc): what the server keeps, which RSS alone cannot tell.
const heap = args.includes('--heap');
const label = heap ? 'heap' : 'RSS';
let server;
let connection;
if (heap) {
  if (typeof global.gc !== 'function') {
    console.error('soak --heap needs node --expose-gc');
    process.exit(2);
  }
  const { PassThrough } = require('node:stream');
  const { createConnection } = require('vscode-languageserver/node');
  const { startServer } = require(join(root, 'out', 'server', 'src', 'server.js'));
  const toServer = new PassThrough();
  const toClient = new PassThrough();
  const serverConnection = createConnection(new StreamMessageReader(toServer), new StreamMessageWriter(toClient));
  startServer(serverConnection, { ruleDocsUri: (code) => `file:///docs/${code}.md` });
  serverConnection.listen();
  connection = createMessageConnection(new StreamMessageReader(toClient), new StreamMessageWriter(toServer));
} else {
  server = spawn(process.execPath, [join(root, 'dist', 'server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  connection = createMessageConnection(new StreamMessageReader(server.stdout), new StreamMessageWriter(server.stdin));
}
connection.onNotification('textDocument/publishDiagnostics', () => undefined);
connection.onNotification('window/logMessage', () => undefined);
connection.listen();

function rssMiB() {
  if (heap) {
    global.gc();
    return Math.round((process.memoryUsage().heapUsed / 1048576) * 10) / 10;
  }
  const status = readFileSync(`/proc/${server.pid}/status`, 'utf8');
  const kib = Number(/VmRSS:\s+(\d+)/.exec(status)[1]);
  return Math.round((kib / 1024) * 10) / 10;
}

function positionAt(text, offset) {
  const before = text.slice(0, offset);
  const line = before.split('\n').length - 1;
  return { line, character: offset - (before.lastIndexOf('\n') + 1) };
}

/** A deterministic pseudo-random sequence, so that a soak can be repeated. */
let seed = 20261128;
function random(n) {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed % n;
}

async function main() {
  await connection.sendRequest('initialize', {
    processId: process.pid,
    rootUri: null,
    capabilities: { textDocument: { diagnostic: {} }, workspace: { workspaceEdit: { documentChanges: true } } },
  });
  await connection.sendNotification('initialized', {});

  const started = Date.now();
  const samples = [{ minute: 0, rssMiB: rssMiB(), edits: 0 }];
  let edits = 0;
  let nextSample = started + sampleEveryMs;
  let round = 0;
  console.log(`soak: ${minutes} min, ${heap ? 'server in process, heap after GC' : `server pid ${server.pid}, RSS`} at start ${samples[0].rssMiB} MiB`);

  while (Date.now() - started < minutes * 60_000) {
    round++;
    const uri = `file:///soak/doc-${round % 20}.json`;
    let text = templates[random(templates.length)];
    let version = 1;
    await connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'json', version, text } });
    for (let step = 0; step < 40; step++) {
      const offset = random(text.length + 1);
      const kind = random(4);
      let change;
      if (kind === 0) {
        change = { range: { start: positionAt(text, offset), end: positionAt(text, offset) }, text: 'x' }; // type a character
        text = text.slice(0, offset) + 'x' + text.slice(offset);
      } else if (kind === 1 && text.length > 0) {
        const end = Math.min(text.length, offset + 1 + random(20));
        change = { range: { start: positionAt(text, offset), end: positionAt(text, end) }, text: '' }; // delete
        text = text.slice(0, offset) + text.slice(end);
      } else if (kind === 2) {
        const paste = templates[random(templates.length)].slice(0, 200 + random(2000));
        change = { range: { start: positionAt(text, offset), end: positionAt(text, offset) }, text: paste }; // paste
        text = text.slice(0, offset) + paste + text.slice(offset);
      } else {
        text = templates[random(templates.length)]; // undo everything
        change = { text };
      }
      version++;
      await connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [change] });
      const report = await connection.sendRequest('textDocument/diagnostic', { textDocument: { uri } });
      const items = report.items ?? [];
      const range = items[0]?.range ?? { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
      await connection.sendRequest('textDocument/codeAction', { textDocument: { uri }, range, context: { diagnostics: items } });
      edits++;
      await new Promise((resolve) => setTimeout(resolve, 40)); // a fast typist, not a busy loop
    }
    if (round % 3 === 0) await connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
    if (Date.now() >= nextSample) {
      const sample = { minute: Math.round(((Date.now() - started) / 60_000) * 10) / 10, rssMiB: rssMiB(), edits };
      samples.push(sample);
      console.log(`soak: ${sample.minute} min  ${label} ${sample.rssMiB} MiB  ${edits} edits`);
      nextSample += sampleEveryMs;
    }
  }
  samples.push({ minute: Math.round(((Date.now() - started) / 60_000) * 10) / 10, rssMiB: rssMiB(), edits });
  if (heap) {
    // exit would end this process too; the figures are what counts.
  } else {
    await connection.sendRequest('shutdown');
    await connection.sendNotification('exit');
  }

  const steady = samples.slice(2); // the first minute warms up the JIT and the caches
  const third = Math.max(1, Math.floor(steady.length / 3));
  const mean = (list) => list.reduce((sum, s) => sum + s.rssMiB, 0) / list.length;
  const early = mean(steady.slice(0, third));
  const late = mean(steady.slice(-third));
  const peak = Math.max(...samples.map((s) => s.rssMiB));
  const summary = { minutes, edits, samples, earlyMeanMiB: Math.round(early * 10) / 10, lateMeanMiB: Math.round(late * 10) / 10, peakMiB: peak };
  console.log(`soak: ${edits} edits; ${label} early ${summary.earlyMeanMiB} MiB, late ${summary.lateMeanMiB} MiB, peak ${peak} MiB`);
  console.log(`soak: curve (minute: MiB) ${samples.map((s) => `${s.minute}: ${s.rssMiB}`).join(', ')}`);
  if (out) writeFileSync(out, JSON.stringify(summary, null, 2) + '\n');
  const exitCode = heap ? 0 : await new Promise((resolve) => server.once('exit', resolve));
  if (exitCode !== 0) {
    console.error(`soak: the server exited with ${exitCode}`);
    process.exit(1);
  }
  if (heap) process.exit(late > early * 1.5 ? 1 : 0);
  if (late > early * 1.5) {
    console.error('soak: memory grew by more than half between the first and the last third');
    process.exit(1);
  }
}

main().catch((error) => {
  console.error(error);
  server.kill();
  process.exit(1);
});
