import { closeSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import {
  analyzeTemplate,
  checkSize,
  DEFAULT_MAX_FILE_SIZE_MB,
  SCHEMA_SEARCH_LENGTH,
  validMaxFileSizeMB,
  type AnalysisResult,
  type OffsetRange,
  type Severity,
} from './analysis';
import { bundledRuleDocsUri } from './rule-docs';

const USAGE = `Usage: sf-managed-identity [--format text|json] [--exit-zero] [--max-file-size-mb N] <files or folders...>

Checks ARM templates for Service Fabric clusters that are not ready for managed identities.
Folders are searched for .json and .jsonc files (node_modules and hidden folders are skipped);
files that are not ARM deployment templates are skipped quietly.

  --format text   one line per finding: path:line:column severity code message (default)
  --format json   one JSON document with every finding
  --exit-zero     exit 0 even when errors are found
  --max-file-size-mb N
                  templates larger than N megabytes get one warning instead of an
                  analysis (default ${DEFAULT_MAX_FILE_SIZE_MB}; ARM rejects templates over 4 MB)

Exit status: 1 when any finding is an error, 2 on a usage error, 0 otherwise.
Columns count UTF-16 code units, as LSP and SARIF do.`;

class UsageError extends Error {}

interface Options {
  format: 'text' | 'json';
  exitZero: boolean;
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
  related: Array<{ start: Position; end: Position; message: string }>;
  fixes: string[];
}

function parseArguments(args: string[]): Options | 'help' {
  const options: Options = { format: 'text', exitZero: false, maxFileSizeMB: DEFAULT_MAX_FILE_SIZE_MB, paths: [] };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--help' || arg === '-h') return 'help';
    if (arg === '--exit-zero') options.exitZero = true;
    else if (arg === '--format' || arg.startsWith('--format=')) {
      const value = arg === '--format' ? args[++i] : arg.slice('--format='.length);
      if (value !== 'text' && value !== 'json') throw new UsageError(`--format takes text or json, not ${value ?? 'nothing'}.`);
      options.format = value;
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

/** Decodes a file as VS Code does: UTF-8 with or without a BOM, UTF-16 with a BOM. */
export function decode(bytes: Buffer): string {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return bytes.subarray(3).toString('utf8');
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return bytes.subarray(2).toString('utf16le');
  if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    const swapped = Buffer.from(bytes.subarray(2));
    swapped.swap16();
    return swapped.toString('utf16le');
  }
  return bytes.toString('utf8');
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

function report(text: string, result: AnalysisResult): ReportedFinding[] {
  const document = TextDocument.create('file:///template.json', 'json', 0, text);
  const at = (range: OffsetRange) => {
    const start = document.positionAt(range.offset);
    const end = document.positionAt(range.offset + range.length);
    return { start: { line: start.line + 1, column: start.character + 1 }, end: { line: end.line + 1, column: end.character + 1 } };
  };
  if (result.problem) {
    return [{ code: result.problem.kind, severity: 'warning', message: result.problem.message, ...at(result.problem.range), related: [], fixes: [] }];
  }
  return result.findings.map((finding) => ({
    code: finding.code,
    severity: finding.severity,
    message: finding.message,
    ...at(finding.range),
    helpUri: bundledRuleDocsUri(finding.code),
    related: (finding.related ?? []).map((related) => ({ ...at(related.range), message: related.message })),
    fixes: finding.fixes.map((fix) => fix.title),
  }));
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

  const results: Array<{ path: string; findings: ReportedFinding[] }> = [];
  let templates = 0;
  for (const file of files) {
    let text: string;
    let result: AnalysisResult | undefined;
    try {
      // A file over the limit is not read whole: its start tells whether it is a template.
      const size = statSync(file).size;
      text = size > options.maxFileSizeMB * 1024 * 1024 ? decode(readHead(file, SCHEMA_SEARCH_LENGTH * 4)) : decode(readFileSync(file));
      result = checkSize(text, size, options.maxFileSizeMB, '--max-file-size-mb');
    } catch (error) {
      process.stderr.write(`sf-managed-identity: cannot read ${file}: ${(error as Error).message}\n`);
      continue;
    }
    result ??= analyzeTemplate(text);
    if (!result.isTemplate) continue;
    templates++;
    results.push({ path: relative(process.cwd(), file) || file, findings: report(text, result) });
  }

  const all = results.flatMap((file) => file.findings);
  const count = (severity: Severity) => all.filter((finding) => finding.severity === severity).length;
  const summary = { templates, errors: count('error'), warnings: count('warning'), information: count('information') };
  if (options.format === 'json') {
    process.stdout.write(`${JSON.stringify({ files: results, summary }, null, 2)}\n`);
  } else {
    for (const file of results) {
      for (const finding of file.findings) {
        process.stdout.write(`${file.path}:${finding.start.line}:${finding.start.column} ${finding.severity} ${finding.code} ${finding.message}\n`);
        for (const related of finding.related) {
          process.stdout.write(`  ${file.path}:${related.start.line}:${related.start.column} note ${related.message}\n`);
        }
      }
    }
    process.stderr.write(
      `${all.length} finding${all.length === 1 ? '' : 's'} (${summary.errors} error${summary.errors === 1 ? '' : 's'}, ` +
        `${summary.warnings} warning${summary.warnings === 1 ? '' : 's'}) in ${templates} ARM template${templates === 1 ? '' : 's'}.\n`,
    );
  }
  return summary.errors > 0 && !options.exitZero ? 1 : 0;
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2));
}
