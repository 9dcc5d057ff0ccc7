import * as assert from 'node:assert/strict';
import { analyzeTemplate, findSuppressions, hasComments, suppressFindings, suppressionEdit } from '../../server/src/analysis';
import { readExample, readFixture, seen } from './helpers';

/** The force-restart example; its finding is on line 23, `"forceRestart": true,`, indented by 10 spaces. */
const EXAMPLE = readExample('sf-force-restart-on.json');
const FORCE_RESTART_LINE = '          "forceRestart": true,';

/** The example with `comment` on its own line, `linesAbove` lines above the forceRestart line. */
function withLine(comment: string, linesAbove = 1): string {
  const lines = EXAMPLE.split('\n');
  const at = lines.indexOf(FORCE_RESTART_LINE);
  assert.ok(at > 0);
  lines.splice(at + 1 - linesAbove, 0, comment);
  return lines.join('\n');
}

function shown(text: string): string[] {
  return seen(text, suppressFindings(text, analyzeTemplate(text).findings)).map((f) => `${f.code} ${f.line}`);
}

describe('suppression comments', () => {
  it('the example has its finding, so there is something to suppress', () => {
    assert.deepEqual(shown(EXAMPLE), ['sf-force-restart-on 23']);
  });

  const suppressing: Array<[string, string]> = [
    ['a line comment naming the code', '          // sf-managed-identity-disable-next-line sf-force-restart-on'],
    ['no code at all (every rule, as in ESLint)', '          // sf-managed-identity-disable-next-line'],
    ['several codes separated by spaces', '// sf-managed-identity-disable-next-line sf-mits-missing sf-force-restart-on'],
    ['several codes separated by commas', '// sf-managed-identity-disable-next-line sf-mits-missing,sf-force-restart-on'],
    ['codes separated by a comma and a space', '//sf-managed-identity-disable-next-line sf-version-too-low, sf-force-restart-on'],
    ['a reason after --', '          // sf-managed-identity-disable-next-line sf-force-restart-on -- the upgrade has not run yet'],
    ['a block comment', '          /* sf-managed-identity-disable-next-line sf-force-restart-on */'],
    ['a block comment without a space before */', '/*sf-managed-identity-disable-next-line sf-force-restart-on*/'],
  ];
  for (const [what, comment] of suppressing) {
    it(`suppresses the finding on the next line with ${what}`, () => {
      const text = withLine(comment);
      assert.deepEqual(shown(text), []);
    });
  }

  const notSuppressing: Array<[string, string, number]> = [
    ['names another code', '          // sf-managed-identity-disable-next-line sf-mits-missing', 1],
    ['names the code only in its reason', '          // sf-managed-identity-disable-next-line sf-mits-missing -- not sf-force-restart-on', 1],
    ['is two lines above', '          // sf-managed-identity-disable-next-line sf-force-restart-on', 2],
    ['is a lookalike directive', '          // sf-managed-identity-disable-next-lines sf-force-restart-on', 1],
    ['does not start with the directive', '          // see sf-managed-identity-disable-next-line sf-force-restart-on', 1],
    ['names the code in another case', '          // sf-managed-identity-disable-next-line SF-FORCE-RESTART-ON', 1],
    ['is text in a string', '          "note": "// sf-managed-identity-disable-next-line sf-force-restart-on",', 1],
  ];
  for (const [what, line, above] of notSuppressing) {
    it(`keeps the finding when the comment ${what}`, () => {
      const text = withLine(line, above);
      // The line added above moves the finding from line 23 to 24.
      assert.deepEqual(shown(text), ['sf-force-restart-on 24']);
    });
  }

  it('suppresses on the line after the end of a block comment that spans lines', () => {
    const text = withLine('          /* sf-managed-identity-disable-next-line sf-force-restart-on\n             because the upgrade is pending */');
    assert.deepEqual(shown(text), []);
  });

  it('a comment at the end of a line with code suppresses the next line', () => {
    const text = EXAMPLE.replace('"upgradeDescription": {\n          // Set for the upgrade that enabled the token service.\n', '"upgradeDescription": { // sf-managed-identity-disable-next-line sf-force-restart-on\n');
    assert.notEqual(text, EXAMPLE);
    assert.deepEqual(shown(text), []);
  });

  it('works with CRLF line endings and tabs', () => {
    const text = readFixture('crlf-tabs-comments.json');
    assert.deepEqual(shown(text), ['sf-mits-missing 12', 'sf-version-too-low 16']);
    const suppressed = text.replace('\t\t{\r\n\t\t\t"name": "é🚀"', '\t\t{\r\n\t\t\t// sf-managed-identity-disable-next-line sf-mits-missing\r\n\t\t\t"name": "é🚀"');
    assert.notEqual(suppressed, text);
    assert.deepEqual(shown(suppressed), ['sf-version-too-low 17']);
  });

  it('reads the codes, the line and where another code goes', () => {
    const text = '{\n  // sf-managed-identity-disable-next-line a, b -- why\n  "x": 1, /* sf-managed-identity-disable-next-line */\n  "y": 2\n}';
    assert.deepEqual(findSuppressions(text), [
      { line: 2, codes: ['a', 'b'], insertAt: text.indexOf(', b') + 3, separator: ', ' },
      { line: 3, codes: [], insertAt: text.indexOf('line */') + 4, separator: ' ' },
    ]);
  });
});

