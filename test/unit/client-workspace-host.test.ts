import * as assert from 'node:assert/strict';
import { analyzeDocument } from '../../server/src/analysis';
import { ClientWorkspaceHost, mappingFromSettingUris, utf8ByteLength, type FileSource } from '../../server/src/client-workspace-host';
import type { WorkspaceHostContext } from '../../server/src/host-adapter';
import { readExample } from './helpers';

// The browser server's workspace: a cache of what the client answers. A miss asks the client
// and reads as missing; once the answer is in, the server is told to analyse again.

const FOLDER = 'vscode-vfs://github/owner/repo';

interface Fake {
  host: ClientWorkspaceHost;
  asked: string[];
  arrivals: () => number;
  settled: () => Promise<void>;
  open: Map<string, string>;
}

function fake(files: Record<string, string>, options: { folders?: string[]; setting?: unknown; failing?: boolean; trusted?: () => boolean } = {}): Fake {
  const asked: string[] = [];
  let arrivals = 0;
  let inFlight: Promise<unknown>[] = [];
  const open = new Map<string, string>();
  const source: FileSource = {
    readFile: (uri) => {
      asked.push(`readFile ${uri}`);
      const answer = options.failing ? Promise.reject(new Error('no')) : Promise.resolve(files[uri] ?? null);
      inFlight.push(answer.catch(() => undefined));
      return answer;
    },
    readDirectory: (uri) => {
      asked.push(`readDirectory ${uri}`);
      const names = Object.keys(files)
        .filter((file) => file.startsWith(`${uri}/`) && !file.slice(uri.length + 1).includes('/'))
        .map((file) => file.slice(uri.length + 1));
      const answer = options.failing ? Promise.reject(new Error('no')) : Promise.resolve(names);
      inFlight.push(answer.catch(() => undefined));
      return answer;
    },
  };
  const context: WorkspaceHostContext = {
    folderUris: options.folders ?? [FOLDER],
    openDocument: (uri) => open.get(uri),
    openDocuments: () => [...open.keys()],
    parameterFilesSetting: () => options.setting,
    filesArrived: () => arrivals++,
    trusted: options.trusted ?? (() => true),
  };
  return {
    host: new ClientWorkspaceHost(context, source),
    asked,
    arrivals: () => arrivals,
    open,
    // The answers, then the timer that batches them into one arrival.
    settled: async () => {
      const waiting = inFlight;
      inFlight = [];
      await Promise.all(waiting);
      await new Promise((resolve) => setTimeout(resolve, 5));
    },
  };
}

