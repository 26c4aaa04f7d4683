/**
 * The logger every layer writes to. Core code receives a Logger instead of importing a
 * concrete one, so the same code logs to VS Code's output channel in the editor, to stderr
 * in the CLI and to memory in tests.
 */
export const LOG_LEVELS = ['error', 'warn', 'info', 'debug'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface Logger {
  error(message: string, error?: unknown): void;
  warn(message: string): void;
  info(message: string): void;
  debug(message: string): void;
}

export function isLogLevel(value: unknown): value is LogLevel {
  return typeof value === 'string' && (LOG_LEVELS as readonly string[]).includes(value);
}

/** True when a message of `level` passes a logger whose least severe level is `threshold`. */
export function isLevelEnabled(level: LogLevel, threshold: LogLevel): boolean {
  return LOG_LEVELS.indexOf(level) <= LOG_LEVELS.indexOf(threshold);
}

/** A readable one-liner for anything thrown; stack traces are added by the sink if it wants them. */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    return error.message || error.name;
  }
  if (typeof error === 'string') {
    return error;
  }
  try {
    return JSON.stringify(error) ?? String(error);
  } catch {
    return String(error);
  }
}

/** What a log line becomes before a sink writes it. */
export interface LogRecord {
  level: LogLevel;
  message: string;
}

/**
 * Builds a Logger that drops records below the threshold (read on every call, so a settings
 * change applies at once) and hands the rest to `write`.
 */
export function createLogger(write: (record: LogRecord) => void, threshold: () => LogLevel): Logger {
  const emit = (level: LogLevel, message: string): void => {
    if (isLevelEnabled(level, threshold())) {
      write({ level, message });
    }
  };
  return {
    error: (message, error) => emit('error', error === undefined ? message : `${message}: ${describeError(error)}`),
    warn: (message) => emit('warn', message),
    info: (message) => emit('info', message),
    debug: (message) => emit('debug', message),
  };
}
