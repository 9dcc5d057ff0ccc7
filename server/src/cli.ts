import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { analyzeDocument, type AnalysisResult, type OffsetRange, type Severity } from './analysis';
import { NodeWorkspaceHost, pathOf } from './node-workspace-host';
import { bundledRuleDocsUri } from './rule-docs';
import { decode } from './text-decoding';

export { decode };

const USAGE = `Usage: sf-managed-identity [--format text|json] [--exit-zero] <files or folders...>

Checks ARM templates for Service Fabric clusters that are not ready for managed identities.
Folders are searched for .json and .jsonc files (node_modules and hidden folders are skipped);
files that are not ARM deployment templates are skipped quietly.

A template is analysed with the values of its parameter file (<name>.parameters.json beside
<name>.json, or a parameter file whose metadata.template names it), and a parameter file with
its template. Only files inside the folders given (for a file: the folder that holds it) are
read for that; nothing outside them, also not through .. or a symbolic link.

  --format text   one line per finding: path:line:column severity code message (default)
  --format json   one JSON document with every finding
  --exit-zero     exit 0 even when errors are found

Exit status: 1 when any finding is an error, 2 on a usage error, 0 otherwise.
Columns count UTF-16 code units, as LSP and SARIF do.`;

class UsageError extends Error {}

interface Options {
  format: 'text' | 'json';
  exitZero: boolean;
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
  const options: Options = { format: 'text', exitZero: false, paths: [] };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--help' || arg === '-h') return 'help';
    if (arg === '--exit-zero') options.exitZero = true;
    else if (arg === '--format' || arg.startsWith('--format=')) {
      const value = arg === '--format' ? args[++i] : arg.slice('--format='.length);
      if (value !== 'text' && value !== 'json') throw new UsageError(`--format takes text or json, not ${value ?? 'nothing'}.`);
      options.format = value;
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

function locator(text: string): Locate {
  const document = TextDocument.create('file:///template.json', 'json', 0, text);
  return (range) => {
    const start = document.positionAt(range.offset);
    const end = document.positionAt(range.offset + range.length);
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

  // The boundary for parameter files: the folders given, and the folder of each file given.
  const roots = options.paths.map((path) => (statSafe(path)?.isDirectory() ? resolve(path) : dirname(resolve(path))));
  const host = new NodeWorkspaceHost({ roots });
  const results: Array<{ path: string; template?: string; findings: ReportedFinding[] }> = [];
  let templates = 0;
  let parameterFiles = 0;
  for (const file of files) {
    let text: string;
    try {
      text = decode(readFileSync(file));
    } catch (error) {
      process.stderr.write(`sf-managed-identity: cannot read ${file}: ${(error as Error).message}\n`);
      continue;
    }
    const result = analyzeDocument(text, { uri: pathToFileURL(resolve(file)).toString(), host });
    if (result.isTemplate) templates++;
    else if (result.parametersFor !== undefined) parameterFiles++;
    else continue;
    // A parameter file says which template it was analysed with.
    const template = result.parametersFor === undefined ? undefined : pathOf(result.parametersFor);
    results.push({ path: relative(process.cwd(), file) || file, ...(template ? { template: displayPath(template) } : {}), findings: report(text, result, host) });
  }

  const all = results.flatMap((file) => file.findings);
  const count = (severity: Severity) => all.filter((finding) => finding.severity === severity).length;
  const summary = { templates, parameterFiles, errors: count('error'), warnings: count('warning'), information: count('information') };
  if (options.format === 'json') {
    process.stdout.write(`${JSON.stringify({ files: results, summary }, null, 2)}\n`);
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
  return summary.errors > 0 && !options.exitZero ? 1 : 0;
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2));
}
