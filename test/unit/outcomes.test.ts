import * as assert from 'node:assert/strict';
import {
  addLatency,
  emptyHistogram,
  histogramPercentile,
  parseHistogram,
} from '../../src/core/outcomes/latencyHistogram';
import { insertionKind, lineAcceptLength, wordAcceptLength } from '../../src/core/outcomes/insertionKind';
import { dayKey, hourKey, TIMELINE_DAYS, TIMELINE_HOURS } from '../../src/core/outcomes/outcomeTimeline';
import { OutcomeTracker, type TextChange } from '../../src/core/outcomes/outcomeTracker';
import { zeroCounts } from '../../src/core/outcomes/outcomeKinds';
import {
  emptyOutcomeStats,
  parseOutcomeStats,
  recordLatency,
  recordOutcome,
  type OutcomeEvent,
} from '../../src/core/outcomes/outcomes';

const DOC = 'file:///w/a.ts';
const at = (line: number, character: number) => ({ line, character });
const insert = (line: number, character: number, text: string): TextChange => ({
  start: at(line, character),
  end: at(line, character),
  text,
});

function tracked() {
  const events: OutcomeEvent[] = [];
  const tracker = new OutcomeTracker((event) => events.push(event));
  const kinds = () =>
    events.map((e) => `${e.kind}${e.source === 'cached' ? '(cached)' : ''}${e.how ? `(${e.how})` : ''}:${e.chars}`);
  return { tracker, events, kinds };
}

