'use strict';
// One memory figure in a fresh process (see run.js): node --expose-gc memory-child.js <mode> <file> [warm-up runs]
const fs = require('node:fs');
const path = require('node:path');
const jsonc = require('jsonc-parser');

const [mode, file, warmRuns = '1'] = process.argv.slice(2);
const analysis = require(path.join(__dirname, '..', 'out', 'server', 'src', 'analysis'));
const { readSelectiveTree } = require(path.join(__dirname, '..', 'out', 'server', 'src', 'analysis', 'fast-tree'));
const run = {
  parseTree: (text) => jsonc.parseTree(text, [], { allowTrailingComma: true }),
  'fast-tree': (text) => readSelectiveTree(text),
  'analysis-full': (text) => analysis.analyzeTemplateFullTree(text),
  'analysis-fast': (text) => analysis.analyzeTemplate(text),
}[mode];

// Run the code on a small template first. Once, the code is loaded but V8 has not optimised it,
// so the measured run also holds the optimising compiler's memory (several MB, whatever the
// text's size). Thousands of times, as in a server that has analysed documents before, the hot
// code is compiled before the measurement. Alternate two texts so that no cache answers.
const small = fs.readFileSync(path.join(__dirname, '..', 'examples', 'sf-mits-missing.json'), 'utf8');
for (let i = 0; i < Number(warmRuns); i++) run(i % 2 ? `${small}\n` : small);
const text = fs.readFileSync(file, 'utf8');
global.gc();
global.gc();
const heapBefore = process.memoryUsage().heapUsed;
const rssBefore = process.memoryUsage().rss;
const kept = run(text);
const peakRss = process.resourceUsage().maxRSS * 1024 - rssBefore;
global.gc();
global.gc();
const retained = process.memoryUsage().heapUsed - heapBefore;
process.stdout.write(JSON.stringify({ mode, chars: text.length, retained, peakRss, kept: kept !== undefined }));
