import { findSecrets } from './secretScan';

/** What a secret in a command line is replaced by: the command shows where it was and cannot be run as is. */
export const SECRET = '<secret>';

const SECRET_NAME = /(pass(word|wd)?|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|credential|auth)/i;

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
