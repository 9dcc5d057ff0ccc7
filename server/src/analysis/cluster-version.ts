export type ClusterOs = 'windows' | 'linux';

/**
 * The first runtime with the Managed Identity Token Service: 6.5 CU2. Only major, minor and
 * build count; the fourth part has been numbered differently over the years and tells
 * neither the OS nor the order (../shared/DOMAIN.md, "Versions").
 */
export const MINIMUM_VERSION: Record<ClusterOs, { display: string; comparable: string }> = {
  windows: { display: '6.5.658.9590', comparable: '6.5.658' },
  linux: { display: '6.5.460.1', comparable: '6.5.460' },
};

const CLUSTER_VERSION = /^(\d{1,9})\.(\d{1,9})\.(\d{1,9})(?:\.(\d{1,9}))?$/;

/** `major.minor.build` of a Service Fabric runtime version, or undefined if it is not one. */
export function comparableVersion(version: string): string | undefined {
  const match = CLUSTER_VERSION.exec(version.trim());
  if (!match) return undefined;
  return `${Number(match[1])}.${Number(match[2])}.${Number(match[3])}`;
}

/** True if `version` is older than the first runtime with the token service on `os`. */
export function isBelowMinimum(version: string, os: ClusterOs): boolean | undefined {
  const comparable = comparableVersion(version);
  if (comparable === undefined) return undefined;
  const parts = comparable.split('.').map(Number);
  const minimum = MINIMUM_VERSION[os].comparable.split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    if (parts[i] !== minimum[i]) return parts[i] < minimum[i];
  }
  return false;
}
