import type { LatencyHistogram } from '../outcomes/latencyHistogram';
import { histogramPercentile } from '../outcomes/latencyHistogram';
import { OUTCOME_KINDS, type OutcomeCounts, type OutcomeKind } from '../outcomes/outcomeKinds';
import { dayKey, hourKey, TIMELINE_HOURS, type OutcomeTimeline } from '../outcomes/outcomeTimeline';
import type { LatencySection, Timeline } from './dashboardData';

const HOUR_MS = 3_600_000;
/** Days shown once use spans more than two days. */
const DAYS_SHOWN = 30;

/**
 * The outcome timeline as chart series: per hour from the first hour with data while all of
 * it falls in the last two days (so a first session already shows a shape), else per day
 * for the last 30 days from the first day with data. Gaps are zeros: nothing happened then.
 */
export function timelineSeries(timeline: OutcomeTimeline, now: number): Timeline {
  const dayKeys = Object.keys(timeline.days).sort();
  const hourKeys = Object.keys(timeline.hours)
    .map(Number)
    .sort((a, b) => a - b);
  const currentHour = Math.floor(now / HOUR_MS);
  const recentDays = new Set([dayKey(now), dayKey(now - 24 * HOUR_MS)]);
  const hourly = dayKeys.every((key) => recentDays.has(key)) && (hourKeys.length > 0 || dayKeys.length === 0);
  if (hourly) {
    const from = Math.max(hourKeys[0] ?? currentHour, currentHour - TIMELINE_HOURS + 1);
    const hours = range(from, currentHour);
    return {
      unit: 'hour',
      labels: hours.map((h) => `${String(new Date(h * HOUR_MS).getHours()).padStart(2, '0')}:00`),
      series: seriesOf(hours.map((h) => timeline.hours[hourKey(h * HOUR_MS)])),
    };
  }
  const today = new Date(now);
  const days = range(0, DAYS_SHOWN - 1)
    .reverse()
    .map((back) => dayKey(new Date(today.getFullYear(), today.getMonth(), today.getDate() - back, 12).getTime()));
  const shown = days.slice(
    Math.max(
      0,
      days.findIndex((key) => key >= (dayKeys[0] ?? key)),
    ),
  );
  return {
    unit: 'day',
    labels: shown.map((key) => key.slice(5)),
    series: seriesOf(shown.map((key) => timeline.days[key])),
  };
}

function seriesOf(points: readonly (OutcomeCounts | undefined)[]): Record<OutcomeKind, number[]> {
  const series = {} as Record<OutcomeKind, number[]>;
  for (const kind of OUTCOME_KINDS) series[kind] = points.map((p) => p?.[kind] ?? 0);
  return series;
}

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);
}

/** The histogram's buckets up to the slowest one used (at least to 200 ms), with p50/p95. */
export function latencySection(histogram: LatencyHistogram): LatencySection {
  const { boundsMs, counts } = histogram;
  const lastUsed = counts.reduce((last, n, i) => (n > 0 ? i : last), -1);
  const upTo = Math.max(lastUsed, boundsMs.indexOf(200));
  const labels = counts
    .slice(0, upTo + 1)
    .map((_, i) => (i < boundsMs.length ? `≤${boundsMs[i]}` : `>${boundsMs[boundsMs.length - 1]}`));
  const p50 = histogramPercentile(histogram, 50);
  const p95 = histogramPercentile(histogram, 95);
  // a percentile is its bucket's bound, or the slowest latency seen when that is lower
  const bucketOf = (p: number | undefined): number | undefined => {
    if (p === undefined) return undefined;
    const i = boundsMs.findIndex((bound) => bound >= p);
    return i < 0 ? boundsMs.length : i;
  };
  return {
    count: histogram.count,
    labels,
    counts: counts.slice(0, upTo + 1),
    p50,
    p95,
    p50Bucket: bucketOf(p50),
    p95Bucket: bucketOf(p95),
    meanMs: histogram.count > 0 ? histogram.sumMs / histogram.count : undefined,
  };
}
