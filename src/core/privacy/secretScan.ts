import { privateKeySpans, SECRET_RULES } from './secretRules';

/** What earlier versions put in place of a secret before learning; models trained then may suggest it. */
export const LEGACY_MARKER = 'REDACTED';

export interface SecretSpan {
  readonly start: number;
  /** Exclusive. */
  readonly end: number;
  readonly kind: string;
}

/**
 * Where `text` holds secrets, in order, overlapping findings merged. One detector for
 * everything Ondi keeps or shows: what is learned, terminal commands, and every suggestion.
 */
export function findSecrets(text: string): SecretSpan[] {
  const spans: SecretSpan[] = privateKeySpans(text).map((s) => ({ ...s, kind: 'private-key' }));
  for (const rule of SECRET_RULES) {
    // a copy per call: a global pattern's lastIndex would be state shared by every caller
    const pattern = new RegExp(rule.pattern);
    for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
      const at: readonly [number, number] | undefined =
        rule.group === undefined ? [m.index, m.index + m[0].length] : m.indices?.[rule.group];
      const value = rule.group === undefined ? m[0] : m[rule.group];
      if (!at || value === undefined) continue;
      const [start, end] = at;
      if (rule.accept && !rule.accept(value, text, start)) continue;
      spans.push({ start, end, kind: rule.kind });
    }
  }
  return merge(spans);
}

/** The detector's findings plus every place one of the `known` values (a workspace's .env) stands. */
export function secretSpans(text: string, known: readonly string[] = []): SecretSpan[] {
  const spans = findSecrets(text);
  for (const value of known) {
    if (value.length === 0) continue;
    for (let at = text.indexOf(value); at >= 0; at = text.indexOf(value, at + 1))
      spans.push({ start: at, end: at + value.length, kind: 'declared' });
  }
  return spans;
}

function merge(spans: SecretSpan[]): SecretSpan[] {
  spans.sort((a, b) => a.start - b.start || b.end - a.end);
  const out: SecretSpan[] = [];
  for (const s of spans) {
    const last = out[out.length - 1];
    if (last && s.start < last.end) {
      if (s.end > last.end) out[out.length - 1] = { ...last, end: s.end };
    } else {
      out.push(s);
    }
  }
  return out;
}
