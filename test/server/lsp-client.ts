import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import type { ApplyWorkspaceEditParams, ApplyWorkspaceEditResult, ClientCapabilities, ConfigurationParams, InitializeResult, PublishDiagnosticsParams, Registration, RegistrationParams, ShowMessageParams } from 'vscode-languageserver-protocol';

const SERVER = join(__dirname, '..', '..', '..', 'dist', 'server.js');

/** The real bundled server, spawned as any LSP client would: `node dist/server.js --stdio`. */
export class LspClient {
  readonly connection: MessageConnection;
  private readonly process: ChildProcess;
  private readonly waiting: Array<{ uri: string; predicate: (p: PublishDiagnosticsParams) => boolean; resolve: (p: PublishDiagnosticsParams) => void }> = [];
  readonly published: PublishDiagnosticsParams[] = [];
  /** The workspace edits the server asked to apply, and the messages it showed, in order. */
  readonly applyEditRequests: ApplyWorkspaceEditParams[] = [];
  readonly messages: ShowMessageParams[] = [];
  /** How this client answers workspace/applyEdit. */
  applyEditAnswer: ApplyWorkspaceEditResult = { applied: true };
  stderr = '';
  /**
   * What the client answers to `workspace/configuration`, as VS Code does: the settings of a
   * section, with those of the folder that holds `scopeUri` (the longest matching prefix) over
   * the global ones.
   */
  settings: { global: Record<string, unknown>; folders: Record<string, Record<string, unknown>> } = { global: {}, folders: {} };
  /** Every `workspace/configuration` item the server asked for. */
  readonly configurationRequests: ConfigurationParams['items'] = [];
  /** Every capability the server registered. */
  readonly registrations: Registration[] = [];
  private refreshes = 0;
  private readonly refreshWaiting: Array<() => void> = [];

  /** `nodeArgs` go to node before the server script (e.g. `--require` a preload). */
  constructor(nodeArgs: string[] = [], env: NodeJS.ProcessEnv = process.env) {
    this.process = spawn(process.execPath, [...nodeArgs, SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'], env });
    this.process.stderr!.on('data', (chunk) => (this.stderr += String(chunk)));
    this.connection = createMessageConnection(new StreamMessageReader(this.process.stdout!), new StreamMessageWriter(this.process.stdin!));
    this.connection.onNotification('textDocument/publishDiagnostics', (params: PublishDiagnosticsParams) => {
      this.published.push(params);
      for (const waiter of [...this.waiting]) {
        if ((waiter.uri === params.uri || waiter.uri === '*') && waiter.predicate(params)) {
          this.waiting.splice(this.waiting.indexOf(waiter), 1);
          waiter.resolve(params);
        }
      }
    });
    this.connection.onNotification('window/logMessage', () => undefined);
    this.connection.onRequest('workspace/configuration', (params: ConfigurationParams) => {
      this.configurationRequests.push(...params.items);
      return params.items.map((item) => this.configuration(item.scopeUri, item.section));
    });
    this.connection.onRequest('client/registerCapability', (params: RegistrationParams) => {
      this.registrations.push(...params.registrations);
      return null;
    });
    this.connection.onRequest('workspace/diagnostic/refresh', () => {
      this.refreshes++;
      for (const resolve of this.refreshWaiting.splice(0)) resolve();
      return null;
    });
    this.connection.onNotification('window/showMessage', (params: ShowMessageParams) => this.messages.push(params));
    this.connection.onRequest('workspace/applyEdit', (params: ApplyWorkspaceEditParams) => {
      this.applyEditRequests.push(params);
      return this.applyEditAnswer;
    });
    this.connection.listen();
  }

  async initialize(
    capabilities: ClientCapabilities,
    workspaceFolders: Array<{ uri: string; name: string }> | null = null,
    initializationOptions?: unknown,
  ): Promise<InitializeResult> {
    const result = await this.connection.sendRequest<InitializeResult>('initialize', { processId: process.pid, rootUri: null, workspaceFolders, capabilities, initializationOptions });
    await this.connection.sendNotification('initialized', {});
    return result;
  }

  /** Resolves with the next publishDiagnostics for `uri` that satisfies `predicate`. */
  nextDiagnostics(uri: string, predicate: (p: PublishDiagnosticsParams) => boolean = () => true): Promise<PublishDiagnosticsParams> {
    return new Promise((resolve) => this.waiting.push({ uri, predicate, resolve }));
  }

  /** Resolves with the next publishDiagnostics, for any URI. */
  nextPublished(): Promise<PublishDiagnosticsParams> {
    return new Promise((resolve) => this.waiting.push({ uri: '*', predicate: () => true, resolve }));
  }

  /** Resolves when the server next asks the client to pull diagnostics again. */
  nextRefresh(): Promise<void> {
    return new Promise((resolve) => this.refreshWaiting.push(resolve));
  }

  get refreshCount(): number {
    return this.refreshes;
  }

  /** Changes the settings and tells the server, as VS Code does after a settings edit. */
  changeSettings(settings: LspClient['settings'], notified: unknown = null): Promise<void> {
    this.settings = settings;
    return this.connection.sendNotification('workspace/didChangeConfiguration', { settings: notified });
  }

  private configuration(scopeUri: string | undefined, section: string | undefined): unknown {
    const folder = Object.keys(this.settings.folders)
      .filter((prefix) => scopeUri?.startsWith(prefix))
      .sort((a, b) => b.length - a.length)[0];
    const merged = { ...this.settings.global, ...(folder ? this.settings.folders[folder] : {}) };
    return section ? merged[section] ?? null : merged;
  }

  open(uri: string, text: string, version = 1, languageId = 'json'): Promise<void> {
    return this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version, text } });
  }

  replace(uri: string, text: string, version: number): Promise<void> {
    return this.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] });
  }

  /** Calls back with the exit code when the server process exits. */
  onExit(listener: (code: number | null) => void): void {
    if (this.process.exitCode !== null) listener(this.process.exitCode);
    else this.process.once('exit', (code) => listener(code));
  }

  get exitCode(): number | null {
    return this.process.exitCode;
  }

  async dispose(): Promise<void> {
    try {
      await this.connection.sendRequest('shutdown');
      await this.connection.sendNotification('exit');
    } catch {
      // The server may already be gone; the test that cares says so.
    }
    this.connection.dispose();
    this.process.kill();
  }
}

