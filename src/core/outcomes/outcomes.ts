import { addLatency, emptyHistogram, parseHistogram, type LatencyHistogram } from './latencyHistogram';
import {
  ACCEPT_KINDS,
  OUTCOME_KINDS,
  zeroCounts,
  type AcceptKind,
  type OutcomeCounts,
  type OutcomeKind,
} from './outcomeKinds';
import { addToTimeline, emptyTimeline, parseTimeline, type OutcomeTimeline } from './outcomeTimeline';

export { ACCEPT_KINDS, OUTCOME_KINDS, type AcceptKind, type OutcomeCounts, type OutcomeKind };

/**
 * What became of the completions Ondi showed, counted per language: the training signal for a
 * learned show/hide filter and the figures of the dashboard and the menu (figures.ts is the one
 * place that turns them into figures). Plain, versioned data (stored as JSON under the
 * extension's global storage), changed only through these functions.
 */

export interface OutcomeStats {
  /** 2: displays split into model and cached, accepts by kind, typing along apart. */
  readonly version: 2;
  /** Completion requests the editor made (whether or not anything was shown). */
  readonly requests: number;
  readonly counts: OutcomeCounts;
  readonly byLanguage: Readonly<Record<string, OutcomeCounts>>;
  /** Characters shown (every display), inserted by accepts, and typed by hand along ghost text. */
  readonly shownChars: number;
  readonly acceptedChars: number;
  readonly typedChars: number;
  /** Engine time per model call that returned a suggestion; cached repeats are not model calls. */
  readonly latency: LatencyHistogram;
  /** The counts per hour and per day, for "over time" views. */
  readonly timeline: OutcomeTimeline;
}

/** One request, display or outcome, as the tracker reports it. */
export interface OutcomeEvent {
  readonly kind: 'request' | 'shown' | 'accepted' | 'typedAlong' | 'dismissed';
  readonly languageId: string;
  /** shown: the suggestion's length; accepted: characters the accept inserted; typedAlong: characters typed. */
  readonly chars: number;
  /** shown: the answer of a model call, or a repeat served from the suggestion cache (default: model). */
  readonly source?: 'model' | 'cached';
  /** accepted: Tab, accept-next-word or accept-next-line (default: Tab). */
  readonly how?: AcceptKind;
}

/** Languages kept apart in the stats; the rest are summed under "other" so the file stays small. */
const MAX_LANGUAGES = 32;

export function emptyOutcomeStats(): OutcomeStats {
  return {
    version: 2,
    requests: 0,
    counts: zeroCounts(),
    byLanguage: {},
    shownChars: 0,
    acceptedChars: 0,
    typedChars: 0,
    latency: emptyHistogram(),
    timeline: emptyTimeline(),
  };
}

/** The counts an event adds to: a cached display is a display and a cached one. */
function kindsOf(event: OutcomeEvent): OutcomeKind[] {
  switch (event.kind) {
    case 'request':
      return [];
    case 'shown':
      return event.source === 'cached' ? ['shown', 'cached'] : ['shown'];
    case 'accepted':
      return [event.how ?? 'tab'];
    case 'typedAlong':
      return ['typedAlong'];
    case 'dismissed':
      return ['dismissed'];
  }
}

/** Counts one event that happened at `at` (ms since the epoch). */
export function recordOutcome(stats: OutcomeStats, event: OutcomeEvent, at = Date.now()): OutcomeStats {
  const kinds = kindsOf(event);
  if (kinds.length === 0) return { ...stats, requests: stats.requests + (event.kind === 'request' ? 1 : 0) };
  const known = hasOwn(stats.byLanguage, event.languageId);
  const language = known || Object.keys(stats.byLanguage).length < MAX_LANGUAGES ? event.languageId : 'other';
  // own entries only: a language id such as "constructor" must not read Object.prototype's
  const previous = hasOwn(stats.byLanguage, language) ? stats.byLanguage[language] : undefined;
  const bump = (counts: OutcomeCounts | undefined): OutcomeCounts => {
    const next = { ...(counts ?? zeroCounts()) };
    for (const kind of kinds) next[kind] += 1;
    return next;
  };
  const chars = Number.isFinite(event.chars) ? Math.max(0, event.chars) : 0;
  return {
    ...stats,
    counts: bump(stats.counts),
    byLanguage: { ...stats.byLanguage, [language]: bump(previous) },
    shownChars: stats.shownChars + (event.kind === 'shown' ? chars : 0),
    acceptedChars: stats.acceptedChars + (event.kind === 'accepted' ? chars : 0),
    typedChars: stats.typedChars + (event.kind === 'typedAlong' ? chars : 0),
    timeline: addToTimeline(stats.timeline, kinds, at),
  };
}

/** One model call's engine time (never a cached repeat's). */
export function recordLatency(stats: OutcomeStats, ms: number): OutcomeStats {
  return { ...stats, latency: addLatency(stats.latency, ms) };
}

/**
 * Stored stats, checked field by field. Anything unreadable (another version, a hand-edited
 * file) starts over from empty rather than failing the extension. Version 1 files are not
 * read: they counted cached repeats as model completions and typing along as accepts, so their
 * figures cannot be split. A damaged timeline keeps the totals and starts the timeline anew.
 */
export function parseOutcomeStats(raw: unknown): OutcomeStats | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const s = raw as Record<string, unknown>;
  if (s['version'] !== 2) return undefined;
  const counts = parseCounts(s['counts']);
  const latency = parseHistogram(s['latency']);
  if (!counts || !latency || typeof s['byLanguage'] !== 'object' || s['byLanguage'] === null) return undefined;
  const byLanguage: Record<string, OutcomeCounts> = {};
  for (const [language, value] of Object.entries(s['byLanguage'] as Record<string, unknown>)) {
    const parsed = parseCounts(value);
    if (!parsed) return undefined;
    // defined, not assigned: a "__proto__" entry stays an entry instead of becoming the prototype
    Object.defineProperty(byLanguage, language, {
      value: parsed,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  const count = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : 0);
  return {
    version: 2,
    requests: count(s['requests']),
    counts,
    byLanguage,
    shownChars: count(s['shownChars']),
    acceptedChars: count(s['acceptedChars']),
    typedChars: count(s['typedChars']),
    latency,
    timeline: parseTimeline(s['timeline'], parseCounts),
  };
}

function hasOwn(record: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(record, key);
}

function parseCounts(raw: unknown): OutcomeCounts | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const c = raw as Record<string, unknown>;
  const counts = zeroCounts();
  for (const kind of OUTCOME_KINDS) {
    const v = c[kind];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) return undefined;
    counts[kind] = v;
  }
  return counts;
}
