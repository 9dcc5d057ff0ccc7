import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as fc from 'fast-check';
import { applyEdits, parseTree, stripComments, type ParseError } from 'jsonc-parser';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { CodeActionKind } from 'vscode-languageserver';
import { analyzeTemplate, editsForFix, type AnalysisResult } from '../../../server/src/analysis';
import { codeActions } from '../../../server/src/lsp/code-actions';
import { toDiagnostics } from '../../../server/src/lsp/diagnostics';
import { decodeFile } from '../../../server/src/cli/encoding';
import { ROOT } from '../helpers';
import { writeWithDuplicates } from './generators';

/** Where every failing case a fuzz run finds is kept; `regressions.test.ts` replays them. */
export const REGRESSIONS = join(ROOT, 'test', 'fixtures', 'regressions');

/**
 * How many cases a fuzz suite runs: `SF_FUZZ_RUNS` is the total budget of a run
 * (`npm run fuzz` sets it to 100,000); `npm test` runs a few thousand. Each suite gets a
 * share of the budget.
 */
export function runsFor(share: number, inNpmTest?: number): number {
  if (process.env.SF_FUZZ_RUNS === undefined && inNpmTest !== undefined) return inNpmTest;
  const total = Number(process.env.SF_FUZZ_RUNS ?? 3000);
  return Math.max(10, Math.round(total * share));
}

/** Whether the slow inputs (100 MB, 1,000,000 resources) run: only in `npm run fuzz`. */
export const FULL = process.env.SF_FUZZ_FULL === '1';

/** Counts cases across the suites of one run, so that the run can report its total. */
export const tally = { cases: 0 };

interface Source {
  name: string;
  bytes: Buffer;
}

function readSources(folder: string, filter: (name: string) => boolean = () => true): Source[] {
  return readdirSync(folder)
    .filter((name) => name.endsWith('.json') && filter(name))
    .sort()
    .map((name) => ({ name, bytes: readFileSync(join(folder, name)) }));
}

/** The real public templates, the fixtures and the examples: what the mutations start from. */
export const CORPUS = readSources(join(ROOT, 'test', 'corpus', 'real'));
export const SMALL = [...readSources(join(ROOT, 'examples')), ...readSources(join(ROOT, 'test', 'fixtures'))];
export const ALL_SOURCES = [...SMALL, ...CORPUS];

const RULE_DOCS = (code: string) => `file:///docs/rules/${code}.md`;

function parses(text: string): boolean {
  const errors: ParseError[] = [];
  try {
    parseTree(text, errors, { allowTrailingComma: true, disallowComments: false });
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    // parseTree recurses once per nesting level; V8's JSON.parse does not. It is stricter (no
    // trailing commas), so it can only fail text that jsonc-parser would accept, never pass
    // text that jsonc-parser would reject.
    try {
      JSON.parse(stripComments(text));
      return true;
    } catch {
      return false;
    }
  }
  return errors.length === 0;
}

function inBounds(text: string, range: { offset: number; length: number }, what: string): void {
  assert.ok(Number.isInteger(range.offset) && Number.isInteger(range.length), `${what}: offsets are integers`);
  assert.ok(range.offset >= 0 && range.length >= 0 && range.offset + range.length <= text.length, `${what}: range inside the text`);
}

/**
 * What must hold for any input at all: the analysis, the diagnostics and the code actions
 * answer without an exception, with either findings or one clear problem, and every fix
 * offered leaves text that parses. Returns the analysis for further checks.
 */
export function survives(text: string): AnalysisResult {
  const result = analyzeTemplate(text);
  if (!result.isTemplate) {
    assert.deepEqual(result.findings, [], 'a document that is not a template gets no findings');
    assert.equal(result.problem, undefined, 'a document that is not a template gets no problem');
  }
  if (result.problem) {
    assert.deepEqual(result.findings, [], 'a template that could not be read gets one problem, not findings');
    assert.ok(['invalid-json', 'too-deep', 'too-large'].includes(result.problem.kind), `known problem kind: ${result.problem.kind}`);
    assert.ok(result.problem.message.length > 20, 'the problem says what is wrong');
    inBounds(text, result.problem.range, 'problem');
  }
  for (const finding of result.findings) {
    inBounds(text, finding.range, finding.code);
    for (const related of finding.related ?? []) inBounds(text, related.range, `${finding.code} related`);
    assert.ok(finding.message.length > 20, 'the finding says what is wrong');
  }

  const document = TextDocument.create('file:///fuzz.json', 'json', 1, text);
  const diagnostics = toDiagnostics(document, result, RULE_DOCS);
  assert.equal(diagnostics.length, result.problem ? 1 : result.findings.length);
  const end = document.positionAt(text.length);
  const actions = codeActions(
    document,
    result,
    { textDocument: { uri: document.uri }, range: { start: { line: 0, character: 0 }, end }, context: { diagnostics, only: [CodeActionKind.QuickFix] } },
    true,
    RULE_DOCS,
  );
  assert.ok(Array.isArray(actions));

  for (const finding of result.findings) {
    for (const fix of finding.fixes) {
      const edits = editsForFix(text, fix);
      if (!edits) continue;
      let previousEnd = 0;
      for (const edit of edits) {
        inBounds(text, edit, `edit of "${fix.title}"`);
        assert.ok(edit.offset >= previousEnd, `edits of "${fix.title}" are sorted and do not overlap`);
        previousEnd = edit.offset + edit.length;
      }
      assert.ok(parses(applyEdits(text, edits)), `"${fix.title}" leaves text that parses`);
    }
  }
  return result;
}

