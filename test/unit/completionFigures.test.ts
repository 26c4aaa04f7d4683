import * as assert from 'node:assert/strict';
import { buildDashboard, type DashboardSources } from '../../src/core/dashboard/buildDashboard';
import { completionFigures, figureLabels, menuLine } from '../../src/core/outcomes/figures';
import { OutcomeTracker, type TextChange } from '../../src/core/outcomes/outcomeTracker';
import { emptyOutcomeStats, recordLatency, recordOutcome, type OutcomeStats } from '../../src/core/outcomes/outcomes';

const DOC = 'file:///w/cart.ts';
const LANG = 'typescript';
const at = (line: number, character: number) => ({ line, character });
const insert = (line: number, character: number, text: string): TextChange => ({
  start: at(line, character),
  end: at(line, character),
  text,
});

/**
 * A scripted session, driven as the provider and the outcome watcher drive it: requests, model
 * calls (with their engine time), cached repeats, displays, Tab, word and line accepts, typing
 * along and a suggestion that goes away untaken.
 */
function session(): OutcomeStats {
  let stats = emptyOutcomeStats();
  const tracker = new OutcomeTracker((event) => (stats = recordOutcome(stats, event, 0)));
  let id = 0;
  const modelCall = (ms: number): void => {
    stats = recordLatency(stats, ms);
  };
  const show = (line: number, character: number, text: string, source: 'model' | 'cached'): string => {
    const shownId = String(++id);
    tracker.shown({ id: shownId, document: DOC, languageId: LANG, position: at(line, character), text, source });
    return shownId;
  };
  const request = (line: number, character: number): void => tracker.requested(DOC, at(line, character), LANG);

  // 1. a model answer, taken with Tab (the edit, then the item's command)
  request(0, 0);
  modelCall(18);
  const s1 = show(0, 0, 'return total;', 'model');
  tracker.edited(DOC, [insert(0, 0, 'return total;')]);
  tracker.accepted(s1);

  // 2. a model answer the user types along twice (the rest served from the cache), then leaves
  request(1, 0);
  modelCall(25);
  show(1, 0, 'items.push(x);', 'model');
  tracker.edited(DOC, [insert(1, 0, 'i')]);
  request(1, 1);
  show(1, 1, 'tems.push(x);', 'cached');
  tracker.edited(DOC, [insert(1, 1, 't')]);
  request(1, 2);
  show(1, 2, 'ems.push(x);', 'cached');
  tracker.edited(DOC, [insert(1, 2, 'Z')]);

  // 3. a model answer taken by accept-next-word, accept-next-line, then Tab (command first)
  request(2, 0);
  modelCall(40);
  show(2, 0, 'const value = compute(a);\nreturn value;', 'model');
  tracker.edited(DOC, [insert(2, 0, 'const')]);
  request(2, 5);
  show(2, 5, ' value = compute(a);\nreturn value;', 'cached');
  tracker.edited(DOC, [insert(2, 5, ' value = compute(a);\n')]);
  request(3, 0);
  const s3 = show(3, 0, 'return value;', 'cached');
  tracker.accepted(s3);
  tracker.edited(DOC, [insert(3, 0, 'return value;')]);

  // 4. a model answer dismissed by a request elsewhere
  request(4, 0);
  modelCall(12);
  show(4, 0, 'foo()', 'model');
  request(9, 0);

  // 5. a model call whose answer came too late to be shown (the request was cancelled)
  modelCall(30);
  tracker.dispose();
  return stats;
}

function dashboardOf(stats: OutcomeStats) {
  const sources = {
    now: 0,
    model: { state: { kind: 'ready' }, running: undefined, report: undefined },
    outcomes: stats,
    personal: {
      file: undefined,
      fileBytes: undefined,
      meta: undefined,
      lift: undefined,
      enabled: true,
      training: false,
      paused: false,
      percent: undefined,
      problem: undefined,
      learning: 'on',
    },
    next: undefined,
    privacy: {
      files: [],
      globalStorage: '/g',
      workspaceStorage: undefined,
      bundles: { at: new Date(0).toISOString(), scanned: [], modulesFound: [] },
      modulesChecked: [],
      remoteModelLoading: false,
      nativeTelemetry: { disabled: true, queueFound: false },
    },
  } satisfies DashboardSources;
  return buildDashboard(sources).completions;
}

describe('completion figures: one definition for the dashboard and the menu', () => {
  const stats = session();
  const figures = completionFigures(stats);

  it('counts every display, split into model answers and cached repeats', () => {
    assert.equal(figures.requests, 9);
    assert.equal(figures.shown, 8);
    assert.equal(figures.shownModel, 4);
    assert.equal(figures.shownCached, 4);
  });

  it('counts accepts by Tab, word and line only, and typing along apart', () => {
    assert.deepEqual(figures.acceptedBy, { tab: 2, word: 1, line: 1 });
    assert.equal(figures.accepted, 4);
    assert.equal(figures.acceptRate, 50);
    assert.equal(figures.typedAlong, 1);
    assert.equal(figures.typedChars, 2);
    assert.equal(figures.dismissed, 1);
    assert.equal(figures.acceptedChars, 13 + 5 + 21 + 13);
  });

  it('reads latency of model calls only: five calls, not the cached repeats', () => {
    assert.equal(figures.modelCalls, 5);
    // 12, 18, 25, 30, 40 ms in buckets ≤15, ≤20, ≤25, ≤30, ≤40
    assert.equal(figures.p50Ms, 25);
    assert.equal(figures.p95Ms, 40);
  });

  it('words each figure as what it counts', () => {
    assert.deepEqual(figureLabels(figures), {
      shown: 'shown 8 (model 4, cached 4)',
      accepted: 'accepted 4 of 8 shown (50%): Tab 2, word 1, line 1',
      typedAlong: 'typed along 1',
      dismissed: 'dismissed 1',
      latency: 'model p50 25 ms over 5 calls',
    });
    assert.equal(
      menuLine(figures),
      'shown 8 (model 4, cached 4) · accepted 4 of 8 shown (50%): Tab 2, word 1, line 1 · typed along 1 · model p50 25 ms over 5 calls',
    );
  });

  it('gives the dashboard the same figures and words as the menu', () => {
    const c = dashboardOf(stats);
    assert.deepEqual(c.figures, figures);
    assert.equal(c.summary, menuLine(figures));
    assert.deepEqual(c.labels, figureLabels(figures));
    assert.equal(c.latency.count, figures.modelCalls);
    assert.equal(c.latency.p50, figures.p50Ms);
    assert.equal(c.latency.p95, figures.p95Ms);
    const language = c.languages.find((l) => l.language === LANG);
    assert.deepEqual(language, { language: LANG, shown: 8, accepted: 4, acceptRate: 50 });
    const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);
    assert.equal(sum(c.timeline.series.shown), figures.shown);
    assert.equal(sum(c.timeline.series.cached), figures.shownCached);
    assert.equal(
      sum(c.timeline.series.tab) + sum(c.timeline.series.word) + sum(c.timeline.series.line),
      figures.accepted,
    );
  });
});
