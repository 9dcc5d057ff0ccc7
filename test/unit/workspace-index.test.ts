import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { FolderEntryInfo, WorkspaceHost } from '../../server/src/analysis';
import { analyzeDocument } from '../../server/src/analysis';
import { NodeWorkspaceHost } from '../../server/src/node-workspace-host';
import { ROOT } from './helpers';
import { buildIndex, ExcludeMatcher, globToRegExp, IndexHost, isCandidate } from '../../server/src/workspace-index';

/** A workspace in memory: file URI → text. Folders are implied by the paths. */
function memoryHost(files: Record<string, string>): WorkspaceHost & { listed: string[] } {
  const listed: string[] = [];
  return {
    listed,
    readFile: (uri) => files[uri],
    listDirectory: (folder) => Object.keys(files).filter((uri) => uri.startsWith(`${folder}/`) && !uri.substring(folder.length + 1).includes('/')).map((uri) => uri.substring(folder.length + 1)),
    parameterFileMapping: () => [],
    listEntries(folder: string): FolderEntryInfo[] {
      listed.push(folder);
      const entries = new Map<string, FolderEntryInfo>();
      for (const uri of Object.keys(files)) {
        if (!uri.startsWith(`${folder}/`)) continue;
        const rest = uri.substring(folder.length + 1).split('/');
        entries.set(rest[0], { name: rest[0], kind: rest.length === 1 ? 'file' : 'folder' });
      }
      return [...entries.values()];
    },
    fileSize: (uri) => files[uri]?.length,
  };
}

const names = (uris: Array<{ uri: string }>) => uris.map(({ uri }) => uri.replace('file:///ws/', '')).sort();

describe('workspace index: globs of files.exclude', () => {
  const table: Array<[string, string, boolean]> = [
    ['**/.git', '.git', true],
    ['**/.git', 'a/b/.git', true],
    ['**/.git', 'a/.gitignore', false],
    ['build', 'build', true],
    ['build', 'src/build', false],
    ['**/*.parameters.json', 'env/dev.parameters.json', true],
    ['**/*.parameters.json', 'dev.parameters.json', true],
    ['**/*.parameters.json', 'azuredeploy.json', false],
    ['out/**', 'out/a/b.json', true],
    ['out/**', 'outside/b.json', false],
    ['**/{bin,obj}', 'src/obj', true],
    ['**/{bin,obj}', 'src/object', false],
    ['**/env-?.json', 'x/env-1.json', true],
    ['**/env-?.json', 'x/env-12.json', false],
    ['**/[ab].json', 'b.json', true],
    ['**/[!ab].json', 'b.json', false],
    ['*.json', 'a/b.json', false],
    ['./docs/', 'docs', true],
  ];
  for (const [glob, path, expected] of table) {
    it(`${glob} ${expected ? 'matches' : 'does not match'} ${path}`, () => {
      assert.equal(globToRegExp(glob)?.test(path), expected);
    });
  }

  it('applies only patterns set to true, and ignores bad values', () => {
    const matcher = new ExcludeMatcher({ '**/a': true, '**/b': false, '**/c': { when: '$(basename).ts' }, '{broken': true });
    assert.equal(matcher.excludes('x/a'), true);
    assert.equal(matcher.excludes('x/b'), false);
    assert.equal(matcher.excludes('x/c'), false, 'a pattern with a when clause is ignored');
    assert.equal(new ExcludeMatcher('not an object').excludes('a'), false);
  });
});

