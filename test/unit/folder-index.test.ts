import * as assert from 'node:assert/strict';
import { analyzeDocument, type WorkspaceHost } from '../../server/src/analysis';
import { readFixture } from './helpers';

const TEMPLATE = readFixture('parameter-files/azuredeploy.json');
const PARAMETERS = readFixture('parameter-files/azuredeploy.parameters.json');
const withMetadata = (template: string) => PARAMETERS.replace('"contentVersion": "1.0.0.0",', `"contentVersion": "1.0.0.0",\n  "metadata": { "template": "./${template}" },`);

/** A workspace in memory that counts what the analysis asks of it. */
function countingHost(files: Map<string, string>, unchanging: boolean) {
  const counts = { listings: 0, reads: new Map<string, number>() };
  const host: WorkspaceHost = {
    unchanging,
    readFile: (uri) => {
      counts.reads.set(uri, (counts.reads.get(uri) ?? 0) + 1);
      return files.get(uri);
    },
    listDirectory: (folder) => {
      counts.listings++;
      return [...files.keys()].filter((uri) => uri.startsWith(`${folder}/`) && !uri.substring(folder.length + 1).includes('/')).map((uri) => uri.substring(folder.length + 1));
    },
    parameterFileMapping: () => [],
  };
  return { host, counts };
}

/**
 * A folder of 40 templates, each named by the `metadata.template` of a parameter file whose
 * name does not follow `<name>.parameters.json`; the parameter files are listed first.
 */
function folderOfPairs(): Map<string, string> {
  const files = new Map<string, string>();
  for (let i = 0; i < 40; i++) files.set(`file:///ws/env-${String(i).padStart(2, '0')}.json`, withMetadata(`t${i}.json`));
  for (let i = 0; i < 40; i++) files.set(`file:///ws/t${i}.json`, TEMPLATE);
  return files;
}

describe('pairing parameter files over a folder', () => {
  for (const unchanging of [false, true]) {
    it(`pairs every template with the parameter file that names it (unchanging host: ${unchanging})`, () => {
      const files = folderOfPairs();
      const { host } = countingHost(files, unchanging);
      for (let i = 0; i < 40; i++) {
        const result = analyzeDocument(TEMPLATE, { uri: `file:///ws/t${i}.json`, host });
        assert.deepEqual(result.dependencies, [`file:///ws/env-${String(i).padStart(2, '0')}.json`], `t${i}.json`);
        // The parameter file's 6.5.641.9590 and forceRestart true.
        assert.equal(result.findings.length, 2, `t${i}.json`);
      }
    });
  }

  it('an unchanging host lists the folder once and scans no file twice, however many templates it holds', () => {
    const files = folderOfPairs();
    const { host, counts } = countingHost(files, true);
    for (let i = 0; i < 40; i++) analyzeDocument(TEMPLATE, { uri: `file:///ws/t${i}.json`, host });
    assert.equal(counts.listings, 1);
    // Each parameter file is read once to scan its metadata.template and once more for its
    // values by the template it names.
    for (const [uri, count] of counts.reads) assert.ok(count <= 2, `${uri} read ${count} times`);
    assert.equal(counts.reads.get('file:///ws/env-39.json'), 2);
  });

  it('any other host is asked again for every template, so it sees files that appear', () => {
    const files = folderOfPairs();
    const { host, counts } = countingHost(files, false);
    const uri = 'file:///ws/new.json';
    assert.equal(analyzeDocument(TEMPLATE, { uri, host }).dependencies, undefined);
    files.set('file:///ws/a-new.json', withMetadata('new.json'));
    assert.deepEqual(analyzeDocument(TEMPLATE, { uri, host }).dependencies, ['file:///ws/a-new.json']);
    assert.equal(counts.listings, 2);
  });

  for (const unchanging of [false, true]) {
    it(`scans the first 100 JSON files other than the template itself for metadata.template (unchanging host: ${unchanging})`, () => {
      // 99 other JSON files, the template, a text file, then the parameter file: the 100th
      // JSON file other than the template, so it is found.
      const files = new Map<string, string>();
      for (let i = 0; i < 99; i++) files.set(`file:///ws/other-${String(i).padStart(2, '0')}.json`, '{}');
      files.set('file:///ws/main.json', TEMPLATE);
      files.set('file:///ws/notes.txt', 'not JSON');
      files.set('file:///ws/x-params.json', withMetadata('main.json'));
      assert.deepEqual(analyzeDocument(TEMPLATE, { uri: 'file:///ws/main.json', host: countingHost(files, unchanging).host }).dependencies, ['file:///ws/x-params.json']);
      // One more JSON file before it makes it the 101st: not scanned.
      files.delete('file:///ws/x-params.json');
      files.set('file:///ws/other-99.json', '{}');
      files.set('file:///ws/x-params.json', withMetadata('main.json'));
      assert.equal(analyzeDocument(TEMPLATE, { uri: 'file:///ws/main.json', host: countingHost(files, unchanging).host }).dependencies, undefined);
    });
  }
});
