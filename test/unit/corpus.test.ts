import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeTemplate } from '../../server/src/analysis';
import { decode } from '../../server/src/cli';
import { ROOT } from './helpers';

interface Expected {
  kind: 'template' | 'not-a-template' | 'invalid-json';
  invalidJsonAt?: string;
  findings: Array<{ code: string; severity: string; line: number; why: string }>;
}

/**
 * Real public templates (test/corpus/real, see SOURCES.md) through the CLI. The expected
 * findings in test/corpus/expected-findings.json were written by reading each template, not by
 * running this code; test/corpus/REVIEW.md says how.
 */
describe('real-world templates through the CLI', () => {
  const corpus = join(ROOT, 'test', 'corpus', 'real');
  const expected: Record<string, Expected> = JSON.parse(readFileSync(join(ROOT, 'test', 'corpus', 'expected-findings.json'), 'utf8'));
  const run = spawnSync(process.execPath, [join(ROOT, 'dist', 'cli.js'), '--format', 'json', corpus], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const report: { files: Array<{ path: string; template?: string; findings: Array<{ code: string; severity: string; message: string; start: { line: number; column: number } }> }> } =
    JSON.parse(run.stdout);
  const pairedWith = new Map(report.files.filter((file) => file.template).map((file) => [file.path.replace(/^.*[\\/]/, ''), file.template!.replace(/^.*[\\/]/, '')]));
  const byName = new Map(report.files.map((file) => [file.path.replace(/^.*[\\/]/, ''), file.findings]));

  it('runs without a crash and covers every file', () => {
    assert.equal(run.stderr.includes('Error'), false, run.stderr);
    assert.equal(run.status, 0, 'no template in the corpus has an error-level finding');
    const files = readdirSync(corpus).filter((name) => name.endsWith('.json'));
    assert.deepEqual(files.sort(), Object.keys(expected).sort());
  });

  it('says plainly what it found: no placeholder, unknown or undefined value in any message', () => {
    const messages = report.files.flatMap((file) => file.findings.map((finding) => finding.message));
    assert.ok(messages.length > 70);
    for (const message of messages) {
      // \u0000 marks the placeholders used to compare names; they must never reach a user.
      assert.doesNotMatch(message, /\u0000|undefined|\[object Object\]|Symbol\(/, message);
    }
    for (const file of report.files) {
      for (const finding of file.findings.filter((f) => f.code === 'invalid-json')) {
        assert.match(finding.message, /^This template is not valid JSON here \(\w+\), so it was not checked/);
      }
    }
  });

  it('never reports on a value that is unknown: without parameter defaults, no finding appears', () => {
    // Renaming every "defaultValue" key (same length, so every offset stays) makes each
    // parameter's value unknown. Unknown may hide a finding but must never create one.
    let compared = 0;
    for (const [name, want] of Object.entries(expected)) {
      if (want.kind !== 'template') continue;
      const text = decode(readFileSync(join(corpus, name)));
      const stripped = text.replace(/"defaultValue"(\s*):/gi, '"defaultValuX"$1:');
      if (stripped === text) continue;
      const where = (t: string) => new Set(analyzeTemplate(t).findings.map((f) => `${f.code}@${f.range.offset}`));
      const before = where(text);
      for (const finding of where(stripped)) assert.ok(before.has(finding), `${name}: ${finding} appears only when parameters are unknown`);
      compared++;
    }
    assert.ok(compared > 50, `only ${compared} templates have parameter defaults`);
  });

  it('pairs the parameter files named <name>.parameters.json with <name>.json, and nothing else', () => {
    assert.equal(pairedWith.size, 23);
    for (const [parameterFile, template] of pairedWith) {
      assert.equal(template.toLowerCase(), parameterFile.toLowerCase().replace(/\.parameters\.json$/, '.json'), parameterFile);
    }
  });

  for (const [name, want] of Object.entries(expected)) {
    it(`${name}: ${want.kind}, ${want.findings.length} finding(s)`, () => {
      const got = byName.get(name);
      if (want.kind === 'not-a-template') {
        // A parameter file beside its template is analysed with it; none of their values changes a finding.
        if (got !== undefined) assert.ok(pairedWith.has(name), `${name} is reported but is neither a template nor a paired parameter file`);
        assert.deepEqual(got ?? [], []);
      } else if (want.kind === 'invalid-json') {
        assert.deepEqual(got?.map((f) => [f.code, `${f.start.line}:${f.start.column}`]), [['invalid-json', want.invalidJsonAt]]);
      } else {
        assert.deepEqual(
          got?.map((f) => [f.code, f.severity, f.start.line]),
          want.findings.map((f) => [f.code, f.severity, f.line]),
        );
      }
    });
  }
});
