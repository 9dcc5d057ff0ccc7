import { closeSync, openSync, readdirSync, readFileSync, readSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  analyzeDocument,
  checkSize,
  DEFAULT_MAX_FILE_SIZE_MB,
  RULES,
  SCHEMA_SEARCH_LENGTH,
  suppressFindings,
  validMaxFileSizeMB,
  type AnalysisResult,
  type Finding,
  type OffsetRange,
  type Severity,
} from './analysis';
import { decodeFile, encodeFile, roundTrips } from './cli/encoding';
import { fixText, MAX_FIXES_PER_FILE, type AppliedFix } from './cli/fix';
import { positionsIn } from './cli/lines';
import { toSarif, type SarifInput } from './cli/sarif';
import { NodeWorkspaceHost, pathOf } from './node-workspace-host';
import { bundledRuleDocsUri } from './rule-docs';
import { decode } from './text-decoding';

export { decode };

const CODES = RULES.map((rule) => rule.id);

const USAGE = `Usage: sf-managed-identity [--format text|json|sarif] [--rule <code>]... [--fix | --fix-dry-run] [--exit-zero] [--max-file-size-mb N] <files or folders...>

Checks ARM templates for Service Fabric clusters that are not ready for managed identities.
Folders are searched for .json and .jsonc files (node_modules and hidden folders are skipped);
files that are not ARM deployment templates are skipped quietly. A finding on the line after a
\`// sf-managed-identity-disable-next-line <code>\` comment is not reported, as in the editor.

A template is analysed with the values of its parameter file (<name>.parameters.json beside
<name>.json, or a parameter file whose metadata.template names it), and a parameter file with
its template. Only files inside the folders given (for a file: the folder that holds it) are
read for that; nothing outside them, also not through .. or a symbolic link.

  --format text   one line per finding: path:line:column severity code message (default)
  --format json   one JSON document with every finding
  --format sarif  SARIF 2.1.0, for GitHub code scanning and Azure DevOps
  --rule <code>   report (and fix) only this rule's findings; repeat for several rules.
                  Codes: ${CODES.join(', ')}
  --fix           apply the preferred quick fix of each finding in place, then report what is left
  --fix-dry-run   print what --fix would change; write nothing and report the files as they are
  --exit-zero     exit 0 even when errors are found
  --max-file-size-mb N
                  templates larger than N megabytes get one warning instead of an
                  analysis (default ${DEFAULT_MAX_FILE_SIZE_MB}; ARM rejects templates over 4 MB)

Exit status: 1 when any finding is an error, 2 on a usage error or when --fix could not write
a file, 0 otherwise. Columns count UTF-16 code units, as LSP and SARIF do.`;

class UsageError extends Error {}

interface Options {
  format: 'text' | 'json' | 'sarif';
  exitZero: boolean;
  fix: boolean;
  /** --fix-dry-run: work out the fixes and print them, write nothing, report the files as they are. */
  dryRun: boolean;
  rules: string[];
  maxFileSizeMB: number;
  paths: string[];
}

interface Position {
  line: number;
  column: number;
}

interface ReportedFinding {
  code: string;
  severity: Severity;
  message: string;
  start: Position;
  end: Position;
  helpUri?: string;
  /** `path` is set when the location is in another file (a parameter file, a template). */
  related: Array<{ path?: string; start: Position; end: Position; message: string }>;
  fixes: string[];
}

