import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RULE_LEVELS, RULES } from '../../server/src/analysis';
import { TURN_OFF_RULE_COMMAND } from '../../server/src/lsp/suppression-actions';
import { ROOT } from './helpers';

// Keeps the rule catalogue (RULES), the settings schema in package.json, the rule pages and the
// README's rule table in step, as Bicep's BicepConfigSchemaTests does for its linter rules.
// Everything is derived from RULES, so a new rule fails here until all four know it.

interface SettingSchema {
  type?: string;
  enum?: string[];
  markdownDescription?: string;
  markdownEnumDescriptions?: string[];
  properties?: Record<string, SettingSchema>;
  additionalProperties?: boolean;
}

const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  contributes: { configuration: { properties: Record<string, SettingSchema> } };
};
const settings = manifest.contributes.configuration.properties;
const rulesSetting = settings['sfManagedIdentity.rules'];
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const ids = RULES.map((rule) => rule.id);
const sorted = (values: Iterable<string>) => [...values].sort();
const capitalised = (text: string) => text[0].toUpperCase() + text.slice(1);

function docPage(id: string): string {
  return readFileSync(join(ROOT, 'docs', 'rules', `${id}.md`), 'utf8');
}

/** The `## heading` section of a markdown text, up to the next heading of that level. */
function section(markdown: string, heading: string): string | undefined {
  const start = markdown.indexOf(`\n## ${heading}\n`);
  if (start === -1) return undefined;
  const end = markdown.indexOf('\n## ', start + 1);
  return markdown.slice(start, end === -1 ? undefined : end);
}

describe('rule catalogue', () => {
  it('has rules, with unique kebab-case ids, sf- for Service Fabric rules and arm- for template-wide ones', () => {
    assert.equal(new Set(ids).size, ids.length, `duplicate ids in ${ids.join(', ')}`);
    for (const id of ids) assert.match(id, /^(sf|arm)(-[a-z0-9]+)+$/, id);
    // Every rule is here, so the per-rule checks below cover each of them.
    assert.deepEqual(sorted(ids), [
      'arm-expression-syntax',
      'sf-app-identity-api-version',
      'sf-code-version-with-automatic-upgrades',
      'sf-force-restart-needed',
      'sf-force-restart-on',
      'sf-identity-not-in-manifest',
      'sf-manifest-identity-unbound',
      'sf-mits-missing',
      'sf-setting-not-string',
      'sf-version-too-low',
    ]);
  });

  for (const rule of RULES) {
    it(`${rule.id}: the rule file starts with one comment line saying why`, () => {
      const source = readFileSync(join(ROOT, 'server', 'src', 'analysis', 'rules', `${rule.id}.ts`), 'utf8');
      assert.match(source, /^\/\/ \S.*\n/);
    });
  }

  it('every rule has a one-line description that ends with a period', () => {
    for (const rule of RULES) {
      assert.match(rule.description, /^\S.*\.$/, rule.id);
      assert.ok(!rule.description.includes('\n'), rule.id);
    }
  });

  it('every rule has a page in docs/rules/, and there is no page without a rule', () => {
    const pages = readdirSync(join(ROOT, 'docs', 'rules')).filter((name) => name.endsWith('.md'));
    assert.deepEqual(sorted(pages), sorted(ids.map((id) => `${id}.md`)));
  });

  it('every rule has a row in the README rule table, linking its page, and no row is extra', () => {
    const table = section(readme, 'Rules');
    assert.ok(table, 'README has a ## Rules section');
    const rows = [...table.matchAll(/^\| \[`([^`]+)`\]\(docs\/rules\/([^)]+)\.md\) \|/gm)];
    assert.deepEqual(sorted(rows.map((row) => row[1])), sorted(ids));
    for (const [, code, page] of rows) assert.equal(page, code, `the README row of ${code} links its own page`);
  });

  describe('settings schema (package.json contributes.configuration)', () => {
    it('has every setting under sfManagedIdentity.*, each with a markdownDescription', () => {
      assert.ok(Object.keys(settings).length >= 2);
      for (const [key, schema] of Object.entries(settings)) {
        assert.match(key, /^sfManagedIdentity\./, key);
        assert.ok(schema.markdownDescription && schema.markdownDescription.length > 20, `${key} has a markdownDescription`);
      }
      assert.ok(settings['sfManagedIdentity.trace.server'], 'the trace setting is kept');
    });

    it('sfManagedIdentity.rules lists exactly the rules, and refuses other keys', () => {
      assert.equal(rulesSetting.type, 'object');
      assert.equal(rulesSetting.additionalProperties, false);
      assert.deepEqual(sorted(Object.keys(rulesSetting.properties ?? {})), sorted(ids));
    });

    for (const rule of RULES) {
      it(`${rule.id}: offers the four levels and describes the rule, its default and its page`, () => {
        const entry = rulesSetting.properties?.[rule.id];
        assert.ok(entry, `no settings entry for ${rule.id}`);
        assert.equal(entry.type, 'string');
        assert.deepEqual(entry.enum, [...RULE_LEVELS]);
        assert.equal(entry.markdownEnumDescriptions?.length, RULE_LEVELS.length);
        assert.ok(entry.markdownDescription?.startsWith(rule.description), `${rule.id}: the description starts with the rule's own`);
        assert.ok(entry.markdownDescription?.includes(`Default: ${capitalised(rule.defaultSeverity)}`), `${rule.id}: names its default severity`);
        assert.ok(entry.markdownDescription?.includes(`docs/rules/${rule.id}.md`), `${rule.id}: names its page`);
      });
    }
  });

  describe('rule pages', () => {
    for (const rule of RULES) {
      it(`${rule.id}: says what it finds, why, how to fix it, with an example, and how to turn it off`, () => {
        const page = docPage(rule.id);
        assert.ok(page.startsWith(`# ${rule.id}\n`), 'the title is the code');
        assert.match(page, new RegExp(`\\*\\*Default severity:\\*\\* ${capitalised(rule.defaultSeverity)}`));
        for (const heading of ['What it finds', 'Why it matters', 'How to fix it', 'Example', 'How to turn it off']) {
          assert.ok(section(page, heading), `${rule.id} has a "## ${heading}" section`);
        }
        assert.match(section(page, 'Why it matters')!, /Sources?:/, 'cites where the behaviour is documented');
        const example = section(page, 'Example')!;
        assert.match(example, /Before/);
        assert.match(example, /After/);
        const off = section(page, 'How to turn it off')!;
        assert.ok(off.includes('"sfManagedIdentity.rules"'), 'names the setting');
        assert.ok(off.includes(`"${rule.id}": "off"`), 'shows the setting for this rule');
        assert.ok(off.includes(`// sf-managed-identity-disable-next-line ${rule.id}`), 'shows the suppression comment for this rule');
      });
    }
  });

  it('the client registers the command the server offers in "Turn off <code> in settings"', () => {
    // common.ts: the desktop and the browser extension both start the client through it.
    const client = readFileSync(join(ROOT, 'client', 'src', 'common.ts'), 'utf8');
    assert.ok(client.includes(`'${TURN_OFF_RULE_COMMAND}'`), `client/src/common.ts names ${TURN_OFF_RULE_COMMAND}`);
    assert.match(client, /registerCommand\(TURN_OFF_RULE_COMMAND,/);
    assert.match(client, /clientCommands: \[TURN_OFF_RULE_COMMAND\]/);
  });
});
