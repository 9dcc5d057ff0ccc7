import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { lineStarts, positionsIn } from '../../server/src/cli/lines';
import { ROOT } from './helpers';

/** The CLI's line and column finder must say what TextDocument.positionAt says, at every offset. */
function assertSameAsTextDocument(text: string, what: string): void {
  const document = TextDocument.create('file:///t.json', 'json', 0, text);
  const positionAt = positionsIn(text);
  for (let offset = -2; offset <= text.length + 2; offset++) {
    assert.deepEqual(positionAt(offset), document.positionAt(offset), `${what} at ${offset}`);
  }
  assert.equal(lineStarts(text).length, document.lineCount, `${what}: line count`);
}

describe('CLI: lines and columns', () => {
  it('finds the lines of LF, CRLF and lone CR line breaks, mixed', () => {
    assert.deepEqual(lineStarts('a\rb\r\nc\n\nd\r\r\ne'), [0, 2, 5, 7, 8, 10, 12]);
    assert.deepEqual(lineStarts(''), [0]);
    assert.deepEqual(lineStarts('\r'), [0, 1]);
    assert.deepEqual(lineStarts('\n\r'), [0, 1, 2]);
    for (const text of ['', 'x', '\r', '\n', '\r\n', '\n\r', 'a\rb\r\nc\n\nd\r\r\ne', '\r\r\n\n\r', '{\r\n  "a": 1\r\n}\r\n', 'no break at all']) {
      assertSameAsTextDocument(text, JSON.stringify(text));
    }
  });

  it('agrees with TextDocument on every offset of the fixtures, as they are and with CRLF and CR line ends', () => {
    const folder = join(ROOT, 'test', 'fixtures');
    const files = readdirSync(folder).filter((name) => name.endsWith('.json'));
    assert.ok(files.length > 10);
    for (const name of files) {
      const text = readFileSync(join(folder, name), 'utf8');
      assertSameAsTextDocument(text, name);
      assertSameAsTextDocument(text.replace(/\r?\n/g, '\r\n'), `${name} with CRLF`);
      assertSameAsTextDocument(text.replace(/\r?\n/g, '\r'), `${name} with CR`);
    }
  });
});
