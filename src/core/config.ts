import { isLogLevel, type LogLevel } from './log';

/**
 * Every `ondi.*` setting, typed. The defaults mirror `contributes.configuration` in
 * package.json (a unit test keeps the two equal), so code never sees `undefined` or a wrong
 * type even when a user's settings.json holds garbage.
 */
export interface OndiConfig {
  readonly enable: boolean;
  readonly languages: readonly string[];
  readonly disabledGlobs: readonly string[];
  readonly maxTokens: number;
  readonly debounceMs: number;
  readonly logLevel: LogLevel;
  /** Learn from this workspace's code on the device, while the editor is idle. */
  readonly 'learning.enabled': boolean;
  /** Rank of the personal adapter (its size and capacity). */
  readonly 'learning.rank': number;
  /** Share of one CPU core the learning worker may use while the user is at the editor but not typing (0.1 to 1); idle, it runs at full speed. */
  readonly 'learning.cpuShare': number;
  /** Seconds without typing before Ondi starts (or goes on) learning. */
  readonly 'learning.idleSeconds': number;
  /** Predict where the user edits next and let Tab go there. */
  readonly 'nextEdit.enabled': boolean;
}

export const CONFIG_SECTION = 'ondi';

export const DEFAULT_CONFIG: OndiConfig = Object.freeze({
  enable: true,
  languages: Object.freeze(['typescript', 'typescriptreact', 'javascript', 'javascriptreact', 'python']),
  disabledGlobs: Object.freeze(['**/.env', '**/.env.*', '**/*.pem', '**/*.key', '**/node_modules/**']),
  maxTokens: 48,
  debounceMs: 75,
  logLevel: 'info',
  'learning.enabled': true,
  'learning.rank': 16,
  'learning.cpuShare': 0.5,
  'learning.idleSeconds': 30,
  'nextEdit.enabled': true,
});

/** Limits shared with package.json's `minimum`/`maximum`, enforced here too. */
export const LIMITS = Object.freeze({
  maxTokens: { min: 1, max: 256 },
  debounceMs: { min: 0, max: 2000 },
  'learning.rank': { min: 8, max: 16 },
  'learning.idleSeconds': { min: 5, max: 3600 },
  'learning.cpuShare': { min: 0.1, max: 1 },
});

/** A setting that could not be used as given; its default (or a clamped value) was used. */
export interface ConfigProblem {
  readonly key: keyof OndiConfig;
  readonly message: string;
}

export interface ParsedConfig {
  readonly config: OndiConfig;
  readonly problems: readonly ConfigProblem[];
}

/** Reads one raw setting value by its key inside the `ondi` section. */
export type RawSettings = (key: keyof OndiConfig) => unknown;

export function parseConfig(read: RawSettings): ParsedConfig {
  const problems: ConfigProblem[] = [];
  const problem = (key: keyof OndiConfig, message: string): void => {
    problems.push({ key, message });
  };

  const config: OndiConfig = {
    enable: readBoolean(read, 'enable', problem),
    languages: readStringList(read, 'languages', problem),
    disabledGlobs: readStringList(read, 'disabledGlobs', problem),
    maxTokens: readNumber(read, 'maxTokens', problem, true),
    debounceMs: readNumber(read, 'debounceMs', problem, true),
    logLevel: readLogLevel(read, problem),
    'learning.enabled': readBoolean(read, 'learning.enabled', problem),
    'learning.rank': readNumber(read, 'learning.rank', problem, true),
    'learning.cpuShare': readNumber(read, 'learning.cpuShare', problem, false),
    'learning.idleSeconds': readNumber(read, 'learning.idleSeconds', problem, true),
    'nextEdit.enabled': readBoolean(read, 'nextEdit.enabled', problem),
  };
  return { config, problems };
}

type Report = (key: keyof OndiConfig, message: string) => void;

function readBoolean(
  read: RawSettings,
  key: 'enable' | 'learning.enabled' | 'nextEdit.enabled',
  report: Report,
): boolean {
  const value = read(key);
  if (value === undefined) {
    return DEFAULT_CONFIG[key];
  }
  if (typeof value !== 'boolean') {
    report(key, `expected true or false, got ${JSON.stringify(value)}`);
    return DEFAULT_CONFIG[key];
  }
  return value;
}

function readStringList(read: RawSettings, key: 'languages' | 'disabledGlobs', report: Report): readonly string[] {
  const value = read(key);
  if (value === undefined) {
    return DEFAULT_CONFIG[key];
  }
  if (!Array.isArray(value)) {
    report(key, `expected a list of strings, got ${JSON.stringify(value)}`);
    return DEFAULT_CONFIG[key];
  }
  const strings = value.filter((item): item is string => typeof item === 'string' && item.trim() !== '');
  if (strings.length !== value.length) {
    report(key, 'ignored entries that are not non-empty strings');
  }
  return Object.freeze([...new Set(strings.map((item) => item.trim()))]);
}

/** A number kept inside its LIMITS; a `whole` one is also rounded. */
function readNumber(read: RawSettings, key: keyof typeof LIMITS, report: Report, whole: boolean): number {
  const value = read(key);
  if (value === undefined) {
    return DEFAULT_CONFIG[key];
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    report(key, `expected a number, got ${JSON.stringify(value)}`);
    return DEFAULT_CONFIG[key];
  }
  const { min, max } = LIMITS[key];
  const clamped = Math.min(max, Math.max(min, whole ? Math.round(value) : value));
  if (clamped !== value) {
    report(key, `${value} is outside ${min}..${max}${whole ? ' or not whole' : ''}; using ${clamped}`);
  }
  return clamped;
}

function readLogLevel(read: RawSettings, report: Report): LogLevel {
  const value = read('logLevel');
  if (value === undefined) {
    return DEFAULT_CONFIG.logLevel;
  }
  if (!isLogLevel(value)) {
    report('logLevel', `expected error, warn, info or debug, got ${JSON.stringify(value)}`);
    return DEFAULT_CONFIG.logLevel;
  }
  return value;
}
