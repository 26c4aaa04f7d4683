import type { CompletionsSection } from '../core/dashboard/dashboardData';
import type { ChartConfiguration } from 'chart.js';
import type { ChartBoard, Theme } from './charts';
import { card, el, empty, figure, fmt } from './dom';

/** What became of the completions shown on this machine: counts, over time, per language, latency. */
export function completionsCard(c: CompletionsSection, charts: ChartBoard, theme: Theme): HTMLElement {
  const t = c.totals;
  if (t.shown === 0) {
    return card(
      'Completions',
      'completions',
      empty(
        'No completions shown yet. Type in a TypeScript, JavaScript or Python file: what becomes of each suggestion is counted here.',
      ),
    );
  }
  const pending = Math.max(0, t.shown - t.accepted - t.partial - t.dismissed);
  return card(
    'Completions',
    'completions',
    el(
      'div',
      { class: 'figures' },
      figure(fmt.int(t.shown), 'shown', 'shown'),
      figure(fmt.int(t.accepted), 'accepted', 'accepted'),
      figure(fmt.int(t.partial), 'partially accepted', 'partial'),
      figure(fmt.int(t.dismissed), 'dismissed', 'dismissed'),
      figure(fmt.percent(c.acceptRate), 'acceptance rate', 'acceptRate'),
      figure(fmt.ms(c.latency.p50), 'p50 latency', 'p50'),
      figure(fmt.ms(c.latency.p95), 'p95 latency', 'p95'),
    ),
    el('h3', {}, c.timeline.unit === 'hour' ? 'Over time, per hour' : 'Over time, per day'),
    charts.chart(
      'timeline',
      'Completions shown, accepted, partially accepted and dismissed over time',
      timelineChart(c, theme),
      200,
    ),
    el(
      'div',
      { class: 'split' },
      el(
        'div',
        {},
        el('h3', {}, 'Acceptance rate per language'),
        charts.chart(
          'languages',
          'Acceptance rate per language',
          languageChart(c, theme),
          Math.max(90, 34 * c.languages.length + 40),
        ),
      ),
      el(
        'div',
        {},
        el('h3', {}, `Latency on this machine (${fmt.int(c.latency.count)} completions handed to the editor)`),
        charts.chart('latency', 'Histogram of completion latency in milliseconds', latencyChart(c, theme), 180),
      ),
    ),
    el(
      'p',
      { class: 'note' },
      `${fmt.int(c.acceptedChars)} of ${fmt.int(c.shownChars)} suggested characters were kept.` +
        (pending > 0
          ? ` ${fmt.int(pending)} shown ${pending === 1 ? 'suggestion is' : 'suggestions are'} still open.`
          : '') +
        " Latency is the engine's time per completion handed to the editor (one typed along is handed again from memory, in a few ms); p50 and p95 are read from the histogram to within a bucket (the green bar holds the p50, the orange one the p95).",
    ),
  );
}

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
        bar('accepted', s.accepted, theme.green),
        bar('partially accepted', s.partial, theme.blue),
        bar('dismissed', s.dismissed, theme.muted),
        {
          type: 'line' as const,
          label: 'shown',
          data: [...s.shown],
          borderColor: theme.yellow,
          backgroundColor: theme.yellow,
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
      labels: c.languages.map((l) => `${l.language} (${l.shown} shown)`),
      datasets: [
        {
          label: 'accepted fully or in part',
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
      datasets: [{ label: 'completions', data: [...counts], backgroundColor: labels.map((_, i) => color(i)) }],
    },
    options: {
      scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
      plugins: { legend: { display: false } },
    },
  };
}