describe('outcome tracker', () => {
  it('counts a suggestion accepted through its item command once, as Tab, with its length', () => {
    const { tracker, kinds } = tracked();
    tracker.requested(DOC, at(3, 16), 'typescript');
    tracker.shown({ id: '1', document: DOC, languageId: 'typescript', position: at(3, 16), text: 'join(a, b);' });
    tracker.accepted('1');
    tracker.accepted('1');
    assert.deepEqual(kinds(), ['request:0', 'shown:11', 'accepted(tab):11']);
  });

  it('counts Tab once whether its edit or its command arrives first', () => {
    for (const editFirst of [true, false]) {
      const { tracker, kinds } = tracked();
      tracker.shown({ id: '1', document: DOC, languageId: 'typescript', position: at(3, 16), text: 'join(a, b);' });
      if (editFirst) tracker.edited(DOC, [insert(3, 16, 'join(a, b);')]);
      tracker.accepted('1');
      if (!editFirst) tracker.edited(DOC, [insert(3, 16, 'join(a, b);')]);
      tracker.dispose();
      assert.deepEqual(kinds(), ['shown:11', 'accepted(tab):11'], `edit first: ${editFirst}`);
    }
  });

  it("counts VS Code's accept-next-word as word accepts, each one, and the suggestion is not dismissed", () => {
    const { tracker, kinds } = tracked();
    tracker.shown({
      id: '1',
      document: DOC,
      languageId: 'typescript',
      position: at(0, 4),
      text: 'value = compute(x);',
    });
    // accept-next-word takes "value"; its next step takes the lone " ", which cannot be told from typing it
    tracker.edited(DOC, [insert(0, 4, 'value')]);
    tracker.shown({
      id: '2',
      document: DOC,
      languageId: 'typescript',
      position: at(0, 9),
      text: ' = compute(x);',
      source: 'cached',
    });
    tracker.edited(DOC, [insert(0, 9, ' ')]);
    // the user then types something else
    tracker.edited(DOC, [insert(0, 10, 'z')]);
    assert.deepEqual(kinds(), ['shown:19', 'accepted(word):5', 'shown(cached):14', 'typedAlong:1']);
  });

  it("counts VS Code's accept-next-line as a line accept and follows the suggestion onto the next line", () => {
    const { tracker, kinds } = tracked();
    tracker.shown({
      id: '1',
      document: DOC,
      languageId: 'python',
      position: at(4, 0),
      text: '    a = 1\n    return a',
    });
    tracker.edited(DOC, [insert(4, 0, '    a = 1\n')]);
    tracker.shown({
      id: '2',
      document: DOC,
      languageId: 'python',
      position: at(5, 0),
      text: '    return a',
      source: 'cached',
    });
    tracker.edited(DOC, [insert(5, 0, '    return a')]);
    tracker.accepted('2');
    assert.deepEqual(kinds(), ['shown:22', 'accepted(line):10', 'shown(cached):12', 'accepted(tab):12']);
  });

  it('counts typing along apart from accepts: once per suggestion, with the characters typed', () => {
    const { tracker, kinds } = tracked();
    tracker.shown({ id: '1', document: DOC, languageId: 'typescript', position: at(1, 2), text: 'return x;' });
    tracker.edited(DOC, [insert(1, 2, 'r')]);
    tracker.requested(DOC, at(1, 3), 'typescript');
    tracker.shown({
      id: '2',
      document: DOC,
      languageId: 'typescript',
      position: at(1, 3),
      text: 'eturn x;',
      source: 'cached',
    });
    tracker.edited(DOC, [insert(1, 3, 'e')]);
    tracker.accepted('2');
    assert.deepEqual(kinds(), ['shown:9', 'request:0', 'shown(cached):8', 'accepted(tab):7', 'typedAlong:2']);
  });

  it('counts a suggestion typed to its end by hand as typed along, never accepted', () => {
    const { tracker, kinds } = tracked();
    tracker.shown({ id: '1', document: DOC, languageId: 'typescript', position: at(0, 0), text: 'ab' });
    tracker.edited(DOC, [insert(0, 0, 'a')]);
    tracker.edited(DOC, [insert(0, 1, 'b')]);
    tracker.accepted('1');
    assert.deepEqual(kinds(), ['shown:2', 'typedAlong:2']);
  });

  it('dismisses a suggestion when a request comes from elsewhere, an edit does not match, or on dispose', () => {
    const { tracker, kinds } = tracked();
    tracker.shown({ id: '1', document: DOC, languageId: 'typescript', position: at(0, 4), text: 'abc' });
    tracker.requested(DOC, at(7, 0));
    tracker.shown({ id: '2', document: DOC, languageId: 'typescript', position: at(7, 0), text: 'def' });
    tracker.edited(DOC, [{ start: at(7, 0), end: at(7, 0), text: 'x' }]);
    tracker.shown({ id: '3', document: DOC, languageId: 'typescript', position: at(9, 0), text: 'ghi' });
    tracker.requested('file:///w/other.ts', at(9, 0));
    tracker.shown({ id: '4', document: DOC, languageId: 'typescript', position: at(9, 0), text: 'jkl' });
    tracker.dispose();
    assert.deepEqual(kinds(), [
      'shown:3',
      'dismissed:0',
      'shown:3',
      'dismissed:0',
      'shown:3',
      'dismissed:0',
      'shown:3',
      'dismissed:0',
    ]);
  });

  it('counts the same suggestion asked for again as another display of one suggestion', () => {
    const { tracker, kinds } = tracked();
    tracker.shown({ id: '1', document: DOC, languageId: 'typescript', position: at(0, 0), text: 'abc' });
    tracker.shown({
      id: '2',
      document: DOC,
      languageId: 'typescript',
      position: at(0, 0),
      text: 'abc',
      source: 'cached',
    });
    tracker.accepted('1');
    assert.deepEqual(kinds(), ['shown:3', 'shown(cached):3', 'accepted(tab):3']);
  });

  it('ignores edits in other documents and accept commands of suggestions it no longer holds', () => {
    const { tracker, kinds } = tracked();
    tracker.shown({ id: '1', document: DOC, languageId: 'typescript', position: at(0, 0), text: 'abc' });
    tracker.edited('file:///w/other.ts', [insert(0, 0, 'zzz')]);
    tracker.accepted('99');
    tracker.accepted('1');
    assert.deepEqual(kinds(), ['shown:3', 'accepted(tab):3']);
  });

  it('ends every suggestion at most once over a long random session, and counts no accept twice', () => {
    const { tracker, events } = tracked();
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    let line = 0;
    for (let i = 0; i < 500; i++) {
      const r = rand();
      if (r < 0.4)
        tracker.shown({
          id: String(i),
          document: DOC,
          languageId: 'typescript',
          position: at(line, 0),
          text: 'abcdef',
        });
      else if (r < 0.55) tracker.accepted(String(i - 1));
      else if (r < 0.75) tracker.edited(DOC, [insert(line, 0, 'ab')]);
      else tracker.requested(DOC, at((line = (line + 1) % 5), 0));
    }
    tracker.dispose();
    const count = (kind: string) => events.filter((e) => e.kind === kind).length;
    const ends = count('dismissed') + count('typedAlong') + events.filter((e) => e.how === 'tab').length;
    assert.ok(count('shown') > 50);
    assert.ok(ends > 0 && ends <= count('shown'), `${ends} ends of ${count('shown')} shown`);
    // an accept command for an id already ended counts nothing
    assert.ok(events.filter((e) => e.how === 'tab').length < count('shown'));
  });
});

