import type { LineCase } from './lineSamples';

/** The in-file lookup baseline: the most frequent continuation of an earlier line of the same file with the same prefix. */
export function lookupCompletion(c: LineCase): string {
  const lines = c.prefix.split('\n');
  const linePrefix = (lines.pop() ?? '').trimStart();
  const counts = new Map<string, number>();
  for (const l of lines) {
    const t = l.trim();
    if (t.startsWith(linePrefix) && t.length > linePrefix.length) {
      const rest = t.slice(linePrefix.length).trimEnd();
      counts.set(rest, (counts.get(rest) ?? 0) + 1);
    }
  }
  let best = '';
  let bestCount = 0;
  for (const [rest, n] of counts) {
    if (n > bestCount) {
      best = rest;
      bestCount = n;
    }
  }
  return best;
}