interface RawResponse {
  id: string | number;
  result?: unknown;
  error?: { code: number; message: string };
}

/**
 * The bundled server driven with hand-framed messages, for tests that need several messages
 * to reach the server in one write (so that the order it sees them in is certain).
 */
export class RawServer {
  private readonly process: ChildProcess;
  private buffer = Buffer.alloc(0);
  private readonly responses = new Map<string | number, RawResponse>();
  private readonly waiting = new Map<string | number, (response: RawResponse) => void>();

  constructor() {
    this.process = spawn(process.execPath, [SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'ignore'] });
    this.process.stdout!.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      for (;;) {
        const headerEnd = this.buffer.indexOf('\r\n\r\n');
        if (headerEnd < 0) return;
        const length = Number(/Content-Length: (\d+)/i.exec(this.buffer.subarray(0, headerEnd).toString('ascii'))![1]);
        if (this.buffer.length < headerEnd + 4 + length) return;
        const message = JSON.parse(this.buffer.subarray(headerEnd + 4, headerEnd + 4 + length).toString('utf8'));
        this.buffer = this.buffer.subarray(headerEnd + 4 + length);
        if (message.id !== undefined && message.method === undefined) {
          this.responses.set(message.id, message);
          this.waiting.get(message.id)?.(message);
        }
      }
    });
  }

  /** Writes the messages in one write. */
  send(messages: Array<{ id?: string | number; method: string; params: unknown }>): void {
    const framed = messages.map((message) => {
      const body = Buffer.from(JSON.stringify({ jsonrpc: '2.0', ...message }), 'utf8');
      return Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`, 'ascii'), body]);
    });
    this.process.stdin!.write(Buffer.concat(framed));
  }

  async request(method: string, params: unknown): Promise<RawResponse> {
    const id = `${method}#${this.responses.size}`;
    this.send([{ id, method, params }]);
    return this.response(id);
  }

  response(id: string | number): Promise<RawResponse> {
    const known = this.responses.get(id);
    return known ? Promise.resolve(known) : new Promise((resolve) => this.waiting.set(id, resolve));
  }

  kill(): void {
    this.process.kill();
  }
}
