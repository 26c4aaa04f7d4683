import { findSecrets, secretSpans } from './secretScan';

/**
 * Secrets are taken out before anything is learned from a file, so the personal model can
 * never reproduce them. A line that holds one (or a value a .env file declares) is learned as
 * an empty line: no marker is put in its place, since a marker would itself be learned and
 * suggested, and lines keep their numbers.
 */

/** `known`: secret values found elsewhere (the workspace's .env files), removed wherever they appear. */
export function redactSecrets(text: string, known: readonly string[] = []): { text: string; redactions: number } {
  // shorter declared values would blank ordinary words everywhere
  const spans = secretSpans(
    text,
    known.filter((value) => value.length >= 6),
  );
  if (spans.length === 0) return { text, redactions: 0 };
  return { text: blankLines(text, spans), redactions: spans.length };
}

/** Empties every line a span touches, keeping the line breaks. */
function blankLines(text: string, spans: readonly { start: number; end: number }[]): string {
  const lines = text.split('\n');
  const starts: number[] = [];
  let offset = 0;
  for (const line of lines) {
    starts.push(offset);
    offset += line.length + 1;
  }
  const lineAt = (pos: number): number => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] ?? 0) <= pos) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  for (const { start, end } of spans) {
    for (let i = lineAt(start); i <= lineAt(Math.max(start, end - 1)); i++) lines[i] = '';
  }
  return lines.join('\n');
}

/**
 * Values of KEY=VALUE lines (dotenv files): what a workspace itself declares secret. Plain
 * settings (a word, a number, a URL without credentials) are left out unless the key's name
 * says secret: removing `production` or `localhost` would only blank ordinary code.
 */
export function dotenvValues(text: string): string[] {
  const values: string[] = [];
  for (const line of text.split('\n')) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.]*)\s*=\s*(.*)$/.exec(line);
    const raw = m?.[2]?.trim().replace(/^(["'])(.*)\1$/, '$2');
    if (!m || !raw || raw.length < 6) continue;
    const secretName = /pass|pwd|secret|token|key|credential|auth|private|signature|salt/i.test(m[1] ?? '');
    if (secretName || !isPlainSetting(raw)) values.push(raw);
  }
  return values;
}

function isPlainSetting(value: string): boolean {
  return (
    /^[A-Za-z]+$/.test(value) || // production, debug, localhost
    /^[\d.:]+$/.test(value) || // ports, versions, addresses
    /^(?:true|false|yes|no|on|off)$/i.test(value) ||
    (/^[a-z][a-z0-9+.-]*:\/\/[^\s@]+$/i.test(value) && findSecrets(value).length === 0) // a URL without credentials
  );
}
