#!/usr/bin/env node
// What the .vsix may hold and must hold. Used by test/unit/package.test.ts (over `vsce ls`) and,
// as `node test/package/vsix-contents.js <file.vsix>`, by `npm run package` over the real file.
'use strict';
const { existsSync, readdirSync, readFileSync, statSync } = require('node:fs');
const { join, relative, sep } = require('node:path');

const ROOT = join(__dirname, '..', '..');
/** The .vsix must stay under 500 KB. */
const MAX_VSIX_BYTES = 500 * 1024;

/** The allow-list: the bundles, the grammar, the docs, the icon and the manifest. */
const ALLOWED = [
  /^dist\/(web\/)?(extension|server)\.js$/,
  /^syntaxes\/[^]+$/,
  /^docs\/rules\/[a-z0-9-]+\.md$/,
  /^images\/icon\.png$/,
  /^package\.json$/,
  /^(README|readme)\.md$/,
  /^(CHANGELOG|changelog)\.md$/,
  /^LICENSE(\.txt)?$/,
];

/** Files the package must hold, relative to the extension root (as `vsce ls` prints them). */
function required() {
  const rules = readdirSync(join(ROOT, 'docs', 'rules')).filter((name) => name.endsWith('.md'));
  const grammar = existsSync(join(ROOT, 'syntaxes')) ? walk(join(ROOT, 'syntaxes')) : [];
  return ['dist/extension.js', 'dist/server.js', 'dist/web/extension.js', 'dist/web/server.js', 'package.json', 'README.md', 'CHANGELOG.md', 'LICENSE', 'images/icon.png', ...rules.map((name) => `docs/rules/${name}`), ...grammar];
}

function walk(folder) {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? walk(join(folder, entry.name)) : [relative(ROOT, join(folder, entry.name)).split(sep).join('/')],
  );
}

/** The names in a zip file, from its central directory. */
function listZip(file) {
  const zip = readFileSync(file);
  let end = zip.length - 22;
  while (end >= 0 && zip.readUInt32LE(end) !== 0x06054b50) end--;
  if (end < 0) throw new Error(`${file} is not a zip file`);
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const names = [];
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error(`${file}: broken central directory`);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    names.push(zip.subarray(at + 46, at + 46 + nameLength).toString('utf8'));
    at += 46 + nameLength + extraLength + commentLength;
  }
  return names;
}

/**
 * The files of a .vsix as `vsce ls` names them: the extension's files without the `extension/`
 * prefix, and without the two files vsce writes itself. vsce renames LICENSE to LICENSE.txt and
 * lower-cases README.md and CHANGELOG.md; those are mapped back.
 */
function vsixFiles(file) {
  const renamed = { 'LICENSE.txt': 'LICENSE', 'readme.md': 'README.md', 'changelog.md': 'CHANGELOG.md' };
  return listZip(file)
    .filter((name) => name !== '[Content_Types].xml' && name !== 'extension.vsixmanifest')
    .map((name) => {
      if (!name.startsWith('extension/')) return name; // reported as not allowed below
      const inside = name.slice('extension/'.length);
      return renamed[inside] ?? inside;
    });
}

/** The problems of a file list: what is there but not allowed, and what is required but missing. */
function problems(files) {
  const unexpected = files.filter((file) => !ALLOWED.some((pattern) => pattern.test(file)));
  const missing = required().filter((file) => !files.includes(file));
  return [...unexpected.map((file) => `not in the allow-list: ${file}`), ...missing.map((file) => `missing: ${file}`)];
}

module.exports = { ALLOWED, required, listZip, vsixFiles, problems };

if (require.main === module) {
  const file = process.argv[2];
  const found = problems(vsixFiles(file));
  // The size budget of issue 6: a small download, and nothing shipped that is not needed.
  const size = statSync(file).size;
  if (size >= MAX_VSIX_BYTES) found.push(`${size} bytes, over the budget of ${MAX_VSIX_BYTES}`);
  if (found.length > 0) {
    console.error(`${file}:\n  ${found.join('\n  ')}`);
    process.exitCode = 1;
  } else {
    console.log(`${file}: ${statSync(file).size} bytes; holds only allowed files, and every required one.`);
  }
}
