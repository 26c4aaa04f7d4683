import type { NextSection } from '../core/dashboard/dashboardData';
import { button, card, el, empty, figure, fmt, withCode } from './dom';

/** How the next-step suggestions fared, and the habits behind them, each deletable. */
export function nextStepsCard(n: NextSection, deleteHabit: (trigger: string, next: string) => void): HTMLElement {
  if (!n.available)
    return card(
      'Next steps',
      'next',
      empty('No next-step history for this window yet (it needs an open folder, and loads in the background).'),
    );
  const t = n.tally;
  return card(
    'Next steps',
    'next',
    t.guesses === 0
      ? empty('No suggestion has been put to the test yet: Ondi counts what you do after it suggests a step.')
      : el(
          'div',
          { class: 'figures' },
          figure(`${fmt.int(t.taken)} of ${fmt.int(t.shown)}`, 'shown suggestions taken', 'taken'),
          figure(fmt.percent(n.takenRate), 'taken rate', 'takenRate'),
          figure(`${fmt.int(t.right)} of ${fmt.int(t.guesses)}`, 'steps Ondi guessed first', 'right'),
        ),
    el(
      'p',
      { class: 'note' },
      `Learned from ${fmt.int(n.events)} recorded steps in this workspace and ${fmt.int(n.commits)} commits.`,
    ),
    el('h3', {}, 'Habits Ondi learned'),
    n.habits.length === 0
      ? empty('No habit yet: a step that follows another at least twice becomes one.')
      : el(
          'ul',
          { class: 'habits' },
          ...n.habits.map((h) =>
            el(
              'li',
              {},
              withCode(h.text),
              button('Delete', () => deleteHabit(h.trigger, h.next), {
                class: 'link',
                'aria-label': `Delete the habit: ${h.text}`,
                title: 'Forget this habit',
              }),
            ),
          ),
        ),
  );
}
