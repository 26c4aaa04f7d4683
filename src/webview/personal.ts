import type { PersonalSection } from '../core/dashboard/dashboardData';
import type { ChartConfiguration } from 'chart.js';
import type { ChartBoard, Theme } from './charts';
import { button, card, el, empty, figure, fmt } from './dom';

export interface PersonalActions {
  readonly pause: () => void;
  readonly resume: () => void;
  readonly train: () => void;
  readonly measure: () => void;
}

/** What Ondi learned from this workspace, whether it helps, and the switch for learning. */
export function personalCard(
  p: PersonalSection,
  charts: ChartBoard,
  theme: Theme,
  act: PersonalActions,
  busy: string | undefined,
): HTMLElement {
  if (!p.hasWorkspace) {
    return card('Personalization', 'personal', empty('No folder is open: Ondi learns the code of the open workspace.'));
  }
  const controls = el(
    'div',
    { class: 'actions' },
    p.state === 'paused'
      ? button('Resume learning', act.resume, { 'data-action': 'resume' })
      : p.state !== 'off' && button('Pause learning', act.pause, { 'data-action': 'pause' }),
    p.state !== 'training' && button('Train now', act.train, { class: 'secondary', 'data-action': 'train' }),
  );
  const state = el('p', { class: `state learning-${p.state}` }, `Learning: ${p.stateText}.`);
  const problem = p.problem && el('p', { class: 'problem' }, p.problem);
  const learned = p.learned;
  const top = [state, controls, problem] as const;
  if (!learned) {
    return card(
      'Personalization',
      'personal',
      ...top,
      empty(
        'Ondi has not learned from this workspace yet. It learns when the editor has been idle for a while, or now with "Train now".',
      ),
    );
  }
  const lift = p.lift;
  return card(
    'Personalization',
    'personal',
    ...top,
    el(
      'div',
      { class: 'figures' },
      figure(fmt.int(learned.tokens), 'tokens learned', 'tokens'),
      figure(fmt.int(learned.files), 'files', 'files'),
      figure(fmt.int(learned.recentEdits), 'recent edits', 'recentEdits'),
      figure(learned.trainedAt ? fmt.ago(learned.trainedAt) : 'unknown', 'last training', 'trained'),
    ),
    el('h3', {}, 'Measured on your recent files it did not learn'),
    lift
      ? el(
          'div',
          {},
          charts.chart(
            'lift',
            'Exact match and edit similarity of the base model and with what Ondi learned',
            liftChart(lift, theme),
            150,
          ),
          el(
            'p',
            { class: 'note' },
            `Lift: ${points(lift.adapted.em - lift.base.em)} exact match, ${points(lift.adapted.es - lift.base.es)} edit similarity on ${lift.cases} lines ` +
              `from files the personal model did not learn (${lift.files.join(', ')})` +
              `. Measured ${fmt.ago(lift.measuredAt)}.`,
          ),
        )
      : empty('Not measured for this personal model yet.'),
    el(
      'div',
      { class: 'actions' },
      button(busy ?? (lift ? 'Measure again' : 'Measure on my recent edits'), act.measure, {
        class: 'secondary',
        'data-action': 'measure',
        ...(busy ? { disabled: '' } : {}),
      }),
    ),
    el(
      'p',
      { class: 'note' },
      `A rank-${learned.rank} adapter, a cache, nearest neighbours and snippets of your code, ${learned.seconds > 0 ? `trained in ${learned.seconds} s` : 'trained elsewhere'}` +
        (learned.trainedAt ? ` on ${fmt.when(learned.trainedAt)}` : '') +
        (learned.redactions > 0 ? `; ${fmt.int(learned.redactions)} secret-looking strings were replaced first` : '') +
        '.',
    ),
  );
}

function points(x: number): string {
  return `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(1)} points`;
}

function liftChart(lift: NonNullable<PersonalSection['lift']>, theme: Theme): ChartConfiguration<'bar'> {
  return {
    type: 'bar',
    data: {
      labels: ['exact match', 'edit similarity'],
      datasets: [
        { label: 'base model', data: [lift.base.em, lift.base.es], backgroundColor: theme.muted },
        { label: 'with what Ondi learned', data: [lift.adapted.em, lift.adapted.es], backgroundColor: theme.green },
      ],
    },
    options: { indexAxis: 'y', scales: { x: { min: 0, max: 100, ticks: { callback: (v) => `${v}%` } } } },
  };
}
