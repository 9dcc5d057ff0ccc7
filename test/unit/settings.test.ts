import * as assert from 'node:assert/strict';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { analyzeTemplate, applyRuleLevels } from '../../server/src/analysis';
import { DEFAULT_SETTINGS, parseSettings } from '../../server/src/lsp/settings';
import { acceptsComments } from '../../server/src/lsp/suppression-actions';
import { readExample, seen } from './helpers';

/** sf-mits-missing is escalated to Error here: an application in the template uses a managed identity. */
const ESCALATED = readExample('sf-mits-missing.json');
const FORCE_RESTART = readExample('sf-force-restart-on.json');

describe('rule levels', () => {
  const levelled = (text: string, levels: Parameters<typeof applyRuleLevels>[1]) =>
    seen(text, applyRuleLevels(analyzeTemplate(text).findings, levels)).map((f) => `${f.code} ${f.severity}`);

  it('without a level, a rule keeps its own severity and escalation', () => {
    assert.deepEqual(levelled(ESCALATED, {}), ['sf-mits-missing error']);
    assert.deepEqual(levelled(FORCE_RESTART, {}), ['sf-force-restart-on warning']);
  });

  it('a level replaces the severity, an escalation to Error included', () => {
    assert.deepEqual(levelled(ESCALATED, { 'sf-mits-missing': 'warning' }), ['sf-mits-missing warning']);
    assert.deepEqual(levelled(ESCALATED, { 'sf-mits-missing': 'info' }), ['sf-mits-missing information']);
    assert.deepEqual(levelled(FORCE_RESTART, { 'sf-force-restart-on': 'error' }), ['sf-force-restart-on error']);
  });

  it('off drops the rule\'s findings, and levels of other rules change nothing', () => {
    assert.deepEqual(levelled(ESCALATED, { 'sf-mits-missing': 'off' }), []);
    assert.deepEqual(levelled(ESCALATED, { 'sf-force-restart-on': 'off', 'sf-version-too-low': 'info' }), ['sf-mits-missing error']);
  });
});

describe('settings', () => {
  it('reads the levels of known rules', () => {
    assert.deepEqual(parseSettings({ rules: { 'sf-mits-missing': 'off', 'sf-force-restart-on': 'info' }, trace: { server: 'off' } }), {
      rules: { 'sf-mits-missing': 'off', 'sf-force-restart-on': 'info' },
    });
  });

  it('ignores unknown rules, unknown levels and values of the wrong type', () => {
    assert.deepEqual(parseSettings({ rules: { 'no-such-rule': 'off', 'sf-mits-missing': 'warn', 'sf-version-too-low': 2, 'sf-force-restart-on': 'error' } }), {
      rules: { 'sf-force-restart-on': 'error' },
    });
    assert.deepEqual(parseSettings({ rules: ['sf-mits-missing'] }), DEFAULT_SETTINGS);
    assert.deepEqual(parseSettings({ rules: { __proto__: { 'sf-mits-missing': 'off' } } }), DEFAULT_SETTINGS);
  });

  it('falls back to the defaults when the section is missing or not an object', () => {
    for (const section of [undefined, null, 'off', 42, []]) assert.deepEqual(parseSettings(section), DEFAULT_SETTINGS, String(section));
  });
});

describe('where a suppression comment may go', () => {
  const document = (languageId: string, text: string) => TextDocument.create('file:///t.json', languageId, 1, text);
  const strict = readExample('sf-version-too-low.json');

  it('in JSON with Comments and ARM Tools\' arm-template documents', () => {
    assert.equal(acceptsComments(document('jsonc', strict)), true);
    assert.equal(acceptsComments(document('arm-template', strict)), true);
  });

  it('not in a strict JSON document, which VS Code\'s json mode would flag', () => {
    assert.equal(acceptsComments(document('json', strict)), false);
  });

  it('in a json document that already has comments', () => {
    assert.equal(acceptsComments(document('json', FORCE_RESTART)), true);
  });
});
