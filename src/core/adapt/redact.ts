/**
 * Strings that look like secrets are replaced before anything is learned from a file, so the
 * personal model can never reproduce them. Known key formats first, then values assigned to
 * names that say "secret", then long high-entropy literals.
 */
export const REDACTED = 'REDACTED';

const KNOWN_FORMATS: readonly RegExp[] = [
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g,
  /\bAKIA[0-9A-Z]{16}\b/g, // AWS access key id
  /\bgh[pousr]_[A-Za-z0-9]{30,}\b/g, // GitHub tokens
  /\bgithub_pat_[A-Za-z0-9_]{30,}\b/g,
  /\bsk-[A-Za-z0-9_-]{20,}\b/g, // OpenAI-style secret keys
  /\bxox[abpr]-[A-Za-z0-9-]{10,}\b/g, // Slack
  /\bAIza[0-9A-Za-z_-]{35}\b/g, // Google API key
  /\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\b/g, // JWT
];

// password = "...", apiKey: '...', SECRET_TOKEN="..."
const ASSIGNED = /((?:pass(?:word|wd)?|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|credential|auth)[A-Za-z0-9_]*["']?\s*[:=]\s*["'`])([^"'`\n]{6,})(["'`])/gi;
const LONG_LITERAL = /(["'`])([A-Za-z0-9+/=_.-]{20,})\1/g;

/** `known`: secret values found elsewhere (the workspace's .env files), removed wherever they appear. */
export function redactSecrets(text: string, known: readonly string[] = []): { text: string; redactions: number } {
  let redactions = 0;
  let out = text;
  for (const value of known) {
    if (value.length < 6 || !out.includes(value)) continue;
    const parts = out.split(value);
    redactions += parts.length - 1;
    out = parts.join(REDACTED);
  }
  for (const re of KNOWN_FORMATS) {
    out = out.replace(re, () => {
      redactions++;
      return REDACTED;
    });
  }
  out = out.replace(ASSIGNED, (_m, head: string, _value: string, tail: string) => {
    redactions++;
    return `${head}${REDACTED}${tail}`;
  });
  out = out.replace(LONG_LITERAL, (m, quote: string, value: string) => {
    if (!looksRandom(value)) return m;
    redactions++;
    return `${quote}${REDACTED}${quote}`;
  });
  return { text: out, redactions };
}

/** Mixed letters and digits with high character entropy: keys, not identifiers or words. */
function looksRandom(s: string): boolean {
  if (!/[0-9]/.test(s) || !/[A-Za-z]/.test(s)) return false;
  const counts = new Map<string, number>();
  for (const c of s) counts.set(c, (counts.get(c) ?? 0) + 1);
  let entropy = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    entropy -= p * Math.log2(p);
  }
  return entropy > (s.length >= 32 ? 4 : 3.5);
}

/** Values of KEY=VALUE lines (dotenv files): what a workspace itself declares secret. */
export function dotenvValues(text: string): string[] {
  const values: string[] = [];
  for (const line of text.split('\n')) {
    const m = /^\s*(?:export\s+)?[A-Za-z_][A-Za-z0-9_.]*\s*=\s*(.*)$/.exec(line);
    const raw = m?.[1]?.trim().replace(/^(["'])(.*)\1$/, '$2');
    if (raw && raw.length >= 6) values.push(raw);
  }
  return values;
}
