import type { Connection } from 'vscode-languageserver';
import { RULE_LEVELS, RULES, type RuleLevel } from '../analysis';

/** The configuration section every setting lives under, as `sfManagedIdentity.rules`. */
export const SECTION = 'sfManagedIdentity';

/** The settings the server uses, read from the `sfManagedIdentity` section. */
export interface Settings {
  /** `sfManagedIdentity.rules`: a level per rule code; rules not named keep their own severity. */
  rules: Readonly<Record<string, RuleLevel>>;
}

export const DEFAULT_SETTINGS: Settings = { rules: {} };

/**
 * One reader per setting: it gets the raw value the client sent (anything, or undefined) and
 * returns a valid value, falling back to the default for what it cannot use. A new setting is
 * a field in `Settings`, its default, and a reader here.
 */
const READERS: { [K in keyof Settings]: (raw: unknown) => Settings[K] } = {
  rules(raw) {
    if (!isObject(raw)) return DEFAULT_SETTINGS.rules;
    const known = new Set(RULES.map((rule) => rule.id));
    const rules: Record<string, RuleLevel> = {};
    for (const [code, level] of Object.entries(raw)) {
      // Unknown codes and levels are ignored; VS Code's settings editor flags them already.
      if (known.has(code) && RULE_LEVELS.includes(level as RuleLevel)) rules[code] = level as RuleLevel;
    }
    return rules;
  },
};

/** Reads the `sfManagedIdentity` section as a client sends it; never throws. */
export function parseSettings(section: unknown): Settings {
  const raw = isObject(section) ? section : {};
  const settings = {} as Record<keyof Settings, unknown>;
  for (const key of Object.keys(READERS) as Array<keyof Settings>) settings[key] = READERS[key](raw[key]);
  return settings as Settings;
}

/**
 * The settings for each document. Clients that support `workspace/configuration` are asked
 * per document (so folder settings apply), once until the configuration changes; the others
 * get what they last sent in `workspace/didChangeConfiguration`, or the defaults.
 */
export class DocumentSettings {
  private readonly cache = new Map<string, Promise<Settings>>();
  private global: Settings = DEFAULT_SETTINGS;

  constructor(
    private readonly connection: Connection,
    private readonly pullsConfiguration: boolean,
  ) {}

  /** The settings that apply to the document at `uri`. */
  get(uri: string): Promise<Settings> {
    if (!this.pullsConfiguration) return Promise.resolve(this.global);
    let settings = this.cache.get(uri);
    if (!settings) {
      settings = this.connection.workspace.getConfiguration({ scopeUri: uri, section: SECTION }).then(parseSettings, (error: unknown) => {
        this.connection.console.error(`Could not read the ${SECTION} settings for ${uri}; using the defaults: ${String(error)}`);
        return DEFAULT_SETTINGS;
      });
      this.cache.set(uri, settings);
    }
    return settings;
  }

  /**
   * Forgets what was read, after `workspace/didChangeConfiguration`. A client that cannot be
   * asked may send the new values in the notification (`settings.sfManagedIdentity`).
   */
  changed(notified: unknown): void {
    this.cache.clear();
    if (!this.pullsConfiguration && isObject(notified) && SECTION in notified) this.global = parseSettings(notified[SECTION]);
  }

  /** Forgets a closed document's settings. */
  forget(uri: string): void {
    this.cache.delete(uri);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