function parseArguments(args: string[]): Options | 'help' {
  const options: Options = { format: 'text', exitZero: false, fix: false, dryRun: false, rules: [], maxFileSizeMB: DEFAULT_MAX_FILE_SIZE_MB, paths: [] };
  const value = (i: number, name: string): [string | undefined, number] =>
    args[i] === name ? [args[i + 1], i + 1] : [args[i].slice(name.length + 1), i];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--help' || arg === '-h') return 'help';
    if (arg === '--exit-zero') options.exitZero = true;
    else if (arg === '--fix') options.fix = true;
    else if (arg === '--fix-dry-run') options.fix = options.dryRun = true;
    else if (arg === '--format' || arg.startsWith('--format=')) {
      const [format, next] = value(i, '--format');
      i = next;
      if (format !== 'text' && format !== 'json' && format !== 'sarif') {
        throw new UsageError(`--format takes text, json or sarif, not ${format ? `'${format}'` : 'nothing'}.`);
      }
      options.format = format;
    } else if (arg === '--rule' || arg.startsWith('--rule=')) {
      const [code, next] = value(i, '--rule');
      i = next;
      if (code === undefined || !CODES.includes(code)) {
        throw new UsageError(`--rule takes one of ${CODES.join(', ')}, not ${code ? `'${code}'` : 'nothing'}.`);
      }
      options.rules.push(code);
    } else if (arg === '--max-file-size-mb' || arg.startsWith('--max-file-size-mb=')) {
      const value = arg === '--max-file-size-mb' ? args[++i] : arg.slice('--max-file-size-mb='.length);
      const limit = validMaxFileSizeMB(value === undefined || value.trim() === '' ? NaN : Number(value));
      if (limit === undefined) throw new UsageError(`--max-file-size-mb takes a positive number of megabytes, not ${value ?? 'nothing'}.`);
      options.maxFileSizeMB = limit;
    } else if (arg.startsWith('-') && arg !== '-') throw new UsageError(`Unknown option ${arg}.`);
    else options.paths.push(arg);
  }
  if (options.paths.length === 0) throw new UsageError('Give at least one file or folder.');
  return options;
}

/** The candidate files under the given paths, in a stable order. */
function collectFiles(paths: string[]): string[] {
  const files: string[] = [];
  const visit = (path: string, explicit: boolean) => {
    let stats;
    try {
      stats = statSync(path);
    } catch {
      if (explicit) throw new UsageError(`No such file or folder: ${path}`);
      return;
    }
    if (stats.isDirectory()) {
      for (const name of readdirSync(path).sort()) {
        if (name === 'node_modules' || name.startsWith('.')) continue;
        const child = join(path, name);
        if (/\.jsonc?$/i.test(name) || statSafe(child)?.isDirectory()) visit(child, false);
      }
    } else if (stats.isFile()) {
      files.push(path);
    }
  };
  for (const path of paths) visit(path, true);
  return files;
}

