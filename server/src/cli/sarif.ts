import { readFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { editsForFix, RULES, type AnalysisProblem, type Finding, type Fix, type OffsetRange, type Rule, type Severity } from '../analysis';
import { bundledRuleDocsUri } from '../rule-docs';

/**
 * SARIF 2.1.0 (OASIS), as GitHub code scanning and Azure DevOps read it.
 *
 * - One run; `tool.driver.rules` lists every rule in RULES, whether it fired or not, so that a
 *   result's `ruleIndex` is the rule's place in RULES.
 * - Locations are relative URIs against `%SRCROOT%`, the working directory (given in
 *   `originalUriBaseIds`); files outside it get absolute `file:` URIs.
 * - Columns are 1-based and count UTF-16 code units. SARIF has no default unit: §3.14.27 says a
 *   run with results SHALL state `columnKind`, so it is always `utf16CodeUnits` here. `endColumn`
 *   is the column just after the region, as SARIF defines it.
 * - A template that cannot be analysed (invalid JSON, nested too deeply) is not a result of a
 *   rule: it is a `toolExecutionNotification` of the invocation, with its location, so it
 *   raises no alert. The CLI also prints it on standard error: GitHub's tool status page details
 *   errors only for integrated tools such as CodeQL.
 */

export interface SarifInput {
  /** The file as given on the command line or found in a folder. */
  path: string;
  text: string;
  findings: Finding[];
  problem?: AnalysisProblem;
  /**
   * The path and text of another file that a related location or a fix names by `uri` (a
   * parameter file, a linked template); undefined when it cannot be read, and then that
   * location or fix is left out.
   */
  otherFile?: (uri: string) => { path: string; text: string } | undefined;
}

const SCHEMA = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';
const SRCROOT = '%SRCROOT%';

/** Why a template was not analysed: the kinds of AnalysisProblem. */
const NOTIFICATIONS = [
  {
    id: 'invalid-json',
    name: 'InvalidJson',
    shortDescription: { text: 'The template is not valid JSON, so it was not checked.' },
    fullDescription: {
      text: 'The file looks like an ARM deployment template but does not parse as JSON (comments are allowed), so none of the rules could check it. Azure Resource Manager rejects it too.',
    },
    help: { text: 'Fix the syntax error at the reported location, then run the check again.' },
  },
  {
    id: 'too-deep',
    name: 'TooDeep',
    shortDescription: { text: 'The template is nested too deeply, so it was not checked.' },
    fullDescription: {
      text: 'The file looks like an ARM deployment template but its JSON is nested more deeply than the analysis follows, so none of the rules could check it.',
    },
    help: { text: 'Flatten the nesting at the reported location (for example, move a nested deployment into its own template), then run the check again.' },
  },
  {
    id: 'too-large',
    name: 'TooLarge',
    shortDescription: { text: 'The template is larger than the size limit, so it was not checked.' },
    fullDescription: {
      text: 'The file looks like an ARM deployment template but is larger than --max-file-size-mb (10 MB by default), so it was not read whole and none of the rules checked it. Azure Resource Manager rejects templates over 4 MB.',
    },
    help: { text: 'Raise --max-file-size-mb if this file must be checked, or split the template.' },
  },
];

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', information: 'note' };

export function toSarif(files: SarifInput[], cwd: string, exitCode: number): object {
  const rules = RULES.map(describeRule);
  const results = [];
  const notifications = [];
  for (const file of files) {
    const document = TextDocument.create('file:///template.json', 'json', 0, file.text);
    const artifactLocation = artifactLocationOf(file.path, cwd);
    const location = (range: OffsetRange) => ({ physicalLocation: { artifactLocation, region: regionOf(document, range) } });
    const resultLocation = (range: OffsetRange) => ({
      physicalLocation: {
        artifactLocation,
        region: { ...regionOf(document, range), snippet: { text: file.text.substring(range.offset, range.offset + range.length) } },
        contextRegion: contextOf(document, range),
      },
    });
    if (file.problem) {
      notifications.push({
        descriptor: { id: file.problem.kind },
        level: 'warning',
        message: { text: file.problem.message },
        locations: [location(file.problem.range)],
      });
      continue;
    }
    const others = new Map<string, { artifactLocation: ReturnType<typeof artifactLocationOf>; text: string; document: TextDocument } | undefined>();
    const fileOf = (uri: string | undefined) => {
      if (uri === undefined) return { artifactLocation, text: file.text, document };
      if (!others.has(uri)) {
        const other = file.otherFile?.(uri);
        others.set(
          uri,
          other && { artifactLocation: artifactLocationOf(other.path, cwd), text: other.text, document: TextDocument.create('file:///other.json', 'json', 0, other.text) },
        );
      }
      return others.get(uri);
    };
    for (const finding of file.findings) {
      const ruleIndex = RULES.findIndex((rule) => rule.id === finding.code);
      const related = (finding.related ?? []).flatMap((item) => {
        const where = fileOf(item.uri);
        if (!where) return [];
        return [{ message: { text: item.message }, physicalLocation: { artifactLocation: where.artifactLocation, region: regionOf(where.document, item.range) } }];
      }).map((item, index) => ({ id: index + 1, ...item }));
      const fixes = finding.fixes.flatMap((fix) => {
        // One artifactChange per file the fix edits, in the order the files first appear.
        const byUri = new Map<string | undefined, Fix['changes']>();
        for (const change of fix.changes) byUri.set(change.uri, [...(byUri.get(change.uri) ?? []), change]);
        const artifactChanges = [];
        for (const [uri, changes] of byUri) {
          const where = fileOf(uri);
          const edits = where && editsForFix(where.text, { ...fix, changes });
          // A fix that cannot be described whole is left out, never half of it.
          if (!where || !edits) return [];
          if (edits.length === 0) continue;
          artifactChanges.push({
            artifactLocation: where.artifactLocation,
            replacements: edits.map((edit) => ({
              deletedRegion: regionOf(where.document, { offset: edit.offset, length: edit.length }),
              insertedContent: { text: edit.content },
            })),
          });
        }
        return artifactChanges.length === 0 ? [] : [{ description: { text: `${fix.title}.` }, artifactChanges }];
      });
      results.push({
        ruleId: finding.code,
        ...(ruleIndex >= 0 ? { ruleIndex } : {}),
        level: LEVEL[finding.severity],
        message: { text: finding.message },
        locations: [resultLocation(finding.range)],
        ...(related.length > 0 ? { relatedLocations: related } : {}),
        ...(fixes.length > 0 ? { fixes } : {}),
      });
    }
  }
  return {
    $schema: SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'sf-managed-identity',
            ...versionOf(),
            informationUri: pathToFileURL(join(__dirname, '..', 'README.md')).toString(),
            rules,
            notifications: NOTIFICATIONS,
          },
        },
        invocations: [{ executionSuccessful: true, exitCode, ...(notifications.length > 0 ? { toolExecutionNotifications: notifications } : {}) }],
        originalUriBaseIds: { [SRCROOT]: { uri: directoryUri(cwd) } },
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
}

