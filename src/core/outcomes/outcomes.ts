import { addLatency, emptyHistogram, parseHistogram, type LatencyHistogram } from './latencyHistogram';
import { OUTCOME_KINDS, type OutcomeCounts, type OutcomeKind } from './outcomeKinds';
import { addToTimeline, emptyTimeline, parseTimeline, type OutcomeTimeline } from './outcomeTimeline';

export { OUTCOME_KINDS, type OutcomeCounts, type OutcomeKind };

/**
 * What became of the completions Ondi showed, counted per language: the training signal for a
 * learned show/hide filter and the figures for a statistics view. Plain, versioned data
 * (stored as JSON under the extension's global storage), changed only through these functions.
 */

export interface OutcomeStats {
  readonly version: 1;
  readonly counts: OutcomeCounts;
  readonly byLanguage: Readonly<Record<string, OutcomeCounts>>;
  /** Characters shown, and characters that ended up in the document (fully or partially accepted). */
  readonly shownChars: number;
  readonly acceptedChars: number;
  /** Engine time per completion that was shown. */
  readonly latency: LatencyHistogram;
  /** The counts per hour and per day, for "over time" views. */
  readonly timeline: OutcomeTimeline;
}

/** One resolved (or newly shown) suggestion. */
export interface OutcomeEvent {
  readonly kind: OutcomeKind;
  readonly languageId: string;
  /** shown: the suggestion's length; accepted/partial: characters the user kept. */
  readonly chars: number;
}

/** Languages kept apart in the stats; the rest are summed under "other" so the file stays small. */
const MAX_LANGUAGES = 32;

const zero = (): OutcomeCounts => ({ shown: 0, accepted: 0, partial: 0, dismissed: 0 });

export function emptyOutcomeStats(): OutcomeStats {
  return {
    version: 1,
    counts: zero(),
    byLanguage: {},
    shownChars: 0,
    acceptedChars: 0,
    latency: emptyHistogram(),
    timeline: emptyTimeline(),
  };
}

/** Counts one outcome that happened at `at` (ms since the epoch). */
export function recordOutcome(stats: OutcomeStats, event: OutcomeEvent, at = Date.now()): OutcomeStats {
  const known = hasOwn(stats.byLanguage, event.languageId);
  const language = known || Object.keys(stats.byLanguage).length < MAX_LANGUAGES ? event.languageId : 'other';
  // own entries only: a language id such as "constructor" must not read Object.prototype's
  const previous = hasOwn(stats.byLanguage, language) ? stats.byLanguage[language] : undefined;
  const bump = (counts: OutcomeCounts | undefined): OutcomeCounts => {
    const next = { ...(counts ?? zero()) };
    next[event.kind] += 1;
    return next;
  };
  const chars = Math.max(0, event.chars);
  return {
    ...stats,
    counts: bump(stats.counts),
    byLanguage: { ...stats.byLanguage, [language]: bump(previous) },
    shownChars: stats.shownChars + (event.kind === 'shown' ? chars : 0),
    acceptedChars: stats.acceptedChars + (event.kind === 'accepted' || event.kind === 'partial' ? chars : 0),
    timeline: addToTimeline(stats.timeline, event.kind, at),
  };
}

export function recordLatency(stats: OutcomeStats, ms: number): OutcomeStats {
  return { ...stats, latency: addLatency(stats.latency, ms) };
}

/** Share of shown completions that were accepted fully or in part, in percent (0 when none shown). */
export function acceptRate(stats: OutcomeStats): number {
  const { shown, accepted, partial } = stats.counts;
  return shown === 0 ? 0 : (100 * (accepted + partial)) / shown;
}

/**
 * Stored stats, checked field by field. Anything unreadable (another version, a hand-edited
 * file) starts over from empty rather than failing the extension. The timeline came later:
 * a file without one (or with a damaged one) keeps its totals and starts the timeline anew.
 */
export function parseOutcomeStats(raw: unknown): OutcomeStats | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const s = raw as Record<string, unknown>;
  if (s['version'] !== 1) return undefined;
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
    version: 1,
    counts,
    byLanguage,
    shownChars: count(s['shownChars']),
    acceptedChars: count(s['acceptedChars']),
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
  const counts = zero();
  for (const kind of OUTCOME_KINDS) {
    const v = c[kind];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) return undefined;
    counts[kind] = v;
  }
  return counts;
}

/** One line for the Ondi menu, e.g. "12 of 40 completions accepted (30%), typical 25 ms". */
export function summarizeOutcomes(stats: OutcomeStats, median: number | undefined): string {
  const { shown, accepted, partial } = stats.counts;
  if (shown === 0) return 'No completions shown yet';
  const taken = accepted + partial;
  const timing = median === undefined ? '' : `, typical ${Math.round(median)} ms`;
  return `${taken} of ${shown} completions accepted (${Math.round(acceptRate(stats))}%)${timing}`;
}
