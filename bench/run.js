'use strict';
// `npm run bench`: the figures of issue 6, measured side by side in one run. Ratios within
// this run are the point: the machine is shared and absolute times are noisy.
// Run with --expose-gc after `npm run build:production && tsc -b` (the npm script does both).

const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const jsonc = require('jsonc-parser');
const { getLanguageService, TextDocument } = require('vscode-json-languageservice');
const { createMessageConnection, StreamMessageReader, StreamMessageWriter } = require('vscode-jsonrpc/node');
const { generateTemplate } = require('./generate');

const ROOT = path.join(__dirname, '..');
const analysis = require(path.join(ROOT, 'out', 'server', 'src', 'analysis'));
const SERVER = path.join(ROOT, 'dist', 'server.js');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const PUSH_DEBOUNCE_MS = 150;
const quick = process.argv.includes('--quick');

const now = () => Number(process.hrtime.bigint()) / 1e6;
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
function time(runs, fn) {
  fn(runs); // warm up
  const times = [];
  for (let i = 0; i < runs; i++) {
    if (global.gc) global.gc();
    const start = now();
    fn(i);
    times.push(now() - start);
  }
  return median(times);
}
/**
 * The analysis keeps the tree of the last text it read (so that quick fixes reuse it); timing
 * it on the same text again would measure that cache. Alternate between two texts that differ
 * by a trailing line break, so that every timed run reads its text.
 */
const variants = (text) => [text, `${text}\n`];
const log = (line) => process.stderr.write(`${line}\n`);
const results = { machine: machine(), date: new Date().toISOString(), inputs: {}, parse: {}, memory: {}, precheck: {}, coldStart: {}, cli: {}, typing: {}, vsix: {} };

function machine() {
  const cpuinfo = fs.existsSync('/proc/cpuinfo') ? fs.readFileSync('/proc/cpuinfo', 'utf8') : '';
  return {
    nproc: os.availableParallelism ? os.availableParallelism() : os.cpus().length,
    cpu: /model name\s*:\s*(.*)/.exec(cpuinfo)?.[1] ?? os.cpus()[0]?.model,
    node: process.version,
    loadavg: os.loadavg().map((l) => Number(l.toFixed(2))),
  };
}

// ---------------------------------------------------------------------------------------------
// Inputs
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sf-bench-'));
const sizes = quick ? [['1MB', 1e6, 12]] : [['1MB', 1e6, 12], ['7MB', 7e6, 80], ['70MB', 70e6, 800]];
const inputs = {};
for (const [name, bytes, clusters] of sizes) {
  const generated = generateTemplate({ bytes, clusters, seed: 7 });
  inputs[name] = generated.text;
  fs.writeFileSync(path.join(tmp, `${name}.json`), generated.text);
  results.inputs[name] = { chars: generated.text.length, resources: generated.resources, clusters: generated.clusters };
}
const noServiceFabric = generateTemplate({ bytes: quick ? 1e6 : 7e6, clusters: 0, seed: 8 }).text;
log(`inputs: ${JSON.stringify(results.inputs)} in ${tmp}`);

// ---------------------------------------------------------------------------------------------
// Parsers and analyses, in process
const jsonService = getLanguageService({});
for (const [name] of sizes) {
  const text = inputs[name];
  const texts = variants(text);
  const runs = name === '70MB' ? 3 : name === '7MB' ? 7 : 15;
  const withoutComments = jsonc.stripComments(text);
  const findings = analysis.analyzeTemplate(text).findings.length;
  if (findings !== analysis.analyzeTemplateFullTree(text).findings.length) throw new Error(`${name}: the fast and full analyses disagree`);
  const row = {
    findings,
    'JSON.parse': time(runs, () => JSON.parse(withoutComments)),
    'jsonc visit': time(runs, () => jsonc.visit(text, {})),
    'jsonc parse': time(runs, () => jsonc.parse(text, [], { allowTrailingComma: true })),
    parseJSONDocument: time(runs, () => jsonService.parseJSONDocument(TextDocument.create('file:///t.json', 'json', 1, text))),
    'jsonc parseTree': time(runs, () => jsonc.parseTree(text, [], { allowTrailingComma: true })),
    'analysis (full tree)': time(runs, (i) => analysis.analyzeTemplateFullTree(texts[i % 2])),
    'analysis (fast)': time(runs, (i) => analysis.analyzeTemplate(texts[i % 2])),
  };
  results.parse[name] = row;
  log(`${name}: ${JSON.stringify(row, (k, v) => (typeof v === 'number' ? Number(v.toFixed(1)) : v))}`);
}

