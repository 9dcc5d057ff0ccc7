import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RULES } from '../../server/src/analysis';
import { ROOT } from './helpers';

// The allow-list lives in test/package/vsix-contents.js, which `npm run package` also runs over
// the produced .vsix (CI packages it for the editor tests).
const contents = require(join(ROOT, 'test', 'package', 'vsix-contents.js')) as {
  required(): string[];
  problems(files: string[]): string[];
};

describe('packaging', () => {
  it('the .vsix holds only the bundles, the grammar, the docs and the icon, and all of them (vsce ls)', () => {
    const vsce = join(ROOT, 'node_modules', '@vscode', 'vsce', 'vsce');
    const result = spawnSync(process.execPath, [vsce, 'ls', '--no-dependencies'], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
    const files = result.stdout.split('\n').filter(Boolean);
    assert.deepEqual(contents.problems(files), []);
    for (const rule of RULES) assert.ok(files.includes(`docs/rules/${rule.id}.md`), rule.id);
    assert.ok(!files.includes('dist/cli.js') && !files.some((file) => file.endsWith('.map')));
    assert.ok(!files.some((file) => file.startsWith('docs/images/')), 'the screenshots stay out of the .vsix');
  });

  it('the allow-list check reports what must not ship and what is missing', () => {
    const good = contents.required();
    assert.deepEqual(contents.problems(good), []);
    assert.deepEqual(contents.problems([...good, 'dist/cli.js', 'dist/server.js.map', 'node_modules/semver/index.js', 'docs/rules/notes.txt']), [
      'not in the allow-list: dist/cli.js',
      'not in the allow-list: dist/server.js.map',
      'not in the allow-list: node_modules/semver/index.js',
      'not in the allow-list: docs/rules/notes.txt',
    ]);
    assert.deepEqual(contents.problems(good.filter((file) => file !== 'images/icon.png')), ['missing: images/icon.png']);
  });

  it('has a 128x128 PNG icon', () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    assert.equal(manifest.icon, 'images/icon.png');
    const png = readFileSync(join(ROOT, manifest.icon));
    assert.ok(png.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])), 'PNG signature');
    assert.equal(png.toString('latin1', 12, 16), 'IHDR');
    assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [128, 128]);
  });
});
