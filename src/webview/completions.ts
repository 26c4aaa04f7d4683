import type { CompletionsSection } from '../core/dashboard/dashboardData';
import type { ChartConfiguration } from 'chart.js';
import type { ChartBoard, Theme } from './charts';
import { card, el, empty, figure, fmt } from './dom';

/**
 * What became of the completions shown on this machine: counts, over time, per language, model
 * latency. Every figure and label comes as built by core/outcomes/figures.ts, the menu's too.
 */
export function completionsCard(c: CompletionsSection, charts: ChartBoard, theme: Theme): HTMLElement {
  const f = c.figures;
  if (f.shown === 0) {
    return card(
      'Completions',
      'completions',
      empty(
        'No completions shown yet. Type in a TypeScript, JavaScript or Python file: what becomes of each suggestion is counted here.',
      ),
    );
  }
  const { tab, word, line } = f.acceptedBy;
  return card(
    'Completions',
    'completions',
    el('p', { class: 'summary', 'data-summary': 'completions' }, c.summary),
    el(
      'div',
      { class: 'figures' },
      figure(fmt.int(f.shown), `shown (model ${fmt.int(f.shownModel)}, cached ${fmt.int(f.shownCached)})`, 'shown'),
      figure(
        fmt.int(f.accepted),
        `accepted of ${fmt.int(f.shown)} shown: Tab ${fmt.int(tab)}, word ${fmt.int(word)}, line ${fmt.int(line)}`,
        'accepted',
      ),
      figure(fmt.percent(f.acceptRate), 'accepts per suggestion shown', 'acceptRate'),
      figure(fmt.int(f.typedAlong), 'typed along (not counted as accepted)', 'typedAlong'),
      figure(fmt.int(f.dismissed), 'dismissed', 'dismissed'),
      figure(fmt.ms(f.p50Ms), `model p50 over ${calls(f.modelCalls)}`, 'p50'),
      figure(fmt.ms(f.p95Ms), `model p95 over ${calls(f.modelCalls)}`, 'p95'),
    ),
    el('h3', {}, c.timeline.unit === 'hour' ? 'Over time, per hour' : 'Over time, per day'),
    charts.chart(
      'timeline',
      'Suggestions shown, accepts by Tab, word and line, typed along and dismissed over time',
      timelineChart(c, theme),
      200,
    ),
    el(
      'div',
      { class: 'split' },
      el(
        'div',
        {},
        el('h3', {}, 'Accepts per suggestion shown, per language'),
        charts.chart(
          'languages',
          'Accepts per suggestion shown, per language',
          languageChart(c, theme),
          Math.max(90, 34 * c.languages.length + 40),
        ),
      ),
      el(
        'div',
        {},
        el(
          'h3',
          {},
          `Model latency on this machine (${calls(f.modelCalls)}; ${fmt.int(f.shownCached)} cached repeats took none)`,
        ),
        charts.chart('latency', 'Histogram of model call latency in milliseconds', latencyChart(c, theme), 180),
      ),
    ),
    el(
      'p',
      { class: 'note' },
      `Of ${fmt.int(f.shownChars)} characters shown, accepts inserted ${fmt.int(f.acceptedChars)} and ${fmt.int(f.typedChars)} were typed by hand along the ghost text. ` +
        `${fmt.int(f.requests)} completion requests. ` +
        'Shown counts every suggestion handed to the editor; a cached one is the rest of a suggestion still on screen (after typing along or a partial accept) served from memory, with no model call. ' +
        'Accepted counts Tab, accept-next-word and accept-next-line; typing the ghost text by hand is "typed along", never an accept. ' +
        "Latency is the engine's time per model call; p50 and p95 are read from the histogram to within a bucket (the green bar holds the p50, the orange one the p95).",
    ),
  );
}

const calls = (n: number): string => `${fmt.int(n)} ${n === 1 ? 'call' : 'calls'}`;

function timelineChart(c: CompletionsSection, theme: Theme): ChartConfiguration<'bar' | 'line'> {
  const s = c.timeline.series;
  const bar = (label: string, data: readonly number[], color: string) => ({
    type: 'bar' as const,
    label,
    data: [...data],
    backgroundColor: color,
    stack: 'outcome',
  });
  return {
    type: 'bar',
    data: {
      labels: [...c.timeline.labels],
      datasets: [
        bar('accepted: Tab', s.tab, theme.green),
        bar('accepted: word', s.word, theme.blue),
        bar('accepted: line', s.line, theme.purple),
        bar('typed along', s.typedAlong, theme.yellow),
        bar('dismissed', s.dismissed, theme.muted),
        {
          type: 'line' as const,
          label: 'shown',
          data: [...s.shown],
          borderColor: theme.foreground,
          backgroundColor: theme.foreground,
          pointRadius: 2,
          tension: 0.2,
        },
      ],
    },
    options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } } },
  };
}

function languageChart(c: CompletionsSection, theme: Theme): ChartConfiguration<'bar'> {
  return {
    type: 'bar',
    data: {
      labels: c.languages.map((l) => `${l.language} (${l.accepted} of ${l.shown} shown)`),
      datasets: [
        {
          label: 'accepts per suggestion shown',
          data: c.languages.map((l) => l.acceptRate ?? 0),
          backgroundColor: theme.green,
        },
      ],
    },
    options: {
      indexAxis: 'y',
      scales: { x: { min: 0, max: 100, ticks: { callback: (v) => `${v}%` } } },
      plugins: { legend: { display: false } },
    },
  };
}

function latencyChart(c: CompletionsSection, theme: Theme): ChartConfiguration<'bar'> {
  const { labels, counts, p50Bucket, p95Bucket } = c.latency;
  // the buckets holding p50 and p95 stand out
  const color = (i: number): string => (i === p50Bucket ? theme.green : i === p95Bucket ? theme.orange : theme.blue);
  return {
    type: 'bar',
    data: {
      labels: labels.map((l) => `${l} ms`),
      datasets: [{ label: 'model calls', data: [...counts], backgroundColor: labels.map((_, i) => color(i)) }],
    },
    options: {
      scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
      plugins: { legend: { display: false } },
    },
  };
}
