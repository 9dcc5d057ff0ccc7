import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import type { HostAdapter } from './host-adapter';
import { mappingFromSetting, NodeWorkspaceHost, pathOf } from './node-workspace-host';
import { bundledRuleDocsUri } from './rule-docs';
import { startServer } from './server';

/** The Node server: files are read from disk, inside the workspace folders. */
const nodeHostAdapter: HostAdapter = {
  ruleDocsUri: bundledRuleDocsUri,
  createWorkspaceHost(context) {
    const folders = context.folderUris.map(pathOf).filter((path): path is string => path !== undefined);
    return new NodeWorkspaceHost({
      roots: folders,
      openDocument: context.openDocument,
      openDocuments: context.openDocuments,
      parameterFileMapping: () => mappingFromSetting(context.parameterFilesSetting(), folders),
      trusted: context.trusted,
    });
  },
  byteLength: (text) => Buffer.byteLength(text, 'utf8'),
  yieldToEvents: () => new Promise((resolve) => setImmediate(resolve)),
};

// `node dist/server.js --stdio` (or --node-ipc, --socket=N, --pipe=NAME): createConnection reads the transport from argv.
const connection = createConnection(ProposedFeatures.all);
startServer(connection, nodeHostAdapter);
connection.listen();
