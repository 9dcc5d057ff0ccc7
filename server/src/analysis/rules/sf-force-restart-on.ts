// forceRestart is needed once, for the upgrade that enables the token service; left on, every later upgrade restarts every node.
import { changeAt, findingAt } from '../source-documents';
import type { Finding } from '../types';
import type { Rule } from './rule';
import { deploymentNote } from './deployment-note';
import { origin } from './value-origin';

export const sfForceRestartOn: Rule = {
  id: 'sf-force-restart-on',
  defaultSeverity: 'warning',
  description: 'upgradeDescription.forceRestart is true, so every upgrade restarts every node.',
  check({ clusters }) {
    const findings: Finding[] = [];
    for (const { forceRestart, entry, baseline } of clusters) {
      const note = deploymentNote(entry);
      if (forceRestart.state !== 'on') continue;
      if (baseline?.state === 'enabling') {
        // The first of the two documented steps: nothing to fix yet, only the second step to remember.
        findings.push({
          code: sfForceRestartOn.id,
          severity: 'information',
          message:
            `First step: this change enables the Managed Identity Token Service, which is not enabled at ${baseline.ref}, ` +
            'with upgradeDescription.forceRestart true, as the documentation asks, so that every node restarts and the static setting takes effect. ' +
            'Roll back forceRestart to false after this upgrade completes, or every later upgrade restarts every node too.' +
            (note ? ` ${note.trim()}` : ''),
          ...findingAt(forceRestart.range),
          related: origin(forceRestart.steps, 'true'),
          fixes: [],
        });
        continue;
      }
      const leftOn = baseline?.state === 'already-enabled'
        ? `forceRestart was left on: the Managed Identity Token Service was already enabled at ${baseline.ref}, so the upgrade that needed the restart is done or under way. `
        : '';
      findings.push({
        code: sfForceRestartOn.id,
        severity: 'warning',
        message:
          leftOn +
          'upgradeDescription.forceRestart is true, so every cluster upgrade restarts every node. ' +
          'It is needed once, for the upgrade that enables the Managed Identity Token Service. ' +
          'Roll it back to false once that upgrade has completed, or every later upgrade restarts every node too.' +
          (forceRestart.value ? '' : ' The value is computed by an expression, so there is no quick fix: change the expression or the values it uses.') +
          (note ? ` ${note.trim()}` : ''),
        ...findingAt(forceRestart.range),
        related: origin(forceRestart.steps, 'true'),
        // Only a literal `true` is replaced; a value computed by an expression is the user's to change.
        fixes: forceRestart.value
          ? [{ title: 'Set forceRestart to false', isPreferred: true, changes: [changeAt(forceRestart.value, false)] }]
          : [],
      });
    }
    return findings;
  },
};
