import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as fc from 'fast-check';
import { ALL_SOURCES, asText, CORPUS, duplicationCase, FULL, fuzz, keepRegression, mutate, mutation, readsDuplicatesAsJsonParse, runsFor, SMALL, survives, tally } from './fuzz/harness';
import { ROOT } from './helpers';
import { anyJson, duplication, hostileTemplate, nested, SCHEMA, writeWithDuplicates } from './fuzz/generators';

/**
 * Fuzzing: the real corpus, the examples and the fixtures, mutated; hostile template shapes;
 * binary data; deep nesting. `npm test` runs a few thousand cases, `npm run fuzz` about
 * 100,000 (SF_FUZZ_RUNS) plus the slow inputs (SF_FUZZ_FULL). On failure the seed is printed
 * and the input kept under test/fixtures/regressions/.
 */
describe('fuzz: no input crashes the analysis, the diagnostics or the code actions', function () {
  this.timeout(0);
  after(() => {
    if (process.env.SF_FUZZ_RUNS) console.log(`      fuzz: ${tally.cases} cases in total`);
  });

  it('survives random byte flips, insertions, deletions, duplications and truncations of real templates', () => {
    const source = fc.nat(ALL_SOURCES.length - 1);
    fuzz(
      'mutated',
      fc.record({ source, mutations: fc.array(mutation, { minLength: 1, maxLength: 6 }) }),
      ({ source, mutations }) => mutate(ALL_SOURCES[source].bytes, mutations),
      ({ source, mutations }) => void survives(asText(mutate(ALL_SOURCES[source].bytes, mutations))),
      runsFor(0.4),
    );
  });

  it('survives truncation at every byte offset', () => {
    // npm test: every offset of one example; npm run fuzz: of every example and fixture, and
    // a sample of offsets of each real template.
    const sources = FULL ? SMALL : SMALL.filter((s) => s.name === 'sf-version-too-low.json');
    assert.ok(sources.length > 0);
    for (const { name, bytes } of sources) {
      for (let at = 0; at <= bytes.length; at++) {
        try {
          survives(asText(bytes.subarray(0, at)));
        } catch (error) {
          const kept = keepRegression('truncated', bytes.subarray(0, at));
          assert.fail(`${name} cut at byte ${at} (kept as ${kept}): ${(error as Error).stack}`);
        }
        tally.cases++;
      }
    }
    if (FULL) {
      for (const { name, bytes } of CORPUS) {
        const step = Math.max(1, Math.floor(bytes.length / 200));
        for (let at = 0; at <= bytes.length; at += step) {
          try {
            survives(asText(bytes.subarray(0, at)));
          } catch (error) {
            const kept = keepRegression('truncated', bytes.subarray(0, at));
          assert.fail(`${name} cut at byte ${at} (kept as ${kept}): ${(error as Error).stack}`);
          }
          tally.cases++;
        }
      }
    }
  });

  it('survives binary data, alone and inside a template', () => {
    const prefix = Buffer.from(`{"$schema": "${SCHEMA}", "resources": [`);
    fuzz(
      'binary',
      fc.record({ data: fc.uint8Array({ maxLength: 2048 }), inTemplate: fc.boolean() }),
      ({ data, inTemplate }) => (inTemplate ? Buffer.concat([prefix, data]) : Buffer.from(data)),
      ({ data, inTemplate }) => void survives(asText(inTemplate ? Buffer.concat([prefix, data]) : Buffer.from(data))),
      runsFor(0.1),
    );
  });

  it('survives UTF-16 surrogates cut in half', () => {
    const source = fc.nat(SMALL.length - 1);
    const surrogate = fc.constantFrom('\ud83d', '\ude00', '\udfff\ud800', '\ud83d\ude00');
    const build = ({ source, inserts, cut }: { source: number; inserts: Array<[number, string]>; cut: number }) => {
      let text = SMALL[source].bytes.toString('utf8');
      for (const [at, s] of inserts) {
        const i = at % (text.length + 1);
        text = text.slice(0, i) + s + text.slice(i);
      }
      return text.slice(0, cut % (text.length + 1)); // may cut a pair
    };
    fuzz(
      'surrogates',
      fc.record({ source, inserts: fc.array(fc.tuple(fc.nat(), surrogate), { minLength: 1, maxLength: 5 }), cut: fc.nat() }),
      build,
      (value) => void survives(build(value)),
      runsFor(0.1),
    );
  });

  it('survives hostile template shapes: $schema not a string, resources that are numbers, fields of the wrong type', () => {
    fuzz('shapes', hostileTemplate, (t) => JSON.stringify(t), (t) => void survives(JSON.stringify(t, null, 2)), runsFor(0.2));
  });

  it('reads duplicate keys as JSON.parse and ARM do: the last one wins', () => {
    fuzz(
      'duplicates',
      fc.record({ template: hostileTemplate, dup: duplication }),
      duplicationCase,
      ({ template, dup }) => {
        readsDuplicatesAsJsonParse(writeWithDuplicates(template, dup));
      },
      runsFor(0.1),
    );
  });

  it('survives any JSON value as the whole document', () => {
    fuzz('json', anyJson, (v) => JSON.stringify(v) ?? '', (v) => void survives(JSON.stringify(v) ?? ''), runsFor(0.05));
  });

  it('the CLI survives a folder of mutated templates, binary files and cut UTF-16 files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sf-fuzz-cli-'));
    try {
      const count = FULL ? 2000 : 100;
      const cases = fc.sample(
        fc.record({ source: fc.nat(ALL_SOURCES.length - 1), mutations: fc.array(mutation, { minLength: 1, maxLength: 6 }), utf16: fc.boolean() }),
        { numRuns: count, seed: 42 },
      );
      cases.forEach(({ source, mutations, utf16 }, i) => {
        const bytes = mutate(ALL_SOURCES[source].bytes, mutations);
        // Some as UTF-16 with a BOM, cut at an odd byte: half a code unit at the end.
        const data = utf16 ? Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(bytes.toString('utf8'), 'utf16le')]).subarray(0, 2 + 2 * (bytes.length >> 2) + 1) : bytes;
        writeFileSync(join(dir, `case-${i}.json`), data);
      });
      const run = spawnSync(process.execPath, [join(ROOT, 'dist', 'cli.js'), '--format', 'json', dir], { encoding: 'utf8', maxBuffer: 256 << 20 });
      tally.cases += count;
      assert.ok(run.status === 0 || run.status === 1, `exit status ${run.status}: ${run.stderr}`);
      assert.equal(run.stderr, '');
      const report = JSON.parse(run.stdout);
      assert.ok(report.summary.templates <= count);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('answers valid templates nested up to 100,000 levels deep with their findings, never an exception', () => {
    const depths = FULL ? [100, 1_000, 5_000, 9_000, 10_000, 20_000, 100_000] : [1_000, 100_000];
    for (const depth of depths) {
      for (const kind of ['array', 'object'] as const) {
        for (const placement of ['root', 'resources', 'cluster-properties', 'variables'] as const) {
          const text = nested(depth, kind, placement);
          let result;
          try {
            result = survives(text);
          } catch (error) {
            assert.fail(`${depth} levels of ${kind} at ${placement}: ${(error as Error).stack}`);
          }
          tally.cases++;
          if (placement === 'root') {
            assert.equal(result.isTemplate, false, 'deep JSON that is not a template is left alone');
          } else {
            // The analysis reads without recursion, so valid JSON of any depth is analysed: no
            // `too-deep` problem, and the cluster (no token service section, no version, no
            // upgrade policy) gets its one finding.
            assert.equal(result.problem, undefined, `${depth} levels of ${kind} at ${placement}: ${result.problem?.message}`);
            assert.deepEqual(result.findings.map((f) => f.code), ['sf-mits-missing'], `${depth} levels of ${kind} at ${placement}`);
          }
        }
      }
    }
  });
});