describe('the "Disable <code> for this line" edit', () => {
  function disable(text: string, code: string, near: string): string | undefined {
    const finding = analyzeTemplate(text).findings.find((f) => f.code === code);
    assert.ok(finding, `${code} is reported`);
    assert.ok(text.indexOf(near) <= finding.range.offset, 'the finding is where the test expects it');
    const edit = suppressionEdit(text, finding.range.offset, code);
    return edit && text.slice(0, edit.offset) + edit.content + text.slice(edit.offset + edit.length);
  }

  it('inserts the comment on its own line above, with that line\'s indentation', () => {
    const fixed = disable(EXAMPLE, 'sf-force-restart-on', FORCE_RESTART_LINE);
    assert.equal(fixed, withLine('          // sf-managed-identity-disable-next-line sf-force-restart-on'));
    assert.deepEqual(shown(fixed!), []);
  });

  it('keeps tabs and CRLF, and inserts only the comment', () => {
    const text = readFixture('crlf-tabs-comments.json');
    const fixed = disable(text, 'sf-mits-missing', '\t\t\t"name": "é🚀"');
    assert.equal(fixed, text.replace('\t\t{\r\n\t\t\t"name": "é🚀"', '\t\t{\r\n\t\t\t// sf-managed-identity-disable-next-line sf-mits-missing\r\n\t\t\t"name": "é🚀"'));
    assert.deepEqual(shown(fixed!), ['sf-version-too-low 17']);
  });

  it('adds the code to a suppression comment that already governs the line', () => {
    const cases: Array<[string, string]> = [
      ['// sf-managed-identity-disable-next-line sf-mits-missing', '// sf-managed-identity-disable-next-line sf-mits-missing sf-force-restart-on'],
      ['// sf-managed-identity-disable-next-line sf-mits-missing, sf-version-too-low', '// sf-managed-identity-disable-next-line sf-mits-missing, sf-version-too-low, sf-force-restart-on'],
      ['// sf-managed-identity-disable-next-line sf-mits-missing -- why', '// sf-managed-identity-disable-next-line sf-mits-missing sf-force-restart-on -- why'],
      ['/* sf-managed-identity-disable-next-line sf-mits-missing */', '/* sf-managed-identity-disable-next-line sf-mits-missing sf-force-restart-on */'],
    ];
    for (const [before, after] of cases) {
      const text = withLine(`          ${before}`);
      assert.equal(disable(text, 'sf-force-restart-on', FORCE_RESTART_LINE), withLine(`          ${after}`), before);
    }
  });

  it('is not offered where the line starts inside a block comment', () => {
    const text = EXAMPLE.replace('          "forceRestart": true,', '          /* a comment\n          that ends here */ "forceRestart": true,');
    assert.notEqual(text, EXAMPLE);
    assert.equal(disable(text, 'sf-force-restart-on', 'that ends here'), undefined);
  });

  it('puts the comment above the first line when the finding is there', () => {
    const text = '{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", "resources": [{"type": "Microsoft.ServiceFabric/clusters", "name": "c", "properties": {}}]}';
    const fixed = disable(text, 'sf-mits-missing', '{');
    assert.equal(fixed, `// sf-managed-identity-disable-next-line sf-mits-missing\n${text}`);
    assert.deepEqual(shown(fixed!), []);
  });
});

describe('hasComments', () => {
  it('finds line and block comments, and not comment-like text in strings', () => {
    assert.equal(hasComments('{ "a": 1 // note\n}'), true);
    assert.equal(hasComments('{ /* note */ "a": 1 }'), true);
    assert.equal(hasComments('{ "a": "https://example.com/*/x" }'), false);
    assert.equal(hasComments(readExample('sf-version-too-low.json')), false);
  });
});