// The pre-check: a template without Service Fabric, versus finding a substring in it.
{
  const runs = 15;
  const noServiceFabricTexts = variants(noServiceFabric);
  results.precheck = {
    chars: noServiceFabric.length,
    'analysis (no Service Fabric)': time(runs, (i) => analysis.analyzeTemplate(noServiceFabricTexts[i % 2])),
    'substring search': time(runs, () => noServiceFabric.indexOf('Microsoft.ServiceFabric')),
    'case-insensitive search': time(runs, () => /servicefabric/i.test(noServiceFabric)),
    'jsonc visit': time(runs, () => jsonc.visit(noServiceFabric, {})),
  };
  if (analysis.analyzeTemplate(noServiceFabric).isTemplate !== true) throw new Error('the non-Service Fabric input is not a template');
  log(`pre-check: ${JSON.stringify(results.precheck)}`);
}

// ---------------------------------------------------------------------------------------------
// Memory: each figure in a fresh process. "retained" is the heap that the parse result keeps
// alive (after a full GC); "peak RSS" is the process's highest RSS while analysing minus its
// RSS just before, garbage included.
const WARM_RUNS = 3000;
function memory(mode, file, warmRuns = 1) {
  const child = spawnSync(process.execPath, ['--expose-gc', '--max-old-space-size=4096', path.join(__dirname, 'memory-child.js'), mode, file, String(warmRuns)], { encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`memory ${mode} ${file}: ${child.stderr}`);
  return JSON.parse(child.stdout);
}
for (const [name] of sizes.filter(([name]) => name !== '1MB')) {
  const file = path.join(tmp, `${name}.json`);
  const chars = inputs[name].length;
  const row = { chars };
  for (const mode of ['parseTree', 'fast-tree', 'analysis-full', 'analysis-fast']) {
    const m = memory(mode, file);
    row[mode] = { retainedMB: m.retained / 1e6, peakRssMB: m.peakRss / 1e6, retainedPerChar: m.retained / chars, peakRssPerChar: m.peakRss / chars };
  }
  // The same analysis with its code already optimised (WARM_RUNS analyses of a small template first).
  const warm = memory('analysis-fast', file, WARM_RUNS);
  row['analysis-fast, warm'] = { warmRuns: WARM_RUNS, retainedMB: warm.retained / 1e6, peakRssMB: warm.peakRss / 1e6, retainedPerChar: warm.retained / chars, peakRssPerChar: warm.peakRss / chars };
  results.memory[name] = row;
  log(`memory ${name}: ${JSON.stringify(row)}`);
}

// ---------------------------------------------------------------------------------------------
// The language server over stdio
function startServer() {
  const child = spawn(process.execPath, [SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'ignore'] });
  const connection = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  const waiters = [];
  connection.onNotification('textDocument/publishDiagnostics', (params) => {
    for (const waiter of [...waiters]) {
      if (waiter.uri === params.uri && (waiter.version === undefined || params.version === waiter.version)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(params);
      }
    }
  });
  connection.onNotification('window/logMessage', () => undefined);
  connection.listen();
  return {
    connection,
    diagnostics: (uri, version) => new Promise((resolve) => waiters.push({ uri, version, resolve })),
    async initialize(capabilities = { textDocument: { publishDiagnostics: {} } }) {
      await connection.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities });
      await connection.sendNotification('initialized', {});
    },
    async stop() {
      try {
        await connection.sendRequest('shutdown');
        await connection.sendNotification('exit');
      } catch {
        // already gone
      }
      connection.dispose();
      child.kill();
    },
  };
}

function exitTime(args) {
  return new Promise((resolve, reject) => {
    const start = now();
    const child = spawn(process.execPath, args, { stdio: 'ignore' });
    child.on('error', reject);
    child.on('exit', () => resolve(now() - start));
  });
}

async function coldStart() {
  const small = fs.readFileSync(path.join(ROOT, 'examples', 'sf-mits-missing.json'), 'utf8');
  const bare = [];
  const server = [];
  const runs = quick ? 3 : 9;
  for (let i = 0; i < runs; i++) {
    bare.push(await exitTime(['-e', '0']));
    const start = now();
    const s = startServer();
    await s.initialize();
    const uri = 'file:///bench/small.json';
    const published = s.diagnostics(uri);
    await s.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'json', version: 1, text: small } });
    const { diagnostics } = await published;
    server.push(now() - start);
    if (diagnostics.length !== 1) throw new Error(`cold start: expected one diagnostic, got ${diagnostics.length}`);
    await s.stop();
  }
  results.coldStart = { 'node -e 0': median(bare), 'server to first diagnostics': median(server), bundleBytes: fs.statSync(SERVER).size };
  log(`cold start: ${JSON.stringify(results.coldStart)}`);
}

