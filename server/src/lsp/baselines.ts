import { NotificationType, type Connection } from 'vscode-languageserver';
import { sameUri, type Baseline } from '../analysis';

/**
 * `sfManagedIdentity/baseline`: the client sends a document's last committed version (the
 * text at `ref`, usually HEAD), or `text: null` when there is none (no git, an untracked file,
 * an untrusted workspace). The server never runs git itself.
 */
export interface BaselineParams {
  uri: string;
  text: string | null;
  ref: string;
}

export const BASELINE_NOTIFICATION = new NotificationType<BaselineParams>('sfManagedIdentity/baseline');

/** A baseline larger than this is not kept: ARM itself refuses templates over 4 MB. */
const MAX_BASELINE_LENGTH = 64 * 1024 * 1024;

/** The baselines the client has sent, by document URI. */
export class Baselines {
  private readonly byUri = new Map<string, Baseline>();

  get(uri: string): Baseline | undefined {
    const exact = this.byUri.get(uri);
    if (exact) return exact;
    for (const [key, baseline] of this.byUri) if (sameUri(key, uri)) return baseline;
    return undefined;
  }

  /**
   * Records what a notification says; returns the URI whose baseline changed, or undefined
   * when nothing changed or the parameters are not of the expected shape (ignored, never thrown).
   */
  update(params: unknown): string | undefined {
    if (typeof params !== 'object' || params === null) return undefined;
    const { uri, text, ref } = params as Record<string, unknown>;
    if (typeof uri !== 'string' || uri === '') return undefined;
    const previous = this.get(uri);
    for (const key of [...this.byUri.keys()]) if (sameUri(key, uri)) this.byUri.delete(key);
    if (typeof text !== 'string' || text.length > MAX_BASELINE_LENGTH) return previous ? uri : undefined;
    const baseline = { text, ref: typeof ref === 'string' && ref !== '' ? ref.slice(0, 200) : 'the baseline' };
    this.byUri.set(uri, baseline);
    return previous?.text === baseline.text && previous.ref === baseline.ref ? undefined : uri;
  }
}

/** Listens for baselines; `changed` is called with the URI of a document whose baseline changed. */
export function listenForBaselines(connection: Connection, changed: (uri: string) => void): Baselines {
  const baselines = new Baselines();
  connection.onNotification(BASELINE_NOTIFICATION.method, (params: unknown) => {
    const uri = baselines.update(params);
    if (uri !== undefined) changed(uri);
  });
  return baselines;
}
