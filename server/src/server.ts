import {
  CodeActionKind,
  DocumentDiagnosticReportKind,
  LSPErrorCodes,
  ResponseError,
  TextDocumentSyncKind,
  TextDocuments,
  type Connection,
  type InitializeResult,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { analyzeTemplate, checkSize, DEFAULT_MAX_FILE_SIZE_MB, FIX_ALL_KIND, validMaxFileSizeMB, type AnalysisResult } from './analysis';
import { codeActions } from './lsp/code-actions';
import { toDiagnostics, type RuleDocsUri } from './lsp/diagnostics';

export interface ServerOptions {
  /** Where each rule's documentation page lives. */
  ruleDocsUri: RuleDocsUri;
}

/** How long push diagnostics wait for typing to pause. */
const PUSH_DEBOUNCE_MS = 150;
const NOT_ANALYSED: AnalysisResult = { isTemplate: false, findings: [] };
/** The setting that limits the size of the documents analysed. */
const MAX_FILE_SIZE_SETTING = 'sfManagedIdentity.maxFileSizeMB';

/**
 * Wires the analysis to a connection: documents, capabilities and handlers, nothing more.
 * Diagnostics are pulled by clients that support it and pushed to the others.
 */
export function startServer(connection: Connection, options: ServerOptions): void {
  const documents = new TextDocuments(TextDocument);
  const analyses = new Map<string, { version: number; text: string; result: AnalysisResult }>();
  /** Scheduled publishes: the timer, and the document version it was scheduled for. */
  const pending = new Map<string, { timer: ReturnType<typeof setTimeout>; version: number; delay: number }>();
  let pullDiagnostics = false;
  let versionedEdits = false;
  let configurationPull = false;
  let diagnosticsRefresh = false;
  let maxFileSizeMB = DEFAULT_MAX_FILE_SIZE_MB;

  /** The analysis of a document's current version; bad input never escapes as an exception. */
  function analysisOf(document: TextDocument): AnalysisResult {
    const cached = analyses.get(document.uri);
    const text = document.getText();
    // The text is compared too: a client that sends a version twice, or out of order, must
    // not get the analysis of other text, whose ranges would put edits in the wrong place.
    if (cached?.version === document.version && cached.text === text) return cached.result;
    let result: AnalysisResult;
    try {
      result = checkSize(text, Buffer.byteLength(text, 'utf8'), maxFileSizeMB, MAX_FILE_SIZE_SETTING) ?? analyzeTemplate(text);
    } catch (error) {
      connection.console.error(`Could not analyse ${document.uri}: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
      result = NOT_ANALYSED;
    }
    analyses.set(document.uri, { version: document.version, text, result });
    return result;
  }

  function publish(uri: string): void {
    pending.delete(uri);
    const document = documents.get(uri);
    if (!document) return;
    void connection.sendDiagnostics({
      uri,
      version: document.version,
      diagnostics: toDiagnostics(document, analysisOf(document), options.ruleDocsUri),
    });
  }

  function schedulePublish(document: TextDocument, delay: number): void {
    clearTimeout(pending.get(document.uri)?.timer);
    pending.set(document.uri, { timer: setTimeout(() => publish(document.uri), delay), version: document.version, delay });
  }

  connection.onInitialize((params): InitializeResult => {
    pullDiagnostics = params.capabilities.textDocument?.diagnostic !== undefined;
    versionedEdits = params.capabilities.workspace?.workspaceEdit?.documentChanges === true;
    configurationPull = params.capabilities.workspace?.configuration === true;
    diagnosticsRefresh = params.capabilities.workspace?.diagnostics?.refreshSupport === true;
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND] },
        ...(pullDiagnostics
          ? { diagnosticProvider: { identifier: 'sf-managed-identity', interFileDependencies: false, workspaceDiagnostics: false } }
          : {}),
      },
      serverInfo: { name: 'sf-managed-identity' },
    };
  });

  /** Takes the settings a client pushed, or pulls them; then analyses every open document again. */
  async function updateSettings(pushed: unknown): Promise<void> {
    let section = (pushed as { sfManagedIdentity?: { maxFileSizeMB?: unknown } } | null | undefined)?.sfManagedIdentity;
    if (section === undefined && configurationPull) {
      try {
        section = (await connection.workspace.getConfiguration('sfManagedIdentity')) ?? undefined;
      } catch {
        section = undefined;
      }
    }
    const limit = validMaxFileSizeMB(section?.maxFileSizeMB) ?? DEFAULT_MAX_FILE_SIZE_MB;
    if (limit === maxFileSizeMB) return;
    maxFileSizeMB = limit;
    analyses.clear();
    if (pullDiagnostics) {
      if (diagnosticsRefresh) void connection.languages.diagnostics.refresh();
    } else {
      for (const document of documents.all()) schedulePublish(document, 0);
    }
  }

  connection.onInitialized(() => {
    if (configurationPull) void updateSettings(undefined);
  });
  connection.onDidChangeConfiguration((params) => void updateSettings(params.settings));

  documents.onDidOpen(({ document }) => {
    if (!pullDiagnostics) schedulePublish(document, 0);
  });
  documents.onDidChangeContent(({ document }) => {
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
    if (!pullDiagnostics) void connection.sendDiagnostics({ uri: document.uri, diagnostics: [] });
  });

  connection.languages.diagnostics.on(async (params, token) => {
    // Let edits and cancellations that have already arrived go first: a pull that a newer edit
    // made stale is then cancelled (by the client) before it analyses old text, and any other
    // pull is answered from the newest version.
    await new Promise((resolve) => setImmediate(resolve));
    if (token.isCancellationRequested) throw new ResponseError(LSPErrorCodes.RequestCancelled, 'A newer edit made this request stale.');
    const document = documents.get(params.textDocument.uri);
    return {
      kind: DocumentDiagnosticReportKind.Full,
      items: document ? toDiagnostics(document, analysisOf(document), options.ruleDocsUri) : [],
    };
  });

  connection.onCodeAction((params) => {
    const document = documents.get(params.textDocument.uri);
    if (!document) return [];
    try {
      return codeActions(document, analysisOf(document), params, versionedEdits, options.ruleDocsUri);
    } catch (error) {
      connection.console.error(`Could not compute code actions for ${document.uri}: ${String(error)}`);
      return [];
    }
  });

  documents.listen(connection);
}
