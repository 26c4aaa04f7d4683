import { looksLikeBase64Key, looksLikeHexKey } from './entropy';

/**
 * The secret formats Ondi recognises, after the rules of well-kept scanners (gitleaks,
 * secretlint's recommended preset): provider key formats, credentials in URLs and connection
 * strings, values assigned to names that say "secret", and long random hex and base64 strings.
 *
 * Why not secretlint itself: @secretlint/core 13 bundles into the CommonJS bundles with esbuild,
 * but it is asynchronous only, and `redactSecrets` and the shell command cleaner must stay
 * synchronous; one `lintSource` call took 0.4 ms on a one-line suggestion (10 ms the first
 * time), too much for a filter that runs on every keystroke; and its preset has no rules for
 * generic assigned values, short passwords or random hex and base64 strings, which were most of
 * what leaked.
 */
export interface SecretRule {
  readonly kind: string;
  /** Global; with the `d` flag when `group` is set. */
  readonly pattern: RegExp;
  /** The capture group that holds the secret; the whole match when absent. */
  readonly group?: number;
  /** A further test on the secret (entropy, not a placeholder). */
  readonly accept?: (value: string, text: string, start: number) => boolean;
}

/** `${X}`, `<your-key>`, `xxxx`, `changeme`, `process.env.X`: names of secrets, not secrets. */
export function isPlaceholder(value: string): boolean {
  return (
    /^(?:\$\{.*\}|\{\{.*\}\}|<[^>]*>|%\(?\w*\)?s|\$[A-Za-z_]\w*|\[[^\]]*\])$/.test(value) ||
    /^(?:x+|\*+|\.+|-+|_+|0+|pass|pw|pwd|user|username)$/i.test(value) ||
    /(?:password|secret|token|changeme|example|placeholder|your[_-]|dummy|redacted|\$\{)/i.test(value) ||
    /^(?:string|number|boolean|null|undefined|none|true|false|required|optional|bearer|basic)$/i.test(value)
  );
}

/** An unquoted value that reads like code (an identifier, a member or a call), not a literal. */
function looksLikeCode(value: string): boolean {
  return (
    /^[A-Za-z_$][\w$]*(?:\.[\w$]+)+$/.test(value) || // config.apiKey, process.env.TOKEN
    /^[A-Za-z_$][A-Za-z_$]*$/.test(value) || // an identifier without digits
    /^\d+(?:\.\d+)?$/.test(value) || // a number
    /^(?:this|self|os|env|args|opts|options|config|settings)\b/.test(value)
  );
}

/** Names whose value is a secret: `dbPassword`, `API_KEY`, `signingKey`, `pwd`, `clientSecret`. */
const SECRET_NAME =
  '(?:pass(?:word|wd|phrase)|pwd|secret|token|api[_ -]?key|access[_ -]?key|private[_ -]?key|secret[_ -]?key|signing[_ -]?key|encryption[_ -]?key|master[_ -]?key|session[_ -]?key|credentials?|auth[_ -]?key)';

const quoted = (text: string, start: number): boolean => {
  const before = text[start - 1];
  return before === '"' || before === "'" || before === '`';
};

