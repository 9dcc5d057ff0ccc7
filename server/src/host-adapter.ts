import type { Connection, InitializeParams } from 'vscode-languageserver';
import type { WorkspaceHost } from './analysis';
import type { RuleDocsUri } from './lsp/diagnostics';

/** What the server knows when it (re)creates its workspace host. */
export interface WorkspaceHostContext {
  /** The workspace folders, as URIs: nothing outside them is read or listed. */
  folderUris: string[];
  /** The text of a document open in the editor, which wins over the file in the workspace. */
  openDocument(uri: string): string | undefined;
  /** The URIs of the open documents: a new file may be open before it is saved. */
  openDocuments(): string[];
  /** ARM Tools' `azureResourceManagerTools.parameterFiles` setting, as the client sent it. */
  parameterFilesSetting(): unknown;
  /**
   * For hosts that learn of files later than they are asked (the browser's, which asks the
   * client): call it when files may read differently now, to have the documents analysed again.
   */
  filesArrived(): void;
  /**
   * Whether the workspace is trusted (see `lsp/trust.ts`), asked at each read. While it answers
   * false, the host reads no file and lists no folder: Restricted Mode.
   */
  trusted(): boolean;
}

/** The workspace host a server uses, with what the server tells it of changes. */
export interface ServerWorkspaceHost extends WorkspaceHost {
  /** A file was created, changed or deleted in the workspace; a host that remembers files forgets it. */
  fileChanged?(uri: string): void;
}

/**
 * Everything in which the Node server and the browser (web worker) server differ. server.ts
 * imports no Node module; main.ts and browser-main.ts each hand it an adapter.
 */
export interface HostAdapter {
  /** Where each rule's documentation page lives. */
  ruleDocsUri: RuleDocsUri;
  /** Called first in `initialize`, before any host is created. */
  initialize?(params: InitializeParams): void;
  /** The host through which the analysis reads other files. */
  createWorkspaceHost(context: WorkspaceHostContext, connection: Connection): ServerWorkspaceHost;
  /** The size of a text in UTF-8, in bytes. */
  byteLength(text: string): number;
  /** Resolves once the events (edits, cancellations) that have already arrived are handled. */
  yieldToEvents(): Promise<void>;
}