describe('the browser server reads files through the client', () => {
  it('a miss reads as missing, asks once, and the answer is there after one arrival', async () => {
    const f = fake({ [`${FOLDER}/a.json`]: '{"a": 1}' });
    assert.equal(f.host.readFile(`${FOLDER}/a.json`), undefined);
    assert.equal(f.host.readFile(`${FOLDER}/a.json`), undefined);
    assert.deepEqual(f.asked, [`readFile ${FOLDER}/a.json`]);
    await f.settled();
    assert.equal(f.arrivals(), 1);
    assert.equal(f.host.readFile(`${FOLDER}/a.json`), '{"a": 1}');
    assert.equal(f.asked.length, 1, 'the answer is kept');
  });

  it('remembers "no such file", and asks again once the file changed', async () => {
    const files: Record<string, string> = {};
    const f = fake(files);
    f.host.readFile(`${FOLDER}/later.json`);
    await f.settled();
    assert.equal(f.host.readFile(`${FOLDER}/later.json`), undefined);
    assert.equal(f.asked.length, 1);
    files[`${FOLDER}/later.json`] = '{}';
    f.host.fileChanged(`${FOLDER}/later.json`);
    f.host.readFile(`${FOLDER}/later.json`);
    await f.settled();
    assert.equal(f.host.readFile(`${FOLDER}/later.json`), '{}');
    assert.equal(f.asked.length, 2);
  });

  it('never asks for a file outside the workspace folders, or one that climbs out with ..', async () => {
    const f = fake({}, { folders: [`${FOLDER}/`] });
    assert.equal(f.host.readFile('vscode-vfs://github/owner/other/a.json'), undefined);
    assert.equal(f.host.readFile(`${FOLDER}-sibling/a.json`), undefined);
    assert.equal(f.host.readFile(`${FOLDER}/sub/../../other/a.json`), undefined);
    assert.equal(f.host.readFile(`${FOLDER}/%2E%2E/other/a.json`), undefined);
    assert.deepEqual(f.host.listDirectory('vscode-vfs://github/owner/other'), []);
    assert.deepEqual(f.host.listDirectory(FOLDER.replace('/repo', '')), []);
    await f.settled();
    assert.deepEqual(f.asked, []);
    assert.equal(f.arrivals(), 0);
  });

  it('asks the client for nothing in Restricted Mode, and for the file once the workspace is trusted', async () => {
    let trusted = false;
    const f = fake({ [`${FOLDER}/a.json`]: '{}' }, { trusted: () => trusted });
    assert.equal(f.host.readFile(`${FOLDER}/a.json`), undefined);
    assert.deepEqual(f.host.listDirectory(FOLDER), []);
    await f.settled();
    assert.deepEqual(f.asked, []);
    trusted = true;
    assert.equal(f.host.readFile(`${FOLDER}/a.json`), undefined);
    await f.settled();
    assert.deepEqual(f.asked, [`readFile ${FOLDER}/a.json`]);
    assert.equal(f.host.readFile(`${FOLDER}/a.json`), '{}');
  });

  it('an open document wins and is not asked for; it is listed in its folder before it is saved', async () => {
    const f = fake({ [`${FOLDER}/saved.json`]: 'on disk' });
    f.open.set(`${FOLDER}/saved.json`, 'open text');
    f.open.set(`${FOLDER}/new.json`, 'unsaved');
    assert.equal(f.host.readFile(`${FOLDER}/saved.json`), 'open text');
    assert.deepEqual(f.host.listDirectory(FOLDER), ['new.json', 'saved.json']);
    await f.settled();
    assert.deepEqual(f.asked, [`readDirectory ${FOLDER}`]);
    assert.deepEqual(f.host.listDirectory(FOLDER), ['new.json', 'saved.json']);
  });

  it('a listing comes in like a file, and a created file makes it stale', async () => {
    const files: Record<string, string> = { [`${FOLDER}/b.json`]: '{}', [`${FOLDER}/sub/c.json`]: '{}' };
    const f = fake(files);
    assert.deepEqual(f.host.listDirectory(FOLDER), []);
    await f.settled();
    assert.deepEqual(f.host.listDirectory(FOLDER), ['b.json']);
    files[`${FOLDER}/a.json`] = '{}';
    f.host.fileChanged(`${FOLDER}/a.json`);
    f.host.listDirectory(FOLDER);
    await f.settled();
    assert.deepEqual(f.host.listDirectory(FOLDER), ['a.json', 'b.json']);
  });

  it('a client that fails to answer: the file reads as missing, and nothing is asked in a loop', async () => {
    const f = fake({}, { failing: true });
    f.host.readFile(`${FOLDER}/a.json`);
    f.host.listDirectory(FOLDER);
    await f.settled();
    assert.equal(f.host.readFile(`${FOLDER}/a.json`), undefined);
    assert.deepEqual(f.host.listDirectory(FOLDER), []);
    assert.equal(f.asked.length, 2);
    assert.equal(f.arrivals(), 1);
  });

  it('a template finds its parameter file once the client has answered', async () => {
    const template = readExample('parameter-files/azuredeploy.json');
    const files = {
      [`${FOLDER}/azuredeploy.json`]: template,
      [`${FOLDER}/azuredeploy.parameters.json`]: readExample('parameter-files/azuredeploy.parameters.json'),
    };
    const f = fake(files);
    f.open.set(`${FOLDER}/azuredeploy.json`, template);
    const analyse = () => analyzeDocument(template, { uri: `${FOLDER}/azuredeploy.json`, host: f.host });
    const withParameters = (findings: ReturnType<typeof analyse>['findings']) => findings.filter((finding) => /parameter file azuredeploy\.parameters\.json/.test(finding.message));
    assert.deepEqual(withParameters(analyse().findings), [], 'nothing known of the parameter file yet');
    // Each answer may lead the analysis to ask for more (the listing, then the file).
    for (let round = 0; round < 5 && f.arrivals() < 10; round++) {
      analyse();
      await f.settled();
    }
    assert.deepEqual(withParameters(analyse().findings).map((finding) => finding.code).sort(), ['sf-force-restart-on', 'sf-version-too-low']);
  });

  it('maps ARM Tools\' parameterFiles setting relative to the first folder and ignores absolute paths', () => {
    const setting = {
      'azuredeploy.json': 'params/azuredeploy.parameters.json',
      '/home/me/t.json': 'p.json',
      'u.json': 'C:\\\\params\\\\p.json',
      'v.json': 42,
    };
    assert.deepEqual(mappingFromSettingUris(setting, [FOLDER]), [{ template: `${FOLDER}/azuredeploy.json`, parameters: `${FOLDER}/params/azuredeploy.parameters.json` }]);
    assert.deepEqual(mappingFromSettingUris(setting, []), []);
    assert.deepEqual(mappingFromSettingUris(['a'], [FOLDER]), []);
  });

  it('counts UTF-8 bytes as Node does, surrogate pairs and lone surrogates included', () => {
    for (const text of ['', 'plain', 'é', '€', '😀', 'a\ud800b', '\udc00', 'x\ud83d', `${'ä'.repeat(1000)}😀€`]) {
      assert.equal(utf8ByteLength(text), Buffer.byteLength(text, 'utf8'), JSON.stringify(text));
    }
  });
});
