import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RULES } from '../../server/src/analysis';
import { ROOT } from './helpers';

describe('rule catalogue', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

  it('has unique kebab-case ids, sf- for Service Fabric rules and arm- for template-wide ones', () => {
    const ids = RULES.map((rule) => rule.id);
    assert.equal(new Set(ids).size, ids.length);
    for (const id of ids) assert.match(id, /^(sf|arm)-[a-z0-9]+(-[a-z0-9]+)*$/);
    // Every rule of both catalogues is here, so the per-rule checks below cover each of them.
    assert.deepEqual([...ids].sort(), [
      'arm-expression-syntax',
      'sf-app-identity-api-version',
      'sf-code-version-with-automatic-upgrades',
      'sf-force-restart-on',
      'sf-mits-missing',
      'sf-setting-not-string',
      'sf-version-too-low',
    ]);
  });

  for (const rule of RULES) {
    it(`${rule.id}: a rule file that says why, a doc page with the four parts, a README row`, () => {
      const source = readFileSync(join(ROOT, 'server', 'src', 'analysis', 'rules', `${rule.id}.ts`), 'utf8');
      assert.match(source, /^\/\/ \S.*\n/, 'the rule file starts with one comment line saying why');
      const page = join(ROOT, 'docs', 'rules', `${rule.id}.md`);
      assert.ok(existsSync(page));
      const text = readFileSync(page, 'utf8');
      for (const heading of ['## What it finds', '## Why it matters', '## How to fix it', '## Turning it off']) assert.ok(text.includes(heading), `${rule.id}.md lacks ${heading}`);
      assert.ok(readme.includes(`| [\`${rule.id}\`](docs/rules/${rule.id}.md) |`), `README has no row for ${rule.id}`);
    });
  }
});