async function cli() {
  const corpus = path.join(ROOT, 'test', 'corpus', 'real');
  const names = fs.readdirSync(corpus).filter((name) => name.endsWith('.json')).sort();
  const dir = path.join(tmp, 'corpus1000');
  fs.mkdirSync(dir);
  for (let i = 0; i < 1000; i++) fs.copyFileSync(path.join(corpus, names[i % names.length]), path.join(dir, `${String(i).padStart(4, '0')}-${names[i % names.length]}`));
  const readOnly = path.join(__dirname, 'read-files.js');
  const runs = quick ? 3 : 7;
  const cliTimes = [];
  const readTimes = [];
  for (let i = 0; i < runs; i++) {
    readTimes.push(await exitTime([readOnly, dir]));
    cliTimes.push(await exitTime([CLI, '--exit-zero', '--format', 'json', dir]));
  }
  // In one process, without Node's start-up: analysing versus only reading.
  const files = fs.readdirSync(dir).map((name) => path.join(dir, name));
  const read = () => files.map((file) => fs.readFileSync(file).toString('utf8'));
  results.cli = {
    files: files.length,
    'node dist/cli.js (process)': median(cliTimes),
    'read the files (process)': median(readTimes),
    'read + analyse (in process)': time(5, () => read().forEach((text) => analysis.analyzeTemplate(text))),
    'read only (in process)': time(5, read),
  };
  log(`cli: ${JSON.stringify(results.cli)}`);
}

/**
 * What the two kinds of client announce. VS Code (vscode-languageclient 9) resolves a code
 * action's edit when the user picks it (codeAction/resolve), so the server offers quick fixes
 * without edits (Neovim 0.7 announces the same); a client that does not gets every edit with
 * the list.
 */
const CLIENTS = {
  'VS Code (edits on resolve)': { textDocument: { publishDiagnostics: {}, codeAction: { dataSupport: true, resolveSupport: { properties: ['edit'] } } } },
  'eager (edits in the list)': { textDocument: { publishDiagnostics: {} } },
};

async function typingWith(name, capabilities) {
  const text = inputs[name];
  const s = startServer();
  await s.initialize(capabilities);
  const uri = `file:///bench/${name}.json`;
  const opened = s.diagnostics(uri, 1);
  await s.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'json', version: 1, text } });
  const { diagnostics } = await opened;
  const target = diagnostics.find((d) => d.code === 'sf-mits-missing');
  // Incremental edits: insert a space after the first "{", then take it out again.
  const brace = text.indexOf('{');
  const positionAt = (offset) => {
    const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
    return { line: text.slice(0, offset).split('\n').length - 1, character: offset - lineStart };
  };
  const bracePosition = positionAt(brace);
  // A hover that answers: on the key of a cluster's clusterCodeVersion, before the edited brace's shift matters (same line offsets).
  const hoverPosition = positionAt(text.indexOf('"clusterCodeVersion"') + 1);
  let version = 1;
  const edit = () => {
    version++;
    const insert = version % 2 === 0;
    const range = { start: { line: bracePosition.line, character: bracePosition.character + 1 }, end: { line: bracePosition.line, character: bracePosition.character + (insert ? 1 : 2) } };
    return s.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ range, text: insert ? ' ' : '' }] });
  };
  const codeAction = () =>
    s.connection.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: target.range, context: { diagnostics: [target] } });
  const hover = () => s.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: hoverPosition });
  const runs = quick ? 3 : 7;
  const latency = [];
  const actionDuringAnalysis = [];
  const actionRightAfterEdit = [];
  const actionIdle = [];
  const resolveIdle = [];
  const hoverDuringAnalysis = [];
  const hoverIdle = [];
  const duringAnalysis = async (request, times) => {
    // Sent just after the debounce, while the analysis of the edit runs.
    const published = s.diagnostics(uri, version + 1);
    await edit();
    await new Promise((resolve) => setTimeout(resolve, PUSH_DEBOUNCE_MS + 10));
    const start = now();
    const answer = await request();
    times.push(now() - start);
    await published;
    return answer;
  };
  for (let i = 0; i < runs; i++) {
    // didChange -> publishDiagnostics
    let start = now();
    let published = s.diagnostics(uri, version + 1);
    await edit();
    await published;
    latency.push(now() - start);
    // A code action and a hover while the idle server has the analysis cached.
    start = now();
    const idle = await codeAction();
    actionIdle.push(now() - start);
    if (idle.length === 0) throw new Error('no code action offered');
    const lazy = idle.find((action) => action.isPreferred && !action.edit);
    if (lazy) {
      start = now();
      const resolved = await s.connection.sendRequest('codeAction/resolve', lazy);
      resolveIdle.push(now() - start);
      if (!resolved.edit) throw new Error('codeAction/resolve gave no edit');
    }
    start = now();
    if (!(await hover())) throw new Error('no hover on clusterCodeVersion');
    hoverIdle.push(now() - start);
    await duringAnalysis(codeAction, actionDuringAnalysis);
    await duringAnalysis(hover, hoverDuringAnalysis);
    // A code action sent right after an edit, before the debounce: it analyses by itself.
    published = s.diagnostics(uri, version + 1);
    await edit();
    start = now();
    await codeAction();
    actionRightAfterEdit.push(now() - start);
    await published;
  }
  await s.stop();
  return {
    'didChange to publishDiagnostics': median(latency),
    'code action, idle': median(actionIdle),
    'code action, sent while the analysis runs': median(actionDuringAnalysis),
    'code action, sent right after an edit': median(actionRightAfterEdit),
    ...(resolveIdle.length ? { 'codeAction/resolve of the preferred fix, idle': median(resolveIdle) } : {}),
    'hover, idle': median(hoverIdle),
    'hover, sent while the analysis runs': median(hoverDuringAnalysis),
  };
}

