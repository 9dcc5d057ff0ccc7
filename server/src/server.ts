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
import { analyzeTemplate, type AnalysisResult } from './analysis';
import { codeActions } from './lsp/code-actions';
import { toDiagnostics, type RuleDocsUri } from './lsp/diagnostics';

export interface ServerOptions {
  /** Where each rule's documentation page lives. */
  ruleDocsUri: RuleDocsUri;
}

/** How long push diagnostics wait for typing to pause. */
const PUSH_DEBOUNCE_MS = 150;
const NOT_ANALYSED: AnalysisResult = { isTemplate: false, findings: [] };

/**
 * Wires the analysis to a connection: documents, capabilities and handlers, nothing more.
 * Diagnostics are pulled by clients that support it and pushed to the others.
 */
export function startServer(connection: Connection, options: ServerOptions): void {
  const documents = new TextDocuments(TextDocument);
  const analyses = new Map<string, { version: number; result: AnalysisResult }>();
  /** Scheduled publishes: the timer, and the document version it was scheduled for. */
  const pending = new Map<string, { timer: ReturnType<typeof setTimeout>; version: number; delay: number }>();
  let pullDiagnostics = false;
  let versionedEdits = false;

  /** The analysis of a document's current version; bad input never escapes as an exception. */
  function analysisOf(document: TextDocument): AnalysisResult {
    const cached = analyses.get(document.uri);
    if (cached?.version === document.version) return cached.result;
    let result: AnalysisResult;
    try {
      result = analyzeTemplate(document.getText());
    } catch (error) {
      connection.console.error(`Could not analyse ${document.uri}: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
      result = NOT_ANALYSED;
    }
    analyses.set(document.uri, { version: document.version, result });
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
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
        ...(pullDiagnostics
          ? { diagnosticProvider: { identifier: 'sf-managed-identity', interFileDependencies: false, workspaceDiagnostics: false } }
          : {}),
      },
      serverInfo: { name: 'sf-managed-identity' },
    };
  });

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