function statSafe(path: string) {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

type Locate = (range: OffsetRange) => { start: Position; end: Position };

/**
 * Writes `bytes` to a temporary file beside `file` and renames it over the real file (through
 * symbolic links, keeping the mode), so that a failed write, such as a full disk, never leaves
 * a half-written template behind.
 */
function replaceFile(file: string, bytes: Buffer): void {
  const target = realpathSync(file);
  const temporary = join(dirname(target), `.${basename(target)}.${process.pid}.sf-fix`);
  try {
    writeFileSync(temporary, bytes, { mode: statSync(target).mode & 0o7777, flag: 'wx' });
    renameSync(temporary, target);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

/** The first `length` bytes of a file. */
function readHead(file: string, length: number): Buffer {
  const buffer = Buffer.alloc(length);
  const fd = openSync(file, 'r');
  try {
    return buffer.subarray(0, readSync(fd, buffer, 0, length, 0));
  } finally {
    closeSync(fd);
  }
}

function locator(text: string): Locate {
  const positionAt = positionsIn(text);
  return (range) => {
    const start = positionAt(range.offset);
    const end = positionAt(range.offset + range.length);
    return { start: { line: start.line + 1, column: start.character + 1 }, end: { line: end.line + 1, column: end.character + 1 } };
  };
}

function report(text: string, result: AnalysisResult, host: NodeWorkspaceHost): ReportedFinding[] {
  const at = locator(text);
  if (result.problem) {
    return [{ code: result.problem.kind, severity: 'warning', message: result.problem.message, ...at(result.problem.range), related: [], fixes: [] }];
  }
  const others = new Map<string, Locate | undefined>();
  const other = (uri: string) => {
    if (!others.has(uri)) {
      const otherText = host.readFile(uri);
      others.set(uri, otherText === undefined ? undefined : locator(otherText));
    }
    return others.get(uri);
  };
  return result.findings.map((finding) => ({
    code: finding.code,
    severity: finding.severity,
    message: finding.message,
    ...at(finding.range),
    helpUri: bundledRuleDocsUri(finding.code),
    related: (finding.related ?? []).flatMap((related) => {
      if (related.uri === undefined) return [{ ...at(related.range), message: related.message }];
      const locate = other(related.uri);
      const path = pathOf(related.uri);
      return locate && path ? [{ path: displayPath(path), ...locate(related.range), message: related.message }] : [];
    }),
    fixes: finding.fixes.map((fix) => fix.title),
  }));
}

function displayPath(path: string): string {
  return relative(process.cwd(), path) || path;
}

export function main(args: string[]): number {
  let options: Options | 'help';
  let files: string[];
  try {
    options = parseArguments(args);
    if (options === 'help') {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    files = collectFiles(options.paths);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`sf-managed-identity: ${error.message}\n\n${USAGE}\n`);
    return 2;
  }
  const selected = options.rules;
  const include = (finding: Finding) => selected.length === 0 || selected.includes(finding.code);

  // The boundary for parameter files: the folders given, and the folder of each file given.
  const roots = options.paths.map((path) => (statSafe(path)?.isDirectory() ? resolve(path) : dirname(resolve(path))));
  // Without writing, no file changes during the run: each folder is listed and scanned for
  // parameter files once, not once per template in it.
  const host = new NodeWorkspaceHost({ roots, unchanging: !options.fix || options.dryRun });
  /** Another file's path and text, for related locations and fixes in SARIF. */
  const otherFile = (uri: string) => {
    const path = pathOf(uri);
    const text = host.readFile(uri);
    return path === undefined || text === undefined ? undefined : { path, text };
  };
  const results: Array<{ path: string; template?: string; findings: ReportedFinding[]; fixed?: AppliedFix[] }> = [];
  const sarif: SarifInput[] = [];
  let templates = 0;
  let parameterFiles = 0;
  let fixedFindings = 0;
  let fixedFiles = 0;
  let writeFailed = false;
  const analysed: Array<{
    file: string;
    path: string;
    template?: string;
    text: string;
    result: AnalysisResult;
    analyse: (text: string) => AnalysisResult;
    fixed?: AppliedFix[];
  }> = [];
  for (const file of files) {
    let bytes: Buffer;
    let size: number;
    try {
      // A file over the limit is not read whole: its start tells whether it is a template.
      size = statSync(file).size;
      bytes = size > options.maxFileSizeMB * 1024 * 1024 ? readHead(file, SCHEMA_SEARCH_LENGTH * 4) : readFileSync(file);
    } catch (error) {
      process.stderr.write(`sf-managed-identity: cannot read ${file}: ${(error as Error).message}\n`);
      continue;
    }
    const decoded = decodeFile(bytes);
    const encoding = decoded.encoding;
    let text = decoded.text;
    const uri = pathToFileURL(resolve(file)).toString();
    const analyse = (current: string) => analyzeDocument(current, { uri, host });
    const result = checkSize(text, size, options.maxFileSizeMB, '--max-file-size-mb') ?? analyse(text);
    if (result.isTemplate) templates++;
    else if (result.parametersFor !== undefined) parameterFiles++;
    else continue;
    // A parameter file says which template it was analysed with.
    const template = result.parametersFor === undefined ? undefined : pathOf(result.parametersFor);
    const path = relative(process.cwd(), file) || file;
    let fixed: AppliedFix[] | undefined;
    if (options.fix && !result.problem) {
      const outcome = fixText(text, include, analyse);
      if (outcome.applied.length > 0) {
        if (!roundTrips(bytes)) {
          process.stderr.write(`sf-managed-identity: not fixing ${path}: it is not valid ${encoding === 'utf16le' || encoding === 'utf16be' ? 'UTF-16' : 'UTF-8'}, so writing it would change more than the fixes.\n`);
          writeFailed = true;
        } else {
          try {
            if (!options.dryRun) replaceFile(file, encodeFile(outcome.text, encoding));
            fixed = outcome.applied;
            fixedFindings += fixed.length;
            fixedFiles++;
            for (const applied of fixed) process.stderr.write(`${path}: ${options.dryRun ? 'would fix' : 'fixed'} ${applied.code}: ${applied.title}\n`);
            if (!options.dryRun) text = outcome.text;
          } catch (error) {
            process.stderr.write(`sf-managed-identity: cannot write ${path}: ${(error as Error).message}\n`);
            writeFailed = true;
          }
        }
      }
      for (const skipped of outcome.skipped) {
        process.stderr.write(`${path}: left ${skipped.code} as it is (${skipped.title}): ${skipped.reason}.\n`);
      }
      if (outcome.limited) {
        process.stderr.write(`${path}: stopped after ${MAX_FIXES_PER_FILE} fixes; run --fix again for the rest.\n`);
      }
    }
    analysed.push({ file, path, template, text, result, analyse, fixed });
  }

  for (const entry of analysed) {
    const { file, path, template, text, fixed } = entry;
    // A fix in one file can change what another reports (a parameter file and its template):
    // after writing, every file is analysed again, so the report describes what is left.
    const result = fixedFiles > 0 && !options.dryRun ? entry.analyse(text) : entry.result;
    const findings = suppressFindings(text, result.findings).filter(include);
    sarif.push({ path: file, text, findings, problem: result.problem, otherFile });
    results.push({
      path,
      ...(template ? { template: displayPath(template) } : {}),
      findings: report(text, { ...result, findings }, host),
      ...(options.fix ? { fixed: fixed ?? [] } : {}),
    });
  }

  const all = results.flatMap((file) => file.findings);
  const count = (severity: Severity) => all.filter((finding) => finding.severity === severity).length;
  const summary = { templates, parameterFiles, errors: count('error'), warnings: count('warning'), information: count('information') };
  const exitCode = writeFailed ? 2 : summary.errors > 0 && !options.exitZero ? 1 : 0;
  if (options.fix) {
    process.stderr.write(`${options.dryRun ? 'Would fix' : 'Fixed'} ${fixedFindings} finding${fixedFindings === 1 ? '' : 's'} in ${fixedFiles} file${fixedFiles === 1 ? '' : 's'}.\n`);
  }
  if (options.format === 'json') {
    process.stdout.write(`${JSON.stringify({ files: results, summary }, null, 2)}\n`);
  } else if (options.format === 'sarif') {
    process.stdout.write(`${JSON.stringify(toSarif(sarif, process.cwd(), exitCode), null, 2)}\n`);
    // GitHub's tool status page details errors only for integrated tools: say it in the job log too.
    for (const file of results) {
      for (const problem of file.findings.filter((finding) => finding.code === 'invalid-json' || finding.code === 'too-deep')) {
        process.stderr.write(`${file.path}:${problem.start.line}:${problem.start.column} ${problem.severity} ${problem.code} ${problem.message}\n`);
      }
    }
  } else {
    for (const file of results) {
      for (const finding of file.findings) {
        process.stdout.write(`${file.path}:${finding.start.line}:${finding.start.column} ${finding.severity} ${finding.code} ${finding.message}\n`);
        for (const related of finding.related) {
          process.stdout.write(`  ${related.path ?? file.path}:${related.start.line}:${related.start.column} note ${related.message}\n`);
        }
      }
    }
    process.stderr.write(
      `${all.length} finding${all.length === 1 ? '' : 's'} (${summary.errors} error${summary.errors === 1 ? '' : 's'}, ` +
        `${summary.warnings} warning${summary.warnings === 1 ? '' : 's'}) in ${templates} ARM template${templates === 1 ? '' : 's'}` +
        `${parameterFiles ? ` and ${parameterFiles} parameter file${parameterFiles === 1 ? '' : 's'}` : ''}.\n`,
    );
  }
  return exitCode;
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2));
}
