import { extensions, workspace, type Disposable, type Event, type ExtensionContext, type TextDocument, type Uri } from 'vscode';

/**
 * Hands the server each template's last committed version (the file at HEAD), read through
 * VS Code's built-in git extension (`vscode.git`, API version 1), so that the forceRestart
 * advice can tell a change that enables the token service apart from one where it was already
 * enabled.
 * Only in a trusted workspace; no git process is started by this extension or its server.
 * Without git, for an untracked file, or in Restricted Mode, the server gets `text: null` or
 * nothing, and behaves as without a baseline.
 */

/** The part of the git extension's API (extensions/git/src/api/git.d.ts) that is used here. */
interface GitExtension {
  readonly enabled: boolean;
  readonly onDidChangeEnablement: Event<boolean>;
  getAPI(version: 1): GitApi;
}
interface GitApi {
  readonly repositories: Repository[];
  readonly onDidOpenRepository: Event<Repository>;
  getRepository(uri: Uri): Repository | null;
}
interface Repository {
  readonly rootUri: Uri;
  readonly state: { readonly HEAD: { readonly commit?: string } | undefined; readonly onDidChange: Event<void> };
  show(ref: string, path: string): Promise<string>;
}

/** What the server is sent; see server/src/lsp/baselines.ts. */
const BASELINE_NOTIFICATION = 'sfManagedIdentity/baseline';
const LANGUAGES = new Set(['json', 'jsonc', 'arm-template']);
/** Only documents that can hold a classic cluster get a baseline: others have no forceRestart advice. */
const MAY_HOLD_CLUSTER = /microsoft\.servicefabric\/clusters/i;

interface NotificationSender {
  sendNotification(method: string, params: unknown): Promise<void>;
  onDidChangeState(listener: (event: { newState: number }) => void): Disposable;
}
/** vscode-languageclient's State.Running: a restarted server has no baselines yet. */
const RUNNING = 2;

export function registerGitBaseline(context: ExtensionContext, client: NotificationSender): void {
  if (workspace.isTrusted) void start(context, client);
  else context.subscriptions.push(workspace.onDidGrantWorkspaceTrust(() => void start(context, client)));
}

async function start(context: ExtensionContext, client: NotificationSender): Promise<void> {
  const extension = extensions.getExtension<GitExtension>('vscode.git');
  if (!extension) return;
  let git: GitExtension;
  try {
    git = extension.isActive ? extension.exports : await extension.activate();
  } catch {
    return;
  }
  /** The last text sent per document, so that an unchanged baseline is not sent again. */
  const sent = new Map<string, string | null>();
  const watched = new Set<Repository>();
  const subscriptions: Disposable[] = [];
  context.subscriptions.push({ dispose: () => subscriptions.forEach((subscription) => subscription.dispose()) });

  const refresh = async (api: GitApi, document: TextDocument): Promise<void> => {
    if (!LANGUAGES.has(document.languageId) || document.uri.scheme !== 'file' || !MAY_HOLD_CLUSTER.test(document.getText())) return;
    const key = document.uri.toString();
    const repository = api.getRepository(document.uri);
    let text: string | null = null;
    let ref = 'HEAD';
    if (repository) {
      watch(api, repository);
      const commit = repository.state.HEAD?.commit;
      if (commit) ref = `HEAD (${commit.slice(0, 7)})`;
      try {
        text = await repository.show('HEAD', document.uri.fsPath);
      } catch {
        // Untracked, or no commit yet: no baseline.
        text = null;
      }
    }
    const value = text === null ? null : `${ref}\n${text}`;
    if (sent.get(key) === value) return;
    sent.set(key, value);
    try {
      await client.sendNotification(BASELINE_NOTIFICATION, { uri: key, text, ref });
    } catch {
      // The client is stopping: nothing to tell.
    }
  };
  const refreshAll = (api: GitApi) => {
    for (const document of workspace.textDocuments) void refresh(api, document);
  };
  const watch = (api: GitApi, repository: Repository) => {
    if (watched.has(repository)) return;
    watched.add(repository);
    let head = repository.state.HEAD?.commit;
    // A commit, checkout or reset moves HEAD: every open document of the repository is compared again.
    subscriptions.push(
      repository.state.onDidChange(() => {
        if (repository.state.HEAD?.commit === head) return;
        head = repository.state.HEAD?.commit;
        refreshAll(api);
      }),
    );
  };

  const begin = () => {
    let api: GitApi;
    try {
      api = git.getAPI(1);
    } catch {
      return;
    }
    subscriptions.push(
      workspace.onDidOpenTextDocument((document) => void refresh(api, document)),
      workspace.onDidSaveTextDocument((document) => void refresh(api, document)),
      api.onDidOpenRepository((repository) => {
        watch(api, repository);
        refreshAll(api);
      }),
    );
    // After a crash the client restarts the server, which has lost what it was sent.
    subscriptions.push(
      client.onDidChangeState(({ newState }) => {
        if (newState !== RUNNING) return;
        sent.clear();
        refreshAll(api);
      }),
    );
    for (const repository of api.repositories) watch(api, repository);
    refreshAll(api);
  };
  if (git.enabled) begin();
  else {
    const once = git.onDidChangeEnablement((enabled) => {
      if (!enabled) return;
      once.dispose();
      begin();
    });
    subscriptions.push(once);
  }
}
