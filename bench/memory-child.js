'use strict';
// One memory figure in a fresh process (see run.js): node --expose-gc memory-child.js <mode> <file>
const fs = require('node:fs');
const path = require('node:path');
const jsonc = require('jsonc-parser');

const [mode, file] = process.argv.slice(2);
const analysis = require(path.join(__dirname, '..', 'out', 'server', 'src', 'analysis'));
const { readSelectiveTree } = require(path.join(__dirname, '..', 'out', 'server', 'src', 'analysis', 'fast-tree'));
const run = {
  parseTree: (text) => jsonc.parseTree(text, [], { allowTrailingComma: true }),
  'fast-tree': (text) => readSelectiveTree(text),
  'analysis-full': (text) => analysis.analyzeTemplateFullTree(text),
  'analysis-fast': (text) => analysis.analyzeTemplate(text),
}[mode];

// Warm the code up on a small template so that compiling it is not counted.
run(fs.readFileSync(path.join(__dirname, '..', 'examples', 'sf-mits-missing.json'), 'utf8'));
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
