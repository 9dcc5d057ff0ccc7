import {
  CodeActionKind,
  DidChangeConfigurationNotification,
  DocumentDiagnosticReportKind,
  LSPErrorCodes,
  ResponseError,
  TextDocumentSyncKind,
  TextDocuments,
  type Connection,
  type InitializeResult,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { analyzeTemplate, applyRuleLevels, checkSize, completionsAt, FIX_ALL_KIND, hoverInfo, suppressFindings, type AnalysisResult } from './analysis';
import { codeActions } from './lsp/code-actions';
import { toCompletionItems } from './lsp/completion';
import { ENABLE_COMMAND, enableCodeLenses, executeEnableCommand } from './lsp/enable-command';
import { toHover } from './lsp/hover';
import { toDiagnostics, type RuleDocsUri } from './lsp/diagnostics';
import { DocumentSettings, SECTION } from './lsp/settings';
import { suppressionActions, TURN_OFF_RULE_COMMAND } from './lsp/suppression-actions';

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
  const analyses = new Map<string, { version: number; text: string; maxFileSizeMB: number; result: AnalysisResult }>();
  /** Scheduled publishes: the timer, and the document version it was scheduled for. */
  const pending = new Map<string, { timer: ReturnType<typeof setTimeout>; version: number; delay: number }>();
  let pullDiagnostics = false;
  let versionedEdits = false;
  let refreshPulledDiagnostics = false;
  let registerConfigurationChanges = false;
  let turnOffCommand = false;
  let settings = new DocumentSettings(connection, false);

  /** The analysis of a document's current version; bad input never escapes as an exception. */
  function analysisOf(document: TextDocument, maxFileSizeMB: number): AnalysisResult {
    const cached = analyses.get(document.uri);
    const text = document.getText();
    // The text is compared too: a client that sends a version twice, or out of order, must
    // not get the analysis of other text, whose ranges would put edits in the wrong place.
    if (cached?.version === document.version && cached.text === text && cached.maxFileSizeMB === maxFileSizeMB) return cached.result;
    let result: AnalysisResult;
    try {
      result = checkSize(text, Buffer.byteLength(text, 'utf8'), maxFileSizeMB, MAX_FILE_SIZE_SETTING) ?? analyzeTemplate(text);
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
    void connection.sendDiagnostics({ uri, version: document.version, diagnostics: toDiagnostics(document, result, options.ruleDocsUri) });
  }

  function schedulePublish(document: TextDocument, delay: number): void {
    clearTimeout(pending.get(document.uri)?.timer);
    pending.set(document.uri, { timer: setTimeout(() => void publish(document.uri), delay), version: document.version, delay });
  }

  connection.onInitialize((params): InitializeResult => {
    pullDiagnostics = params.capabilities.textDocument?.diagnostic !== undefined;
    versionedEdits = params.capabilities.workspace?.workspaceEdit?.documentChanges === true;
    refreshPulledDiagnostics = params.capabilities.workspace?.diagnostics?.refreshSupport === true;
    registerConfigurationChanges = params.capabilities.workspace?.didChangeConfiguration?.dynamicRegistration === true;
    settings = new DocumentSettings(connection, params.capabilities.workspace?.configuration === true);
    const clientCommands: unknown = (params.initializationOptions as { clientCommands?: unknown } | undefined)?.clientCommands;
    turnOffCommand = Array.isArray(clientCommands) && clientCommands.includes(TURN_OFF_RULE_COMMAND);
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND] },
        hoverProvider: true,
        // Quotes start a key or a section name; the rest comes on request (Ctrl+Space).
        completionProvider: { triggerCharacters: ['"'] },
        codeLensProvider: { resolveProvider: false },
        executeCommandProvider: { commands: [ENABLE_COMMAND] },
        ...(pullDiagnostics
          ? { diagnosticProvider: { identifier: 'sf-managed-identity', interFileDependencies: false, workspaceDiagnostics: false } }
          : {}),
      },
      serverInfo: { name: 'sf-managed-identity' },
    };
  });

  connection.onInitialized(() => {
    // VS Code sends configuration changes only to servers that register for them.
    if (registerConfigurationChanges) void connection.client.register(DidChangeConfigurationNotification.type, { section: SECTION });
  });

  // Settings apply at once: read them again and renew every diagnostic, without a reload.
  connection.onDidChangeConfiguration((change) => {
    settings.changed(change.settings);
    if (!pullDiagnostics) {
      for (const document of documents.all()) schedulePublish(document, 0);
    } else if (refreshPulledDiagnostics) {
      connection.languages.diagnostics.refresh();
    }
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
    settings.forget(document.uri);
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
      items: document ? toDiagnostics(document, await visibleAnalysisOf(document), options.ruleDocsUri) : [],
    };
  });

  connection.onCodeAction(async (params) => {
    const document = documents.get(params.textDocument.uri);
    if (!document) return [];
    try {
      const version = document.version;
      const visible = await visibleAnalysisOf(document);
      if (documents.get(params.textDocument.uri)?.version !== version) return [];
      return [
        ...codeActions(document, visible, params, versionedEdits, options.ruleDocsUri),
        ...suppressionActions(document, visible.findings, params, { versionedEdits, turnOffCommand, docsUri: options.ruleDocsUri }),
      ];
    } catch (error) {
      connection.console.error(`Could not compute code actions for ${document.uri}: ${String(error)}`);
      return [];
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
      const info = hoverInfo(document.getText(), document.offsetAt(position));
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

  documents.listen(connection);
}
