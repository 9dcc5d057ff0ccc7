import { MessageType, ShowMessageNotification, TextDocumentEdit, type CodeLens, type Connection, type WorkspaceEdit } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { editsForFix, ENABLE_TITLE, enablePlan, enableTargets } from '../analysis';
import { toRange } from './diagnostics';

/** The command behind the code lens; the client registers it from the server's capabilities. */
export const ENABLE_COMMAND = 'sfManagedIdentity.enableManagedIdentities';

/** One code lens on each classic cluster whose token service is not enabled. */
export function enableCodeLenses(document: TextDocument): CodeLens[] {
  return enableTargets(document.getText()).map((target) => ({
    range: toRange(document, target.range),
    command: { title: ENABLE_TITLE, command: ENABLE_COMMAND, arguments: [document.uri, target.clusterOffset] },
  }));
}

/**
 * Runs the command: computes the whole change against the document as it is now, asks the
 * client to apply it as one edit, and then explains the two-step upgrade.
 */
export async function executeEnableCommand(
  connection: Connection,
  document: TextDocument | undefined,
  args: unknown[] | undefined,
  versionedEdits: boolean,
): Promise<void> {
  const [uri, clusterOffset] = args ?? [];
  if (!document || document.uri !== uri || typeof clusterOffset !== 'number') {
    notify(connection, MessageType.Warning, 'Managed identities were not enabled: the template is no longer open. Open it and use the code lens again.');
    return;
  }
  const text = document.getText();
  const plan = enablePlan(text, clusterOffset);
  const edits = plan && editsForFix(text, plan.fix);
  if (!plan || !edits) {
    notify(
      connection,
      MessageType.Warning,
      'Managed identities were not enabled: the template changed since the code lens was shown, is not valid JSON, or the cluster already enables the Managed Identity Token Service. Use the code lens again once the template is valid.',
    );
    return;
  }
  const textEdits = edits.map((edit) => ({ range: toRange(document, { offset: edit.offset, length: edit.length }), newText: edit.content }));
  const edit: WorkspaceEdit = versionedEdits
    ? { documentChanges: [TextDocumentEdit.create({ uri: document.uri, version: document.version }, textEdits)] }
    : { changes: { [document.uri]: textEdits } };
  const result = await connection.workspace.applyEdit({ label: plan.fix.title, edit });
  if (!result.applied) {
    const reason = result.failureReason ? ` (${result.failureReason})` : '';
    notify(connection, MessageType.Warning, `Managed identities were not enabled: the editor did not apply the change${reason}. Use the code lens again.`);
    return;
  }
  notify(connection, MessageType.Info, plan.message);
}

/** A notification, not a request: nothing to answer, and every client shows it. */
function notify(connection: Connection, type: MessageType, message: string): void {
  void connection.sendNotification(ShowMessageNotification.type, { type, message });
}