async function typing() {
  const name = quick ? '1MB' : '7MB';
  results.typing = { template: name, debounce: PUSH_DEBOUNCE_MS, 'analysis (fast), in process': results.parse[name]['analysis (fast)'], clients: {} };
  for (const [client, capabilities] of Object.entries(CLIENTS)) {
    results.typing.clients[client] = await typingWith(name, capabilities);
    log(`typing, ${client}: ${JSON.stringify(results.typing.clients[client])}`);
  }
}

function vsix() {
  const file = path.join(ROOT, 'dist', 'sf-managed-identity.vsix');
  results.vsix = fs.existsSync(file) ? { bytes: fs.statSync(file).size, built: fs.statSync(file).mtime.toISOString() } : { bytes: null, note: 'run npm run package first' };
}

// ---------------------------------------------------------------------------------------------
function report() {
  const rows = [];
  const fmt = (v) => (v === null || v === undefined ? '-' : typeof v === 'number' ? (Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(1)) : String(v));
  const add = (what, measured, target, ok) => rows.push([what, measured, target, ok === undefined ? '' : ok ? 'yes' : 'NO']);
  for (const [name] of sizes) {
    const p = results.parse[name];
    add(`${name}: JSON.parse / visit / parse / parseJSONDocument / parseTree (ms)`, `${fmt(p['JSON.parse'])} / ${fmt(p['jsonc visit'])} / ${fmt(p['jsonc parse'])} / ${fmt(p.parseJSONDocument)} / ${fmt(p['jsonc parseTree'])}`, 'baseline');
    add(`${name}: analysis full tree / fast (ms)`, `${fmt(p['analysis (full tree)'])} / ${fmt(p['analysis (fast)'])}`, '');
    const vsDoc = p['analysis (fast)'] / p.parseJSONDocument;
    const vsVisit = p['analysis (fast)'] / p['jsonc visit'];
    add(`${name}: fast analysis / parseJSONDocument`, `${vsDoc.toFixed(2)}x`, '<= 0.6x', vsDoc <= 0.6);
    add(`${name}: fast analysis / jsonc visit`, `${vsVisit.toFixed(2)}x`, '<= 1.5x', vsVisit <= 1.5);
  }
  for (const [name, m] of Object.entries(results.memory)) {
    add(`${name}: retained heap per char, parseTree / fast tree`, `${m.parseTree.retainedPerChar.toFixed(2)} / ${m['fast-tree'].retainedPerChar.toFixed(2)}`, '');
    add(`${name}: peak extra RSS per char, full / fast analysis (first run in a process)`, `${m['analysis-full'].peakRssPerChar.toFixed(2)} / ${m['analysis-fast'].peakRssPerChar.toFixed(2)}`, '<= 2', m['analysis-fast'].peakRssPerChar <= 2);
    const warm = m['analysis-fast, warm'];
    add(`${name}: same, fast analysis with its code optimised (${warm.warmRuns} small runs first)`, warm.peakRssPerChar.toFixed(2), '<= 2', warm.peakRssPerChar <= 2);
  }
  const pc = results.precheck;
  const pcRatio = pc['analysis (no Service Fabric)'] / pc['substring search'];
  add(`pre-check: no-SF template (${(pc.chars / 1e6).toFixed(0)} MB) / substring search`, `${fmt(pc['analysis (no Service Fabric)'])} / ${fmt(pc['substring search'])} ms = ${pcRatio.toFixed(1)}x`, '~1x', pcRatio <= 2);
  const cs = results.coldStart;
  const csRatio = cs['server to first diagnostics'] / cs['node -e 0'];
  add('cold start: server to first diagnostics / node -e 0', `${fmt(cs['server to first diagnostics'])} / ${fmt(cs['node -e 0'])} ms = ${csRatio.toFixed(2)}x`, '<= 3x', csRatio <= 3);
  const c = results.cli;
  const cliRatio = c['node dist/cli.js (process)'] / c['read the files (process)'];
  const cliIn = c['read + analyse (in process)'] / c['read only (in process)'];
  add(`CLI over ${c.files} files / reading them (processes)`, `${fmt(c['node dist/cli.js (process)'])} / ${fmt(c['read the files (process)'])} ms = ${cliRatio.toFixed(2)}x`, '<= 2x', cliRatio <= 2);
  add('  same, in one process without start-up', `${fmt(c['read + analyse (in process)'])} / ${fmt(c['read only (in process)'])} ms = ${cliIn.toFixed(2)}x`, '<= 2x', cliIn <= 2);
  const t = results.typing;
  const budget = t.debounce + 1.5 * t['analysis (fast), in process'];
  const actionBudget = 1.5 * t['analysis (fast), in process'];
  for (const [client, c] of Object.entries(t.clients)) {
    add(`${t.template}, ${client}: didChange to publishDiagnostics`, `${fmt(c['didChange to publishDiagnostics'])} ms (budget ${fmt(budget)})`, '<= debounce + 1.5x analysis', c['didChange to publishDiagnostics'] <= budget);
    add(
      `${t.template}, ${client}: code action while analysing / right after edit / idle`,
      `${fmt(c['code action, sent while the analysis runs'])} / ${fmt(c['code action, sent right after an edit'])} / ${fmt(c['code action, idle'])} ms (budget ${fmt(actionBudget)})`,
      '< 1.5x analysis',
      Math.max(c['code action, sent while the analysis runs'], c['code action, sent right after an edit']) < actionBudget,
    );
    if (c['codeAction/resolve of the preferred fix, idle'] !== undefined) add(`${t.template}, ${client}: codeAction/resolve of the preferred fix`, `${fmt(c['codeAction/resolve of the preferred fix, idle'])} ms`, '');
    add(`${t.template}, ${client}: hover while analysing / idle`, `${fmt(c['hover, sent while the analysis runs'])} / ${fmt(c['hover, idle'])} ms (budget ${fmt(actionBudget)})`, '< 1.5x analysis', c['hover, sent while the analysis runs'] < actionBudget);
  }
  if (results.vsix.bytes) add('.vsix size', `${(results.vsix.bytes / 1024).toFixed(0)} KB`, '< 500 KB', results.vsix.bytes < 500 * 1024);
  else add('.vsix size', results.vsix.note, '< 500 KB');
  const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => r[i].length), ['what', 'measured (medians)', 'target', 'met'][i].length));
  const line = (r) => `| ${r.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  const out = [line(['what', 'measured (medians)', 'target', 'met']), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)];
  results.table = rows;
  process.stdout.write(`\nMachine: ${results.machine.nproc} cores, ${results.machine.cpu}, Node ${results.machine.node}, load ${results.machine.loadavg.join(' ')}\n\n${out.join('\n')}\n`);
}

(async () => {
  const started = now();
  try {
    await coldStart();
    await cli();
    await typing();
    vsix();
    report();
    if (!quick) fs.writeFileSync(path.join(__dirname, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
    log(`\nbench finished in ${((now() - started) / 1000).toFixed(0)} s${quick ? ' (quick: results.json not written)' : '; wrote bench/results.json'}`);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
})().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
