import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { bundledRuleDocsUri } from './rule-docs';
import { startServer } from './server';

// `node dist/server.js --stdio` (or --node-ipc, --socket=N, --pipe=NAME): createConnection reads the transport from argv.
const connection = createConnection(ProposedFeatures.all);
startServer(connection, { ruleDocsUri: bundledRuleDocsUri });
connection.listen();
