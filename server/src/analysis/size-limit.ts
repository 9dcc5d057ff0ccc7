import type { AnalysisResult } from './types';

/**
 * The default size limit, in megabytes. ARM rejects templates over 4 MB, so no deployable
 * template comes near 10 MB; the headroom covers whitespace and comments that the size of a
 * template file may count, and a parse of 10 MB stays well under a second.
 */
export const DEFAULT_MAX_FILE_SIZE_MB = 10;

/** How far into a file that is too large to parse its `$schema` is looked for. */
export const SCHEMA_SEARCH_LENGTH = 64 * 1024;
const SCHEMA_NEAR_START =
  /"\$schema"\s*:\s*"https?:\/\/schema\.management\.azure\.com\/schemas\/[^/"]+\/(?:deploymentTemplate|subscriptionDeploymentTemplate|tenantDeploymentTemplate|managementGroupDeploymentTemplate)\.json#?"/i;

/** A size limit as a user may give it: a positive number of megabytes, or nothing valid. */
export function validMaxFileSizeMB(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
}

/**
 * Refuses a document larger than the limit before it is parsed, so that no analysis runs
 * unbounded. A document that is not an ARM template is skipped quietly; a template gets one
 * problem that says how large it is, what the limit is and how to raise it (`limitName`).
 * Returns undefined when the document is within the limit.
 *
 * @param head the start of the document (at least SCHEMA_SEARCH_LENGTH characters when it has them)
 * @param sizeInBytes the document's size in bytes (UTF-8)
 */
export function checkSize(head: string, sizeInBytes: number, maxFileSizeMB: number, limitName: string): AnalysisResult | undefined {
  if (sizeInBytes <= maxFileSizeMB * 1024 * 1024) return undefined;
  if (!SCHEMA_NEAR_START.test(head.slice(0, SCHEMA_SEARCH_LENGTH))) return { isTemplate: false, findings: [] };
  const size = (sizeInBytes / (1024 * 1024)).toFixed(1);
  return {
    isTemplate: true,
    findings: [],
    problem: {
      kind: 'too-large',
      message:
        `This template is ${size} MB, more than the ${maxFileSizeMB} MB limit (${limitName}), so it was not checked for managed identity readiness. ` +
        `ARM rejects templates over 4 MB; raise ${limitName} if this file must be checked.`,
      range: { offset: 0, length: 0 },
    },
  };
}
