/** Exact match and edit similarity, as percentages, and latency percentiles. */
export function levenshtein(a: string, b: string): number {
  if (a.length < b.length) [a, b] = [b, a];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur.push(
        Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1)),
      );
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}

export function editSimilarity(pred: string, target: string): number {
  return 1 - levenshtein(pred, target) / Math.max(pred.length, target.length, 1);
}

export interface Scores {
  readonly em: number;
  readonly es: number;
}

export function score(preds: readonly string[], targets: readonly string[]): Scores {
  const n = Math.max(1, preds.length);
  let em = 0;
  let es = 0;
  preds.forEach((p, i) => {
    const t = targets[i] ?? '';
    if (p === t) em++;
    es += editSimilarity(p, t);
  });
  return { em: round((100 * em) / n), es: round((100 * es) / n) };
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return round((sorted[lo] ?? 0) + ((sorted[hi] ?? 0) - (sorted[lo] ?? 0)) * (rank - lo));
}

export const round = (x: number, digits = 2): number => Math.round(x * 10 ** digits) / 10 ** digits;
