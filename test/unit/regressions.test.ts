import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { asText, readsDuplicatesAsJsonParse, REGRESSIONS, survives } from './fuzz/harness';

/**
 * Every input that a fuzz run ever found failing, kept under test/fixtures/regressions/
 * (named `<suite>-<sha256 prefix>.bin`; UTF-8, or UTF-16 with a BOM when the text has a lone
 * surrogate), replayed against the same checks as the fuzz run.
 */
describe('fuzz regressions', () => {
  const files = existsSync(REGRESSIONS) ? readdirSync(REGRESSIONS).filter((name) => name.endsWith('.bin')).sort() : [];

  it('keeps the failing cases that fuzzing found', () => {
    assert.ok(files.length > 0, 'test/fixtures/regressions/ holds the cases found so far');
  });

  for (const name of files) {
    it(`survives ${name}`, () => {
      const text = asText(readFileSync(join(REGRESSIONS, name)));
      // A duplicate-keys case failed the stronger check of its suite; replay that one.
      if (name.startsWith('duplicates-')) readsDuplicatesAsJsonParse(text);
      else survives(text);
    });
  }
});
