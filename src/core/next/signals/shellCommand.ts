/**
 * Turns a terminal command line into something safe to store and useful to learn from:
 * secrets are removed before anything is kept, and volatile arguments (numbers, quoted text,
 * commit hashes) are replaced by placeholders in the template, so "git commit -m 'fix x'" and
 * "git commit -m 'fix y'" are the same habit.
 */
import { stripSecrets } from '../../privacy/commandSecrets';

export interface NormalizedCommand {
  /** The learning key: placeholders for volatile arguments and secrets. */
  readonly template: string;
  /** The command as typed, minus secrets: what Ondi offers to run again. */
  readonly command: string;
  /** True when a secret was removed, so `command` cannot be run as is. */
  readonly redacted: boolean;
}

const MAX_LENGTH = 500;

/** Returns undefined for an empty line or one too long to be a habit (a pasted script). */
export function normalizeCommand(commandLine: string): NormalizedCommand | undefined {
  const line = commandLine.replace(/\s+/g, ' ').trim();
  if (line === '' || line.length > MAX_LENGTH) return undefined;
  const command = stripSecrets(line);
  return { template: templateOf(command), command, redacted: command !== line };
}

/** Placeholders for the parts of a command that change from one run to the next. */
export function templateOf(command: string): string {
  return command
    .replace(/"(?:[^"\\]|\\.)*"|'[^']*'/g, '<text>')
    .replace(/(^|[\s=])[0-9a-f]{7,40}(?=\s|$)/g, '$1<hash>')
    .replace(/(^|[\s=])[\d.:]*\d[\d.:]*(?=\s|$)/g, '$1<n>');
}