export const SECRET_RULES: readonly SecretRule[] = [
  { kind: 'aws-access-key-id', pattern: /\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}\b/g },
  { kind: 'github-token', pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,})/g },
  { kind: 'gitlab-token', pattern: /\bgl(?:pat|dt|rt|ptt)-[A-Za-z0-9_-]{20,}/g },
  { kind: 'slack-token', pattern: /\bxox[abposre]-[A-Za-z0-9-]{10,}/g },
  {
    kind: 'slack-webhook',
    pattern: /hooks\.slack\.com\/(?:services|workflows|triggers)\/([A-Za-z0-9_/+-]{20,})/dg,
    group: 1,
  },
  { kind: 'stripe-key', pattern: /\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}/g },
  { kind: 'openai-anthropic-key', pattern: /\bsk-(?:proj-|ant-(?:api|admin)\d\d-|svcacct-)?[A-Za-z0-9_-]{20,}/g },
  { kind: 'google-api-key', pattern: /\bAIza[0-9A-Za-z_-]{35}/g },
  { kind: 'google-oauth-secret', pattern: /\bGOCSPX-[A-Za-z0-9_-]{24,}/g },
  { kind: 'jwt', pattern: /\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/g },
  { kind: 'npm-token', pattern: /\bnpm_[A-Za-z0-9]{36}\b/g },
  { kind: 'pypi-token', pattern: /\bpypi-AgE[A-Za-z0-9_-]{50,}/g },
  { kind: 'sendgrid-key', pattern: /\bSG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}/g },
  { kind: 'twilio-key', pattern: /\b(?:SK|AC)[0-9a-f]{32}\b/g },
  { kind: 'mailgun-key', pattern: /\bkey-[0-9a-f]{32}\b/g },
  { kind: 'digitalocean-token', pattern: /\bdo[por]_v1_[0-9a-f]{64}\b/g },
  { kind: 'vault-token', pattern: /\bhv[sbr]\.[A-Za-z0-9_-]{24,}/g },
  { kind: 'shopify-token', pattern: /\bshp(?:at|ca|pa|ss)_[0-9a-fA-F]{32}\b/g },
  { kind: 'databricks-token', pattern: /\bdapi[0-9a-f]{32}\b/g },
  { kind: 'telegram-bot-token', pattern: /\b\d{8,10}:AA[A-Za-z0-9_-]{33}\b/g },
  {
    kind: 'discord-webhook',
    pattern: /discord(?:app)?\.com\/api\/webhooks\/(\d{17,20}\/[A-Za-z0-9_-]{60,})/dg,
    group: 1,
  },
  // Azure storage and service bus connection strings, and SAS signatures in URLs
  {
    kind: 'azure-key',
    pattern: /\b(?:AccountKey|SharedAccessKey|SharedSecret|AccessKey)=([A-Za-z0-9+/=]{20,})/dgi,
    group: 1,
  },
  { kind: 'azure-sas', pattern: /[?&]sig=([A-Za-z0-9%+/=]{20,})/dg, group: 1 },
  // postgres://user:<password>@host, mongodb+srv://..., redis://:<password>@host
  {
    kind: 'url-credentials',
    pattern: /\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@"'`]*:([^\s@/"'`]+)@/dgi,
    group: 1,
    accept: (value) => !isPlaceholder(value),
  },
  {
    kind: 'auth-header',
    pattern: /\b(?:Basic|Bearer|Token)\s+([A-Za-z0-9+/_.~-]{16,}={0,2})/dg,
    group: 1,
    accept: (value) => !isPlaceholder(value),
  },
  // password = "...", apiKey: '...', SECRET_TOKEN="...", in code, config and comments
  {
    kind: 'assigned-secret',
    pattern: new RegExp(`${SECRET_NAME}["']?\\s*(?::|=|:=)(?![=>])\\s*(["'\`])([^"'\`\\n]{4,})\\1`, 'dgi'),
    group: 2,
    accept: (value) => !isPlaceholder(value.trim()),
  },
  // unquoted, as in dotenv files, YAML and comments: `db password: <value>`, `PASSWORD=<value>`
  {
    kind: 'assigned-secret',
    pattern: new RegExp(`${SECRET_NAME}["']?[ \\t]*(?::|=)(?![=>])[ \\t]*([^\\s"'\`,;(){}<>\\[\\]]{4,})`, 'dgi'),
    group: 1,
    accept: (value) => !isPlaceholder(value) && !looksLikeCode(value),
  },
  // Random-looking hex and base64: keys without a name (a 40-character hex word standing
  // alone is a commit id, a sha-prefixed one a digest)
  {
    kind: 'hex-key',
    pattern: /(?<![A-Za-z0-9+/_-])[0-9a-fA-F]{32,}(?![A-Za-z0-9+/_-])/g,
    accept: (value, text, start) =>
      looksLikeHexKey(value) &&
      !/sha\d*[:-]$/i.test(text.slice(Math.max(0, start - 7), start)) &&
      (value.length !== 40 || quoted(text, start)),
  },
  {
    kind: 'base64-key',
    pattern: /(?<![A-Za-z0-9+/_-])[A-Za-z0-9+/_-]{20,}={0,2}/g,
    accept: (value, text, start) =>
      looksLikeBase64Key(value) && !/sha\d*[:-]$/i.test(text.slice(Math.max(0, start - 7), start)),
  },
];

const PRIVATE_KEY_BEGIN = /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/g;
const PRIVATE_KEY_END = /-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/g;
/** A line of a key's body, its armour headers, or a line of a key in a string literal. */
const KEY_BODY_LINE = /^[\s"'`+]*(?:[A-Za-z0-9+/=]{16,}|[A-Za-z-]+: .*|=[A-Za-z0-9+/]{4})?(?:\\n)?[\s"'`,;+]*$/;

/** Private key blocks, END line or not (a key pasted without its end is still a key). */
export function privateKeySpans(text: string): { start: number; end: number }[] {
  const spans: { start: number; end: number }[] = [];
  // copies per call: a global pattern's lastIndex would be state shared by every caller
  const begin = new RegExp(PRIVATE_KEY_BEGIN);
  const endLine = new RegExp(PRIVATE_KEY_END);
  for (let m = begin.exec(text); m; m = begin.exec(text)) {
    const start = m.index;
    endLine.lastIndex = start;
    const end = endLine.exec(text);
    const nextBegin = text.indexOf('-----BEGIN ', start + m[0].length);
    if (end && (nextBegin < 0 || end.index < nextBegin)) {
      spans.push({ start, end: end.index + end[0].length });
    } else {
      spans.push({ start, end: keyBodyEnd(text, start + m[0].length) });
    }
    begin.lastIndex = spans[spans.length - 1]?.end ?? start + 1;
  }
  return spans;
}

/** The end of the lines that look like a key's body after a BEGIN line without its END. */
function keyBodyEnd(text: string, from: number): number {
  let end = text.indexOf('\n', from);
  if (end < 0) return text.length;
  let blank = 0;
  while (end < text.length) {
    const next = text.indexOf('\n', end + 1);
    const lineEnd = next < 0 ? text.length : next;
    const line = text.slice(end + 1, lineEnd);
    if (!KEY_BODY_LINE.test(line)) break;
    blank = line.trim() === '' ? blank + 1 : 0;
    if (blank > 1) break;
    end = lineEnd;
  }
  return end;
}
