import type * as vscode from 'vscode';
import { createLogger, type Logger, type LogLevel } from '../core/log';

/**
 * The single Logger of the extension, writing to the "Ondi" log output channel. `ondi.logLevel`
 * filters first; the channel's own level (Developer: Set Log Level) applies after that.
 */
export function createOutputChannelLogger(channel: vscode.LogOutputChannel, threshold: () => LogLevel): Logger {
  return createLogger(({ level, message }) => {
    switch (level) {
      case 'error':
        channel.error(message);
        break;
      case 'warn':
        channel.warn(message);
        break;
      case 'info':
        channel.info(message);
        break;
      case 'debug':
        channel.debug(message);
        break;
    }
  }, threshold);
}
