import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
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
  const report: { files: Array<{ path: string; template?: string; findings: Array<{ code: string; severity: string; start: { line: number; column: number } }> }> } =
    JSON.parse(run.stdout);
  const pairedWith = new Map(report.files.filter((file) => file.template).map((file) => [file.path.replace(/^.*[\\/]/, ''), file.template!.replace(/^.*[\\/]/, '')]));
  const byName = new Map(report.files.map((file) => [file.path.replace(/^.*[\\/]/, ''), file.findings]));

  it('runs without a crash and covers every file', () => {
    assert.equal(run.stderr.includes('Error'), false, run.stderr);
    assert.equal(run.status, 0, 'no template in the corpus has an error-level finding');
    const files = readdirSync(corpus).filter((name) => name.endsWith('.json'));
    assert.deepEqual(files.sort(), Object.keys(expected).sort());
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
