import type { ModelSection, ModelStage, StageMetric } from '../core/dashboard/dashboardData';
import type { ChartConfiguration } from 'chart.js';
import type { ChartBoard, Theme } from './charts';
import { card, el, empty, fmt } from './dom';

interface Row {
  readonly metric: StageMetric;
  readonly label: string;
  readonly format: (n: number) => string;
  /** Shown in the "against dense" chart. */
  readonly chart?: string;
}

const ROWS: readonly Row[] = [
  { metric: 'params', label: 'Parameters', format: fmt.params, chart: 'Parameters' },
  { metric: 'nonEmbeddingParams', label: 'Non-embedding parameters', format: fmt.params },
  { metric: 'fileMb', label: 'ONNX file', format: (n) => `${n.toFixed(1)} MB`, chart: 'File size' },
  { metric: 'bpb', label: 'Held-out bits per byte (lower is better)', format: (n) => n.toFixed(3) },
  { metric: 'em', label: 'Line completion exact match', format: (n) => `${n.toFixed(1)}%`, chart: 'Exact match' },
  {
    metric: 'es',
    label: 'Line completion edit similarity',
    format: (n) => `${n.toFixed(1)}%`,
    chart: 'Edit similarity',
  },
  {
    metric: 'p50Ms',
    label: 'Latency p50 (one cold completion)',
    format: (n) => `${Math.round(n)} ms`,
    chart: 'Latency p50',
  },
  { metric: 'p95Ms', label: 'Latency p95', format: (n) => `${Math.round(n)} ms` },
];

/** Which model runs, and how it got small: every stage of models/report.json side by side. */
export function modelCard(m: ModelSection, charts: ChartBoard, theme: Theme): HTMLElement {
  const r = m.running;
  const facts = r
    ? el(
        'ul',
        { class: 'chips' },
        el('li', {}, el('strong', {}, r.stage)),
        el(
          'li',
          {},
          `${fmt.params(r.params)} parameters${r.nonEmbeddingParams !== undefined ? ` (${fmt.params(r.nonEmbeddingParams)} outside the embedding)` : ''}`,
        ),
        r.fileBytes !== undefined && el('li', {}, `${fmt.bytes(r.fileBytes)} on disk (int8 ONNX)`),
        el('li', {}, `${r.layers} layers, width ${r.hiddenSize}`),
        el('li', {}, `${fmt.int(r.vocabSize)}-token vocabulary`),
      )
    : empty('The model folder could not be read.');
  const stages = m.stages;
  return card(
    'Model',
    'model',
    el('p', { class: `state state-${m.state}` }, m.stateText),
    facts,
    stages.length === 0
      ? empty(m.reportProblem ?? 'No model report.')
      : el(
          'div',
          { class: 'split' },
          el(
            'div',
            {},
            el('h3', {}, 'Each stage against the dense model (= 100%)'),
            charts.chart(
              'stages',
              'Each compression stage as a percentage of the dense model',
              stageChart(stages, theme),
              220,
            ),
          ),
          el('div', {}, stageTable(stages)),
        ),
    stages.length > 0 &&
      el(
        'p',
        { class: 'note' },
        `From models/report.json: measured by the model recipe on held-out packages${m.samples ? ` (${m.samples} lines)` : ''}.` +
          (m.lookup
            ? ` An in-file lookup baseline scores ${m.lookup.em.toFixed(1)}% exact match and ${m.lookup.es.toFixed(1)}% edit similarity on the same lines.`
            : ''),
      ),
  );
}

function stageTable(stages: readonly ModelStage[]): HTMLTableElement {
  const head = el(
    'tr',
    {},
    el('th', {}, ''),
    ...stages.map((s) =>
      el(
        'th',
        { scope: 'col', class: s.running ? 'running' : '' },
        s.stage,
        s.running && el('span', { class: 'badge' }, 'running'),
      ),
    ),
  );
  const rows = ROWS.filter((row) => stages.some((s) => s.values[row.metric] !== undefined)).map((row) =>
    el(
      'tr',
      {},
      el('th', { scope: 'row' }, row.label),
      ...stages.map((s) => {
        const value = s.values[row.metric];
        const change = s.change[row.metric];
        return el(
          'td',
          { class: s.running ? 'running' : '' },
          value === undefined ? '–' : row.format(value),
          change !== undefined && el('span', { class: 'change' }, fmt.change(change)),
        );
      }),
    ),
  );
  return el('table', { class: 'stages' }, el('thead', {}, head), el('tbody', {}, ...rows));
}

function stageChart(stages: readonly ModelStage[], theme: Theme): ChartConfiguration<'bar'> {
  const rows = ROWS.filter((row) => row.chart && stages[0]?.values[row.metric] !== undefined);
  const colors = [theme.muted, theme.blue, theme.green, theme.purple, theme.orange];
  return {
    type: 'bar',
    data: {
      labels: rows.map((row) => row.chart ?? row.label),
      datasets: stages.map((s, i) => ({
        label: s.stage,
        data: rows.map((row) => {
          const base = stages[0]?.values[row.metric];
          const value = s.values[row.metric];
          return base && value !== undefined ? (100 * value) / base : null;
        }),
        backgroundColor: colors[i % colors.length],
      })),
    },
    options: {
      scales: { y: { beginAtZero: true, ticks: { callback: (v) => `${v}%` } } },
      plugins: {
        tooltip: { callbacks: { label: (c) => `${c.dataset.label ?? ''}: ${(c.parsed.y ?? 0).toFixed(1)}% of dense` } },
      },
    },
  };
}
