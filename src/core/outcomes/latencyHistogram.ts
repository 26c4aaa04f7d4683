/**
 * Completion latency in fixed buckets: memory and file size stay the same however long Ondi
 * runs, and percentiles are still readable to within a bucket. Plain data so it can be stored
 * as JSON and merged.
 */
export interface LatencyHistogram {
  /** Upper bounds in ms of every bucket but the last, which holds everything slower. */
  readonly boundsMs: readonly number[];
  /** counts[i] completions took <= boundsMs[i] (and more than the bound before); one more bucket for the rest. */
  readonly counts: readonly number[];
  readonly count: number;
  readonly sumMs: number;
  readonly maxMs: number;
}

/** Finer where the targets are (30 ms p50, 80 ms p95), coarser above. */
export const LATENCY_BOUNDS_MS: readonly number[] = Object.freeze([
  5, 10, 15, 20, 25, 30, 40, 50, 60, 80, 100, 150, 200, 300, 500, 1000, 2000,
]);

export function emptyHistogram(boundsMs: readonly number[] = LATENCY_BOUNDS_MS): LatencyHistogram {
  return {
    boundsMs: [...boundsMs],
    counts: new Array<number>(boundsMs.length + 1).fill(0),
    count: 0,
    sumMs: 0,
    maxMs: 0,
  };
}

export function addLatency(histogram: LatencyHistogram, ms: number): LatencyHistogram {
  if (!Number.isFinite(ms) || ms < 0) return histogram;
  let bucket = histogram.boundsMs.findIndex((bound) => ms <= bound);
  if (bucket < 0) bucket = histogram.boundsMs.length;
  const counts = [...histogram.counts];
  counts[bucket] = (counts[bucket] ?? 0) + 1;
  return {
    boundsMs: histogram.boundsMs,
    counts,
    count: histogram.count + 1,
    sumMs: histogram.sumMs + ms,
    maxMs: Math.max(histogram.maxMs, ms),
  };
}

/**
 * The upper bound of the bucket holding the p-th percentile (the slowest bucket reports the
 * largest latency seen); undefined when nothing was recorded.
 */
export function histogramPercentile(histogram: LatencyHistogram, p: number): number | undefined {
  if (histogram.count === 0) return undefined;
  const rank = Math.max(1, Math.ceil((p / 100) * histogram.count));
  let seen = 0;
  for (let i = 0; i < histogram.counts.length; i++) {
    seen += histogram.counts[i] ?? 0;
    if (seen >= rank) return Math.min(histogram.boundsMs[i] ?? histogram.maxMs, histogram.maxMs);
  }
  return histogram.maxMs;
}

/** A stored histogram, checked; undefined when it does not have the shape written by this module. */
export function parseHistogram(raw: unknown): LatencyHistogram | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const h = raw as Record<string, unknown>;
  const numbers = (v: unknown): v is number[] =>
    Array.isArray(v) && v.every((x) => typeof x === 'number' && Number.isFinite(x) && x >= 0);
  if (!numbers(h['boundsMs']) || !numbers(h['counts'])) return undefined;
  if (h['counts'].length !== h['boundsMs'].length + 1) return undefined;
  const count = h['counts'].reduce((a, b) => a + b, 0);
  const sumMs = typeof h['sumMs'] === 'number' && h['sumMs'] >= 0 ? h['sumMs'] : 0;
  const maxMs = typeof h['maxMs'] === 'number' && h['maxMs'] >= 0 ? h['maxMs'] : 0;
  return { boundsMs: h['boundsMs'], counts: h['counts'], count, sumMs, maxMs };
}
