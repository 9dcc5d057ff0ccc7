import { CodeActionKind, type CodeAction, type CodeActionParams } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { hasComments, isApplicationManifestUri, suppressionEdit, type Finding } from '../analysis';
import { diagnosticFor, toWorkspaceEdit } from './code-actions';
import type { RuleDocsUri } from './diagnostics';

/**
 * The client command behind "Turn off <code> in settings". The VS Code extension registers it
 * and announces it in `initializationOptions.clientCommands`; the server offers the action only
 * to clients that announced it. Its one argument is the rule code.
 */
export const TURN_OFF_RULE_COMMAND = 'sfManagedIdentity.turnOffRule';

/** Language ids whose editors accept comments: VS Code's JSON with Comments, and ARM Tools'. */
const COMMENT_LANGUAGES = new Set(['jsonc', 'arm-template']);

export interface SuppressionActionOptions {
  versionedEdits: boolean;
  /** The client runs TURN_OFF_RULE_COMMAND. */
  turnOffCommand: boolean;
  docsUri: RuleDocsUri;
}

/**
 * Whether a suppression comment may be added. ARM accepts comments, but a document in VS Code's
 * `json` mode (or any other strict JSON mode) gets an error for each one, and other JSON tools
 * refuse them. So only JSONC and ARM template documents, and documents that already have a
 * comment (their author chose comments), are offered the comment.
 */
export function acceptsComments(document: TextDocument): boolean {
  // An ApplicationManifest.xml is XML: a JSON comment there would break it.
  if (isApplicationManifestUri(document.uri)) return false;
  return COMMENT_LANGUAGES.has(document.languageId) || hasComments(document.getText());
}

/**
 * "Disable <code> for this line" and "Turn off <code> in settings" for the findings in the
 * request, after the fixes. `findings` are those the user sees: suppressed and turned-off
 * ones have nothing to suppress.
 */
export function suppressionActions(document: TextDocument, findings: readonly Finding[], params: CodeActionParams, options: SuppressionActionOptions): CodeAction[] {
  const only = params.context.only;
  if (only && !only.some((kind) => CodeActionKind.QuickFix.startsWith(kind))) return [];
  const text = document.getText();
  let comments: boolean | undefined; // scans the text, so only once a finding is in the request
  const disable: CodeAction[] = [];
  const turnOff: CodeAction[] = [];
  const seen = new Set<string>();
  for (const finding of findings) {
    const diagnostic = diagnosticFor(document, finding, params, options.docsUri);
    if (!diagnostic) continue;
    const line = document.positionAt(finding.range.offset).line;
    comments ??= acceptsComments(document);
    const edit = comments ? suppressionEdit(text, finding.range.offset, finding.code) : undefined;
    if (edit && !seen.has(`${finding.code}@${line}`)) {
      seen.add(`${finding.code}@${line}`);
      disable.push({
        title: `Disable ${finding.code} for this line`,
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        edit: toWorkspaceEdit(document, [edit], options.versionedEdits),
      });
    }
    if (options.turnOffCommand && !seen.has(finding.code)) {
      seen.add(finding.code);
      const title = `Turn off ${finding.code} in settings`;
      turnOff.push({ title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], command: { title, command: TURN_OFF_RULE_COMMAND, arguments: [finding.code] } });
    }
  }
  return [...disable, ...turnOff];
}
