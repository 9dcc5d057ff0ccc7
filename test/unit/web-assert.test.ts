import * as assert from 'node:assert/strict';
import * as shim from '../web/assert';

// The web suite's stand-in for node:assert/strict must fail exactly where Node's fails, or the
// web run could pass where the desktop run fails.

type Call = [name: 'ok' | 'equal' | 'notEqual' | 'deepEqual' | 'match' | 'doesNotMatch', ...args: unknown[]];

const calls: Call[] = [
  ['ok', true],
  ['ok', 0],
  ['ok', undefined],
  ['ok', 'text'],
  ['equal', 1, 1],
  ['equal', 1, '1'],
  ['equal', NaN, NaN],
  ['equal', {}, {}],
  ['notEqual', 1, 2],
  ['notEqual', 'a', 'a'],
  ['deepEqual', [1, [2, { a: 3 }]], [1, [2, { a: 3 }]]],
  ['deepEqual', [1, 2], [1, 2, 3]],
  ['deepEqual', { a: 1, b: undefined }, { a: 1 }],
  ['deepEqual', { a: 1 }, { a: '1' }],
  ['deepEqual', [['x', 5]], [['x', 5]]],
  ['deepEqual', [['x', 5]], [['x', 6]]],
  ['deepEqual', [], {}],
  ['deepEqual', null, undefined],
  ['deepEqual', ['b', 'a'], ['a', 'b']],
  ['match', 'docs/rules/x.md', /docs\/rules\/x\.md$/],
  ['match', 'docs/rules/x.md', /y/],
  ['doesNotMatch', 'abc', /d/],
  ['doesNotMatch', 'abc', /b/],
];

function throws(run: () => void): boolean {
  try {
    run();
    return false;
  } catch {
    return true;
  }
}

describe('the web suite\'s assert', () => {
  for (const [name, ...args] of calls) {
    it(`${name}(${args.map((arg) => (arg instanceof RegExp ? String(arg) : JSON.stringify(arg))).join(', ')}) fails as node:assert/strict does`, () => {
      const node = throws(() => (assert[name] as (...a: unknown[]) => void)(...args));
      const ours = throws(() => (shim[name] as (...a: unknown[]) => void)(...args));
      assert.equal(ours, node);
    });
  }

  it('says what differed', () => {
    assert.throws(() => shim.deepEqual({ a: 1 }, { a: 2 }), /actual: +\{"a":1\}/);
    assert.throws(() => shim.ok(false, 'the reason'), /^Error: the reason$|the reason/);
  });
});