/**
 * A template with duplicate keys gets the findings of the same template with the duplicates
 * resolved as JSON.parse resolves them (the last one wins), besides surviving.
 */
export function readsDuplicatesAsJsonParse(text: string): void {
  const result = survives(text);
  const resolved = analyzeTemplate(JSON.stringify(JSON.parse(text)));
  assert.equal(result.isTemplate, resolved.isTemplate);
  assert.deepEqual(result.findings.map((f) => f.code).sort(), resolved.findings.map((f) => f.code).sort());
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Keeps a failing input under test/fixtures/regressions/, named by its content. */
export function keepRegression(kind: string, bytes: Buffer | string): string {
  // Text with a lone surrogate cannot be written as UTF-8; UTF-16 with a BOM keeps it.
  const data =
    typeof bytes !== 'string' ? bytes : !LONE_SURROGATE.test(bytes) ? Buffer.from(bytes, 'utf8') : Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(bytes, 'utf16le')]);
  const name = `${kind}-${createHash('sha256').update(data).digest('hex').slice(0, 12)}.bin`;
  if (!existsSync(REGRESSIONS)) mkdirSync(REGRESSIONS, { recursive: true });
  const path = join(REGRESSIONS, name);
  if (!existsSync(path)) writeFileSync(path, data);
  return path;
}

/**
 * Runs a property with fast-check; on failure keeps the shrunk input as a regression fixture
 * and fails with the seed and path that replay it (`SF_FUZZ_SEED`).
 */
export function fuzz<T>(kind: string, input: fc.Arbitrary<T>, toBytes: (value: T) => Buffer | string, check: (value: T) => void, numRuns: number): void {
  const seed = process.env.SF_FUZZ_SEED !== undefined ? Number(process.env.SF_FUZZ_SEED) : undefined;
  const details = fc.check(
    fc.property(input, (value) => {
      check(value);
    }),
    { numRuns, seed },
  );
  tally.cases += details.numRuns;
  if (details.failed) {
    const kept = details.counterexample ? keepRegression(kind, toBytes(details.counterexample[0])) : '(no counterexample)';
    assert.fail(
      `${kind}: failed after ${details.numRuns} cases; replay with SF_FUZZ_SEED=${details.seed} (path ${details.counterexample ? details.counterexamplePath : '-'}). ` +
        `Kept as ${kept}.\n${details.errorInstance instanceof Error ? details.errorInstance.stack : String(details.errorInstance)}`,
    );
  }
}

/** The text an editor would show for some bytes: UTF-8 (or UTF-16 with a BOM), as the CLI reads files. */
export function asText(bytes: Buffer): string {
  return decodeFile(bytes).text;
}

// ---- mutations -------------------------------------------------------------------------

export type Mutation =
  | { op: 'flip'; at: number; byte: number }
  | { op: 'insert'; at: number; bytes: Uint8Array }
  | { op: 'delete'; at: number; count: number }
  | { op: 'truncate'; at: number }
  | { op: 'duplicate'; at: number; count: number; to: number };

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('flip' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }) }),
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), bytes: fc.constantFrom(...['{', '}', '[', ']', '"', ',', ':', '/*', '//', '\\', '\n', 'null', '"$schema"', '\u0000', '\ud83d\ude00'].map((s) => new Uint8Array(Buffer.from(s)))) }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat(), count: fc.integer({ min: 1, max: 64 }) }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('duplicate' as const), at: fc.nat(), count: fc.integer({ min: 1, max: 400 }), to: fc.nat() }),
);

export function mutate(source: Buffer, mutations: Mutation[]): Buffer {
  let bytes = Buffer.from(source);
  for (const m of mutations) {
    const at = bytes.length === 0 ? 0 : m.at % (bytes.length + 1);
    switch (m.op) {
      case 'flip':
        if (bytes.length > 0) bytes[at % bytes.length] = m.byte;
        break;
      case 'insert':
        bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from(m.bytes), bytes.subarray(at)]);
        break;
      case 'delete':
        bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + m.count)]);
        break;
      case 'truncate':
        bytes = bytes.subarray(0, at);
        break;
      case 'duplicate': {
        // Copies a slice elsewhere: duplicate keys, duplicate resources, repeated brackets.
        const slice = bytes.subarray(at, at + m.count);
        const to = bytes.length === 0 ? 0 : m.to % (bytes.length + 1);
        bytes = Buffer.concat([bytes.subarray(0, to), slice, bytes.subarray(to)]);
        break;
      }
    }
  }
  return bytes;
}

/** The text of a duplicate-keys case, for keeping it as a regression. */
export function duplicationCase({ template, dup }: { template: Record<string, unknown>; dup: import('./generators').Duplication }): string {
  return writeWithDuplicates(template, dup);
}
