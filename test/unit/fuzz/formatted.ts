import * as fc from 'fast-check';
import { SCHEMA } from './generators';

/**
 * An independent model of templates with clusters, and a printer that writes them the many
 * ways people do: tabs or 2 or 4 spaces, LF or CRLF, comments in every place JSONC allows,
 * trailing commas, any key order, non-ASCII text. The model also says, by the rules as the
 * documentation states them (not by running the analysis), which findings each cluster has.
 */

export type Mits = 'no-properties' | 'no-fabric-settings' | 'other-section' | 'enabled';
export type Force = 'no-description' | 'no-force' | 'true' | 'false';
export type Placement = 'array' | 'symbolic' | 'child' | 'nested-inner' | 'nested-outer';

export interface ClusterModel {
  name: string;
  mits: Mits;
  /** The clusterCodeVersion, literal or through a parameter default. */
  version: { value: string; via: 'literal' | 'parameter' } | undefined;
  linux: boolean;
  force: Force;
}

export interface TemplateModel {
  placement: Placement;
  clusters: ClusterModel[];
}

export interface Style {
  indent: '\t' | '  ' | '    ';
  eol: '\n' | '\r\n';
  /** Drives where comments and trailing commas go, and the key order. */
  seed: number;
  comments: number; // 0..1: how often a comment is placed where one may go
  trailingCommas: boolean;
}

const WINDOWS_MIN = [6, 5, 658, 9590];
const LINUX_MIN = [6, 5, 460, 1];

function below(version: string, minimum: number[]): boolean {
  const parts = version.split('.').map(Number);
  // major.minor.build; the fourth part does not tell the order (DOMAIN.md, "Versions").
  for (let i = 0; i < 3; i++) {
    const a = parts[i] ?? 0;
    if (a !== minimum[i]) return a < minimum[i];
  }
  return false;
}

/** The findings the documentation says a cluster has, by code. */
export function expectedCodes(cluster: ClusterModel): string[] {
  const codes: string[] = [];
  if (cluster.mits !== 'enabled') codes.push('sf-mits-missing');
  if (cluster.version && below(cluster.version.value, cluster.linux ? LINUX_MIN : WINDOWS_MIN)) codes.push('sf-version-too-low');
  if (cluster.force === 'true') codes.push('sf-force-restart-on');
  return codes.sort();
}

/** What a fix, by its title, does to a cluster in the model. */
export function applyToModel(cluster: ClusterModel, title: string): ClusterModel {
  const next = { ...cluster };
  if (title.startsWith('Enable the Managed Identity Token Service')) next.mits = 'enabled';
  if (title === 'Enable the Managed Identity Token Service and restart every node' || title === 'Set forceRestart to true' || title === 'Add an upgrade policy that restarts every node') {
    next.force = 'true';
  }
  if (title === 'Set forceRestart to false') next.force = 'false';
  const raise = /^Raise clusterCodeVersion to (\S+)/.exec(title);
  if (raise && next.version) next.version = { ...next.version, value: raise[1] };
  return next;
}

const NAMES = ['alpha', 'Bäckerei', 'クラスター', 'zürich-😀', 'plain', 'ĉefa', 'δοκιμή', 'last'];

export const clusterModel = (index: number): fc.Arbitrary<ClusterModel> =>
  fc.record({
    name: fc.constant(`${NAMES[index % NAMES.length]}-${index}`),
    mits: fc.constantFrom<Mits>('no-properties', 'no-fabric-settings', 'other-section', 'enabled'),
    version: fc.option(
      fc.record({ value: fc.constantFrom('6.4.617.9590', '6.5.641.9590', '6.5.658.9590', '7.2.477.9590', '6.5.454.1', '6.5.460.1'), via: fc.constantFrom<'literal' | 'parameter'>('literal', 'parameter') }),
      { nil: undefined },
    ),
    linux: fc.boolean(),
    force: fc.constantFrom<Force>('no-description', 'no-force', 'true', 'false'),
  });

export const templateModel: fc.Arbitrary<TemplateModel> = fc
  .record({ placement: fc.constantFrom<Placement>('array', 'symbolic', 'child', 'nested-inner', 'nested-outer'), count: fc.integer({ min: 1, max: 4 }) })
  .chain(({ placement, count }) => fc.tuple(...Array.from({ length: count }, (_, i) => clusterModel(i))).map((clusters) => ({ placement, clusters })));

export const style: fc.Arbitrary<Style> = fc.record({
  indent: fc.constantFrom<Style['indent']>('\t', '  ', '    '),
  eol: fc.constantFrom<Style['eol']>('\n', '\r\n'),
  seed: fc.integer(),
  comments: fc.constantFrom(0, 0.3, 1),
  trailingCommas: fc.boolean(),
});

// ---- the model as a JSON value ----------------------------------------------------------