describe("telling VS Code's partial accepts from typing", () => {
  it('follows accept-next-word and accept-next-line as VS Code cuts them', () => {
    assert.equal(wordAcceptLength('value = compute(x);'), 5);
    assert.equal(wordAcceptLength(' = compute(x);'), 1);
    assert.equal(wordAcceptLength('= compute(x);'), 2);
    assert.equal(wordAcceptLength('  return a'), 2);
    assert.equal(wordAcceptLength('$scope.x'), 6);
    assert.equal(lineAcceptLength('a = 1\nb'), 6);
    assert.equal(lineAcceptLength('a = 1'), 5);
    assert.equal(insertionKind('value', 'value = 1'), 'word');
    assert.equal(insertionKind('a = 1\n', 'a = 1\nb'), 'line');
    assert.equal(insertionKind('v', 'value = 1'), 'typed');
    assert.equal(insertionKind('va', 'value = 1'), 'typed');
    assert.equal(insertionKind('()', '() => x'), 'typed');
  });
});

describe('outcome statistics', () => {
  it('counts displays by source, accepts by kind, typing along and dismissals, per language, and the characters', () => {
    let stats = emptyOutcomeStats();
    stats = recordOutcome(stats, { kind: 'request', languageId: 'typescript', chars: 0 });
    stats = recordOutcome(stats, { kind: 'shown', languageId: 'typescript', chars: 10 });
    stats = recordOutcome(stats, { kind: 'accepted', how: 'tab', languageId: 'typescript', chars: 10 });
    stats = recordOutcome(stats, { kind: 'shown', languageId: 'python', chars: 6 });
    stats = recordOutcome(stats, { kind: 'accepted', how: 'word', languageId: 'python', chars: 2 });
    stats = recordOutcome(stats, { kind: 'shown', source: 'cached', languageId: 'python', chars: 4 });
    stats = recordOutcome(stats, { kind: 'typedAlong', languageId: 'python', chars: 3 });
    stats = recordOutcome(stats, { kind: 'dismissed', languageId: 'python', chars: 0 });
    assert.equal(stats.requests, 1);
    assert.deepEqual(stats.counts, {
      ...zeroCounts(),
      shown: 3,
      cached: 1,
      tab: 1,
      word: 1,
      typedAlong: 1,
      dismissed: 1,
    });
    assert.deepEqual(stats.byLanguage['python'], {
      ...zeroCounts(),
      shown: 2,
      cached: 1,
      word: 1,
      typedAlong: 1,
      dismissed: 1,
    });
    assert.equal(stats.shownChars, 20);
    assert.equal(stats.acceptedChars, 12);
    assert.equal(stats.typedChars, 3);
  });

  it('sums languages beyond the limit under "other" so the file stays small', () => {
    let stats = emptyOutcomeStats();
    for (let i = 0; i < 40; i++) stats = recordOutcome(stats, { kind: 'shown', languageId: `lang${i}`, chars: 1 });
    assert.equal(Object.keys(stats.byLanguage).length, 33);
    assert.equal(stats.byLanguage['other']?.shown, 8);
  });

  it('round-trips through JSON and rejects what it did not write, version 1 included', () => {
    let stats = recordOutcome(emptyOutcomeStats(), { kind: 'shown', languageId: 'typescript', chars: 3 });
    stats = recordLatency(stats, 12);
    assert.deepEqual(parseOutcomeStats(JSON.parse(JSON.stringify(stats))), stats);
    assert.equal(parseOutcomeStats({ ...stats, version: 1 }), undefined);
    assert.equal(parseOutcomeStats({ ...stats, counts: { shown: -1 } }), undefined);
    assert.equal(parseOutcomeStats('garbage'), undefined);
  });

  it('counts outcomes per hour (last 48 hours) and per local day (last 90 days)', () => {
    const start = new Date(2025, 0, 1, 9, 30).getTime();
    const hour = 3_600_000;
    let stats = emptyOutcomeStats();
    stats = recordOutcome(stats, { kind: 'shown', languageId: 'typescript', chars: 4 }, start);
    stats = recordOutcome(stats, { kind: 'accepted', languageId: 'typescript', chars: 4 }, start + 60_000);
    stats = recordOutcome(
      stats,
      { kind: 'shown', source: 'cached', languageId: 'typescript', chars: 4 },
      start + 2 * hour,
    );
    assert.deepEqual(stats.timeline.hours[hourKey(start)], { ...zeroCounts(), shown: 1, tab: 1 });
    assert.deepEqual(stats.timeline.hours[hourKey(start + 2 * hour)], { ...zeroCounts(), shown: 1, cached: 1 });
    assert.deepEqual(stats.timeline.days['2025-01-01'], { ...zeroCounts(), shown: 2, cached: 1, tab: 1 });
    // three days later the hours of the first day are gone, its day stays
    stats = recordOutcome(stats, { kind: 'dismissed', languageId: 'typescript', chars: 0 }, start + 72 * hour);
    assert.deepEqual(Object.keys(stats.timeline.hours), [hourKey(start + 72 * hour)]);
    assert.deepEqual(Object.keys(stats.timeline.days).sort(), ['2025-01-01', dayKey(start + 72 * hour)]);
    // a day per event for 100 days keeps the latest 90
    for (let d = 0; d < 100; d++)
      stats = recordOutcome(stats, { kind: 'shown', languageId: 'typescript', chars: 1 }, start + (4 + d) * 24 * hour);
    assert.equal(Object.keys(stats.timeline.days).length, TIMELINE_DAYS);
    assert.ok(!('2025-01-01' in stats.timeline.days));
    assert.ok(dayKey(start + 103 * 24 * hour) in stats.timeline.days);
    assert.ok(Object.keys(stats.timeline.hours).length <= TIMELINE_HOURS);
  });

  it('reads stored timelines leniently: none or damaged entries leave the totals usable', () => {
    const stats = recordOutcome(
      emptyOutcomeStats(),
      { kind: 'shown', languageId: 'typescript', chars: 3 },
      Date.UTC(2025, 0, 1),
    );
    const { timeline: _timeline, ...old } = stats;
    assert.deepEqual(parseOutcomeStats(old)?.timeline, { hours: {}, days: {} });
    assert.deepEqual(parseOutcomeStats(old)?.counts, stats.counts);
    const damaged = parseOutcomeStats({
      ...stats,
      timeline: {
        hours: { x: { shown: 1 }, 5: { shown: -2 } },
        days: { '2025-01-01': stats.counts, junk: stats.counts },
      },
    });
    assert.deepEqual(damaged?.timeline, { hours: {}, days: { '2025-01-01': stats.counts } });
    assert.deepEqual(parseOutcomeStats({ ...stats, timeline: 'nonsense' })?.timeline, { hours: {}, days: {} });
  });
});