describe('workspace index: the walk', () => {
  it('finds .json and .jsonc files, skips node_modules and .git whatever files.exclude says', async () => {
    const host = memoryHost({
      'file:///ws/a.json': '{}',
      'file:///ws/b.jsonc': '{}',
      'file:///ws/readme.md': '',
      'file:///ws/sub/deeper/c.json': '{}',
      'file:///ws/node_modules/pkg/package.json': '{}',
      'file:///ws/sub/node_modules/x.json': '{}',
      'file:///ws/.git/config.json': '{}',
    });
    const index = await buildIndex(host, ['file:///ws'], { exclude: new Map([['file:///ws', new ExcludeMatcher({})]]) });
    assert.deepEqual(names(index.files), ['a.json', 'b.jsonc', 'sub/deeper/c.json']);
    assert.equal(host.listed.some((folder) => folder.includes('node_modules') || folder.includes('.git')), false, 'skipped folders are not even listed');
    assert.deepEqual(index.listings.get('file:///ws')?.sort(), ['a.json', 'b.jsonc', 'readme.md']);
    assert.equal(index.capped, false);
  });

  it('honours files.exclude for files and for whole folders, relative to the workspace folder', async () => {
    const host = memoryHost({
      'file:///ws/keep.json': '{}',
      'file:///ws/dev.parameters.json': '{}',
      'file:///ws/generated/big.json': '{}',
      'file:///ws/src/generated/other.json': '{}',
    });
    const exclude = new Map([['file:///ws', new ExcludeMatcher({ '**/*.parameters.json': true, generated: true })]]);
    const index = await buildIndex(host, ['file:///ws'], { exclude });
    assert.deepEqual(names(index.files), ['keep.json', 'src/generated/other.json']);
    assert.equal(host.listed.includes('file:///ws/generated'), false, 'an excluded folder is not walked');
    assert.equal(isCandidate('file:///ws/generated/new.json', ['file:///ws'], exclude), false);
    assert.equal(isCandidate('file:///ws/src/new.json', ['file:///ws'], exclude), true);
    assert.equal(isCandidate('file:///ws/node_modules/new.json', ['file:///ws'], exclude), false);
    assert.equal(isCandidate('file:///elsewhere/new.json', ['file:///ws'], exclude), false);
    assert.equal(isCandidate('file:///ws/notes.txt', ['file:///ws'], exclude), false);
  });

  it('stops at the cap and says so', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 30; i++) files[`file:///ws/t${String(i).padStart(2, '0')}.json`] = '{}';
    const index = await buildIndex(memoryHost(files), ['file:///ws'], { maxFiles: 25 });
    assert.equal(index.files.length, 25);
    assert.equal(index.capped, true);
    const all = await buildIndex(memoryHost(files), ['file:///ws'], { maxFiles: 30 });
    assert.equal(all.files.length, 30);
    assert.equal(all.capped, false);
  });

  it('leaves out files over the size limit', async () => {
    const index = await buildIndex(memoryHost({ 'file:///ws/small.json': '{}', 'file:///ws/big.json': 'x'.repeat(100) }), ['file:///ws'], { maxFileBytes: 50 });
    assert.deepEqual(names(index.files), ['small.json']);
    assert.deepEqual(index.tooLarge, ['file:///ws/big.json']);
  });

  it('stops when cancelled, and says the index is incomplete', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 100; i++) files[`file:///ws/f${i}/t.json`] = '{}';
    let asked = 0;
    const index = await buildIndex(memoryHost(files), ['file:///ws'], { isCancelled: () => ++asked > 2 });
    assert.equal(index.cancelled, true);
    assert.ok(index.files.length < 100, `${index.files.length} files`);
  });

  it('an index host lists folders from the walk and reads each file once', async () => {
    const host = memoryHost({ 'file:///ws/a.json': 'A', 'file:///ws/b.json': 'B' });
    let reads = 0;
    const counting: WorkspaceHost = { ...host, readFile: (uri) => (reads++, host.readFile(uri)) };
    const index = await buildIndex(counting, ['file:///ws']);
    const indexHost = new IndexHost(counting, index);
    const listedBefore = host.listed.length;
    assert.deepEqual(indexHost.listDirectory('file:///ws').sort(), ['a.json', 'b.json']);
    assert.equal(host.listed.length, listedBefore, 'no second walk');
    assert.equal(indexHost.readFile('file:///ws/a.json'), 'A');
    assert.equal(indexHost.readFile('file:///ws/a.json'), 'A');
    assert.equal(reads, 1);
    assert.equal(indexHost.unchanging, true);
  });
});

describe('workspace index: the application manifest check through an index host', () => {
  it('finds the manifest of an unopened template, as the Node host alone does', async () => {
    const folder = pathToFileURL(join(ROOT, 'examples', 'sf-application')).toString();
    const host = new NodeWorkspaceHost({ roots: [join(ROOT, 'examples', 'sf-application')] });
    const template = `${folder}/azuredeploy.json`;
    const codes = (result: { findings: Array<{ code: string }> }) => result.findings.map((finding) => finding.code);
    const alone = codes(analyzeDocument(host.readFile(template)!, { uri: template, host }));
    assert.ok(alone.includes('sf-identity-not-in-manifest'), alone.join(', '));
    const index = await buildIndex(host, [folder]);
    const indexHost = new IndexHost(host, index);
    assert.deepEqual(codes(analyzeDocument(indexHost.readFile(template)!, { uri: template, host: indexHost })), alone);
  });
});

describe('workspace index: through the Node host', () => {
  let root: string;
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'sf-index-'));
    mkdirSync(join(root, 'ws', 'templates'), { recursive: true });
    mkdirSync(join(root, 'ws', 'node_modules', 'p'), { recursive: true });
    mkdirSync(join(root, 'outside'));
    writeFileSync(join(root, 'ws', 'templates', 'a b.json'), '{}');
    writeFileSync(join(root, 'ws', 'node_modules', 'p', 'package.json'), '{}');
    writeFileSync(join(root, 'outside', 'secret.json'), '{}');
    symlinkSync(join(root, 'outside'), join(root, 'ws', 'link-to-folder'));
    symlinkSync(join(root, 'outside', 'secret.json'), join(root, 'ws', 'link-to-file.json'));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('walks the real folder, does not follow a link to a folder, and the host refuses what leads outside', async () => {
    const rootUri = pathToFileURL(join(root, 'ws')).toString();
    const host = new NodeWorkspaceHost({ roots: [join(root, 'ws')] });
    const index = await buildIndex(host, [rootUri]);
    const found = index.files.map(({ uri }) => uri.substring(rootUri.length + 1)).sort();
    assert.deepEqual(found, ['link-to-file.json', 'templates/a%20b.json']);
    assert.equal(host.readFile(`${rootUri}/link-to-file.json`), undefined, 'the link leads outside the workspace');
    assert.equal(host.readFile(`${rootUri}/templates/a%20b.json`), '{}');
    assert.deepEqual(host.listEntries(pathToFileURL(join(root, 'outside')).toString()), [], 'nothing outside the workspace is listed');
    assert.equal(host.fileSize(pathToFileURL(join(root, 'outside', 'secret.json')).toString()), undefined);
  });
});
