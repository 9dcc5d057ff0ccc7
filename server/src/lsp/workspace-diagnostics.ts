import {
  DocumentDiagnosticReportKind,
  DocumentDiagnosticRequest,
  type Disposable,
  FileChangeType,
  type CancellationToken,
  type Connection,
  type Diagnostic,
  type FileEvent,
  type TextDocuments,
  type WorkspaceDiagnosticParams,
  type WorkspaceDiagnosticReport,
  type WorkspaceDocumentDiagnosticReport,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { analyzeDocument, applyRuleLevels, checkSize, normalizeUri, sameUri, suppressFindings, type WorkspaceHost } from '../analysis';
import { buildIndex, ExcludeMatcher, IndexHost, isCandidate, MAX_INDEXED_FILES, type WorkspaceIndex } from '../workspace-index';
import { toDiagnostics, type OtherDocument, type RuleDocsUri } from './diagnostics';
import { SECTION, type DocumentSettings } from './settings';

/** `sfManagedIdentity.diagnostics.scope`: which files the Problems panel covers. */
export type DiagnosticsScope = 'openFiles' | 'workspace';
export const SCOPE_SETTING = 'sfManagedIdentity.diagnostics.scope';
/** The identifier of the workspace-diagnostics provider the workspace scope registers. */
export const WORKSPACE_PROVIDER = 'sf-managed-identity-workspace';
/** Files created, deleted or renamed come in bursts (a checkout, a folder copied): one scan after the burst. */
const RESCAN_DELAY_MS = 300;
/** An open document's edits reach the unopened templates that read it after this pause. */
const DEPENDENTS_DELAY_MS = 300;
/** Files analysed between two turns of the event loop, when edits and newer scans may come first. */
const FILES_PER_TURN = 8;

export interface WorkspaceDiagnosticsOptions {
  connection: Connection;
  documents: TextDocuments<TextDocument>;
  /** The current host (replaced when the workspace folders change). */
  host: () => WorkspaceHost;
  /** The URIs of the workspace folders. */
  folders: () => string[];
  settings: () => DocumentSettings;
  ruleDocsUri: RuleDocsUri;
  otherDocument: OtherDocument;
  /**
   * The client pulls diagnostics and lets the server register a provider: while the scope is
   * `workspace`, a second provider with `workspaceDiagnostics` is registered, so that the client
   * asks `workspace/diagnostic`; otherwise the diagnostics of unopened files are pushed.
   */
  pull: boolean;
  /** The client answers `workspace/configuration`. */
  configurationSupport: boolean;
  /** False in Restricted Mode: nothing on disk is listed. */
  trusted: () => boolean;
  /** The UTF-8 size of a text, as the host adapter measures it (Node and the browser differ). */
  byteLength: (text: string) => number;
}

/** What the Problems panel shows for one file that is not open. */
interface Entry {
  uri: string;
  resultId: string;
  diagnostics: Diagnostic[];
  /** The diagnostics as JSON, to tell a new result from the same one. */
  key: string;
  /** Other files its analysis read: when one changes, this one is analysed again. */
  dependencies: string[];
}

/**
 * The Problems panel for the whole workspace (`sfManagedIdentity.diagnostics.scope` =
 * `workspace`): every candidate template of the workspace folders that is not open is analysed
 * (open documents keep their own, per-document diagnostics) and its diagnostics are answered to
 * `workspace/diagnostic` (pull, with result ids so unchanged files are reported as unchanged) or
 * published (push). A scan shows work-done progress and is cancelled by a newer one; file
 * events analyse again what they touch.
 */
export class WorkspaceDiagnostics {
  private scope: DiagnosticsScope = 'openFiles';
  private excludes = new Map<string, ExcludeMatcher>();
  private entries = new Map<string, Entry>();
  private index: WorkspaceIndex | undefined;
  /** Bumped by every scan and by leaving workspace scope: a scan whose id is older stops. */
  private scanId = 0;
  private scanning: Promise<void> | undefined;
  private rescanTimer: ReturnType<typeof setTimeout> | undefined;
  private dependentsTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly changedDependencies = new Set<string>();
  private nextResultId = 0;
  private readonly waiters = new Set<() => void>();
  private cappedShown = false;
  /** The registration of the workspace-diagnostics provider, while the scope is `workspace`. */
  private registration: Promise<Disposable | undefined> | undefined;
  /** For tests and the log: the last completed scan. */
  lastScan: { files: number; analysed: number; ms: number; capped: boolean } | undefined;

  constructor(private readonly options: WorkspaceDiagnosticsOptions) {}

  get currentScope(): DiagnosticsScope {
    return this.scope;
  }

  /**
   * Reads the scope and `files.exclude` again (after initialize or a configuration change) and
   * scans, or clears what the workspace scope showed. `notified` is what a client without
   * `workspace/configuration` sent in `didChangeConfiguration`.
   */
  async configurationChanged(notified?: unknown): Promise<void> {
    const { connection, configurationSupport } = this.options;
    let scope: unknown;
    const excludes = new Map<string, ExcludeMatcher>();
    if (configurationSupport) {
      try {
        const section: unknown = await connection.workspace.getConfiguration(SECTION);
        scope = objectAt(section, 'diagnostics')?.scope;
        const folders = this.options.folders();
        const files: unknown[] = folders.length === 0 ? [] : await connection.workspace.getConfiguration(folders.map((scopeUri) => ({ scopeUri, section: 'files' })));
        folders.forEach((folder, i) => excludes.set(folder, new ExcludeMatcher(objectAt(files[i], 'exclude'))));
      } catch (error) {
        connection.console.error(`Could not read ${SCOPE_SETTING} or files.exclude: ${String(error)}`);
      }
    } else {
      scope = objectAt(objectAt(notified, SECTION), 'diagnostics')?.scope;
      const exclude = objectAt(objectAt(notified, 'files'), 'exclude');
      for (const folder of this.options.folders()) excludes.set(folder, new ExcludeMatcher(exclude));
    }
    this.excludes = excludes;
    this.scope = scope === 'workspace' ? 'workspace' : 'openFiles';
    if (this.scope === 'workspace' && this.options.trusted()) {
      this.register();
      this.scheduleScan(0);
    } else {
      this.clear();
      this.unregister();
    }
  }

  /**
   * A provider of its own, only for `workspace/diagnostic` (its document selector matches no
   * document): the client keeps its diagnostics apart from the per-document ones, asks for them
   * only while it is registered, and drops them all when it is unregistered.
   */
  private register(): void {
    if (!this.options.pull || this.registration !== undefined) return;
    this.registration = this.options.connection.client
      .register(DocumentDiagnosticRequest.type, {
        documentSelector: [{ language: 'sf-managed-identity-workspace-only' }],
        identifier: WORKSPACE_PROVIDER,
        interFileDependencies: false,
        workspaceDiagnostics: true,
      })
      .catch((error: unknown) => {
        this.options.connection.console.error(`Could not register workspace diagnostics: ${String(error)}`);
        return undefined;
      });
  }

  private unregister(): void {
    const registration = this.registration;
    this.registration = undefined;
    void registration?.then((disposable) => disposable?.dispose());
  }

  /** The workspace folders changed: scan them. */
  foldersChanged(): void {
    if (this.scope === 'workspace') void this.configurationChanged();
  }

  /** Workspace trust was granted: what Restricted Mode held back may be scanned now. */
  trustGranted(): void {
    if (this.scope !== 'workspace') return;
    // In Restricted Mode the provider was not registered: a pull client would never ask.
    this.register();
    this.scheduleScan(0);
  }

  /** Scans again after `delay`, superseding (cancelling) any scan in progress. */
  scheduleScan(delay: number): void {
    clearTimeout(this.rescanTimer);
    this.scanId++;
    this.rescanTimer = setTimeout(() => {
      this.rescanTimer = undefined;
      const scanning = this.scan();
      this.scanning = scanning;
      void scanning.finally(() => {
        if (this.scanning === scanning) this.scanning = undefined;
      });
    }, delay);
  }

  /** Resolves when no scan is scheduled or running (for tests). */
  async idle(): Promise<void> {
    while (this.rescanTimer !== undefined || this.scanning !== undefined) {
      await (this.scanning ?? new Promise((resolve) => setTimeout(resolve, 20)));
    }
  }

  private async scan(): Promise<void> {
    const id = this.scanId;
    const cancelled = (): boolean => id !== this.scanId || this.scope !== 'workspace';
    const { connection } = this.options;
    const started = Date.now();
    const reporter = await connection.window.createWorkDoneProgress().catch(() => undefined);
    let ended = false;
    const progress = reporter && {
      begin: reporter.begin.bind(reporter),
      report: reporter.report.bind(reporter) as (percentage: number, message: string) => void,
      token: reporter.token,
      done: (): void => {
        if (!ended) reporter.done();
        ended = true;
      },
    };
    progress?.begin('Service Fabric templates', 0, 'Listing files…', true);
    progress?.token.onCancellationRequested(() => {
      if (id === this.scanId) this.scanId++;
    });
    try {
      const folders = this.options.folders();
      const limits = await Promise.all(folders.map(async (folder) => (await this.options.settings().get(folder)).maxFileSizeMB));
      const host = this.options.host();
      const index = await buildIndex(host, folders, {
        exclude: this.excludes,
        maxFileBytes: Math.max(0, ...limits) * 1024 * 1024,
        isCancelled: cancelled,
        onProgress: (walked, files) => progress?.report(0, `${walked} folders, ${files} JSON files…`),
      });
      if (index.cancelled || cancelled()) return;
      if (index.capped && !this.cappedShown) {
        this.cappedShown = true;
        void connection.window.showWarningMessage(
          `Service Fabric Managed Identity: the workspace has more than ${MAX_INDEXED_FILES.toLocaleString('en-US')} JSON files; only the first ${MAX_INDEXED_FILES.toLocaleString('en-US')} are analysed. Exclude generated folders with files.exclude, or set ${SCOPE_SETTING} to openFiles.`,
        );
      }
      const passHost = new IndexHost(host, index);
      const open = this.openKeys();
      const entries = new Map<string, Entry>();
      let analysed = 0;
      for (let i = 0; i < index.files.length; i++) {
        if (i % FILES_PER_TURN === 0) {
          await new Promise((resolve) => setTimeout(resolve, 0));
          if (cancelled()) return;
          progress?.report(Math.floor((i * 100) / index.files.length), `${i}/${index.files.length} files`);
        }
        const file = index.files[i];
        const key = normalizeUri(file.uri);
        if (open.has(key)) continue;
        analysed++;
        const entry = await this.analyse(file.uri, file.root, passHost);
        if (cancelled()) return;
        if (entry) entries.set(key, entry);
      }
      this.index = index;
      this.lastScan = { files: index.files.length, analysed, ms: Date.now() - started, capped: index.capped };
      progress?.done();
      connection.console.log(
        `Workspace scan: ${index.files.length} JSON files (${analysed} not open analysed, ${entries.size} with templates or findings) in ${this.lastScan.ms} ms` +
          (index.tooLarge.length ? `; ${index.tooLarge.length} over the size limit left out` : '') +
          (index.capped ? `; stopped at ${MAX_INDEXED_FILES} files` : ''),
      );
      this.replaceEntries(entries);
    } catch (error) {
      connection.console.error(`Workspace scan failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
    } finally {
      progress?.done();
    }
  }

  /** The analysis of a file as the workspace scope shows it; undefined for a file that is not a template and has nothing to say. */
  private async analyse(uri: string, root: string | undefined, host: WorkspaceHost): Promise<Entry | undefined> {
    const text = host.readFile(uri);
    if (text === undefined) return undefined;
    const { rules, maxFileSizeMB } = await this.options.settings().get(root ?? uri);
    let diagnostics: Diagnostic[];
    let dependencies: string[] = [];
    let isTemplate = false;
    try {
      const result = checkSize(text, this.options.byteLength(text), maxFileSizeMB, 'sfManagedIdentity.maxFileSizeMB') ?? analyzeDocument(text, { uri, host });
      isTemplate = result.isTemplate || result.problem !== undefined;
      dependencies = result.dependencies ?? [];
      const visible = result.findings.length === 0 ? result : { ...result, findings: applyRuleLevels(suppressFindings(text, result.findings), rules) };
      diagnostics = toDiagnostics(TextDocument.create(uri, 'json', 0, text), visible, this.options.ruleDocsUri, (other) => this.options.otherDocument(other));
    } catch (error) {
      this.options.connection.console.error(`Could not analyse ${uri}: ${String(error)}`);
      return undefined;
    }
    if (!isTemplate && diagnostics.length === 0) return undefined;
    const key = JSON.stringify(diagnostics);
    return { uri, resultId: '', diagnostics, key, dependencies };
  }

  /** Puts a new set of entries in place: unchanged files keep their result id; gone ones are cleared. */
  private replaceEntries(entries: Map<string, Entry>): void {
    const old = this.entries;
    this.entries = new Map();
    for (const [key, entry] of entries) this.setEntry(key, entry, old.get(key));
    for (const [key, entry] of old) if (!entries.has(key)) this.publish(entry.uri, []);
    this.notify();
  }

  private setEntry(key: string, entry: Entry, previous: Entry | undefined, force = false): void {
    const same = !force && previous !== undefined && previous.key === entry.key;
    entry.resultId = same ? previous.resultId : `ws-${++this.nextResultId}`;
    this.entries.set(key, entry);
    if (!same) this.publish(entry.uri, entry.diagnostics);
  }

  /** Push clients get the diagnostics of files that are not open (open ones are published by the document path). */
  private publish(uri: string, diagnostics: Diagnostic[]): void {
    if (this.options.pull || this.openKeys().has(normalizeUri(uri))) return;
    void this.options.connection.sendDiagnostics({ uri, diagnostics });
  }

  /** Leaves workspace scope: what only it showed is cleared. */
  private clear(): void {
    this.scanId++;
    clearTimeout(this.rescanTimer);
    this.rescanTimer = undefined;
    this.index = undefined;
    this.replaceEntries(new Map());
  }

  private openKeys(): Set<string> {
    return new Set(this.options.documents.keys().map(normalizeUri));
  }

  /** The diagnostics of a file that is not open, for a document pull after it was closed. */
  diagnosticsOf(uri: string): Diagnostic[] | undefined {
    return this.entries.get(normalizeUri(uri))?.diagnostics;
  }

  /**
   * Files changed on disk. Created, deleted or renamed files may pair with others (parameter
   * files), and may be whole folders: the workspace is scanned again, once per burst. A changed
   * file is analysed again with the templates that read it.
   */
  filesChanged(changes: FileEvent[]): void {
    if (this.scope !== 'workspace' || !this.options.trusted()) return;
    if (this.index === undefined || changes.some((change) => change.type !== FileChangeType.Changed)) {
      this.scheduleScan(RESCAN_DELAY_MS);
      return;
    }
    void this.reanalyse(changes.map((change) => change.uri));
  }

  /** An open document was edited: the unopened templates that read it are analysed again after a pause. */
  documentChanged(uri: string): void {
    if (this.scope !== 'workspace' || this.entries.size === 0) return;
    this.changedDependencies.add(uri);
    clearTimeout(this.dependentsTimer);
    this.dependentsTimer = setTimeout(() => {
      const uris = [...this.changedDependencies];
      this.changedDependencies.clear();
      void this.reanalyse(uris, false);
    }, DEPENDENTS_DELAY_MS);
  }

  /** A document was opened: a pull that reported it from disk reports it empty (its editor's diagnostics take over). */
  documentOpened(): void {
    if (this.options.pull && this.scope === 'workspace') this.notify();
  }

  /** A document was closed: its file on disk is shown again (it may differ from the unsaved text). */
  documentClosed(uri: string): void {
    if (this.scope !== 'workspace' || this.index === undefined) return;
    if (!isCandidate(uri, this.options.folders(), this.excludes)) return;
    void this.reanalyse([uri], true, true);
  }

  /** Analyses again `uris` (when `themselves`) and every entry that read one of them. */
  private async reanalyse(uris: string[], themselves = true, force = false): Promise<void> {
    const index = this.index;
    if (index === undefined) return;
    const id = this.scanId;
    const host = new IndexHost(this.options.host(), index);
    const folders = this.options.folders();
    const targets = new Map<string, string>();
    for (const uri of uris) {
      if (themselves && isCandidate(uri, folders, this.excludes)) targets.set(normalizeUri(uri), uri);
      for (const [key, entry] of this.entries) if (entry.dependencies.some((dependency) => sameUri(dependency, uri))) targets.set(key, entry.uri);
    }
    const open = this.openKeys();
    let changed = false;
    for (const [key, uri] of targets) {
      if (open.has(key)) continue;
      const root = folders.find((folder) => key.startsWith(`${normalizeUri(folder).replace(/\/+$/, '')}/`));
      const entry = await this.analyse(uri, root, host);
      // A newer scan has replaced the entries, or the scope was left, meanwhile.
      if (id !== this.scanId || this.scope !== 'workspace') return;
      const previous = this.entries.get(key);
      if (entry) this.setEntry(key, entry, previous, force);
      else if (previous) {
        this.entries.delete(key);
        this.publish(previous.uri, []);
      }
      changed = true;
    }
    if (changed) this.notify();
  }

  private notify(): void {
    for (const wake of [...this.waiters]) wake();
  }

  /**
   * `workspace/diagnostic`: a full report for each file whose diagnostics the client does not
   * have (by result id), an unchanged report for the others, and an empty report for a file it
   * has that no longer has any (deleted, excluded, or the scope left). When the client has
   * everything already, the request is held until something changes (long polling), so that
   * the client does not ask again and again.
   */
  async onWorkspacePull(params: WorkspaceDiagnosticParams, token: CancellationToken): Promise<WorkspaceDiagnosticReport> {
    for (;;) {
      if (token.isCancellationRequested) return { items: [] };
      const { items, changed } = this.reports(params.previousResultIds);
      if (changed) return { items };
      await new Promise<void>((resolve) => {
        const wake = (): void => {
          this.waiters.delete(wake);
          listener.dispose();
          resolve();
        };
        const listener = token.onCancellationRequested(wake);
        this.waiters.add(wake);
      });
    }
  }

  private reports(previous: WorkspaceDiagnosticParams['previousResultIds']): { items: WorkspaceDocumentDiagnosticReport[]; changed: boolean } {
    const known = new Map(previous.map(({ uri, value }) => [normalizeUri(uri), { uri, value }]));
    const open = this.openKeys();
    const items: WorkspaceDocumentDiagnosticReport[] = [];
    let changed = false;
    for (const [key, entry] of this.entries) {
      if (open.has(key)) continue;
      if (known.get(key)?.value === entry.resultId) {
        items.push({ kind: DocumentDiagnosticReportKind.Unchanged, uri: entry.uri, version: null, resultId: entry.resultId });
      } else {
        changed = true;
        items.push({ kind: DocumentDiagnosticReportKind.Full, uri: entry.uri, version: null, resultId: entry.resultId, items: entry.diagnostics });
      }
    }
    for (const [key, { uri }] of known) {
      // An open file has its own, per-document diagnostics: the workspace's copy is cleared.
      if (this.entries.has(key) && !open.has(key)) continue;
      // No result id: the client forgets the file instead of asking about it again.
      changed = true;
      items.push({ kind: DocumentDiagnosticReportKind.Full, uri, version: null, items: [] });
    }
    return { items, changed };
  }
}

function objectAt(value: unknown, key: string): Record<string, unknown> | undefined {
  const inner = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
  return inner !== null && typeof inner === 'object' && !Array.isArray(inner) ? (inner as Record<string, unknown>) : undefined;
}
