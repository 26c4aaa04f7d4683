import { zeroCounts, type OutcomeCounts, type OutcomeKind } from './outcomeKinds';

/**
 * Outcome counts over time at two zooms: per hour for the last two days (a new user sees
 * today's use) and per local calendar day for the last quarter. Both are bounded, so the
 * stats file stays small however long Ondi runs.
 */
export interface OutcomeTimeline {
  /** Key: whole hours since the epoch (time-zone free). */
  readonly hours: Readonly<Record<string, OutcomeCounts>>;
  /** Key: the local date, YYYY-MM-DD. */
  readonly days: Readonly<Record<string, OutcomeCounts>>;
}

export const TIMELINE_HOURS = 48;
export const TIMELINE_DAYS = 90;
const HOUR_MS = 3_600_000;

export function emptyTimeline(): OutcomeTimeline {
  return { hours: {}, days: {} };
}

export function hourKey(at: number): string {
  return String(Math.floor(at / HOUR_MS));
}

/** The local calendar date of `at`, as the person at this machine reads it. */
export function dayKey(at: number): string {
  const d = new Date(at);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}`;
}

/** Counts one outcome (one or more kinds) at time `at` and drops what fell out of either window. */
export function addToTimeline(timeline: OutcomeTimeline, kinds: readonly OutcomeKind[], at: number): OutcomeTimeline {
  const bump = (table: Readonly<Record<string, OutcomeCounts>>, key: string): Record<string, OutcomeCounts> => {
    const counts = { ...(table[key] ?? zeroCounts()) };
    for (const kind of kinds) counts[kind] += 1;
    return { ...table, [key]: counts };
  };
  const oldestHour = Math.floor(at / HOUR_MS) - TIMELINE_HOURS + 1;
  const hours = Object.fromEntries(
    Object.entries(bump(timeline.hours, hourKey(at))).filter(([key]) => Number(key) >= oldestHour),
  );
  const days = Object.fromEntries(
    Object.entries(bump(timeline.days, dayKey(at)))
      .sort(([a], [b]) => (a < b ? 1 : a > b ? -1 : 0))
      .slice(0, TIMELINE_DAYS),
  );
  return { hours, days };
}

/**
 * A stored timeline, entry by entry. Files written before the timeline existed have none,
 * and a damaged entry is skipped: either way the rest of the stats stay usable.
 */
export function parseTimeline(raw: unknown, parseCounts: (raw: unknown) => OutcomeCounts | undefined): OutcomeTimeline {
  if (typeof raw !== 'object' || raw === null) return emptyTimeline();
  const t = raw as Record<string, unknown>;
  const table = (value: unknown, validKey: (key: string) => boolean): Record<string, OutcomeCounts> => {
    if (typeof value !== 'object' || value === null) return {};
    const out: Record<string, OutcomeCounts> = {};
    for (const [key, entry] of Object.entries(value as Record<string, unknown>)) {
      const counts = parseCounts(entry);
      if (counts && validKey(key)) out[key] = counts;
    }
    return out;
  };
  return {
    hours: table(t['hours'], (key) => /^\d+$/.test(key)),
    days: table(t['days'], (key) => /^\d{4}-\d{2}-\d{2}$/.test(key)),
  };
}
