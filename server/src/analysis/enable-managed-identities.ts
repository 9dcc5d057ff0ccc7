import { MINIMUM_VERSION } from './cluster-version';
import { rangeOf } from './json-nodes';
import { sfVersionTooLow } from './rules/sf-version-too-low';
import { parseTemplate, type ParseTemplateOptions } from './template-text';
import { SECTION_NAME } from './token-service';
import type { Fix, JsonChange, OffsetRange } from './types';

/** A cluster that does not enable the token service yet, so the one-step change applies. */
export interface EnableTarget {
  /** The cluster's `type` value, where the diagnostic of sf-mits-missing sits too. */
  range: OffsetRange;
  /** Identifies the cluster: the offset of its resource object. */
  clusterOffset: number;
  label: string;
}

/** The whole documented change for one cluster, as one fix, and what to tell the user. */
export interface EnablePlan {
  fix: Fix;
  /** What the user reads once the edit is applied: what changed, and the two-step upgrade. */
  message: string;
}

export const ENABLE_TITLE = 'Enable managed identities on this cluster…';

/** The classic clusters of a valid template whose token service is missing. */
export function enableTargets(text: string, options: ParseTemplateOptions = {}): EnableTarget[] {
  const parsed = parseTemplate(text, options);
  if (!parsed || parsed.hasErrors) return [];
  return parsed.context.clusters
    .filter((cluster) => cluster.tokenService.state === 'missing' && canEnableHere(cluster.tokenService.enable))
    .map((cluster) => ({ range: rangeOf(cluster.typeNode), clusterOffset: cluster.entry.node.offset, label: cluster.label }));
}

/**
 * The documented change for the cluster at `clusterOffset`, in one fix: enable the token
 * service, raise a clusterCodeVersion that is too low (when the OS, and so the minimum, is
 * known), and set forceRestart true. Undefined when the text is not valid, or the cluster is
 * gone or already enables the token service.
 */
export function enablePlan(text: string, clusterOffset: number): EnablePlan | undefined {
  const parsed = parseTemplate(text);
  if (!parsed || parsed.hasErrors) return undefined;
  const cluster = parsed.context.clusters.find((candidate) => candidate.entry.node.offset === clusterOffset);
  if (!cluster || cluster.tokenService.state !== 'missing' || !canEnableHere(cluster.tokenService.enable)) return undefined;

  const changes: JsonChange[] = [...cluster.tokenService.enable];
  const done = [`added the ${SECTION_NAME} section with IsEnabled "true" to fabricSettings`];
  const todo: string[] = [];

  const tooLow = sfVersionTooLow.check({ ...parsed.context, clusters: [cluster] })[0];
  const raise = tooLow?.fixes.find((fix) => fix.isPreferred && fix.changes.every((change) => change.uri === undefined));
  if (raise) {
    changes.push(...raise.changes);
    done.push(`raised clusterCodeVersion to ${String(raise.changes[0].value)}`);
    if (tooLow.related?.some((related) => related.message.includes('parameter'))) {
      todo.push('If a parameter file sets clusterCodeVersion, raise it there too.');
    }
  } else if (tooLow) {
    todo.push(
      `clusterCodeVersion is older than 6.5 CU2: raise it to ${MINIMUM_VERSION.windows.display} (Windows) or ${MINIMUM_VERSION.linux.display} (Linux), whichever this cluster runs, or the deployment fails with ParameterNotAllowed.`,
    );
  }

  const forceRestart = cluster.forceRestart;
  // The command edits this document only: a change in another file (a parameter file) is left to the user.
  if (forceRestart.state === 'off' && forceRestart.set && forceRestart.set.uri === undefined) {
    changes.push(forceRestart.set);
    done.push(
      forceRestart.title.startsWith('Add')
        ? 'added the documented upgrade policy with forceRestart true'
        : 'set upgradeDescription.forceRestart to true',
    );
  } else if (forceRestart.state === 'off') {
    todo.push('Set upgradeDescription.forceRestart to true for this upgrade; the upgrade policy is computed by an expression, so it was not edited.');
  } else if (forceRestart.state === 'unknown') {
    todo.push('Make sure upgradeDescription.forceRestart is true for this upgrade; its value is an expression this analysis cannot resolve.');
  }

  const message =
    `Enabled managed identities on ${cluster.label.charAt(0).toLowerCase()}${cluster.label.slice(1)}: ${sentence(done)}. ` +
    'Step 1: deploy the template; the cluster upgrade restarts every node and starts the Managed Identity Token Service. ' +
    'Step 2: once that upgrade has completed, set forceRestart back to false and deploy again, or every later upgrade restarts every node needlessly.' +
    (todo.length > 0 ? ` ${todo.join(' ')}` : '');
  return { fix: { title: ENABLE_TITLE.replace('…', ''), isPreferred: false, changes }, message };
}

function sentence(parts: string[]): string {
  if (parts.length === 1) return parts[0];
  return `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}

/**
 * The token service can be enabled with an edit of this document: there is a place to write
 * (not one computed by an expression), and it is not in another file.
 */
function canEnableHere(enable: JsonChange[]): boolean {
  return enable.length > 0 && enable.every((change) => change.uri === undefined);
}