describe('latency histogram', () => {
  it('keeps a fixed number of buckets however many latencies it sees', () => {
    let h = emptyHistogram();
    for (let i = 0; i < 10_000; i++) h = addLatency(h, i % 3000);
    assert.equal(h.counts.length, h.boundsMs.length + 1);
    assert.equal(h.count, 10_000);
    assert.equal(h.maxMs, 2999);
  });

  it('reads percentiles to within a bucket', () => {
    let h = emptyHistogram();
    for (let i = 0; i < 90; i++) h = addLatency(h, 18);
    for (let i = 0; i < 10; i++) h = addLatency(h, 70);
    assert.equal(histogramPercentile(h, 50), 20);
    assert.equal(histogramPercentile(h, 95), 70);
    assert.equal(histogramPercentile(emptyHistogram(), 50), undefined);
    assert.equal(histogramPercentile(addLatency(emptyHistogram(), 5000), 50), 5000);
  });

  it('ignores impossible latencies and rejects malformed stored ones', () => {
    const h = addLatency(addLatency(emptyHistogram(), -1), Number.NaN);
    assert.equal(h.count, 0);
    assert.equal(parseHistogram({ boundsMs: [1, 2], counts: [0, 0] }), undefined);
    assert.deepEqual(parseHistogram(JSON.parse(JSON.stringify(addLatency(h, 3))))?.count, 1);
  });
});
