import {
  CodeActionKind,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  DocumentDiagnosticReportKind,
  LSPErrorCodes,
  ResponseError,
  FileChangeType,
  TextDocumentSyncKind,
  TextDocuments,
  type Connection,
  type InitializeResult,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { analyzeDocument, applyRuleLevels, checkSize, completionsAt, FIX_ALL_KIND, hoverInfo, sameUri, suppressFindings, type AnalysisResult } from './analysis';
import { codeActions, fixDataUri, resolveCodeAction } from './lsp/code-actions';
import { toCompletionItems } from './lsp/completion';
import { ENABLE_COMMAND, enableCodeLenses, executeEnableCommand } from './lsp/enable-command';
import { toHover } from './lsp/hover';
import { toDiagnostics } from './lsp/diagnostics';
import { listenForBaselines } from './lsp/baselines';
import type { HostAdapter, ServerWorkspaceHost } from './host-adapter';
import { DocumentSettings, SECTION } from './lsp/settings';
import { suppressionActions, TURN_OFF_RULE_COMMAND } from './lsp/suppression-actions';
import { WorkspaceTrust } from './lsp/trust';
import { WorkspaceDiagnostics } from './lsp/workspace-diagnostics';

/** What the Node server and the browser server each give: see host-adapter.ts. */
export type ServerOptions = HostAdapter;

/** How long push diagnostics wait for typing to pause. */
const PUSH_DEBOUNCE_MS = 150;
const NOT_ANALYSED: AnalysisResult = { isTemplate: false, findings: [] };
/** The setting that limits the size of the documents analysed. */
const MAX_FILE_SIZE_SETTING = 'sfManagedIdentity.maxFileSizeMB';
/** The setting of ARM Tools that maps templates to parameter files. */
const PARAMETER_FILES_SECTION = 'azureResourceManagerTools';

/**
 * Wires the analysis to a connection: documents, capabilities and handlers, nothing more.
 * Diagnostics are pulled by clients that support it and pushed to the others. A template and
 * its parameter file depend on each other: when one changes, the other is analysed again.
 * It imports no Node module: the adapter gives it the workspace host and the rest.
 */
export function startServer(connection: Connection, options: ServerOptions): void {
  const documents = new TextDocuments(TextDocument);
  const analyses = new Map<string, { version: number; text: string; maxFileSizeMB: number; result: AnalysisResult }>();
  /** Scheduled publishes: the timer, and the document version it was scheduled for. */
  const pending = new Map<string, { timer: ReturnType<typeof setTimeout>; version: number; delay: number }>();
  let pullDiagnostics = false;
  /** The workspace scope registers its own workspace-diagnostics provider while it is on. */
  let diagnosticDynamicRegistration = false;
  let refreshSupport = false;
  let versionedEdits = false;
  /** The client asks for a code action's edit when the user picks it (VS Code does). */
  let resolveEdits = false;
  let configurationSupport = false;
  let watchedFilesDynamic = false;
  let folderUris: string[] = [];
  let workspaceFoldersSupport = false;
  let parameterFilesSetting: unknown;
  /** Restricted Mode: no file on disk is read until the client says the workspace is trusted. */
  const trust = new WorkspaceTrust();
  let host = createHost();

  function createHost(): ServerWorkspaceHost {
    return options.createWorkspaceHost(
      {
        folderUris,
        openDocument: (uri) => openDocument(uri)?.getText(),
        openDocuments: () => documents.keys(),
        parameterFilesSetting: () => parameterFilesSetting,
        filesArrived: () => invalidate('everything'),
        trusted: () => trust.trusted,
      },
      connection,
    );
  }

  function openDocument(uri: string): TextDocument | undefined {
    return documents.get(uri) ?? documents.all().find((document) => sameUri(document.uri, uri));
  }

  /** Another file's text, for related locations: open in the editor, or from the workspace. */
  function otherDocument(uri: string): TextDocument | undefined {
    const open = openDocument(uri);
    if (open) return open;
    const text = host.readFile(uri);
    return text === undefined ? undefined : TextDocument.create(uri, 'json', 0, text);
  }
  let registerConfigurationChanges = false;
  let turnOffCommand = false;
  let settings = new DocumentSettings(connection, false);
  let workspaceDiagnostics = createWorkspaceDiagnostics();

  /** `sfManagedIdentity.diagnostics.scope` = `workspace`: the unopened templates, pulled or pushed. */
  function createWorkspaceDiagnostics(): WorkspaceDiagnostics {
    return new WorkspaceDiagnostics({
      connection,
      documents,
      host: () => host,
      folders: () => folderUris,
      settings: () => settings,
      ruleDocsUri: options.ruleDocsUri,
      otherDocument,
      pull: pullDiagnostics && diagnosticDynamicRegistration,
      configurationSupport,
      trusted: () => trust.trusted,
      byteLength: options.byteLength,
    });
  }

  /** The analysis of a document's current version; bad input never escapes as an exception. */
  function analysisOf(document: TextDocument, maxFileSizeMB: number): AnalysisResult {
    const cached = analyses.get(document.uri);
    const text = document.getText();
    // The text is compared too: a client that sends a version twice, or out of order, must
    // not get the analysis of other text, whose ranges would put edits in the wrong place.
    if (cached?.version === document.version && cached.text === text && cached.maxFileSizeMB === maxFileSizeMB) return cached.result;
    let result: AnalysisResult;
    try {
      result = checkSize(text, options.byteLength(text), maxFileSizeMB, MAX_FILE_SIZE_SETTING) ?? analyzeDocument(text, { uri: document.uri, host, baseline: baselines.get(document.uri) });
    } catch (error) {
      connection.console.error(`Could not analyse ${document.uri}: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
      result = NOT_ANALYSED;
    }
    analyses.set(document.uri, { version: document.version, text, maxFileSizeMB, result });
    return result;
  }

  /** The findings the user sees: without suppressed ones, at the levels the settings give. */
  async function visibleAnalysisOf(document: TextDocument): Promise<AnalysisResult> {
    const { rules, maxFileSizeMB } = await settings.get(document.uri);
    const result = analysisOf(document, maxFileSizeMB);
    if (result.findings.length === 0) return result;
    return { ...result, findings: applyRuleLevels(suppressFindings(document.getText(), result.findings), rules) };
  }

  async function publish(uri: string): Promise<void> {
    pending.delete(uri);
    const document = documents.get(uri);
    if (!document) return;
    const version = document.version;
    const result = await visibleAnalysisOf(document);
    // A change or close while the settings were read has scheduled its own publish.
    if (documents.get(uri)?.version !== version) return;
    void connection.sendDiagnostics({ uri, version: document.version, diagnostics: toDiagnostics(document, result, options.ruleDocsUri, otherDocument) });
  }

  function schedulePublish(document: TextDocument, delay: number): void {
    clearTimeout(pending.get(document.uri)?.timer);
    pending.set(document.uri, { timer: setTimeout(() => void publish(document.uri), delay), version: document.version, delay });
  }

  /**
   * Forgets the analyses that `changed` may affect and has them shown again: those that read
   * it, or all of them when a file may have appeared or gone (pairing looks at folder listings).
   */
  function invalidate(changed: string | 'everything', except?: string): void {
    let any = false;
    for (const [uri, cached] of analyses) {
      if (uri === except) continue;
      if (changed === 'everything' || (cached.result.dependencies ?? []).some((dependency) => sameUri(dependency, changed))) {
        analyses.delete(uri);
        any = true;
        const open = documents.get(uri);
        if (!pullDiagnostics && open) schedulePublish(open, PUSH_DEBOUNCE_MS);
      }
    }
    if (any && pullDiagnostics && refreshSupport) {
      // Typed void, but it is a request: a client that answers with an error must not crash the server.
      Promise.resolve(connection.languages.diagnostics.refresh() as unknown).catch(() => undefined);
    }
  }

  /** Reads ARM Tools' parameter file mapping again; the caller has the documents shown again. */
  async function loadParameterFilesSetting(): Promise<void> {
    if (!configurationSupport) return;
    try {
      const section = await connection.workspace.getConfiguration(PARAMETER_FILES_SECTION);
      parameterFilesSetting = section?.parameterFiles;
    } catch {
      parameterFilesSetting = undefined;
    }
  }

  connection.onInitialize((params): InitializeResult => {
    options.initialize?.(params);
    pullDiagnostics = params.capabilities.textDocument?.diagnostic !== undefined;
    diagnosticDynamicRegistration = params.capabilities.textDocument?.diagnostic?.dynamicRegistration === true;
    refreshSupport = params.capabilities.workspace?.diagnostics?.refreshSupport === true;
    versionedEdits = params.capabilities.workspace?.workspaceEdit?.documentChanges === true;
    const codeActionCapabilities = params.capabilities.textDocument?.codeAction;
    resolveEdits = codeActionCapabilities?.dataSupport === true && codeActionCapabilities.resolveSupport?.properties.includes('edit') === true;
    configurationSupport = params.capabilities.workspace?.configuration === true;
    watchedFilesDynamic = params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
    setFolders(params.workspaceFolders?.map((folder) => folder.uri) ?? (params.rootUri ? [params.rootUri] : []));
    workspaceFoldersSupport = params.capabilities.workspace?.workspaceFolders === true;
    registerConfigurationChanges = params.capabilities.workspace?.didChangeConfiguration?.dynamicRegistration === true;
    settings = new DocumentSettings(connection, configurationSupport);
    workspaceDiagnostics = createWorkspaceDiagnostics();
    const clientCommands: unknown = (params.initializationOptions as { clientCommands?: unknown } | undefined)?.clientCommands;
    turnOffCommand = Array.isArray(clientCommands) && clientCommands.includes(TURN_OFF_RULE_COMMAND);
    trust.initialize(params.initializationOptions);
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND], ...(resolveEdits ? { resolveProvider: true } : {}) },
        ...(workspaceFoldersSupport ? { workspace: { workspaceFolders: { supported: true, changeNotifications: true } } } : {}),
        hoverProvider: true,
        // Quotes start a key or a section name; the rest comes on request (Ctrl+Space).
        completionProvider: { triggerCharacters: ['"'] },
        codeLensProvider: { resolveProvider: false },
        executeCommandProvider: { commands: [ENABLE_COMMAND] },
        ...(pullDiagnostics
          ? { diagnosticProvider: { identifier: 'sf-managed-identity', interFileDependencies: true, workspaceDiagnostics: false } }
          : {}),
      },
      serverInfo: { name: 'sf-managed-identity' },
    };
  });

  /** Parameter files and linked templates are only read inside these folders. */
  function setFolders(uris: string[]): void {
    folderUris = uris;
    host = createHost();
  }

  connection.onInitialized(() => {
    if (workspaceFoldersSupport) {
      // A folder added or removed moves the boundary of what may be read.
      connection.workspace.onDidChangeWorkspaceFolders(({ added, removed }) => {
        const gone = new Set(removed.map((folder) => folder.uri));
        setFolders([...folderUris.filter((uri) => !gone.has(uri)), ...added.map((folder) => folder.uri)]);
        invalidate('everything');
        workspaceDiagnostics.foldersChanged();
      });
    }
    // VS Code sends configuration changes only to servers that register for them: the
    // parameter file mapping of ARM Tools, our own settings, and files.exclude (workspace scope).
    if (configurationSupport || registerConfigurationChanges) {
      void connection.client.register(DidChangeConfigurationNotification.type, { section: [PARAMETER_FILES_SECTION, SECTION, 'files.exclude'] }).catch(() => undefined);
    }
    void workspaceDiagnostics.configurationChanged();
    if (configurationSupport) void loadParameterFilesSetting().then(() => invalidate('everything'));
    if (watchedFilesDynamic) {
      // Parameter files that are not open change on disk; the server hears of it here.
      void connection.client
        .register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: '**/*.{json,jsonc}' }, { globPattern: '**/ApplicationManifest.xml' }] })
        .catch(() => undefined);
    }
  });

  // Settings apply at once: read them again and renew every diagnostic, without a reload.
  connection.onDidChangeConfiguration((change) => {
    settings.changed(change.settings);
    void workspaceDiagnostics.configurationChanged(change.settings);
    // The parameter file mapping may have changed too: analyse again, and renew once.
    void loadParameterFilesSetting().then(() => {
      analyses.clear();
      if (!pullDiagnostics) {
        for (const document of documents.all()) schedulePublish(document, 0);
      } else if (refreshSupport) {
        // Typed void, but it is a request: a client that answers with an error must not crash the server.
        Promise.resolve(connection.languages.diagnostics.refresh() as unknown).catch(() => undefined);
      }
    });
  });

  // The client's git extension sent a document's last committed version: analyse it again.
  const baselines = listenForBaselines(connection, (uri) => {
    for (const key of [...analyses.keys()]) if (sameUri(key, uri)) analyses.delete(key);
    const open = openDocument(uri);
    if (!pullDiagnostics && open) schedulePublish(open, 0);
    if (pullDiagnostics && refreshSupport) Promise.resolve(connection.languages.diagnostics.refresh() as unknown).catch(() => undefined);
  });

  connection.onDidChangeWatchedFiles(({ changes }) => {
    for (const change of changes) {
      host.fileChanged?.(change.uri);
      // Created or deleted: a pairing may have appeared or gone. Changed: who read it is stale.
      invalidate(change.type === FileChangeType.Changed ? change.uri : 'everything');
    }
    workspaceDiagnostics.filesChanged(changes);
  });

  documents.onDidOpen(({ document }) => {
    if (!pullDiagnostics) schedulePublish(document, 0);
    workspaceDiagnostics.documentOpened();
    // The open text now wins over the file on disk, and it may be a parameter file or template
    // that another open document pairs with only now (not saved yet).
    invalidate('everything', document.uri);
  });
  documents.onDidChangeContent(({ document }) => {
    invalidate(document.uri, document.uri);
    workspaceDiagnostics.documentChanged(document.uri);
    if (pullDiagnostics) return;
    // TextDocuments reports an opened document's content right after opening it; that version
    // is already published at once and must not wait for the debounce.
    const scheduled = pending.get(document.uri);
    if (scheduled?.delay === 0 && scheduled.version === document.version) return;
    schedulePublish(document, PUSH_DEBOUNCE_MS);
  });
  documents.onDidClose(({ document }) => {
    clearTimeout(pending.get(document.uri)?.timer);
    pending.delete(document.uri);
    analyses.delete(document.uri);
    settings.forget(document.uri);
    if (!pullDiagnostics) void connection.sendDiagnostics({ uri: document.uri, diagnostics: [] });
    // Back to the file on disk, if there is one, for the documents that paired with it.
    invalidate('everything');
    workspaceDiagnostics.documentClosed(document.uri);
  });

  connection.languages.diagnostics.on(async (params, token) => {
    // Let edits and cancellations that have already arrived go first: a pull that a newer edit
    // made stale is then cancelled (by the client) before it analyses old text, and any other
    // pull is answered from the newest version.
    await options.yieldToEvents();
    if (token.isCancellationRequested) throw new ResponseError(LSPErrorCodes.RequestCancelled, 'A newer edit made this request stale.');
    const document = documents.get(params.textDocument.uri);
    return {
      kind: DocumentDiagnosticReportKind.Full,
      // A closed file, pulled a last time: in workspace scope it keeps what its file on disk shows.
      items: document ? toDiagnostics(document, await visibleAnalysisOf(document), options.ruleDocsUri, otherDocument) : workspaceDiagnostics.diagnosticsOf(params.textDocument.uri) ?? [],
    };
  });

  connection.languages.diagnostics.onWorkspace((params, token) => workspaceDiagnostics.onWorkspacePull(params, token));

  connection.onCodeAction(async (params) => {
    const document = documents.get(params.textDocument.uri);
    if (!document) return [];
    try {
      const version = document.version;
      const visible = await visibleAnalysisOf(document);
      if (documents.get(params.textDocument.uri)?.version !== version) return [];
      return [
        ...codeActions(document, visible, params, versionedEdits, options.ruleDocsUri, otherDocument, resolveEdits),
        ...suppressionActions(document, visible.findings, params, { versionedEdits, turnOffCommand, docsUri: options.ruleDocsUri }),
      ];
    } catch (error) {
      connection.console.error(`Could not compute code actions for ${document.uri}: ${String(error)}`);
      return [];
    }
  });

  connection.onCodeActionResolve(async (action) => {
    const uri = fixDataUri(action);
    const document = uri === undefined ? undefined : documents.get(uri);
    if (!document) return action;
    try {
      const version = document.version;
      const visible = await visibleAnalysisOf(document);
      return resolveCodeAction(action, documents.get(document.uri)?.version === version ? document : undefined, visible, versionedEdits);
    } catch (error) {
      connection.console.error(`Could not resolve the code action for ${document.uri}: ${String(error)}`);
      return action;
    }
  });

  /** Runs an editor feature; bad input is logged and answered with `fallback`, never thrown. */
  function guarded<T>(what: string, uri: string, fallback: T, run: (document: TextDocument) => T): T {
    const document = documents.get(uri);
    if (!document) return fallback;
    // A document over the size limit is not parsed for these either.
    if (analyses.get(uri)?.result.problem?.kind === 'too-large') return fallback;
    try {
      return run(document);
    } catch (error) {
      connection.console.error(`Could not compute ${what} for ${uri}: ${String(error)}`);
      return fallback;
    }
  }

  connection.onHover(({ textDocument, position }) =>
    guarded('a hover', textDocument.uri, null, (document) => {
      const info = hoverInfo(document.getText(), document.offsetAt(position), { uri: document.uri, host });
      return info ? toHover(document, info, options.ruleDocsUri) : null;
    }),
  );

  connection.onCompletion(({ textDocument, position }) =>
    guarded('completions', textDocument.uri, [], (document) =>
      toCompletionItems(document, completionsAt(document.getText(), document.offsetAt(position))),
    ),
  );

  connection.onCodeLens(({ textDocument }) => guarded('code lenses', textDocument.uri, [], enableCodeLenses));

  connection.onExecuteCommand(async ({ command, arguments: args }) => {
    if (command !== ENABLE_COMMAND) return;
    const uri = typeof args?.[0] === 'string' ? args[0] : '';
    try {
      await executeEnableCommand(connection, documents.get(uri), args, versionedEdits);
    } catch (error) {
      connection.console.error(`Could not run ${command} for ${uri}: ${String(error)}`);
    }
  });

  // Trusted now: parameter files and linked templates may be read; analyse everything again.
  trust.onTrusted(() => invalidate('everything'));
  trust.onTrusted(() => workspaceDiagnostics.trustGranted());
  trust.listen(connection);

  documents.listen(connection);
}
