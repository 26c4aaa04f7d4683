import { histogramPercentile } from './latencyHistogram';
import type { OutcomeCounts } from './outcomeKinds';
import type { OutcomeStats } from './outcomes';

/**
 * The one definition of every completion figure Ondi shows (the dashboard, the menu, the
 * docs): computed here from the outcome records and worded here, so two places can never
 * count differently.
 *
 * - shown: suggestions handed to the editor, each display once; split into the answers of a
 *   model call and the repeats served from the suggestion cache (the rest of a suggestion
 *   still on screen after typing along or a partial accept, or the same one asked for again);
 * - accepted: accept actions on Ondi's ghost text: Tab, accept-next-word, accept-next-line;
 *   the rate is accepts per suggestion shown;
 * - typed along: suggestions whose next characters the user typed by hand (never an accept);
 * - dismissed: suggestions that went away with nothing of them taken;
 * - latency: engine time of model calls only; a cached repeat takes no model time.
 */
export interface CompletionFigures {
  readonly requests: number;
  readonly shown: number;
  readonly shownModel: number;
  readonly shownCached: number;
  readonly accepted: number;
  readonly acceptedBy: { readonly tab: number; readonly word: number; readonly line: number };
  /** Accepts per suggestion shown, in percent; undefined before anything was shown. */
  readonly acceptRate: number | undefined;
  readonly typedAlong: number;
  readonly dismissed: number;
  readonly shownChars: number;
  readonly acceptedChars: number;
  readonly typedChars: number;
  /** Model calls that returned a suggestion, and their engine time. */
  readonly modelCalls: number;
  readonly p50Ms: number | undefined;
  readonly p95Ms: number | undefined;
  readonly meanMs: number | undefined;
}

/** The same figures, in the words every place shows them. */
export interface FigureLabels {
  /** "shown 112 (model 40, cached 72)" */
  readonly shown: string;
  /** "accepted 12 of 112 shown (11%): Tab 9, word 2, line 1" */
  readonly accepted: string;
  /** "typed along 8" */
  readonly typedAlong: string;
  /** "dismissed 80" */
  readonly dismissed: string;
  /** "model p50 21 ms over 40 calls" */
  readonly latency: string;
}

export function completionFigures(stats: OutcomeStats): CompletionFigures {
  const c = stats.counts;
  const h = stats.latency;
  return {
    requests: stats.requests,
    ...shownAndAccepted(c),
    typedAlong: c.typedAlong,
    dismissed: c.dismissed,
    shownChars: stats.shownChars,
    acceptedChars: stats.acceptedChars,
    typedChars: stats.typedChars,
    modelCalls: h.count,
    p50Ms: histogramPercentile(h, 50),
    p95Ms: histogramPercentile(h, 95),
    meanMs: h.count > 0 ? h.sumMs / h.count : undefined,
  };
}

/** Shown, accepted and the rate of one set of counts (all of them, a language, an hour). */
export function shownAndAccepted(
  c: OutcomeCounts,
): Pick<CompletionFigures, 'shown' | 'shownModel' | 'shownCached' | 'accepted' | 'acceptedBy' | 'acceptRate'> {
  const accepted = c.tab + c.word + c.line;
  return {
    shown: c.shown,
    shownModel: c.shown - c.cached,
    shownCached: c.cached,
    accepted,
    acceptedBy: { tab: c.tab, word: c.word, line: c.line },
    acceptRate: c.shown === 0 ? undefined : (100 * accepted) / c.shown,
  };
}

export function figureLabels(f: CompletionFigures): FigureLabels {
  const n = (x: number): string => x.toLocaleString('en-US');
  const rate = f.acceptRate === undefined ? '' : ` (${Math.round(f.acceptRate)}%)`;
  const { tab, word, line } = f.acceptedBy;
  return {
    shown: `shown ${n(f.shown)} (model ${n(f.shownModel)}, cached ${n(f.shownCached)})`,
    accepted: `accepted ${n(f.accepted)} of ${n(f.shown)} shown${rate}: Tab ${n(tab)}, word ${n(word)}, line ${n(line)}`,
    typedAlong: `typed along ${n(f.typedAlong)}`,
    dismissed: `dismissed ${n(f.dismissed)}`,
    latency:
      f.p50Ms === undefined
        ? 'no model calls yet'
        : `model p50 ${Math.round(f.p50Ms)} ms over ${n(f.modelCalls)} ${f.modelCalls === 1 ? 'call' : 'calls'}`,
  };
}

/** The menu's one line: the same labels the dashboard shows. */
export function menuLine(f: CompletionFigures): string {
  if (f.shown === 0) return f.modelCalls === 0 ? 'No completions shown yet' : figureLabels(f).latency;
  const l = figureLabels(f);
  return [l.shown, l.accepted, l.typedAlong, l.latency].join(' · ');
}
