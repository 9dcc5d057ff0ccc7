import { BrowserMessageReader, BrowserMessageWriter, createConnection, ProposedFeatures } from 'vscode-languageserver/browser';
import { ClientWorkspaceHost, connectionFileSource, utf8ByteLength } from './client-workspace-host';
import type { HostAdapter } from './host-adapter';
import { startServer } from './server';

// The language server in a web worker (vscode.dev, github.dev): the same server.ts as in Node;
// files come from the client, through vscode.workspace.fs.
declare const self: ConstructorParameters<typeof BrowserMessageReader>[0];

/** The extension's own URI, from the client: the rule pages ship in it. */
let extensionUri: string | undefined;

const browserHostAdapter: HostAdapter = {
  ruleDocsUri: (code) => `${extensionUri ?? ''}/docs/rules/${code}.md`,
  initialize(params) {
    const given = (params.initializationOptions as { extensionUri?: unknown } | undefined)?.extensionUri;
    if (typeof given === 'string') extensionUri = given.replace(/\/+$/, '');
  },
  createWorkspaceHost: (context, connection) => new ClientWorkspaceHost(context, connectionFileSource(connection)),
  byteLength: utf8ByteLength,
  yieldToEvents: () => new Promise((resolve) => setTimeout(resolve, 0)),
};

const connection = createConnection(ProposedFeatures.all, new BrowserMessageReader(self), new BrowserMessageWriter(self));
startServer(connection, browserHostAdapter);
connection.listen();