function describeRule(rule: Rule) {
  const page = readRulePage(rule.id);
  const why = page && section(page, 'Why it matters');
  return {
    id: rule.id,
    name: rule.id.replace(/(^|-)([a-z0-9])/g, (_, _dash: string, letter: string) => letter.toUpperCase()),
    shortDescription: { text: rule.description },
    fullDescription: why ? { text: plain(why), markdown: why } : { text: rule.description },
    ...(page ? { help: { text: plain(page), markdown: page } } : {}),
    helpUri: bundledRuleDocsUri(rule.id),
    defaultConfiguration: { level: LEVEL[rule.defaultSeverity] },
  };
}

/** The rule page that ships beside the bundles, or undefined when it is not there. */
function readRulePage(code: string): string | undefined {
  try {
    return readFileSync(join(__dirname, '..', 'docs', 'rules', `${code}.md`), 'utf8');
  } catch {
    return undefined;
  }
}

/** The first paragraph of a `## heading` section of a rule page. */
function section(page: string, heading: string): string | undefined {
  const lines = page.split(/\r?\n/);
  const start = lines.findIndex((line) => line.trim() === `## ${heading}`);
  if (start < 0) return undefined;
  const paragraph: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.trim() === '') {
      if (paragraph.length > 0) break;
      continue;
    }
    if (line.startsWith('#')) break;
    paragraph.push(line.trim());
  }
  // Drop a closing sentence that only introduces a list ("Sources:").
  const text = paragraph.join(' ').replace(/(?<=[.!?])\s+[^.!?]*:$/, '');
  return text || undefined;
}

/** Markdown as plain text, for consumers that only read `text`: no emphasis or code marks. */
function plain(markdown: string): string {
  return markdown.replace(/\*\*|`/g, '').replace(/^#+ /gm, '');
}

function versionOf(): { version?: string } {
  try {
    const { version } = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { version?: unknown };
    return typeof version === 'string' ? { version } : {};
  } catch {
    return {};
  }
}

function regionOf(document: TextDocument, range: OffsetRange) {
  const start = document.positionAt(range.offset);
  const end = document.positionAt(range.offset + range.length);
  return { startLine: start.line + 1, startColumn: start.character + 1, endLine: end.line + 1, endColumn: end.character + 1 };
}

/** The whole lines of a range, with one line more on either side, and their text. */
function contextOf(document: TextDocument, range: OffsetRange) {
  const first = Math.max(document.positionAt(range.offset).line - 1, 0);
  const last = Math.min(document.positionAt(range.offset + range.length).line + 1, document.lineCount - 1);
  const start = document.offsetAt({ line: first, character: 0 });
  const end = document.offsetAt({ line: last + 1, character: 0 });
  const text = document.getText().substring(start, end).replace(/\r?\n$/, '');
  return { ...regionOf(document, { offset: start, length: text.length }), snippet: { text } };
}

/** A relative URI under %SRCROOT% when the file is inside the working directory, else a file: URI. */
export function artifactLocationOf(path: string, cwd: string): { uri: string; uriBaseId?: string } {
  const absolute = resolve(cwd, path);
  const inside = relative(cwd, absolute);
  if (inside !== '' && inside !== '..' && !inside.startsWith(`..${sep}`) && !isAbsolute(inside)) {
    return { uri: inside.split(sep).map(encodeURIComponent).join('/'), uriBaseId: SRCROOT };
  }
  return { uri: pathToFileURL(absolute).toString() };
}

function directoryUri(directory: string): string {
  const uri = pathToFileURL(directory).toString();
  return uri.endsWith('/') ? uri : `${uri}/`;
}
