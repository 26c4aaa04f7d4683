/**
 * Turns a terminal command line into something safe to store and useful to learn from:
 * secrets are removed before anything is kept, and volatile arguments (numbers, quoted text,
 * commit hashes) are replaced by placeholders in the template, so "git commit -m 'fix x'" and
 * "git commit -m 'fix y'" are the same habit.
 */
import { findSecrets } from '../../privacy/secretScan';

export interface NormalizedCommand {
  /** The learning key: placeholders for volatile arguments and secrets. */
  readonly template: string;
  /** The command as typed, minus secrets: what Ondi offers to run again. */
  readonly command: string;
  /** True when a secret was removed, so `command` cannot be run as is. */
  readonly redacted: boolean;
}

export const SECRET = '<secret>';
const MAX_LENGTH = 500;

const SECRET_NAME = /(pass(word|wd)?|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|credential|auth)/i;

/** Returns undefined for an empty line or one too long to be a habit (a pasted script). */
export function normalizeCommand(commandLine: string): NormalizedCommand | undefined {
  const line = commandLine.replace(/\s+/g, ' ').trim();
  if (line === '' || line.length > MAX_LENGTH) return undefined;
  const command = stripSecrets(line);
  return { template: templateOf(command), command, redacted: command !== line };
}

/** Removes everything that looks like a credential, keeping the shape of the command. */
export function stripSecrets(line: string): string {
  let out = line;
  // Key formats, credentials in URLs, random-looking strings: the detector everything learned passes
  for (const span of findSecrets(line).reverse()) out = out.slice(0, span.start) + SECRET + out.slice(span.end);
  // Credentials inside URLs: https://user:pass@host
  out = out.replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:)[^\s@/]+@/gi, `$1${SECRET}@`);
  // Environment assignments and options whose name says secret: TOKEN=x, --api-key=x, --password x
  out = out.replace(/(^|\s)([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|'[^']*'|\S+)/g, (match, lead: string, name: string) =>
    SECRET_NAME.test(name) ? `${lead}${name}=${SECRET}` : match,
  );
  out = out.replace(
    /(--?[A-Za-z0-9][A-Za-z0-9_-]*)(=|\s+)("[^"]*"|'[^']*'|[^\s-]\S*)/g,
    (match, flag: string, sep: string) => (SECRET_NAME.test(flag) ? `${flag}${sep}${SECRET}` : match),
  );
  // Authorization headers: -H "Authorization: Bearer x"
  out = out.replace(/(authorization:\s*(?:bearer|basic|token)?\s*)[^\s"']+/gi, `$1${SECRET}`);
  // mysql-style glued passwords: -pSECRET
  out = out.replace(/(^|\s)-p(?=[^\s])(?!ort)\S+/g, (match, lead: string) =>
    /^\s?-p\d+$/.test(match) ? match : `${lead}-p${SECRET}`,
  );
  return out;
}

/** Placeholders for the parts of a command that change from one run to the next. */
export function templateOf(command: string): string {
  return command
    .replace(/"(?:[^"\\]|\\.)*"|'[^']*'/g, '<text>')
    .replace(/(^|[\s=])[0-9a-f]{7,40}(?=\s|$)/g, '$1<hash>')
    .replace(/(^|[\s=])[\d.:]*\d[\d.:]*(?=\s|$)/g, '$1<n>');
}