function clusterJson(cluster: ClusterModel, versionParameter: string): Record<string, unknown> {
  const resource: Record<string, unknown> = {
    type: 'Microsoft.ServiceFabric/clusters',
    apiVersion: '2021-06-01',
    name: cluster.name,
    location: 'westeurope',
  };
  if (cluster.mits === 'no-properties' && !cluster.version && cluster.force === 'no-description' && !cluster.linux) return resource;
  const properties: Record<string, unknown> = { managementEndpoint: 'https://example.invalid:19080', description: 'Cluster für Tests — 試験' };
  if (cluster.linux) properties.vmImage = 'Linux';
  if (cluster.mits === 'other-section') properties.fabricSettings = [{ name: 'Security', parameters: [{ name: 'ClusterProtectionLevel', value: 'EncryptAndSign' }] }];
  if (cluster.mits === 'no-fabric-settings' || cluster.mits === 'no-properties') {
    // no fabricSettings at all
  }
  if (cluster.mits === 'enabled') properties.fabricSettings = [{ name: 'ManagedIdentityTokenService', parameters: [{ name: 'IsEnabled', value: 'true' }] }];
  if (cluster.version) {
    properties.upgradeMode = 'Manual';
    properties.clusterCodeVersion = cluster.version.via === 'literal' ? cluster.version.value : `[parameters('${versionParameter}')]`;
  }
  if (cluster.force !== 'no-description') {
    const description: Record<string, unknown> = { upgradeReplicaSetCheckTimeout: '1.00:00:00' };
    if (cluster.force !== 'no-force') description.forceRestart = cluster.force === 'true';
    properties.upgradeDescription = description;
  }
  resource.properties = properties;
  return resource;
}

/** The template as a plain JSON value. */
export function templateJson(model: TemplateModel): Record<string, unknown> {
  const parameters: Record<string, unknown> = {};
  const clusters = model.clusters.map((cluster, i) => {
    const parameter = `version${i}`;
    if (cluster.version?.via === 'parameter') parameters[parameter] = { type: 'string', defaultValue: cluster.version.value };
    return clusterJson(cluster, parameter);
  });
  const base: Record<string, unknown> = { $schema: SCHEMA, contentVersion: '1.0.0.0' };
  switch (model.placement) {
    case 'array':
      return { ...base, parameters, resources: clusters };
    case 'symbolic':
      return { ...base, languageVersion: '2.0', parameters, resources: Object.fromEntries(clusters.map((c, i) => [`cluster${i}`, c])) };
    case 'child':
      return {
        ...base,
        parameters,
        resources: [{ type: 'Microsoft.Network/virtualNetworks', apiVersion: '2023-04-01', name: 'vnet', location: 'westeurope', resources: clusters }],
      };
    case 'nested-inner':
    case 'nested-outer': {
      const inner = model.placement === 'nested-inner';
      const template: Record<string, unknown> = { $schema: SCHEMA, contentVersion: '1.0.0.0', resources: clusters };
      if (inner) template.parameters = parameters;
      return {
        ...base,
        parameters: inner ? {} : parameters,
        resources: [
          {
            type: 'Microsoft.Resources/deployments',
            apiVersion: '2022-09-01',
            name: 'nested',
            properties: { mode: 'Incremental', expressionEvaluationOptions: { scope: inner ? 'inner' : 'outer' }, template },
          },
        ],
      };
    }
  }
}

// ---- the printer ------------------------------------------------------------------------

function prng(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 0x100000000;
  };
}

const COMMENT_TEXT = ['note', 'ändern', 'メモ', 'TODO 😀', 'x'];

/**
 * Writes `value` in `style`. Every line's indentation is its nesting depth times the unit;
 * comments go before members (own line), between key and colon, after the colon, after a
 * value, after a comma (line comments), inside empty containers, and at the start and end of
 * the file. Keys are shuffled; a container is sometimes written on one line.
 */
export function print(value: unknown, s: Style): string {
  const random = prng(s.seed);
  const maybe = () => random() < s.comments;
  const block = () => `/* ${COMMENT_TEXT[Math.floor(random() * COMMENT_TEXT.length)]} */`;
  const line = () => `// ${COMMENT_TEXT[Math.floor(random() * COMMENT_TEXT.length)]}`;
  const pad = (depth: number) => s.indent.repeat(depth);

  const write = (v: unknown, depth: number): string => {
    if (v === null || typeof v !== 'object') return JSON.stringify(v);
    const isArray = Array.isArray(v);
    const entries: Array<[string | undefined, unknown]> = isArray ? v.map((x) => [undefined, x]) : Object.entries(v);
    if (!isArray) {
      for (let i = entries.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [entries[i], entries[j]] = [entries[j], entries[i]];
      }
    }
    const [open, close] = isArray ? ['[', ']'] : ['{', '}'];
    if (entries.length === 0) return maybe() ? `${open} ${block()} ${close}` : `${open}${close}`;
    const scalarsOnly = entries.every(([, x]) => x === null || typeof x !== 'object');
    if (scalarsOnly && entries.length <= 3 && random() < 0.3) {
      // One line, as people write small objects.
      const members = entries.map(([k, x]) => (k === undefined ? '' : `${JSON.stringify(k)}: `) + write(x, depth));
      return `${open} ${members.join(', ')}${s.trailingCommas ? ',' : ''} ${close}`;
    }
    const lines: string[] = [];
    entries.forEach(([k, x], i) => {
      const last = i === entries.length - 1;
      if (maybe()) lines.push(pad(depth + 1) + line());
      let member = pad(depth + 1);
      if (k !== undefined) member += JSON.stringify(k) + (maybe() ? ` ${block()}` : '') + ':' + (maybe() ? ` ${block()}` : '') + ' ';
      member += write(x, depth + 1);
      if (maybe()) member += ` ${block()}`;
      if (!last || s.trailingCommas) member += ',';
      if (maybe()) member += ` ${line()}`;
      lines.push(member);
    });
    if (maybe()) lines.push(pad(depth + 1) + line());
    return `${open}${s.eol}${lines.join(s.eol)}${s.eol}${pad(depth)}${close}`;
  };

  const head = maybe() ? `${line()}${s.eol}` : '';
  const tail = maybe() ? `${s.eol}${block()}` : '';
  return `${head}${write(value, 0)}${tail}${s.eol}`;
}
