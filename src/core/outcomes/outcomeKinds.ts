/**
 * What is counted of Ondi's completions. `shown` counts every suggestion handed to the editor
 * (each display); `cached` counts the ones of those served from the suggestion cache instead of
 * a model call. Tab, word and line count accept actions (VS Code's accept, accept-next-word and
 * accept-next-line); `typedAlong` counts suggestions the user typed some of by hand; `dismissed`
 * counts suggestions that went away with nothing of them taken.
 */
export type OutcomeKind = 'shown' | 'cached' | 'tab' | 'word' | 'line' | 'typedAlong' | 'dismissed';

export const OUTCOME_KINDS: readonly OutcomeKind[] = [
  'shown',
  'cached',
  'tab',
  'word',
  'line',
  'typedAlong',
  'dismissed',
];

export type OutcomeCounts = Record<OutcomeKind, number>;

/** How the user took ghost text: Tab, or VS Code's accept-next-word / accept-next-line. */
export type AcceptKind = 'tab' | 'word' | 'line';

export const ACCEPT_KINDS: readonly AcceptKind[] = ['tab', 'word', 'line'];

export function zeroCounts(): OutcomeCounts {
  return { shown: 0, cached: 0, tab: 0, word: 0, line: 0, typedAlong: 0, dismissed: 0 };
}
